"""Enforce page visibility when a page is served, and page visibility on its documents."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from wagtail import hooks

from portal.community.lookups import LoginRequired
from portal.home.visibility import may_view_document, may_view_page


@hooks.register("before_serve_page")
def check_page_visibility(page, request, serve_args, serve_kwargs):
    specific = page.specific
    request.current_estate = getattr(specific, "page_estate", None)
    if may_view_page(request.user, specific):
        return None
    if not request.user.is_authenticated:
        raise LoginRequired
    raise PermissionDenied


@hooks.register("before_serve_document")
def check_document_visibility(document, request):
    """Serve a document only to whoever may open a live page that uses it (ids are
    sequential: the address is no secret)."""
    if may_view_document(request.user, document):
        return None
    if not request.user.is_authenticated:
        raise LoginRequired
    raise PermissionDenied

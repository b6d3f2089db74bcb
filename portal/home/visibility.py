"""Serving-time and listing-time visibility of pages, through the one permissions module."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from modelcluster.fields import ParentalKey
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex

from portal.community import permissions
from portal.community.choices import Visibility


def page_visibility(page: Any) -> str:
    return getattr(page, "visibility", Visibility.PUBLIC)


def may_view_page(user: Any, page: Any) -> bool:
    """Return whether the user may open the page (its own visibility and its ancestors')."""
    page = page.specific
    estate = getattr(page, "page_estate", None)
    if not permissions.may_view(user, estate, page_visibility(page)):
        return False
    # A page inside a members-only estate page inherits that restriction.
    if estate is not None and hasattr(estate, "page") and page.pk != estate.page.pk:
        return permissions.may_view(user, estate, estate.page.visibility)
    return True


def may_view_live_page(user: Any, page: Any) -> bool:
    """Return whether the page is published and the user may open it on the site.

    The test for anything that copies a page's title or files elsewhere (a thread naming
    it, a document served from it): a draft is never shown, even to its editors, outside
    the admin.
    """
    return bool(page.live) and may_view_page(user, page)


def filter_visible_pages(pages: QuerySet | list, user: Any, estate: Any) -> list:
    """Return the pages of one estate that the user may open, keeping their order."""
    allowed = {value for value in Visibility.values if permissions.may_view(user, estate, value)}
    return [page for page in pages if page_visibility(page) in allowed]


# --- documents -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _document_many_to_many() -> tuple[tuple[Any, str, str], ...]:
    """Return (model, document field, page path) for each many-to-many field to documents.

    Wagtail's reference index records a page's foreign keys, body blocks and rich-text
    links (its own and its children's), but not many-to-many fields such as a motion's
    papers; those are read from their tables. The page path is "pk" on a page model, or
    the ParentalKey's column on a page's child.
    """
    document_model = get_document_model()
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not (field.many_to_many and not field.auto_created):
                continue
            if field.related_model is not document_model:
                continue
            if issubclass(model, Page):
                found.append((model, field.name, "pk"))
                continue
            parents = [
                f
                for f in model._meta.get_fields()
                if isinstance(f, ParentalKey) and issubclass(f.related_model, Page)
            ]
            if parents:
                found.append((model, field.name, parents[0].attname))
    return tuple(found)


def pages_using_document(document: Any) -> list[Any]:
    """Return the (specific) pages that offer the document: attachments, body blocks,
    rich-text links and many-to-many fields, on the pages or on their children."""
    page_type = ContentType.objects.get_for_model(Page)
    ids = {
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(document)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    }
    for model, field, page_path in _document_many_to_many():
        ids.update(model.objects.filter(**{field: document}).values_list(page_path, flat=True))
    return list(Page.objects.filter(pk__in=ids).specific())


def may_view_document(user: Any, document: Any) -> bool:
    """Return whether the user may download the document.

    A document is served to whoever may open one of the live pages that use it; the
    editors of a using page's estate also get it from drafts (the admin's previews), and
    its uploader always. A document no page uses yet is the uploader's alone.
    """
    if permissions.is_site_admin(user):
        return True
    if permissions.is_authenticated(user) and document.uploaded_by_user_id == user.pk:
        return True
    for page in pages_using_document(document):
        if may_view_live_page(user, page):
            return True
        estate = getattr(page, "page_estate", None)
        if estate is not None and permissions.may(user, "edit_content", estate):
            return True
    return False

"""Generic references to other content: a thread, a notice, an assembly, a meeting decision.

Agenda items and action items store a content type and an object id; this module turns an
object into a label and a URL, and a URL pasted by a person back into an object. It is
pluggable, so a model written elsewhere (deliberation.Thread) is linked by registering it:

    from deliberation.oversight import references
    references.register_url("deliberation:thread_detail", "deliberation.thread", kwarg="pk")
    references.register("deliberation.thread", lambda t: references.Reference(t.title, t.get_absolute_url(), "议题"))

Without a registered resolver, a Wagtail page gives its title and URL, and any other model
its str() and get_absolute_url().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from portal.home.visibility import may_view_page


@dataclass(frozen=True)
class Reference:
    label: str
    url: str
    kind: str = ""


_RESOLVERS: dict[str, Callable[[Any], Reference]] = {}
# Models whose label follows the object's state (moderation): never stored, see label_to_keep.
_LABEL_NOT_KEPT: set[str] = set()
# Django URL name → (model label, URL keyword holding the primary key).
_URL_NAMES: dict[str, tuple[str, str]] = {}


def register(
    model_label: str, resolver: Callable[[Any], Reference], *, keep_label: bool = True
) -> None:
    """Describe objects of this model (label "app_label.modelname") with the resolver.

    With keep_label=False the label is read from the object each time and never stored
    (label_to_keep gives the kind instead): for a label that moderation may withdraw.
    """
    _RESOLVERS[model_label.lower()] = resolver
    if keep_label:
        _LABEL_NOT_KEPT.discard(model_label.lower())
    else:
        _LABEL_NOT_KEPT.add(model_label.lower())


def register_url(view_name: str, model_label: str, *, kwarg: str = "pk") -> None:
    """Let a pasted URL of this view name stand for the object whose pk is in `kwarg`."""
    _URL_NAMES[view_name] = (model_label.lower(), kwarg)


def register_defaults() -> None:
    register_url("oversight:meeting_detail", "oversight.jointmeeting", kwarg="pk")
    register_url("oversight:item_detail", "oversight.actionitem", kwarg="pk")
    # The deliberation app's thread page, once it exists (ignored while it does not).
    register_url("deliberation:thread_detail", "deliberation.thread", kwarg="pk")


def describe(obj: Any) -> Reference | None:
    """Return the object's label and URL (None for no object)."""
    if obj is None:
        return None
    from wagtail.models import Page

    resolver = _RESOLVERS.get(obj._meta.label_lower)
    if resolver is not None:
        return resolver(obj)
    if isinstance(obj, Page):
        page = obj.specific
        return Reference(page.title, page.url or "", str(page.specific_class._meta.verbose_name))
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    return Reference(str(obj), url, str(obj._meta.verbose_name))


def label_to_keep(obj: Any) -> str:
    """Return what a reference may store of the object's name, shown if it is removed later:
    its label, or only its kind for a model registered with keep_label=False."""
    described = describe(obj)
    if described is None:
        return ""
    if obj._meta.label_lower in _LABEL_NOT_KEPT:
        return described.kind
    return described.label


def describe_for(obj: Any, user: Any) -> Reference | None:
    """Return describe(obj), hiding the title of a page this reader may not open."""
    from wagtail.models import Page

    if isinstance(obj, Page) and not may_view_page(user, obj):
        return Reference(_("（您无权查看的页面）"), "", str(obj.specific_class._meta.verbose_name))
    return describe(obj)


def estate_of(obj: Any) -> Any:
    """Return the estate an object belongs to (a page's estate, or its `estate`)."""
    if hasattr(obj, "specific") and hasattr(obj, "url_path"):
        return getattr(obj.specific, "page_estate", None)
    return getattr(obj, "estate", None)


def validate_link(url: str) -> str:
    """Return the URL if it is site-relative or http(s); refuse anything else in Chinese."""
    url = (url or "").strip()
    if not url:
        return ""
    if url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc in _own_hosts():
        return url
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationError(
            _("链接须为本站地址（以 / 开头）或 http(s) 网址。"), code="bad_link"
        ) from exc
    return url


def from_url(url: str, *, estate: Any) -> models.Model | None:
    """Return the object a site URL shows (a registered view or a Wagtail page), or None.

    Refuse (ValidationError) an object of another estate.
    """
    url = validate_link(url)
    parts = urlsplit(url)
    if not url or (parts.netloc and parts.netloc not in _own_hosts()):
        return None
    path = unquote(parts.path or "/")  # page URLs percent-encode Chinese slugs
    obj = _from_view(path) or _from_page(path)
    if obj is not None:
        owner = estate_of(obj)
        if owner is None or owner.pk != estate.pk:
            raise ValidationError(_("只能关联本小区的内容。"), code="other_estate")
    return obj


def _own_hosts() -> set[str]:
    """Return the host names this site answers to (its base URL and allowed hosts)."""
    from django.conf import settings

    hosts = {h for h in settings.ALLOWED_HOSTS if h and "*" not in h and not h.startswith(".")}
    base = urlsplit(getattr(settings, "WAGTAILADMIN_BASE_URL", ""))
    if base.netloc:
        hosts.add(base.netloc)
    return hosts


def _from_view(path: str) -> models.Model | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    target = _URL_NAMES.get(match.view_name)
    if target is None:
        return None
    label, kwarg = target
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    pk = match.kwargs.get(kwarg)
    return model._default_manager.filter(pk=pk).first() if pk is not None else None


def _from_page(path: str) -> models.Model | None:
    from wagtail.models import Page, Site

    for _site_id, root_path, _root_url, _language in Site.get_site_root_paths():
        page = Page.objects.filter(url_path=root_path + path.lstrip("/")).first()
        if page is not None:
            return page.specific
    return None

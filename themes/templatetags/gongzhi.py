"""Template tags shared by every app."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BaseForm
from django.utils.translation import gettext, gettext_lazy

from portal.community import legal, permissions
from portal.community.masking import mask_name, mask_phone, name_shown_to
from portal.home.navigation import estate_links
from portal.home.visibility import may_view_live_page

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action: str, obj: Any = None) -> bool:
    """{% may "edit_content" estate as can_edit %}, {% may "edit_post" post as can_edit %}:
    ask the one permissions module about an estate or an object (the only decision a
    template makes about who may do what)."""
    return permissions.may(context["request"].user, action, obj)


@register.filter
def masked_name(value: str) -> str:
    return mask_name(value or "")


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value or "")


@register.filter
def name_for(person, viewer) -> str:
    """{{ post.author|name_for:request.user }}: one's own name in full, others' masked."""
    return name_shown_to(person, viewer)


TITLE_SEPARATOR = " · "


@register.filter(is_safe=True)
def site_title(value: str) -> str:
    """Return a page's <title> ending in the site's name once: "阳光街道 · 共治".

    Parts are joined with " · ". An editor's title that already names the site ("阳光街道 · 共治"),
    an empty part (a page without a title of its own) or a part repeated at once (锦绣花园 ·
    锦绣花园) would otherwise show in the browser tab and in search results twice.
    """
    site = gettext("共治")
    parts: list[str] = []
    for part in str(value).split("·"):
        part = " ".join(part.split())
        if part and part not in {site, "共治"} and (not parts or parts[-1] != part):
            parts.append(part)
    return TITLE_SEPARATOR.join([*parts, site])


# The estate navigation's links to section indexes, in the order they are shown; the links
# to the estate's other areas (议事, 督办, …) sit between them in the template.
NAV_SECTIONS_BEFORE = ("noticeindexpage", "consultationindexpage", "assemblyindexpage")
NAV_SECTIONS_AFTER = ("knowledgeindexpage",)
NAV_LABELS = {
    "noticeindexpage": gettext_lazy("公告"),
    "consultationindexpage": gettext_lazy("征求意见"),
    "assemblyindexpage": gettext_lazy("业主大会"),
    "knowledgeindexpage": gettext_lazy("知识库"),
}


def _nav_link(sections, kind: str, path: str) -> dict[str, Any] | None:
    link = sections.get(kind)
    if link is None:
        return None
    return {
        "label": NAV_LABELS[kind],
        "url": link.url,
        "current": bool(link.url) and link.url in path,
    }


@register.inclusion_tag("includes/estate_nav.html", takes_context=True)
def estate_nav(context, estate):
    """The estate navigation: 公告 · 征求意见 · 业主大会 · 议事 · 知识库.

    The addresses come from portal.home.navigation (cached until the page tree changes), so
    drawing it reads no page.
    """
    request = context["request"]
    links = estate_links(estate) if estate else None
    sections = links.sections if links else {}
    path = request.path
    return {
        "estate": estate,
        "home_url": links.home_url if links else "",
        "before": [x for k in NAV_SECTIONS_BEFORE if (x := _nav_link(sections, k, path))],
        "after": [x for k in NAV_SECTIONS_AFTER if (x := _nav_link(sections, k, path))],
        "current_path": path,
    }


@register.simple_tag
def legal_bound(key: str, end: str = "legal") -> int | None:
    """{% legal_bound "response_hours" as hours %}: a number from portal/community/legal.py.

    ``end`` is "legal" (the number the law fixes), "min" or "max"; templates never write
    the law's numbers themselves.
    """
    bound = next(b for b in legal.ALL_BOUNDS if b.key == key)
    if end == "min":
        return bound.minimum
    if end == "max":
        return bound.maximum
    return bound.legal_value


def _field_anchor(field) -> str:
    """Return the id a summary link should move to: the input, or a group's first option."""
    if field.use_fieldset:
        # Radios, checkboxes and split inputs: link to the group's first input (GOV.UK).
        return f"{field.auto_id}_0" if field.auto_id else ""
    return field.id_for_label or field.auto_id or ""


def summary_items(*sources: Any) -> list[tuple[str, str]]:
    """Return (anchor id, message) pairs from forms and from (anchor, message) pairs.

    A bound Django form gives one item per error, its non-field errors first (anchor "",
    shown as plain text). Any other iterable is taken as (anchor, message) pairs already.
    """
    items: list[tuple[str, str]] = []
    for source in sources:
        if not source:
            continue
        if isinstance(source, BaseForm):
            items += [("", str(message)) for message in source.non_field_errors()]
            for field in source:
                items += [(_field_anchor(field), str(message)) for message in field.errors]
        else:
            items += [(anchor or "", str(message)) for anchor, message in source]
    return items


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*sources: Any) -> dict[str, Any]:
    """{% error_summary form other_form %}: one error summary at the top of a form's page.

    Each item links to its field's id; the static forms.js moves focus to the summary on
    load, so a person on a phone sees what went wrong without hunting for it.
    """
    return {"items": summary_items(*sources)}


SHARE_DESCRIPTION_MAX = 120


@register.inclusion_tag("includes/share_card.html", takes_context=True)
def share_card(context) -> dict[str, Any]:
    """The Open Graph tags a chat app reads to draw a shared link's card.

    A page the reader may open gives its title, its search description (or summary) and
    its address; a page the reader may not open (a members-only notice fetched by a chat
    app's crawler, which is anonymous) gives the site's name and nothing of its content.
    """
    from django.templatetags.static import static

    request = context.get("request")
    site = gettext("共治")
    card: dict[str, Any] = {"site_name": site, "title": site, "description": "", "url": ""}
    if request is None:
        return card
    card["image"] = request.build_absolute_uri(static("img/share-card.png"))
    card["url"] = request.build_absolute_uri(request.path)
    page = context.get("page")
    if page is None or not hasattr(page, "get_url_parts"):
        card["description"] = gettext("小区公告、征求意见、业主大会与议事，一处办理。")
        return card
    if not may_view_live_page(request.user, page):
        return card
    specific = page.specific
    description = (
        getattr(specific, "search_description", "") or getattr(specific, "summary", "") or ""
    )
    card.update(
        title=getattr(specific, "seo_title", "") or specific.title,
        description=" ".join(str(description).split())[:SHARE_DESCRIPTION_MAX],
        url=specific.get_full_url(request) or card["url"],
        type="article",
    )
    return card

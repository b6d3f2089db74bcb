"""Template tags shared by every app."""

from __future__ import annotations

from django import template

from portal.community import legal, permissions
from portal.community.masking import mask_name, mask_phone

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action: str, estate) -> bool:
    """{% may "edit_content" estate as can_edit %}: ask the one permissions module."""
    return permissions.may(context["request"].user, action, estate)


@register.filter
def masked_name(value: str) -> str:
    return mask_name(value or "")


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value or "")


@register.inclusion_tag("includes/estate_nav.html", takes_context=True)
def estate_nav(context, estate):
    """The estate navigation: 公告 · 征求意见 · 业主大会 · 议事 · 知识库."""
    page = getattr(estate, "page", None) if estate else None
    sections = page.section_pages if page else {}
    request = context["request"]
    return {
        "estate": estate,
        "estate_page": page,
        "sections": sections,
        "request": request,
        "current_path": request.path,
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

"""Template tags shared by every app."""

from __future__ import annotations

from django import template

from portal.community import permissions
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

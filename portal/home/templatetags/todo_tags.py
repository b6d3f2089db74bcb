"""`{% todo_list estate %}`: what waits for the signed-in member (portal.home.todo)."""

from __future__ import annotations

from django import template

from portal.home.todo import todos_for

register = template.Library()


@register.inclusion_tag("includes/todo_list.html", takes_context=True)
def todo_list(context, estate=None):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"todos": todos_for(user, estate) if user is not None else [], "estate": estate}

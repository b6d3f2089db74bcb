"""The one way to write to the audit log.

An event names its object (`object_repr`). Members' words are moderated, so content whose
name is a member's words (a thread's title, a proposal's) registers how to name it as it
stands (`register_label(Model, label)`, from the owning app's ready()): the log then stores
no words of it, and the audit screens show its current label, placeholder and all, to staff
who may not read it withheld (the property company, officials).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import models

from portal.community.models import AuditEvent, Estate

Label = Callable[[Any], str]
_labels: dict[str, Label] = {}


def register_label(model: type[models.Model], label: Label) -> None:
    """Name objects of the model by `label(obj)` (as readers may see it), never by its words."""
    _labels[model._meta.label_lower] = label


def _stored_name(obj: models.Model) -> str:
    if obj._meta.label_lower in _labels:
        return f"{obj._meta.verbose_name} #{obj.pk}"
    return str(obj)[:200]


def object_label(event: AuditEvent) -> str:
    """Return how the audit screens name the event's object now."""
    label = _labels.get(event.object_type)
    if label is None:
        return event.object_repr
    try:
        model = apps.get_model(event.object_type)
    except LookupError:
        return event.object_repr
    obj = model._default_manager.filter(pk=event.object_id).first()
    if obj is None:
        return f"{model._meta.verbose_name} #{event.object_id}"
    return label(obj)[:200]


def record(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    estate: Estate | None = None,
    **details: Any,
) -> AuditEvent:
    """Append one event: who (None for the system), what, to which object, with details."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if estate is None and obj is not None:
        estate = getattr(obj, "estate", None) if not isinstance(obj, Estate) else obj
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        estate=estate if isinstance(estate, Estate) else None,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=_stored_name(obj) if obj is not None else "",
        details=details,
    )

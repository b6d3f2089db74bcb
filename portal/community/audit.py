"""The one way to write to the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models

from portal.community.models import AuditEvent, Estate


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
        object_repr=str(obj)[:200] if obj is not None else "",
        details=details,
    )

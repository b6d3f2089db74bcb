"""What other apps call: re-index an object whose searchable state changed without a save.

Saves, publishing, unpublishing, moves and deletes of registered models are caught by
signals; a state change written with a queryset update (an assembly being announced) calls
`reindex(obj)` from its action instead.
"""

from __future__ import annotations

from django.db import models

from search.signals import schedule_index


def reindex(obj: models.Model) -> None:
    """Index the object (and its dependants) again after the current transaction commits."""
    schedule_index(obj)

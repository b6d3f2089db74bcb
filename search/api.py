"""What other apps call: re-index an object whose searchable state changed without a save.

Saves, publishing, unpublishing, moves and deletes of registered models are caught by
signals; a state change written with a queryset update (an assembly being announced) calls
`reindex(obj)` from its action instead. A change that must leave the results with the
change itself (a post hidden by a moderator) calls `reindex_now(obj)`.
"""

from __future__ import annotations

from django.db import models

from search import index
from search.signals import schedule_index


def reindex(obj: models.Model) -> None:
    """Index the object (and its dependants) again after the current transaction commits."""
    schedule_index(obj)


def reindex_now(obj: models.Model) -> None:
    """Rewrite the object's index rows (and its dependants') in the current transaction.

    What the object no longer shows leaves the results together with the change that
    withdrew it: the rows hold every title and snippet a result shows, and the database
    backend searches them directly. An external backend (Elasticsearch) follows after
    commit, through the same task as any save, so a failing backend cannot undo the change.
    """
    index.index_instance(obj, mirror=False)
    schedule_index(obj)

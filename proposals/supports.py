"""Read supports for pages that list many objects: counts and the reader's own, in two queries."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Count

from proposals.models import Support


def support_counts(target: str, ids: Sequence[int]) -> dict[int, int]:
    """Return {object id: supports} for many objects in one query."""
    if not ids:
        return {}
    return dict(
        Support.objects.filter(target=target, object_id__in=list(ids))
        .values("object_id")
        .annotate(n=Count("pk"))
        .values_list("object_id", "n")
    )


def supported_by(target: str, ids: Sequence[int], user: Any) -> set[int]:
    """Return the ids among `ids` the user has supported."""
    if not ids or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Support.objects.filter(target=target, object_id__in=list(ids), user=user).values_list(
            "object_id", flat=True
        )
    )


def annotate(
    target: str, objects: Sequence[Any], user: Any, *, is_own: Callable[[Any], bool]
) -> None:
    """Set `support_count`, `supported_by_me` and `support_own` on each object (two queries)."""
    ids = [obj.pk for obj in objects]
    counts = support_counts(target, ids)
    mine = supported_by(target, ids, user)
    for obj in objects:
        obj.support_count = counts.get(obj.pk, 0)
        obj.supported_by_me = obj.pk in mine
        obj.support_own = is_own(obj)

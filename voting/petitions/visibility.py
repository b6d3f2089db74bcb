"""Can a petition's words be shown? The one answer for every copy of its title and texts.

A moderator may hide a petition's title, matters, reason and draft motions with a reason
from the posts' list (voting.petitions.actions.moderation). The petition is the legal
record of the owners' initiative and is never rewritten: the hiding is its own append-only
history (PetitionModeration), its latest row the state.

Hiding withholds words, never the legal act: signatures, the counts, the thresholds, the
committee's deadline and the escalation all stand. While hidden, every copy shows the
placeholder when it is read or sent: the list and the page (the text, marked, only to
`may(user, "read_withheld_petition", petition)`: its initiator and the moderators), the
notifications (voting.petitions.notification_subjects), the dashboard's drill-down and
alerts; the to-do list leaves it out, and it takes no new online signature (nobody signs
words they cannot read; paper signatures already given are still entered).
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from deliberation.choices import ReportReason
from voting.petitions.models import PetitionModeration


def hiding(petition: Any) -> Any | None:
    """Return the moderation row in force if the petition is hidden, else None.

    Reads the prefetched `moderations` (PetitionQuerySet.with_moderation) when there."""
    rows = list(petition.moderations.all())
    latest = max(rows, key=lambda row: (row.at, row.pk)) if rows else None
    return latest if latest is not None and latest.hidden else None


def is_shown(petition: Any) -> bool:
    """Return whether the petition's title and texts may be shown and copied anywhere."""
    return hiding(petition) is None


def shown_petitions(petitions: QuerySet) -> QuerySet:
    """Narrow a Petition queryset to those whose words may be shown (the same rule, in SQL)."""
    latest = PetitionModeration.objects.filter(petition=OuterRef("pk")).order_by("-at", "-pk")
    # Never moderated: no row (NULL), which `exclude(hidden=True)` would drop in SQL.
    return petitions.annotate(last_hidden=Subquery(latest.values("hidden")[:1])).filter(
        Q(last_hidden__isnull=True) | Q(last_hidden=False)
    )


def withheld_line(petition: Any) -> str:
    """Return the placeholder of a hidden petition (and why), or "" while it is shown."""
    row = hiding(petition)
    if row is None:
        return ""
    return _("该提议的文字已被隐藏（%(reason)s）；签名和法定比例不受影响") % {
        "reason": ReportReason(row.reason).label
    }


def shown_title(petition: Any) -> str:
    """Return the petition's title, or a placeholder without its words while it is hidden."""
    return petition.title if is_shown(petition) else _("（该提议的文字已被隐藏）")

"""A petition's words hidden by a moderator, or shown again: its own append-only history.

As posts and proposals are moderated: whoever may moderate the estate's discussion hides
with a reason from the same list; the initiator is told through a notification that refers
to the petition (so the inbox shows its state as it stands, never a copy of its words);
every act is audited. The petition itself is never changed, and nothing legal moves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.choices import ReportReason
from portal.community import audit, permissions
from voting.petitions import visibility
from voting.petitions.actions.common import lock_petition, notify_about
from voting.petitions.models import Petition, PetitionModeration


def _require_moderator(actor: Any, petition: Petition) -> None:
    if not permissions.may(actor, "moderate_petition", petition):
        raise PermissionDenied(_("临时会议提议只能由社区居委会或街道处理。"))


def _first_row_of(hiding: PetitionModeration) -> PetitionModeration:
    """Return the row that started the hiding in force (rows since the last restore)."""
    shown_since = (
        PetitionModeration.objects.filter(petition_id=hiding.petition_id, hidden=False)
        .order_by("-at", "-pk")
        .first()
    )
    rows = PetitionModeration.objects.filter(petition_id=hiding.petition_id, hidden=True)
    if shown_since is not None:
        rows = rows.filter(Q(at__gt=shown_since.at) | Q(at=shown_since.at, pk__gt=shown_since.pk))
    return rows.order_by("at", "pk").first() or hiding


@transaction.atomic
def hide_petition(
    petition: Petition, *, actor: Any, reason: str, now: datetime | None = None
) -> PetitionModeration:
    """Hide a petition's title and texts with a reason (or change the reason in force).

    Signatures, counts, thresholds and the committee's deadline are untouched: hiding
    words does not cancel a legal act.
    """
    petition = lock_petition(petition)
    _require_moderator(actor, petition)
    if reason not in ReportReason.values:
        raise ValidationError({"reason": _("请选择隐藏原因。")})
    in_force = visibility.hiding(petition)
    continuing = in_force is not None
    row = PetitionModeration.objects.create(
        petition=petition, hidden=True, reason=reason, actor=actor, at=now or timezone.now()
    )
    audit.record(
        "petition.hidden",
        actor=actor,
        obj=petition,
        estate=petition.estate,
        reason=reason,
        continued=continuing,
    )
    notify_about(
        [petition.opened_by],
        title=_("您发起的临时会议提议的文字已被社区隐藏"),
        body=_("签名和法定比例不受影响。如有异议，请联系社区居委会。"),
        url=petition.get_absolute_url(),
        estate=petition.estate,
        # Named after the hiding's first row: confirming it (a double click, a second
        # moderator, a changed reason) tells the initiator nothing twice.
        key=f"petition:{petition.pk}:hidden:{_first_row_of(in_force or row).pk}",
        actor=actor,
        subject=petition,
    )
    return row


@transaction.atomic
def restore_petition(
    petition: Petition, *, actor: Any, now: datetime | None = None
) -> PetitionModeration:
    """Show a hidden petition's words again; the initiator is told."""
    petition = lock_petition(petition)
    _require_moderator(actor, petition)
    if visibility.is_shown(petition):
        raise ValidationError(_("该提议未被隐藏，无需恢复。"))
    row = PetitionModeration.objects.create(
        petition=petition, hidden=False, actor=actor, at=now or timezone.now()
    )
    audit.record("petition.restored", actor=actor, obj=petition, estate=petition.estate)
    notify_about(
        [petition.opened_by],
        title=_("您发起的临时会议提议已恢复显示"),
        body="",
        url=petition.get_absolute_url(),
        estate=petition.estate,
        key=f"petition:{petition.pk}:restored:{row.pk}",
        actor=actor,
        subject=petition,
    )
    return row

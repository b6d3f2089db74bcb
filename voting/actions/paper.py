"""Paper ballots (书面): entered by the committee with the scan, confirmed by a second person
where the rules require it, and resolved against online ballots by the stated rule."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from portal.community import audit, permissions
from voting.actions.casting import CastResult, cast_ballot
from voting.actions.common import require_runner
from voting.choices import Channel, ChannelClass, ChannelPriority
from voting.models import AssemblyPage, Ballot, PaperConfirmation, VotingRight

if TYPE_CHECKING:
    from portal.accounts.types import User


def enter_paper_ballot(
    assembly: AssemblyPage,
    right: VotingRight,
    choices: dict[Any, Any],
    *,
    entered_by: User,
    scan: Any,
    submission_key: str = "",
    now: datetime | None = None,
) -> CastResult:
    """Enter one paper ballot with its scan; the entering person is recorded."""
    return cast_ballot(
        assembly,
        right,
        choices,
        channel=Channel.PAPER,
        cast_by=entered_by,
        entered_by=entered_by,
        scan=scan,
        submission_key=submission_key,
        now=now,
    )


@transaction.atomic
def confirm_paper_ballot(ballot: Ballot, *, actor: User) -> PaperConfirmation:
    """Confirm an entered paper ballot as a second person; until then it does not count."""
    assembly = ballot.assembly
    require_runner(actor, assembly)
    if ballot.channel != Channel.PAPER:
        raise ValidationError(_("只有书面选票需要核对。"))
    if not permissions.may(actor, "confirm_paper_ballot", ballot):  # a runner: so its enterer
        raise ValidationError(_("核对人不能是录入人本人，请由另一位委员核对。"))
    if PaperConfirmation.objects.filter(ballot=ballot).exists():
        raise ValidationError(_("这张书面选票已经核对过了。"))
    confirmation = PaperConfirmation.objects.create(ballot=ballot, confirmed_by=actor)
    audit.record(
        "ballot.paper_confirmed",
        actor=actor,
        obj=ballot,
        estate=assembly.page_estate,
        sequence=ballot.sequence,
        entered_by=ballot.entered_by_id,
    )
    return confirmation


@transaction.atomic
def resolve_channels(assembly: AssemblyPage, *, actor: User | None = None) -> dict[int, Ballot]:
    """Return the counted ballot per right id, resolving online-and-paper by the stated rule.

    Both records stay; every resolution is written to the audit log. A paper ballot that
    still awaits its second-person confirmation (where required) does not count.
    """
    current = Ballot.objects.filter(assembly=assembly, superseded_by__isnull=True)
    if assembly.paper_needs_confirmation:
        current = current.filter(
            Q(channel_class=ChannelClass.ELECTRONIC) | Q(confirmation__isnull=False)
        )
    by_right: dict[int, dict[str, Ballot]] = {}
    for ballot in current.select_related("right", "ledger_entry").order_by("id"):
        by_right.setdefault(ballot.right_id, {})[ballot.channel_class] = ballot
    prefer = (
        ChannelClass.PAPER
        if assembly.channel_priority == ChannelPriority.PAPER
        else ChannelClass.ELECTRONIC
    )
    counted: dict[int, Ballot] = {}
    resolutions = []
    for right_id, ballots in by_right.items():
        if len(ballots) == 2:
            kept = ballots[prefer]
            other = next(b for b in ballots.values() if b.pk != kept.pk)
            if assembly.secret_ballot:
                # The committee entered the paper ballot: naming the counted entry beside it
                # would tell them whose online ballot that entry is.
                resolutions.append({"set_aside_sequence": other.sequence})
            else:
                resolutions.append(
                    {
                        "right": kept.right.pseudonym,
                        "counted_sequence": kept.sequence,
                        "set_aside_sequence": other.sequence,
                    }
                )
            counted[right_id] = kept
        else:
            counted[right_id] = next(iter(ballots.values()))
    if resolutions:
        audit.record(
            "assembly.channels_resolved",
            actor=actor,
            obj=assembly,
            estate=assembly.page_estate,
            rule=assembly.channel_priority,
            resolutions=resolutions,
        )
    return counted

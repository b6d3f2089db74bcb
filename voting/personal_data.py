"""The ballots a member cast, for the copy of their data (PIPL Art. 45; portal/accounts/export.py).

Only what the voter can already see, through the same lookup as the receipt page
(`lookups.ballots_cast_by`): for each ballot the assembly, when it was cast, how (online,
as someone's proxy, ...), its receipt code and its place in the public ledger.

How the person voted is added only where it is public anyway: an open-ballot (记名)
assembly after the close, when the public ledger shows every ballot's choices by unit.
A secret-ballot (不记名) assembly exports "voted on <date>, receipt <code>" and nothing
more: the file sits in the owner's downloads and may be shown to anyone, so it must not
become a record of how they voted that the secret ballot exists to prevent. Before the
close no assembly's choices are exported: nobody sees choices before the close.

The link from the account to a ballot is the one the receipt page already uses (the
ballot's `cast_by`). Where the server keeps no such link, nothing can be exported, and
the file says so rather than guess.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from voting.choices import AssemblyState, Channel
from voting.lookups import ballots_cast_by


def _when(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _choices(ballot: Any) -> list[dict[str, str]]:
    rows = sorted(ballot.choices.all(), key=lambda c: (c.motion.sort_order, c.motion_id, c.pk))
    return [
        {
            "motion": row.motion.title,
            "choice": str(row.get_choice_display()),
            **({"candidate": row.candidate.name} if row.candidate_id else {}),
        }
        for row in rows
    ]


def sections(user: Any) -> dict[str, Any]:
    """Return {"ballots": [...], "ballots_note": ...} for the ballots the user cast."""
    rows = []
    # A paper ballot's cast_by is the staff member who entered it: another owner's vote.
    ballots = ballots_cast_by(user).exclude(channel=Channel.PAPER).select_related("assembly")
    for ballot in ballots.prefetch_related("choices__motion", "choices__candidate"):
        assembly = ballot.assembly
        entry = getattr(ballot, "ledger_entry", None)
        row: dict[str, Any] = {
            "assembly": assembly.title,
            "secret_ballot": assembly.secret_ballot,
            "cast_at": _when(ballot.cast_at),
            "receipt_code": ballot.receipt_code,
        }
        if not assembly.secret_ballot:
            row |= {
                "channel": str(ballot.get_channel_display()),
                "as_proxy": ballot.channel == Channel.PROXY,
                "version": ballot.version,
                "ledger_sequence": entry.sequence if entry else None,
            }
            if assembly.state == AssemblyState.CLOSED:
                row["choices"] = _choices(ballot)
        rows.append(row)
    return {
        "ballots": rows,
        "ballots_note": gettext(
            "只导出您本人在网上投出（含受托代投）的选票回执。记名投票的会议在投票结束后附上表决意见"
            "（届时公开账本已公布）；不记名投票的会议只导出投票时间和回执码，不导出表决意见。"
            "书面选票由工作人员录入，不在此列。"
        ),
    }

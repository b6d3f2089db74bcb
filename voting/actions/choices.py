"""What a ballot may say, checked before anything is written: the choices against the
meeting's motions and candidates, and the voting window."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from voting.actions.common import local_time
from voting.choices import AssemblyState, VoteChoice
from voting.models import AssemblyPage, Candidate, Motion


@dataclass(frozen=True)
class _Row:
    motion: Motion
    candidate: Candidate | None
    choice: str


def validate_choices(
    assembly: AssemblyPage, choices: dict[Any, Any], *, motions: Iterable[Motion] | None = None
) -> list[_Row]:
    """Return the checked rows of a ballot, or raise with a message in Chinese.

    `choices` maps a motion id to 同意/反对/弃权 ("agree"/"oppose"/"abstain") for a
    resolution, or to a list of candidate ids (or "abstain") for an election. A motion
    left out is a motion this right does not take part in. `motions` (with their candidates
    prefetched) are the meeting's motions the caller has read already; by default they are
    read here.
    """
    if motions is None:
        motions = assembly.motions.prefetch_related("candidates")
    by_id = {m.pk: m for m in motions if m.page_id == assembly.pk}
    rows: list[_Row] = []
    for raw_id, value in choices.items():
        try:
            motion = by_id[int(raw_id)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(_("该表决事项不属于本次会议，不能对其投票。")) from None
        rows.extend(
            _election_rows(motion, value) if motion.is_election else _resolution_rows(motion, value)
        )
    if not rows:
        raise ValidationError(_("请至少对一项表决事项作出选择；留空的事项视为不参与该事项的表决。"))
    return rows


def _election_rows(motion: Motion, value: Any) -> list[_Row]:
    """Return the rows of an election: one per approved candidate, or one abstention."""
    if value in (None, "", []):
        return []
    if value == VoteChoice.ABSTAIN:
        return [_Row(motion, None, VoteChoice.ABSTAIN)]
    if isinstance(value, str | int):
        value = [value]
    candidates = {c.pk: c for c in motion.candidates.all()}
    try:
        picked = sorted({int(v) for v in value})
    except (TypeError, ValueError):
        raise ValidationError(_("候选人不属于该选举事项，不能投票。")) from None
    if any(pk not in candidates for pk in picked):
        raise ValidationError(_("候选人不属于该选举事项，不能投票。"))
    if len(picked) > (motion.seats or 0):
        raise ValidationError(
            _("“%(motion)s”应选 %(seats)s 人，最多只能选 %(seats)s 名候选人，您选了 %(count)s 名。")
            % {"motion": motion.title, "seats": motion.seats, "count": len(picked)}
        )
    return [_Row(motion, candidates[pk], VoteChoice.AGREE) for pk in picked]


def _resolution_rows(motion: Motion, value: Any) -> list[_Row]:
    """Return the row of a resolution: 同意, 反对 or 弃权 (none when left blank)."""
    if value in (None, ""):
        return []
    if value not in VoteChoice.values:
        raise ValidationError(
            _("“%(motion)s”的表决意见只能是同意、反对或弃权。") % {"motion": motion.title}
        )
    return [_Row(motion, None, value)]


def ledger_choices(rows: list[_Row]) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for row in rows:
        if row.candidate is not None:
            out.setdefault(row.motion.pk, []).append(row.candidate.pk)
        else:
            out[row.motion.pk] = row.choice
    return out


def refuse_outside_window(assembly: AssemblyPage, now: datetime) -> None:
    if assembly.is_voting_window(now):
        return
    if assembly.state in (AssemblyState.DRAFT, AssemblyState.ANNOUNCED) or (
        assembly.voting_opens_at and now < assembly.voting_opens_at
    ):
        if assembly.voting_opens_at:
            raise ValidationError(
                _("投票尚未开始，开始时间为 %(opens)s。")
                % {"opens": local_time(assembly.voting_opens_at)}
            )
        raise ValidationError(_("投票尚未开始。"))
    raise ValidationError(_("投票已经结束，不能再投票。"))

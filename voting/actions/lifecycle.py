"""The meeting's lifecycle: announce it, record that the residents' committee was told, open
voting (freeze the roll, start the ledger) and close it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.community import audit, legal
from search.api import reindex
from voting import ledger
from voting.actions.common import local_time, reload_assembly, require_runner, set_record_fields
from voting.choices import AssemblyState
from voting.lifecycle import sync_schedules
from voting.models import AssemblyPage, Candidate, LedgerHead, ResidentsCommitteeNotice
from voting.notices import publish_closing_notice, publish_opening_notice
from voting.objections import blocking_objections
from voting.roll import freeze_roll

if TYPE_CHECKING:
    from portal.accounts.types import User


@transaction.atomic
def announce_assembly(
    assembly: AssemblyPage, *, actor: User, now: datetime | None = None
) -> AssemblyPage:
    """Publish the meeting notice: freeze motions and rules, and fix the candidates."""
    now = now or timezone.now()
    require_runner(actor, assembly)
    fresh = reload_assembly(assembly, lock=True)
    if fresh.state != AssemblyState.DRAFT:
        raise ValidationError(_("会议公告已经发布，不能重复发布。"))
    if not fresh.live:
        raise ValidationError(_("请先在后台发布会议页面，再发布会议公告。"))
    motions = list(fresh.motions.all())
    if not motions:
        raise ValidationError(_("会议至少要有一项表决事项。"))
    for motion in motions:
        motion.clean()
    if fresh.voting_opens_at is None or fresh.voting_closes_at is None:
        raise ValidationError(_("请先填写投票开始和结束时间。"))
    earliest = now + timedelta(days=fresh.min_notice_days)
    if fresh.voting_opens_at < earliest:
        raise ValidationError(
            _("投票开始时间不得早于会议公告发布后 %(days)s 日，即不早于 %(earliest)s。")
            % {"days": fresh.min_notice_days, "earliest": local_time(earliest)}
        )
    if fresh.voting_closes_at <= fresh.voting_opens_at:
        raise ValidationError(_("投票结束时间必须晚于开始时间。"))
    Candidate.objects.bulk_create(
        Candidate(motion=motion, name=name, sort_order=index)
        for motion in motions
        if motion.is_election
        for index, name in enumerate(motion.candidate_name_list())
    )
    set_record_fields(fresh, state=AssemblyState.ANNOUNCED, notice_published_at=now)
    set_record_fields(assembly, state=AssemblyState.ANNOUNCED, notice_published_at=now)
    sync_schedules(fresh, now=now)  # the timetable: open, remind, close, tally
    reindex(fresh)  # an announced meeting and its motions become searchable
    audit.record(
        "assembly.announced",
        actor=actor,
        obj=fresh,
        estate=fresh.page_estate,
        motions=[{"id": m.pk, "title": m.title, "matter": m.matter} for m in motions],
        voting_opens_at=fresh.voting_opens_at,
        voting_closes_at=fresh.voting_closes_at,
    )
    return assembly


@transaction.atomic
def record_residents_committee_informed(
    assembly: AssemblyPage,
    *,
    actor: User,
    informed_whom: str,
    informed_at: datetime | None = None,
    how: str = "",
) -> ResidentsCommitteeNotice:
    """Record that the community residents' committee was informed of the meeting."""
    require_runner(actor, assembly)
    fresh = reload_assembly(assembly, lock=True)
    if fresh.state == AssemblyState.DRAFT:
        raise ValidationError(_("请先发布会议公告，再告知社区居委会。"))
    informed_whom = informed_whom.strip()
    if not informed_whom:
        raise ValidationError(_("请填写告知对象（例如：和平社区居民委员会 张主任）。"))
    informed_at = informed_at or timezone.now()
    if informed_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError(_("告知时间不能晚于现在。"))
    record = ResidentsCommitteeNotice.objects.create(
        assembly=fresh,
        informed_at=informed_at,
        informed_whom=informed_whom[:100],
        how=how.strip()[:100],
        recorded_by=actor,
    )
    if fresh.residents_committee_informed_at is None:
        set_record_fields(fresh, residents_committee_informed_at=informed_at)
        assembly.residents_committee_informed_at = informed_at
    audit.record(
        "assembly.residents_committee_informed",
        actor=actor,
        obj=fresh,
        estate=fresh.page_estate,
        informed_whom=record.informed_whom,
        informed_at=informed_at,
        how=record.how,
    )
    return record


def refusals_to_open(assembly: AssemblyPage, *, now: datetime) -> list[str]:
    """Return why voting may not open now (empty: it may open).

    The one list both `open_voting` and its confirmation page read, so the page never
    offers a button the action would refuse.
    """
    if assembly.state != AssemblyState.ANNOUNCED:
        return [_("只有已发布公告、尚未开始的会议才能开始投票。")]
    refusals = []
    earliest = assembly.earliest_opening()
    notice_running = assembly.voting_opens_at < earliest or now < earliest
    if notice_running:
        refusals.append(
            _("公告期未满：投票最早于 %(earliest)s 开始。") % {"earliest": local_time(earliest)}
        )
    # 物业管理条例 Art. 14: the residents' committee is informed with the notice; without a
    # record of it the meeting was not lawfully convened, so voting may not open.
    if not assembly.committee_notices.exists():
        refusals.append(
            _("尚未记录告知社区居委会，不能开始投票。%(citation)s。")
            % {"citation": _(legal.NOTICE_DAYS.citation)}
        )
    # Issue #16 item 3: the roll does not freeze while owners' objections to it are undecided,
    # unless the committee recorded why it will not wait (voting.objections).
    undecided = blocking_objections(assembly).count()
    if undecided:
        refusals.append(
            _(
                "名册公示期间还有 %(n)s 项业主异议未作决定，不能冻结名册、开始投票。"
                "请逐项作出决定，或由业主委员会记录理由后决定不再等待。"
            )
            % {"n": undecided}
        )
    if now < assembly.voting_opens_at and not notice_running:
        refusals.append(
            _("尚未到投票开始时间 %(opens)s。") % {"opens": local_time(assembly.voting_opens_at)}
        )
    if now >= assembly.voting_closes_at:
        refusals.append(_("投票结束时间已过，不能再开始投票。"))
    return refusals


@transaction.atomic
def open_voting(assembly: AssemblyPage, *, actor: User | None = None, now: datetime | None = None):
    """Open voting: freeze the roll and start the ledger. Called on schedule or by the committee."""
    now = now or timezone.now()
    if actor is not None:
        require_runner(actor, assembly)
    fresh = reload_assembly(assembly, lock=True)
    refusals = refusals_to_open(fresh, now=now)
    if refusals:
        raise ValidationError(refusals)
    roll = freeze_roll(fresh, actor=actor)
    head = LedgerHead(assembly=fresh, roll_hash=roll.roll_hash, secret=fresh.secret_ballot)
    head.seal = ledger.head_seal(head)
    head.save(force_insert=True)
    set_record_fields(fresh, state=AssemblyState.OPEN, opened_at=now)
    set_record_fields(assembly, state=AssemblyState.OPEN, opened_at=now)
    # The roll's hash and the empty chain go out in a notice: what the ledger is checked
    # against if anyone with database access later rewrites it (voting/LEDGER.md).
    publication = publish_opening_notice(fresh, head, roll, actor=actor, now=now)
    audit.record(
        "assembly.opened",
        actor=actor,
        obj=fresh,
        estate=fresh.page_estate,
        roll_hash=roll.roll_hash,
        ledger=publication.line,
    )
    return roll


def refusals_to_close(assembly: AssemblyPage, *, now: datetime) -> list[str]:
    """Return why voting may not close now (empty: it may close); read by the action and
    its confirmation page."""
    if assembly.state != AssemblyState.OPEN:
        return [_("只有投票中的会议才能结束投票。")]
    if now < assembly.voting_closes_at:
        return [
            _("尚未到投票结束时间 %(closes)s。") % {"closes": local_time(assembly.voting_closes_at)}
        ]
    return []


@transaction.atomic
def close_voting(assembly: AssemblyPage, *, actor: User | None = None, now: datetime | None = None):
    """Close voting at the end of the window; later ballots are refused."""
    now = now or timezone.now()
    if actor is not None:
        require_runner(actor, assembly)
    # The ledger head first: a sequencing batch that holds it needs a share lock on the
    # assembly row (its entries' foreign key), so taking the assembly first could deadlock.
    # Ballots in flight never wait for the head before they commit.
    list(LedgerHead.objects.select_for_update().filter(assembly_id=assembly.pk).values("pk"))
    # FOR UPDATE on the assembly row waits for the ballots in flight (they hold it FOR
    # SHARE) and makes every later ballot see the close: none commits after it.
    fresh = reload_assembly(assembly, lock=True)
    refusals = refusals_to_close(fresh, now=now)
    if refusals:
        raise ValidationError(refusals)
    # Every committed ballot has its place in the chain before the close is recorded (the
    # database lets the head move only while voting is open): the queued ones and, as a
    # sweep, any ballot that lost its queue row.
    ledger.sequence_pending(fresh, sweep=True)
    set_record_fields(fresh, state=AssemblyState.CLOSED, closed_at=now)
    set_record_fields(assembly, state=AssemblyState.CLOSED, closed_at=now)
    head = LedgerHead.objects.get(assembly=fresh)
    publication = publish_closing_notice(fresh, head, actor=actor, now=now)
    audit.record(
        "assembly.closed",
        actor=actor,
        obj=fresh,
        estate=fresh.page_estate,
        ledger=publication.line,
    )
    return fresh

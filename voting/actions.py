"""Every state change of the voting domain has its one entry point here.

Each action runs in one transaction and writes the audit log; notifications go out
through the one notification path (portal.notifications.api.notify) after commit.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.community import audit, legal, permissions
from portal.community.models import OwnerIdentity
from portal.community.phone import InvalidPhone, normalize_phone
from portal.notifications.api import fit_title, notify
from voting import ledger
from voting.choices import (
    AssemblyState,
    Channel,
    ChannelClass,
    ChannelPriority,
    ProxyStatus,
    VoteChoice,
)
from voting.models import (
    AssemblyPage,
    Ballot,
    BallotChoice,
    Candidate,
    LedgerHead,
    LedgerPending,
    Motion,
    PaperConfirmation,
    Proxy,
    ResidentsCommitteeNotice,
    VotingRight,
)
from voting.notices import publish_closing_notice, publish_opening_notice
from voting.roll import freeze_roll

if TYPE_CHECKING:
    from portal.accounts.types import User

logger = logging.getLogger(__name__)

SCAN_MAX_BYTES = 5 * 1024 * 1024
SCAN_SIGNATURES = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".pdf": (b"%PDF-",),
}


def _local(value: datetime) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _require_runner(actor: User, assembly: AssemblyPage) -> None:
    if not permissions.may(actor, "run_assembly", assembly.page_estate):
        raise PermissionDenied(_("只有本小区业主委员会成员可以办理此事项。"))


def _reload(assembly: AssemblyPage, *, lock: bool = False) -> AssemblyPage:
    queryset = AssemblyPage.objects.select_for_update() if lock else AssemblyPage.objects
    fresh = queryset.get(pk=assembly.pk)
    return fresh


def _set_record_fields(assembly: AssemblyPage, **values: Any) -> None:
    # A queryset update, not page.save(): record fields are not part of a page revision.
    AssemblyPage.objects.filter(pk=assembly.pk).update(**values)
    for name, value in values.items():
        setattr(assembly, name, value)


# --- lifecycle ------------------------------------------------------------------------------


@transaction.atomic
def announce_assembly(
    assembly: AssemblyPage, *, actor: User, now: datetime | None = None
) -> AssemblyPage:
    """Publish the meeting notice: freeze motions and rules, and fix the candidates."""
    now = now or timezone.now()
    _require_runner(actor, assembly)
    fresh = _reload(assembly, lock=True)
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
            % {"days": fresh.min_notice_days, "earliest": _local(earliest)}
        )
    if fresh.voting_closes_at <= fresh.voting_opens_at:
        raise ValidationError(_("投票结束时间必须晚于开始时间。"))
    Candidate.objects.bulk_create(
        Candidate(motion=motion, name=name, sort_order=index)
        for motion in motions
        if motion.is_election
        for index, name in enumerate(motion.candidate_name_list())
    )
    _set_record_fields(fresh, state=AssemblyState.ANNOUNCED, notice_published_at=now)
    _set_record_fields(assembly, state=AssemblyState.ANNOUNCED, notice_published_at=now)
    from voting.lifecycle import sync_schedules  # the timetable: open, remind, close, tally

    sync_schedules(fresh, now=now)
    from search.api import reindex

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
    _require_runner(actor, assembly)
    fresh = _reload(assembly, lock=True)
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
        _set_record_fields(fresh, residents_committee_informed_at=informed_at)
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
            _("公告期未满：投票最早于 %(earliest)s 开始。") % {"earliest": _local(earliest)}
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
    from voting.objections import blocking_objections

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
            _("尚未到投票开始时间 %(opens)s。") % {"opens": _local(assembly.voting_opens_at)}
        )
    if now >= assembly.voting_closes_at:
        refusals.append(_("投票结束时间已过，不能再开始投票。"))
    return refusals


@transaction.atomic
def open_voting(assembly: AssemblyPage, *, actor: User | None = None, now: datetime | None = None):
    """Open voting: freeze the roll and start the ledger. Called on schedule or by the committee."""
    now = now or timezone.now()
    if actor is not None:
        _require_runner(actor, assembly)
    fresh = _reload(assembly, lock=True)
    refusals = refusals_to_open(fresh, now=now)
    if refusals:
        raise ValidationError(refusals)
    roll = freeze_roll(fresh, actor=actor)
    head = LedgerHead(assembly=fresh, roll_hash=roll.roll_hash, secret=fresh.secret_ballot)
    head.seal = ledger.head_seal(head)
    head.save(force_insert=True)
    _set_record_fields(fresh, state=AssemblyState.OPEN, opened_at=now)
    _set_record_fields(assembly, state=AssemblyState.OPEN, opened_at=now)
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
            _("尚未到投票结束时间 %(closes)s。") % {"closes": _local(assembly.voting_closes_at)}
        ]
    return []


@transaction.atomic
def close_voting(assembly: AssemblyPage, *, actor: User | None = None, now: datetime | None = None):
    """Close voting at the end of the window; later ballots are refused."""
    now = now or timezone.now()
    if actor is not None:
        _require_runner(actor, assembly)
    # The ledger head first: a sequencing batch that holds it needs a share lock on the
    # assembly row (its entries' foreign key), so taking the assembly first could deadlock.
    # Ballots in flight never wait for the head before they commit.
    list(LedgerHead.objects.select_for_update().filter(assembly_id=assembly.pk).values("pk"))
    # FOR UPDATE on the assembly row waits for the ballots in flight (they hold it FOR
    # SHARE) and makes every later ballot see the close: none commits after it.
    fresh = _reload(assembly, lock=True)
    refusals = refusals_to_close(fresh, now=now)
    if refusals:
        raise ValidationError(refusals)
    # Every committed ballot has its place in the chain before the close is recorded (the
    # database lets the head move only while voting is open): the queued ones and, as a
    # sweep, any ballot that lost its queue row.
    ledger.sequence_pending(fresh, sweep=True)
    _set_record_fields(fresh, state=AssemblyState.CLOSED, closed_at=now)
    _set_record_fields(assembly, state=AssemblyState.CLOSED, closed_at=now)
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


# --- casting --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CastResult:
    """The ballot that stands for this submission, and whether this call stored it."""

    ballot: Ballot
    created: bool

    @property
    def receipt_code(self) -> str:
        return self.ballot.receipt_code


@dataclass(frozen=True)
class _Row:
    motion: Motion
    candidate: Candidate | None
    choice: str


def validate_choices(assembly: AssemblyPage, choices: dict[Any, Any]) -> list[_Row]:
    """Return the checked rows of a ballot, or raise with a message in Chinese.

    `choices` maps a motion id to 同意/反对/弃权 ("agree"/"oppose"/"abstain") for a
    resolution, or to a list of candidate ids (or "abstain") for an election. A motion
    left out is a motion this right does not take part in.
    """
    motions = {m.pk: m for m in assembly.motions.prefetch_related("candidates")}
    rows: list[_Row] = []
    for raw_id, value in choices.items():
        try:
            motion = motions[int(raw_id)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(_("该表决事项不属于本次会议，不能对其投票。")) from None
        if motion.is_election:
            if value in (None, "", []):
                continue
            if value == VoteChoice.ABSTAIN:
                rows.append(_Row(motion, None, VoteChoice.ABSTAIN))
                continue
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
                    _(
                        "“%(motion)s”应选 %(seats)s 人，最多只能选 %(seats)s 名候选人，您选了 %(count)s 名。"
                    )
                    % {"motion": motion.title, "seats": motion.seats, "count": len(picked)}
                )
            rows.extend(_Row(motion, candidates[pk], VoteChoice.AGREE) for pk in picked)
        else:
            if value in (None, ""):
                continue
            if value not in VoteChoice.values:
                raise ValidationError(
                    _("“%(motion)s”的表决意见只能是同意、反对或弃权。") % {"motion": motion.title}
                )
            rows.append(_Row(motion, None, value))
    if not rows:
        raise ValidationError(_("请至少对一项表决事项作出选择；留空的事项视为不参与该事项的表决。"))
    return rows


def _ledger_choices(rows: list[_Row]) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for row in rows:
        if row.candidate is not None:
            out.setdefault(row.motion.pk, []).append(row.candidate.pk)
        else:
            out[row.motion.pk] = row.choice
    return out


def _refuse_outside_window(assembly: AssemblyPage, now: datetime) -> None:
    if assembly.is_voting_window(now):
        return
    if assembly.state in (AssemblyState.DRAFT, AssemblyState.ANNOUNCED) or (
        assembly.voting_opens_at and now < assembly.voting_opens_at
    ):
        if assembly.voting_opens_at:
            raise ValidationError(
                _("投票尚未开始，开始时间为 %(opens)s。")
                % {"opens": _local(assembly.voting_opens_at)}
            )
        raise ValidationError(_("投票尚未开始。"))
    raise ValidationError(_("投票已经结束，不能再投票。"))


def _refuse_non_voter(user: User, estate) -> None:
    if permissions.may(user, "vote", estate):
        return
    if permissions.standing_in(user, estate) == "resident":
        raise ValidationError(_("住户（物业使用人）不享有投票权，只有业主才能投票。"))
    raise ValidationError(
        _("您的账户尚未认证为本小区业主，不能投票。请先在“我的”页面完成业主认证。")
    )


def cast_ballot(
    assembly: AssemblyPage,
    right: VotingRight,
    choices: dict[Any, Any],
    *,
    channel: str,
    cast_by: User,
    entered_by: User | None = None,
    scan: Any = None,
    submission_key: str = "",
    now: datetime | None = None,
) -> CastResult:
    """Cast one ballot for a right on the frozen roll, append it to the ledger, and return it.

    A repeated or concurrent submission for a right that already has a current ballot
    (in the same channel class) returns that first ballot and stores nothing; where the
    rules allow changing a ballot before the close, an electronic resubmission appends a
    superseding ballot instead. The database decides who was first: the ballot and its
    choices are inserted in one transaction, and the unique constraints refuse a second
    current ballot for the right (or a second use of a submission key).

    Casting does not queue behind other voters: the ballot's transaction holds only a
    share lock on the assembly row (so close_voting waits for ballots in flight, and none
    commits after the close). Its place in the hash chain is appended right after the
    commit by voting.ledger.sequence_pending, the one short serialised step per assembly.
    """
    now = now or timezone.now()
    if channel not in Channel.values:
        raise ValidationError(_("未知的投票方式。"))
    if not assembly.is_voting_window(now):
        # The caller's copy may be stale: decide on the stored state before refusing.
        assembly = _reload(assembly)
        _refuse_outside_window(assembly, now)
    if right.assembly_id != assembly.pk:
        raise ValidationError(_("该投票权不在本次会议的选民名册上。"))
    estate = assembly.page_estate
    proxy = None
    if channel == Channel.ONLINE:
        _refuse_non_voter(cast_by, estate)
        if not right.holders.filter(user=cast_by).exists():
            raise ValidationError(_("您不是该投票权的权利人，不能以本人名义投票。"))
    elif channel == Channel.PROXY:
        proxy = (
            Proxy.objects.filter(
                assembly=assembly,
                agent=cast_by,
                status=ProxyStatus.APPROVED,
                identity__voting_rights=right,
            )
            .order_by("decided_at")
            .first()
        )
        if proxy is None:
            raise ValidationError(_("您没有经业委会批准的本次会议委托，不能代该业主投票。"))
    else:
        if entered_by is None or not permissions.may(entered_by, "run_assembly", estate):
            raise ValidationError(_("只有本小区业主委员会成员可以录入书面选票。"))
        if not scan:
            raise ValidationError(_("请上传书面选票的扫描件。"))
        validate_scan(scan)
        cast_by = entered_by
    rows = validate_choices(assembly, choices)
    channel_class = Channel.channel_class(channel)
    submission_key = submission_key[:64]
    pseudonym = secrets.token_hex(8) if assembly.secret_ballot else right.pseudonym
    # The ledger publishes only a commitment to the choices until the close (LEDGER.md).
    nonce = ledger.new_nonce()
    sealed_commitment = ledger.commitment(_ledger_choices(rows), nonce)

    try:
        with transaction.atomic():
            _lock_open_assembly(assembly, now)
            version, supersedes = 1, None
            if assembly.allow_change_before_close and channel != Channel.PAPER:
                if submission_key and (
                    repeated := Ballot.objects.filter(
                        assembly=assembly, submission_key=submission_key
                    ).first()
                ):
                    return CastResult(repeated, False)
                current = _current_ballot(assembly, right, channel_class)
                if current is not None:
                    version, supersedes = current.version + 1, current
            # Otherwise a second ballot for the right is refused by the unique constraint
            # on version 1 (see the IntegrityError below): no look-up before the insert.
            if channel == Channel.PROXY and assembly.proxy_cap_per_agent:
                _refuse_over_proxy_cap(assembly, right, cast_by)
            ballot = Ballot(
                assembly=assembly,
                right=right,
                channel=channel,
                channel_class=channel_class,
                version=version,
                supersedes=supersedes,
                cast_by=cast_by,
                entered_by=entered_by if channel == Channel.PAPER else None,
                proxy=proxy,
                scan=scan or "",
                submission_key=submission_key,
                receipt_code=ledger.new_receipt_code(),
                cast_at=now,
                ledger_pseudonym=pseudonym,
                nonce=nonce,
                right_nonce=ledger.new_nonce(),
                commitment=sealed_commitment,
            )
            ballot.seal = ledger.ballot_seal(
                ballot,
                right_pseudonym=right.pseudonym,
                superseded_receipt=supersedes.receipt_code if supersedes else None,
            )
            ballot.save()
            BallotChoice.objects.bulk_create(
                BallotChoice(
                    ballot=ballot, motion=row.motion, candidate=row.candidate, choice=row.choice
                )
                for row in rows
            )
            LedgerPending.objects.create(assembly=assembly, ballot=ballot)
            _audit_cast(assembly, ballot, cast_by=cast_by, entered_by=entered_by, proxy=proxy)
            _notify_receipt(assembly, ballot, cast_by, right, estate)
    except IntegrityError:
        # A first (or concurrent) submission already stands: answer with its ballot.
        existing = None
        if submission_key:
            existing = Ballot.objects.filter(
                assembly=assembly, submission_key=submission_key
            ).first()
        existing = existing or _current_ballot(assembly, right, channel_class)
        if existing is None:
            raise
        _sequence_after_commit(assembly, existing)
        return CastResult(existing, False)
    entries = _sequence_after_commit(assembly, ballot)
    if ballot.pk in entries:
        ballot.ledger_entry = entries[ballot.pk]
    return CastResult(ballot, True)


def _audit_cast(assembly: AssemblyPage, ballot: Ballot, *, cast_by, entered_by, proxy) -> None:
    """Record that a right voted; in a secret ballot, not which ballot it was.

    In a secret-ballot assembly the committee reads the audit log, so the record names the
    person (who voted, for whom, through which channel) and the assembly, never the ballot,
    its version or anything the ledger shows.
    """
    if assembly.secret_ballot:
        audit.record(
            "ballot.cast",
            actor=cast_by,
            obj=assembly,
            estate=assembly.page_estate,
            assembly_id=assembly.pk,
            channel=ballot.channel,
            entered_by=getattr(entered_by, "pk", None),
            proxy_id=getattr(proxy, "pk", None),
            secret=True,
        )
        return
    audit.record(
        "ballot.cast",
        actor=cast_by,
        obj=ballot,
        estate=assembly.page_estate,
        assembly_id=assembly.pk,
        channel=ballot.channel,
        version=ballot.version,
        entered_by=getattr(entered_by, "pk", None),
        proxy_id=getattr(proxy, "pk", None),
    )


def _lock_open_assembly(assembly: AssemblyPage, now: datetime) -> None:
    """Re-read the assembly's state inside the ballot's transaction and refuse if not open.

    On PostgreSQL with the weakest row lock (FOR KEY SHARE, which the ballot's foreign key
    takes anyway): ballots share it, close_voting's FOR UPDATE waits until the ballots in
    flight have committed, and a ballot that starts after the close sees it. SQLite has one writer (BEGIN IMMEDIATE), which serialises the same.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT state, voting_opens_at, voting_closes_at FROM voting_assemblypage"
                " WHERE page_ptr_id = %s FOR KEY SHARE",
                [assembly.pk],
            )
            row = cursor.fetchone()
    else:
        row = (
            AssemblyPage.objects.filter(pk=assembly.pk)
            .values_list("state", "voting_opens_at", "voting_closes_at")
            .first()
        )
    if row is None:
        raise ValidationError(_("投票尚未开始。"))
    assembly.state, assembly.voting_opens_at, assembly.voting_closes_at = row
    _refuse_outside_window(assembly, now)


def _refuse_over_proxy_cap(assembly: AssemblyPage, right: VotingRight, agent: User) -> None:
    # Lock the agent's approved authorisations: their proxy ballots are counted one at a time.
    list(
        Proxy.objects.select_for_update()
        .filter(assembly=assembly, agent=agent, status=ProxyStatus.APPROVED)
        .values_list("pk", flat=True)
    )
    represented = (
        Ballot.objects.filter(assembly=assembly, channel=Channel.PROXY, cast_by=agent)
        .exclude(right=right)
        .values("right")
        .distinct()
        .count()
    )
    if represented >= assembly.proxy_cap_per_agent:
        raise ValidationError(
            ngettext(
                "每位受托人在本次会议最多代理 %(cap)s 个投票权，您已达到上限。",
                "每位受托人在本次会议最多代理 %(cap)s 个投票权，您已达到上限。",
                assembly.proxy_cap_per_agent,
            )
            % {"cap": assembly.proxy_cap_per_agent}
        )


def _sequence_after_commit(assembly: AssemblyPage, ballot: Ballot) -> dict[int, Any]:
    """Give the committed ballots of the assembly their place in the chain; never raise.

    Called right after the ballot's transaction (inside a caller's transaction it runs
    there, holding the head lock until that commits). If it fails, the ballot is safely
    stored and the next cast, close_voting or `verify_ledger --sequence` sequences it.
    """
    try:
        return ledger.sequence_pending(assembly, ballot_id=ballot.pk)
    except DatabaseError:
        if transaction.get_connection().in_atomic_block:
            raise
        logger.exception("Sequencing the ledger of assembly %s failed; will catch up.", assembly.pk)
        return {}


def _current_ballot(assembly: AssemblyPage, right: VotingRight, channel_class: str):
    return (
        Ballot.objects.filter(
            assembly=assembly,
            right=right,
            channel_class=channel_class,
            superseded_by__isnull=True,
        )
        .order_by("-version")
        .first()
    )


def _notify_receipt(assembly: AssemblyPage, ballot: Ballot, cast_by, right, estate) -> None:
    """Put the receipt in the voter's inbox (the holders' for a paper ballot).

    Recorded in the ballot's transaction (one commit, no second round of writes), in
    notify's own savepoint: a refused notification never costs the voter their ballot.
    """
    if ballot.channel == Channel.PAPER:
        # Holders without an account yet hear nothing (nobody to tell).
        recipients = [
            identity.user
            for identity in right.holders.select_related("user")
            if identity.user is not None
        ]
    else:
        recipients = [cast_by]
    if assembly.secret_ballot:
        body = _(
            "您的选票已提交。回执码：%(code)s。为保护投票秘密，不记名投票的选票分批随机记入"
            "投票账本，最迟在投票结束时记入。可在投票账本页面输入回执码核对；投票结束后还可核对"
            "账本公开的表决意见与您所投一致。"
        ) % {"code": ballot.receipt_code}
    else:
        body = _(
            "您的选票已提交并记入本次会议的投票账本。回执码：%(code)s。"
            "可在投票账本页面输入回执码，核对选票已被计入；投票结束后还可核对"
            "账本公开的表决意见与您所投一致。"
        ) % {"code": ballot.receipt_code}
    try:
        notify(
            recipients,
            category="assembly",
            title=fit_title(_("投票回执：%(assembly)s") % {"assembly": assembly.title}),
            body=body,
            url=reverse("voting:receipt", args=[assembly.pk]),
            estate=estate,
            dedupe_key=f"voting:ballot:{ballot.pk}:receipt",
        )
    except ValidationError:
        logger.exception("The receipt notification of ballot %s was refused.", ballot.pk)


# --- paper ballots --------------------------------------------------------------------------


def validate_scan(scan: Any) -> None:
    """Refuse a scan that is not a JPG, PNG or PDF of at most 5 MB."""
    name = (getattr(scan, "name", "") or "").lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix not in SCAN_SIGNATURES:
        raise ValidationError(_("扫描件只能是 JPG、PNG 或 PDF 文件。"))
    if (getattr(scan, "size", 0) or 0) > SCAN_MAX_BYTES:
        raise ValidationError(_("扫描件不能超过 5 MB。"))
    scan.seek(0)
    head = scan.read(8)
    scan.seek(0)
    if not any(head.startswith(sig) for sig in SCAN_SIGNATURES[suffix]):
        raise ValidationError(_("扫描件内容与文件类型不符，请上传原始的 JPG、PNG 或 PDF 文件。"))


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
    _require_runner(actor, assembly)
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


# --- proxies --------------------------------------------------------------------------------


@transaction.atomic
def register_proxy(assembly: AssemblyPage, *, grantor: User, agent_phone: str, scan: Any) -> Proxy:
    """Register an owner's written authorisation naming an agent (by phone number)."""
    assembly = _reload(assembly)
    estate = assembly.page_estate
    if assembly.state not in (AssemblyState.ANNOUNCED, AssemblyState.OPEN) or (
        assembly.voting_closes_at and timezone.now() >= assembly.voting_closes_at
    ):
        raise ValidationError(_("只能在会议公告发布后、投票结束前办理委托投票。"))
    _refuse_non_voter(grantor, estate)
    identity = OwnerIdentity.objects.filter(estate=estate, user=grantor).first()
    if identity is None:
        raise ValidationError(_("没有找到您在本小区的业主身份。"))
    try:
        phone = normalize_phone(agent_phone or "")
    except InvalidPhone:
        raise ValidationError(_("受托人手机号格式不正确。")) from None
    agent = get_user_model().objects.filter(phone=phone, is_active=True).first()
    if agent is None:
        raise ValidationError(_("没有找到使用该手机号注册的用户，请受托人先注册账户。"))
    if agent.pk == grantor.pk:
        raise ValidationError(_("不能委托自己。"))
    if not scan:
        raise ValidationError(_("请上传签字的授权委托书扫描件。"))
    validate_scan(scan)
    try:
        with transaction.atomic():
            proxy = Proxy.objects.create(
                assembly=assembly, identity=identity, grantor=grantor, agent=agent, scan=scan
            )
    except IntegrityError:
        raise ValidationError(
            _("您已为本次会议办理了委托；如需更换受托人，请先请业委会驳回原委托。")
        ) from None
    audit.record("proxy.registered", actor=grantor, obj=proxy, estate=estate, agent_id=agent.pk)
    return proxy


@transaction.atomic
def decide_proxy(proxy: Proxy, *, actor: User, approve: bool, reason: str = "") -> Proxy:
    """Approve or reject a proxy (with a reason); the cap per agent applies on approval."""
    proxy = Proxy.objects.select_for_update().select_related("assembly").get(pk=proxy.pk)
    assembly = proxy.assembly
    _require_runner(actor, assembly)
    if proxy.status != ProxyStatus.PENDING:
        raise ValidationError(_("该委托已经审核过了。"))
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError(_("驳回委托时请填写理由。"))
    if approve and assembly.proxy_cap_per_agent:
        approved = Proxy.objects.filter(
            assembly=assembly, agent=proxy.agent, status=ProxyStatus.APPROVED
        ).count()
        if approved >= assembly.proxy_cap_per_agent:
            raise ValidationError(
                _("受托人在本次会议已代理 %(count)s 位业主，达到议事规则规定的上限 %(cap)s。")
                % {"count": approved, "cap": assembly.proxy_cap_per_agent}
            )
    proxy.status = ProxyStatus.APPROVED if approve else ProxyStatus.REJECTED
    proxy.decided_at = timezone.now()
    proxy.decided_by = actor
    proxy.decision_reason = reason[:300]
    proxy.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    estate = assembly.page_estate
    audit.record(
        "proxy.approved" if approve else "proxy.rejected",
        actor=actor,
        obj=proxy,
        estate=estate,
        reason=proxy.decision_reason,
        agent_id=proxy.agent_id,
    )
    title = (
        _("委托投票已批准：%(assembly)s") if approve else _("委托投票被驳回：%(assembly)s")
    ) % {"assembly": assembly.title}
    body = (
        _("业委会已批准委托，受托人现在可以代为投票。")
        if approve
        else _("业委会驳回了委托，理由：%(reason)s") % {"reason": proxy.decision_reason}
    )
    transaction.on_commit(
        lambda: notify(
            [user for user in (proxy.grantor, proxy.agent) if user is not None],
            category="assembly",
            title=fit_title(title),
            body=body,
            url=assembly.url or "",
            estate=estate,
            dedupe_key=f"voting:proxy:{proxy.pk}:{proxy.status}",
            actor=actor,
        ),
        robust=True,
    )
    return proxy


# --- results (voting/certification.py holds the code; one entry point, re-exported here) ---

from voting.certification import certify_result  # noqa: E402, F401

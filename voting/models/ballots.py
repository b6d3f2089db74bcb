"""Ballots (选票): append-only, one current ballot per right, chained in a ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.community.append_only import AppendOnlyModel
from portal.community.storage import RandomName, private_storage
from voting.choices import Channel, ChannelClass, VoteChoice
from voting.models.assemblies import AssemblyPage
from voting.models.motions import Candidate, Motion
from voting.models.proxies import Proxy
from voting.models.roll import VotingRight

GENESIS_HASH = "0" * 64


class Ballot(AppendOnlyModel):
    """One ballot of one right on all motions of an assembly.

    "One current ballot per right" is enforced by the database: versions are unique per
    (assembly, right, channel class), a later version names the one it supersedes
    (unique, so the chain of versions cannot fork), and version 1 is the only one without
    a predecessor. Two concurrent first submissions both try version 1; one wins.
    Online and proxy ballots share the electronic class (the first of owner and agent
    stands); a paper ballot of the same right is a separate record that the assembly's
    priority rule resolves at tally time (voting.actions.resolve_channels).
    """

    assembly = models.ForeignKey(AssemblyPage, on_delete=models.PROTECT, related_name="ballots")
    right = models.ForeignKey(VotingRight, on_delete=models.PROTECT, related_name="ballots")
    channel = models.CharField(_("投票方式"), max_length=10, choices=Channel.choices)
    channel_class = models.CharField(max_length=12, choices=ChannelClass.choices)
    version = models.PositiveIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("投票人"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    proxy = models.ForeignKey(
        Proxy, on_delete=models.PROTECT, null=True, blank=True, related_name="ballots"
    )
    scan = models.FileField(
        _("书面选票扫描件"),
        upload_to=RandomName("voting/paper"),
        storage=private_storage,
        blank=True,
    )
    submission_key = models.CharField(max_length=64, blank=True)
    receipt_code = models.CharField(_("回执码"), max_length=32, unique=True)
    cast_at = models.DateTimeField(_("投票时间"), default=timezone.now)
    # The pseudonym this ballot carries in the public ledger; its place in the chain
    # (sequence, prev_hash, hash) is its LedgerEntry, appended right after commit.
    ledger_pseudonym = models.CharField(_("匿名编号"), max_length=32)
    # gongzhi-ledger-v2 (voting/LEDGER.md): the ledger hashes `commitment`, the SHA-256 of
    # the choices with the secret `nonce`, which is published only after the close; and
    # `right_commitment` (over the right's pseudonym and `right_nonce`, never published)
    # binds the entry to its right. `seal` is the server's keyed MAC over all of it, so a
    # row written with SQL alone, without the application's key, never verifies.
    nonce = models.CharField(max_length=64, blank=True, default="")
    right_nonce = models.CharField(max_length=64, blank=True, default="")
    commitment = models.CharField(max_length=64, blank=True, default="")
    seal = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        ordering = ["assembly", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "right", "channel_class", "version"],
                name="ballot_one_per_right_version",
            ),
            models.UniqueConstraint(
                fields=["assembly", "right", "channel_class"],
                condition=Q(version=1),
                name="ballot_one_first_per_right",
            ),
            models.CheckConstraint(
                condition=(Q(version=1) & Q(supersedes__isnull=True))
                | (Q(version__gt=1) & Q(supersedes__isnull=False)),
                name="ballot_version_chain",
            ),
            models.UniqueConstraint(
                fields=["assembly", "submission_key"],
                condition=~Q(submission_key=""),
                name="ballot_submission_once",
            ),
            models.CheckConstraint(
                condition=~Q(channel=Channel.PAPER) | Q(entered_by__isnull=False),
                name="ballot_paper_entered_by",
            ),
            models.CheckConstraint(
                condition=~Q(channel=Channel.PROXY) | Q(proxy__isnull=False),
                name="ballot_proxy_has_authorisation",
            ),
        ]

    def __str__(self) -> str:
        # No ledger look-up here: the audit log writes this for every ballot cast.
        return f"{self.get_channel_display()} #{self.pk}"

    @property
    def entry(self) -> LedgerEntry | None:
        """Return the ballot's place in the ledger chain, or None while it awaits sequencing."""
        try:
            return self.ledger_entry
        except LedgerEntry.DoesNotExist:
            return None

    @property
    def sequence(self) -> int | None:
        entry = self.entry
        return entry.sequence if entry else None

    @property
    def hash(self) -> str:
        entry = self.entry
        return entry.hash if entry else ""


class BallotChoice(AppendOnlyModel):
    """A ballot's answer on one motion: 同意／反对／弃权, or one approved candidate."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="choices")
    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    choice = models.CharField(_("表决意见"), max_length=10, choices=VoteChoice.choices)

    class Meta:
        verbose_name = _("表决意见")
        verbose_name_plural = _("表决意见")
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "motion"],
                condition=Q(candidate__isnull=True),
                name="ballot_choice_one_per_motion",
            ),
            models.UniqueConstraint(
                fields=["ballot", "motion", "candidate"],
                condition=Q(candidate__isnull=False),
                name="ballot_choice_one_per_candidate",
            ),
            # An approved candidate is an "agree"; a blank election ballot is an abstention.
            models.CheckConstraint(
                condition=Q(candidate__isnull=True) | Q(choice=VoteChoice.AGREE),
                name="ballot_choice_candidate_agree",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.motion_id}: {self.candidate_id or self.choice}"


class PaperConfirmation(AppendOnlyModel):
    """A second person's confirmation of an entered paper ballot."""

    ballot = models.OneToOneField(Ballot, on_delete=models.PROTECT, related_name="confirmation")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("书面选票核对")
        verbose_name_plural = _("书面选票核对")

    def __str__(self) -> str:
        return f"#{self.ballot_id}"


class LedgerEntry(AppendOnlyModel):
    """A ballot's place in its assembly's hash chain (voting/LEDGER.md).

    Written by the short serialised step that runs right after the ballot's transaction
    commits (voting.ledger.sequence_pending), under the LedgerHead row lock; append-only
    like the ballots themselves. Sequences are unique and gap-free per assembly, and no two
    entries of an assembly name the same predecessor, so the chain cannot fork.
    """

    assembly = models.ForeignKey(
        AssemblyPage, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    ballot = models.OneToOneField(Ballot, on_delete=models.PROTECT, related_name="ledger_entry")
    sequence = models.PositiveIntegerField(_("账本序号"))
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    sequenced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("账本条目")
        verbose_name_plural = _("账本条目")
        ordering = ["assembly", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "sequence"], name="ledger_entry_seq"),
            models.UniqueConstraint(fields=["assembly", "prev_hash"], name="ledger_entry_no_fork"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="ledger_entry_seq_positive"),
            models.CheckConstraint(
                condition=~Q(prev_hash=F("hash")), name="ledger_entry_hash_differs_from_prev"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assembly_id}#{self.sequence}"


class LedgerHead(models.Model):
    """The end of an assembly's chain; locked (SELECT … FOR UPDATE) to append in one order.

    Two steps take this lock: a cast appending its own ballot in place (compare-and-set,
    never waiting: it inserts the entry and moves the head just before its commit), and
    the batch step, for the few statements that read the queue, insert the entries of the
    ballots waiting in it, and move the head. The database
    lets the head only move forward, to the hash of the entry it names, while voting is
    open; everything else about it is fixed when voting opens (voting/LEDGER.md).
    """

    assembly = models.OneToOneField(
        AssemblyPage, on_delete=models.PROTECT, related_name="ledger_head"
    )
    sequence = models.PositiveIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    # 1: gongzhi-ledger-v1 (chains begun before the commitment scheme); 2: the current one.
    version = models.PositiveSmallIntegerField(default=2)
    # Copied when voting opens: every v2 entry is bound to the frozen roll's hash, and a
    # secret ballot changes what an entry publishes.
    roll_hash = models.CharField(max_length=64, blank=True, default="")
    secret = models.BooleanField(default=False)
    seal = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("账本末端")
        verbose_name_plural = _("账本末端")

    def __str__(self) -> str:
        return f"{self.assembly_id}#{self.sequence}"


class LedgerPending(models.Model):
    """A committed ballot waiting for its place in the chain (a queue, not history).

    Written in the ballot's own transaction when it is not appended in place, and removed
    by the sequencing step that appends the ballot, so sequencing reads only what waits, never the whole meeting.
    Losing a row cannot lose a ballot: the close sweeps every ballot without an entry,
    and `verify_ledger` reports any left outside the chain.
    """

    assembly = models.ForeignKey(AssemblyPage, on_delete=models.PROTECT, related_name="+")
    ballot = models.OneToOneField(Ballot, on_delete=models.PROTECT, related_name="ledger_pending")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("待记账选票")
        verbose_name_plural = _("待记账选票")

    def __str__(self) -> str:
        return f"{self.assembly_id}: {self.ballot_id}"


class LedgerPublication(AppendOnlyModel):
    """A chain's state as published in a notice: at the opening, the close and the result.

    The line (`gongzhi-ledger-v2 assembly=… entries=… head=… roll=…`) goes into the notice's
    body, its inbox message reaches every member, and the result's PDF prints it. This row
    only says which notice carried which line; `verify_ledger` compares the chain with the
    line in the row and in every revision of the notice, so a rewrite of the ledger must
    also rewrite what people were shown (SECURITY.md).
    """

    class Moment(models.TextChoices):
        OPENED = "opened", _("投票开始")
        CLOSED = "closed", _("投票结束")
        CERTIFIED = "certified", _("结果核定")

    assembly = models.ForeignKey(
        AssemblyPage, on_delete=models.PROTECT, related_name="ledger_publications"
    )
    moment = models.CharField(_("时点"), max_length=12, choices=Moment.choices)
    notice = models.ForeignKey(
        "notices.NoticePage", on_delete=models.PROTECT, related_name="+", verbose_name=_("公告")
    )
    line = models.CharField(_("账本校验值"), max_length=200)
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)

    class Meta:
        verbose_name = _("账本公布记录")
        verbose_name_plural = _("账本公布记录")
        ordering = ["assembly", "published_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "moment"], name="ledger_publication_once")
        ]

    def __str__(self) -> str:
        return f"{self.assembly_id} {self.moment}"

    @property
    def final(self) -> bool:
        """Return whether the chain may not grow past this publication (the close and after)."""
        return self.moment != self.Moment.OPENED

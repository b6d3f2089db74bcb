"""Assembly pages: the estate's 业主大会 section, each assembly meeting and its motions."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Page

from portal.community import legal
from portal.community.choices import Visibility
from portal.community.legal_checks import check, lazy_format, validators
from portal.home.mixins import AnonymousCacheMixin, SectionIndexMixin, VisibilityMixin
from portal.home.subviews import SubViews
from voting.choices import (
    AssemblyState,
    ChannelPriority,
    MeetingForm,
)
from voting.models.states import AssemblyStates

if TYPE_CHECKING:
    from voting.models.motions import Motion


def parse_reminder_days(value: str) -> list[int]:
    """Return the reminder days (days before the close) as distinct ints, largest first."""
    days: set[int] = set()
    for part in (value or "").replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 60:
            raise ValidationError(
                _("提醒天数须为 1 至 60 之间的整数，用逗号分隔，例如 3,1。"), code="invalid"
            )
        days.add(int(part))
    return sorted(days, reverse=True)


def validate_reminder_days(value: str) -> None:
    parse_reminder_days(value)


# What the assembly page shows its reader is computed in voting.views, which registers it
# here (imported by VotingConfig.ready): the page module does not import its views.
assembly_views = SubViews("AssemblyPage")


class AssemblyIndexPage(AnonymousCacheMixin, SectionIndexMixin, Page):
    """The estate's 业主大会 section."""

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [*Page.settings_panels, *VisibilityMixin.visibility_panels]
    parent_page_types = ["home.EstatePage"]
    subpage_types: list[str] = ["voting.AssemblyPage", "home.StandardPage"]
    template = "voting/assembly_index_page.html"

    class Meta:
        verbose_name = _("业主大会")


class MotionsFrozenError(ValidationError):
    """Raised when something tries to change the motions after the notice was published."""


# Frozen motions stay in the cache for a day (a meeting's voting window is read many times).
BALLOT_MOTIONS_TTL = 24 * 60 * 60


def frozen_message() -> str:
    return str(_("会议公告已发布，表决事项和议事规则选项已冻结，不得再修改。"))


class AssemblyPageForm(WagtailAdminPageForm):
    """Refuse changes to a published notice, and a voting window the notice period forbids."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        page: AssemblyPage = self.instance
        stored_state = (
            AssemblyPage.objects.filter(pk=page.pk).values_list("state", flat=True).first()
            if page.pk
            else None
        )
        if stored_state and stored_state != AssemblyState.DRAFT:
            changed_rules = set(self.changed_data) & set(AssemblyPage.FROZEN_FIELDS)
            motions = self.formsets.get("motions")
            motions_changed = motions is not None and (
                any(form.has_changed() for form in motions.forms) or bool(motions.deleted_forms)
            )
            if changed_rules or motions_changed:
                raise ValidationError(frozen_message())
        opens = cleaned.get("voting_opens_at")
        closes = cleaned.get("voting_closes_at")
        days = cleaned.get("min_notice_days")
        if opens and days is not None:
            # A shorter period is refused on its own field; the window is checked against
            # what the law allows at least, so one error does not hide the other.
            days = max(days, legal.NOTICE_DAYS.minimum)
            notice_at = page.notice_published_at or timezone.now()
            earliest = notice_at + timedelta(days=days)
            if opens < earliest:
                self.add_error(
                    "voting_opens_at",
                    _(
                        "投票开始时间不得早于会议公告发布后 %(days)s 日，即不早于 %(earliest)s。"
                        "业主大会会议应当于召开 %(floor)s 日以前通知全体业主（议事规则可规定更长）。"
                    )
                    % {
                        "days": days,
                        "floor": legal.NOTICE_DAYS.minimum,
                        "earliest": date_format(timezone.localtime(earliest), "DATETIME_FORMAT"),
                    },
                )
        if opens and closes and closes <= opens:
            self.add_error("voting_closes_at", _("投票结束时间必须晚于开始时间。"))
        return cleaned


class AssemblyPage(AssemblyStates, VisibilityMixin, Page):
    """One assembly meeting (业主大会会议): its notice, voting window, rules and motions.

    The state moves draft → announced → open → closed only through voting.actions.
    Publishing the notice freezes the motions and the rules of procedure chosen here.
    """

    FROZEN_FIELDS = (
        "meeting_form",
        "voting_opens_at",
        "voting_closes_at",
        "min_notice_days",
        "allow_change_before_close",
        "channel_priority",
        "proxy_cap_per_agent",
        "deemed_consent",
        "secret_ballot",
        "paper_needs_confirmation",
        "result_due_days",
        "result_display_days",
    )
    # Kept from the database when a revision is published: they belong to the record, not
    # to a revision, and an old revision must never roll a state back.
    RECORD_FIELDS = (
        "state",
        "notice_published_at",
        "opened_at",
        "closed_at",
        "residents_committee_informed_at",
    )

    visibility = models.CharField(
        _("可见范围"), max_length=20, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    intro = models.TextField(_("会议说明"), blank=True)
    meeting_form = models.CharField(
        _("会议形式"),
        max_length=20,
        choices=MeetingForm.choices,
        default=MeetingForm.ONLINE_AND_PAPER,
    )
    voting_opens_at = models.DateTimeField(_("投票开始时间"), null=True, blank=True)
    voting_closes_at = models.DateTimeField(_("投票结束时间"), null=True, blank=True)
    min_notice_days = models.PositiveSmallIntegerField(
        _("最少公告天数"),
        default=legal.NOTICE_DAYS.default,
        validators=validators(legal.NOTICE_DAYS),
        help_text=lazy_format(
            _("投票开始不得早于会议公告发布后的天数；法定最少 %(days)s 日，议事规则可规定更长。"),
            days=legal.NOTICE_DAYS.minimum,
        ),
    )
    allow_change_before_close = models.BooleanField(
        _("允许在投票结束前修改已投选票"), default=False
    )
    channel_priority = models.CharField(
        _("线上与书面重复投票时"),
        max_length=10,
        choices=ChannelPriority.choices,
        default=ChannelPriority.ONLINE,
    )
    proxy_cap_per_agent = models.PositiveSmallIntegerField(
        _("每位受托人最多代理的投票权数"),
        null=True,
        blank=True,
        validators=validators(legal.PROXY_CAP),
        help_text=lazy_format(
            _("留空表示不限；如设上限，至少为 %(minimum)s（部分城市规定为 3）。"),
            minimum=legal.PROXY_CAP.minimum,
        ),
    )
    deemed_consent = models.BooleanField(
        _("未参与表决视为同意多数"),
        default=False,
        help_text=_("仅在议事规则明确规定且有送达证明时启用；结果将分别列出实际票数与视同票数。"),
    )
    secret_ballot = models.BooleanField(
        _("不记名投票"),
        default=False,
        help_text=_("公开账本中每张选票使用一次性编号，与房屋无任何关联。"),
    )
    paper_needs_confirmation = models.BooleanField(
        _("书面选票需第二人核对"),
        default=False,
        help_text=_("录入的书面选票须由另一位工作人员核对后才计入结果。"),
    )
    reminder_days = models.CharField(
        _("投票提醒（结束前天数）"),
        max_length=30,
        default="3,1",
        validators=[validate_reminder_days],
        help_text=_("在投票结束前几天提醒尚未投票的业主，用逗号分隔，例如 3,1；留空表示不提醒。"),
    )
    result_due_days = models.PositiveSmallIntegerField(
        _("结果公布期限（天）"),
        default=legal.RESULT_DUE_DAYS.default,
        validators=validators(legal.RESULT_DUE_DAYS),
        help_text=lazy_format(
            _("投票结束后须在此天数内核定并公布表决结果，最长 %(days)s 日，可规定更短。"),
            days=legal.RESULT_DUE_DAYS.maximum,
        ),
    )
    result_display_days = models.PositiveSmallIntegerField(
        _("决议公告公示期（天）"),
        default=legal.RESULT_DISPLAY_DAYS.default,
        validators=validators(legal.RESULT_DISPLAY_DAYS),
        help_text=lazy_format(
            _("决议公告至少公示的天数，不少于 %(days)s 日。"),
            days=legal.RESULT_DISPLAY_DAYS.minimum,
        ),
    )
    state = models.CharField(
        _("状态"),
        max_length=20,
        choices=AssemblyState.choices,
        default=AssemblyState.DRAFT,
        editable=False,
    )
    notice_published_at = models.DateTimeField(
        _("会议公告发布时间"), null=True, blank=True, editable=False
    )
    opened_at = models.DateTimeField(_("实际开始时间"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("实际结束时间"), null=True, blank=True, editable=False)
    residents_committee_informed_at = models.DateTimeField(
        _("告知社区居委会时间"), null=True, blank=True, editable=False
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("meeting_form"),
                FieldPanel("voting_opens_at"),
                FieldPanel("voting_closes_at"),
            ],
            heading=_("会议形式与投票时间"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("min_notice_days"),
                FieldPanel("allow_change_before_close"),
                FieldPanel("channel_priority"),
                FieldPanel("proxy_cap_per_agent"),
                FieldPanel("deemed_consent"),
                FieldPanel("secret_ballot"),
                FieldPanel("paper_needs_confirmation"),
                FieldPanel("reminder_days"),
                FieldPanel("result_due_days"),
                FieldPanel("result_display_days"),
            ],
            heading=_("议事规则选项"),
        ),
        InlinePanel("motions", heading=_("表决事项"), label=_("表决事项"), min_num=1),
    ]
    settings_panels = [*Page.settings_panels, *VisibilityMixin.visibility_panels]
    parent_page_types = ["voting.AssemblyIndexPage"]
    subpage_types: list[str] = []
    base_form_class = AssemblyPageForm
    template = "voting/assembly_page.html"

    class Meta:
        verbose_name = _("业主大会会议")
        verbose_name_plural = _("业主大会会议")
        # The law's numbers hold for every row, whoever writes it (portal/community/legal.py).
        constraints = [
            check("min_notice_days", legal.NOTICE_DAYS, name="assembly_notice_days_legal"),
            check("result_due_days", legal.RESULT_DUE_DAYS, name="assembly_result_due_legal"),
            check(
                "result_display_days",
                legal.RESULT_DISPLAY_DAYS,
                name="assembly_result_display_legal",
            ),
            check(
                "proxy_cap_per_agent",
                legal.PROXY_CAP,
                name="assembly_proxy_cap_legal",
                nullable=True,
            ),
        ]

    # --- state (is_frozen, is_open, ...: AssemblyStates) ----------------------------------

    def ballot_motions(self) -> list[Motion]:
        """Return the motions in order, with their candidates, as the ballot shows them.

        Once the notice is published the motions and candidates are frozen (the models
        refuse changes), so they are read once and kept in the cache under the moment of
        publication: the ballot form and the cast do not read them on every vote.
        """
        if not self.is_frozen or self.notice_published_at is None or not self.pk:
            return list(self.motions.prefetch_related("candidates"))
        key = f"voting:ballot-motions:{self.pk}:{self.notice_published_at.timestamp():.6f}"
        return cache.get_or_set(
            key, lambda: list(self.motions.prefetch_related("candidates")), BALLOT_MOTIONS_TTL
        )

    def is_voting_window(self, at=None) -> bool:
        """Return whether ballots may be cast at this moment."""
        at = at or timezone.now()
        return (
            self.state == AssemblyState.OPEN
            and self.voting_opens_at is not None
            and self.voting_closes_at is not None
            and self.voting_opens_at <= at < self.voting_closes_at
        )

    def earliest_opening(self):
        """Return the first moment voting may open under the notice rule, or None."""
        if self.notice_published_at is None:
            return None
        return self.notice_published_at + timedelta(days=self.min_notice_days)

    @property
    def estate(self):
        return self.page_estate

    def reminder_day_list(self) -> list[int]:
        """Return the days before the close on which non-voters are reminded (default 3, 1)."""
        try:
            return parse_reminder_days(self.reminder_days)
        except ValidationError:
            return [3, 1]

    @property
    def result_due_by(self):
        """Return when the result must be certified and published (close + result_due_days)."""
        closes = self.closed_at or self.voting_closes_at
        return closes + timedelta(days=self.result_due_days) if closes else None

    def result_overdue(self, at=None) -> bool:
        """Return whether the closed assembly's result is past due and still uncertified."""
        due = self.result_due_by
        if self.state != AssemblyState.CLOSED or due is None:
            return False
        if (at or timezone.now()) <= due:
            return False
        return not AssemblyPage.objects.filter(pk=self.pk, result__isnull=False).exists()

    def with_content_json(self, content):
        page = super().with_content_json(content)
        for name in self.RECORD_FIELDS:
            setattr(page, name, getattr(self, name))
        return page

    def save(self, *args: Any, **kwargs: Any):
        if self.pk:
            stored = (
                AssemblyPage.objects.filter(pk=self.pk)
                .values(*self.FROZEN_FIELDS, *self.RECORD_FIELDS)
                .first()
            )
            if stored and stored["state"] != AssemblyState.DRAFT:
                if any(stored[name] != getattr(self, name) for name in self.FROZEN_FIELDS):
                    raise MotionsFrozenError(frozen_message())
                # Only voting.actions moves the record fields, and it writes them itself.
                for name in self.RECORD_FIELDS:
                    setattr(self, name, stored[name])
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(assembly_views.serve("context", request, self))
        return context

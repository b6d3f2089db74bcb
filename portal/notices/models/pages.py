"""The estate's notice section and its notices."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page

from portal.community.models import Building
from portal.home.blocks import BodyBlock
from portal.home.mixins import AnonymousCacheMixin, SectionIndexMixin, VisibilityMixin
from portal.home.subviews import SubViews
from portal.notices.authorship import default_issuer
from portal.notices.choices import Issuer, NoticeCategory, TimeState, Urgency
from portal.notices.models.acknowledgements import Acknowledgement
from portal.notifications.limits import TITLE_MAX, URL_MAX

# The routes' views live in portal.notices.views and portal.notices.feeds, which register
# them here (imported by NoticesConfig.ready): the page module does not import its views.
notice_index_views = SubViews("NoticeIndexPage")
notice_views = SubViews("NoticePage")


class NoticeIndexPage(AnonymousCacheMixin, RoutablePageMixin, SectionIndexMixin, Page):
    """The estate's 公告 section: the list, its RSS feed and its iCal calendar."""

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [*Page.settings_panels, *VisibilityMixin.visibility_panels]
    parent_page_types = ["home.EstatePage"]
    subpage_types: list[str] = ["notices.NoticePage", "home.StandardPage"]
    template = "notices/notice_index_page.html"
    per_page = 20

    class Meta:
        verbose_name = _("公告")

    def get_context(self, request, *args, **kwargs):
        # Skip SectionIndexMixin's generic listing: notices are listed with filters and the
        # reader's read state, in a fixed number of queries (views.index_context).
        context = Page.get_context(self, request, *args, **kwargs)
        context.update(notice_index_views.serve("context", request, self))
        return context

    @path("feed/rss/", name="rss")
    def rss_route(self, request):
        return notice_index_views.serve("rss", request, self)

    @path("feed/ical/", name="ical")
    def ical_route(self, request):
        return notice_index_views.serve("ical", request, self)


def notification_limits() -> tuple[int, int]:
    """Return the longest title and link a notification carries."""
    return TITLE_MAX, URL_MAX


def notice_url_problem(parent: Page, slug: str) -> str | None:
    """Return why a notice with this slug under this parent could not be linked from a
    notification, or None. Chinese slugs count as their percent-encoded length."""
    parent_url = parent.specific.url or ""
    url = f"{parent_url}{quote(slug)}/"
    if len(url) > notification_limits()[1]:
        return _(
            "公告网址过长（中文缩略名按编码计算，每个汉字约占 9 个字符），请把“缩略名”改短，例如 water-off-3。"
        )
    return None


class NoticePageForm(WagtailAdminPageForm):
    """Limit the scope choices to the buildings of the notice's own estate, and sign a new
    notice by the writer's own party (portal.notices.authorship)."""

    def _estate(self):
        page = self.instance if self.instance.pk else self.parent_page
        return getattr(page.specific, "page_estate", None) if page is not None else None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        estate = self._estate()
        if "buildings" in self.fields:
            self.fields["buildings"].queryset = (
                Building.objects.filter(estate=estate) if estate else Building.objects.none()
            )
        if not self.instance.pk and not self.is_bound and "issuer" in self.fields:
            self.initial["issuer"] = default_issuer(self.for_user, estate)
        if "title" in self.fields:
            # The browser stops at the limit NoticePage.clean enforces.
            self.fields["title"].widget.attrs["maxlength"] = str(notification_limits()[0])

    def clean(self):
        cleaned = super().clean()
        estate = self._estate()
        buildings = cleaned.get("buildings") or []
        if estate is not None and any(b.estate_id != estate.pk for b in buildings):
            self.add_error("buildings", _("只能选择本小区的楼栋。"))
        slug = cleaned.get("slug")
        if slug and not self.instance.pk and self.parent_page is not None:
            # NoticePage.clean checks an existing notice; a new one has no parent yet there.
            problem = notice_url_problem(self.parent_page, slug)
            if problem:
                self.add_error("slug", problem)
        return cleaned


class StartFromTemplatePanel(HelpPanel):
    """On a new notice: point to the scenario templates (停水, 停电, 电梯维保…)."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            from django.urls import reverse
            from django.utils.html import format_html

            parent = getattr(self.form, "parent_page", None)
            self.content = ""
            if parent is not None and not self.instance.pk:
                self.content = format_html(
                    '<p class="help-block help-info" data-testid="start-from-template">{} '
                    '<a class="button button-small button-secondary" href="{}">{}</a></p>',
                    _("停水、停电、电梯维保等常见公告有现成的模板，填好时间和楼栋即可生成草稿。"),
                    reverse("notices_from_template", args=[parent.pk]),
                    _("从模板新建公告"),
                )

        def is_shown(self) -> bool:
            return bool(self.content)


class NoticePage(AnonymousCacheMixin, RoutablePageMixin, VisibilityMixin, Page):
    """A structured notice: what, who issues it, for whom, when, and whether to acknowledge."""

    category = models.CharField(
        _("类别"), max_length=20, choices=NoticeCategory.choices, default=NoticeCategory.OTHER
    )
    issuer = models.CharField(
        _("发布方"),
        max_length=20,
        choices=Issuer.choices,
        default=Issuer.PROPERTY,
        help_text=_("以谁的名义发布：物业服务企业、业主委员会或社区居委会。"),
    )
    urgency = models.CharField(
        _("紧急程度"),
        max_length=20,
        choices=Urgency.choices,
        default=Urgency.NORMAL,
        help_text=_("“紧急”会通过站内信和短信送达，收件人无法屏蔽，请仅用于停水停电、安全等情况。"),
    )
    summary = models.CharField(
        _("摘要"),
        max_length=200,
        blank=True,
        help_text=_("一两句话说明要点，用于列表、通知短信和订阅。"),
    )
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)
    buildings = ParentalManyToManyField(
        Building,
        blank=True,
        related_name="notices",
        verbose_name=_("通知范围（楼栋）"),
        help_text=_("不选表示全小区；选择楼栋后，只有这些楼栋的业主和住户会收到通知并需确认。"),
    )
    effective_from = models.DateTimeField(
        _("生效开始"),
        null=True,
        blank=True,
        help_text=_("例如停水开始的时间；会议通知填会议开始时间。"),
    )
    effective_until = models.DateTimeField(
        _("生效结束"), null=True, blank=True, help_text=_("例如恢复供水的时间。")
    )
    min_display_days = models.PositiveSmallIntegerField(
        _("公示期（天）"),
        default=7,
        validators=[MaxValueValidator(365)],
        help_text=_("发布后至少在“当前公告”中展示的天数；公示期内不能撤下。"),
    )
    pinned = models.BooleanField(_("置顶"), default=False)
    requires_acknowledgement = models.BooleanField(
        _("需要已读回执"),
        default=False,
        help_text=_("勾选后，范围内的业主和住户需点击“已阅”确认，工作人员可查看回执率。"),
    )
    reminder_delay_hours = models.PositiveSmallIntegerField(
        _("未读提醒（小时）"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
        help_text=_("发布后多少小时，向尚未确认的住户再提醒一次。"),
    )
    # Computed on save: the moment the notice stops being "current" (see time_state).
    listed_until = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    base_form_class = NoticePageForm
    content_panels = [
        StartFromTemplatePanel(),
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("category"), FieldPanel("issuer")]),
                FieldRowPanel([FieldPanel("urgency"), FieldPanel("pinned")]),
                FieldPanel("summary"),
            ],
            heading=_("基本信息"),
        ),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("附件"), heading=_("附件")),
        MultiFieldPanel(
            [
                FieldPanel("buildings", widget=forms.CheckboxSelectMultiple),
                FieldRowPanel([FieldPanel("effective_from"), FieldPanel("effective_until")]),
                FieldPanel("min_display_days"),
            ],
            heading=_("范围与时间"),
        ),
        MultiFieldPanel(
            [FieldPanel("requires_acknowledgement"), FieldPanel("reminder_delay_hours")],
            heading=_("已读回执"),
        ),
    ]
    settings_panels = [*Page.settings_panels, *VisibilityMixin.visibility_panels]
    parent_page_types = ["notices.NoticeIndexPage"]
    subpage_types: list[str] = []
    template = "notices/notice_page.html"

    class Meta:
        verbose_name = _("公告")
        verbose_name_plural = _("公告")

    @transaction.atomic
    def publish(self, revision, *args, **kwargs):
        """Publish the revision together with its effects, or not at all.

        The page_published receivers (audit record, notification, reminder schedule) run
        inside Wagtail's publish; should one fail, the notice must not stay live without
        them. Scheduled publishing, workflow approval and the admin's create view come
        through here; the admin's edit view publishes directly, and its request is one
        transaction (portal.home.middleware.AtomicAdminWritesMiddleware).
        """
        return super().publish(revision, *args, **kwargs)

    # --- time ------------------------------------------------------------------------

    def clean(self):
        super().clean()
        errors: dict[str, str] = {}
        title_max = notification_limits()[0]
        if len(self.title or "") > title_max:
            # The publication notification carries the title whole (issue #12.8).
            errors["title"] = _("公告标题最多 %(n)s 字，通知和短信放不下更长的标题。") % {
                "n": title_max
            }
        if self.pk and self.slug:
            parent = self.get_parent()
            problem = notice_url_problem(parent, self.slug) if parent is not None else None
            if problem:
                errors["slug"] = problem
        if (
            self.effective_from
            and self.effective_until
            and self.effective_until <= self.effective_from
        ):
            errors["effective_until"] = _("生效结束时间必须晚于开始时间。")
        if self.expire_at and self.min_display_days:
            start = self.go_live_at or self.first_published_at or timezone.now()
            if self.expire_at < start + timedelta(days=self.min_display_days):
                errors["expire_at"] = _("下线时间早于公示期结束，公示期内公告不能撤下。")
        # An unsaved page has no tree position yet; NoticePageForm checks it on creation.
        estate = self.page_estate if self.pk else None
        if estate is not None:
            strangers = [b for b in self.buildings.all() if b.estate_id != estate.pk]
            if strangers:
                errors["buildings"] = _("只能选择本小区的楼栋。")
        if errors:
            raise ValidationError(errors)

    @property
    def published_from(self):
        """Return when the notice went (or goes) public."""
        return self.first_published_at or self.go_live_at

    def compute_listed_until(self):
        """Return the end of the 公示期 or of the effective window, whichever is later."""
        start = self.published_from or timezone.now()
        ends = [start + timedelta(days=self.min_display_days)]
        if self.effective_until:
            ends.append(self.effective_until)
        return max(ends)

    @property
    def display_period_ends_at(self):
        """Return when the minimum display period (公示期) ends."""
        start = self.published_from or timezone.now()
        return start + timedelta(days=self.min_display_days)

    def save(self, *args, **kwargs):
        self.listed_until = self.compute_listed_until()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "listed_until" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "listed_until"]
        return super().save(*args, **kwargs)

    def time_state(self, now=None) -> str:
        """Return current / upcoming / expired.

        Upcoming: the effective window has not begun. Expired: both the 公示期 and the
        effective window are over (now > listed_until). Current: everything in between.
        Acknowledgements are accepted only while a notice is not expired.
        """
        now = now or timezone.now()
        if self.effective_from and self.effective_from > now:
            return TimeState.UPCOMING
        listed_until = self.listed_until or self.compute_listed_until()
        if listed_until < now:
            return TimeState.EXPIRED
        return TimeState.CURRENT

    def removal_refusal(self, *, deleting: bool = False) -> str | None:
        """Return why the notice may not be unpublished (or deleted) now, or None."""
        if deleting and self.pk and Acknowledgement.objects.filter(notice_id=self.pk).exists():
            return str(_("该公告已有已读回执，不能删除；公示期结束后可以取消发布。"))
        if self.live and self.first_published_at:
            ends = self.display_period_ends_at
            if timezone.now() < ends:
                return str(
                    _("公示期至 %(date)s 结束，公示期内公告不能撤下。")
                    % {"date": timezone.localtime(ends).strftime("%Y-%m-%d %H:%M")}
                )
        return None

    def get_time_state_display(self) -> str:
        return TimeState(self.time_state()).label

    @cached_property
    def scope_label(self) -> str:
        names = [b.name for b in self.buildings.all()]
        return "、".join(names) if names else str(_("全小区"))

    def key_facts(self) -> list:
        """Return the key-facts boxes of the body, for the print view."""
        return [block.value for block in self.body if block.block_type == "key_facts"]

    # --- routes ----------------------------------------------------------------------

    @path("")
    def detail_route(self, request, *args, **kwargs):
        return notice_views.serve("detail", request, self)

    @path("acknowledge/", name="acknowledge")
    def acknowledge_route(self, request):
        return notice_views.serve("acknowledge", request, self)

    @path("acknowledgements/", name="report")
    def report_route(self, request):
        return notice_views.serve("report", request, self)

    @path("acknowledgements/csv/", name="report_csv")
    def report_csv_route(self, request):
        return notice_views.serve("report_csv", request, self)

    @path("print/", name="print")
    def print_route(self, request):
        return notice_views.serve("print", request, self)


class NoticeAttachment(Orderable):
    """A document attached to a notice (the signed PDF, a fee table, a floor plan)."""

    page = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.PROTECT, related_name="+", verbose_name=_("文件")
    )
    caption = models.CharField(_("说明"), max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

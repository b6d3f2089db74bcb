"""The estate's consultation section and its consultations: the draft, the questionnaire and
the links to what followed. Everything here is written by the committee in the admin."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from consultations.choices import (
    SCALE_MAX,
    SCALE_MIN,
    Audience,
    ParticipantVisibility,
    Phase,
    QuestionKind,
)
from consultations.models.responses import Answer
from portal.community.choices import Visibility
from portal.home.mixins import AnonymousCacheMixin, SectionIndexMixin, VisibilityMixin
from portal.home.subviews import SubViews
from portal.home.visibility import filter_visible_pages

RICH_FEATURES = ["h3", "bold", "italic", "ol", "ul", "link", "document-link"]


def new_key(prefix: str) -> str:
    """Return a short random key, e.g. "s-3f9a1c": never derived from a title, so it stays."""
    return f"{prefix}-{secrets.token_hex(3)}"


# The routes' views live in consultations.views, which registers them here (imported by
# ConsultationsConfig.ready): the page module does not import its views.
consultation_views = SubViews("ConsultationPage")


class ConsultationIndexPage(AnonymousCacheMixin, SectionIndexMixin, Page):
    """The estate's 征求意见 section."""

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [*Page.settings_panels, *VisibilityMixin.visibility_panels]
    parent_page_types = ["home.EstatePage"]
    subpage_types: list[str] = ["consultations.ConsultationPage", "home.StandardPage"]
    template = "consultations/consultation_index_page.html"

    class Meta:
        verbose_name = _("征求意见")

    def visible_children(self, request):
        children = self.get_children().live().specific().order_by("-first_published_at", "-pk")
        return filter_visible_pages(children, request.user, self.page_estate)


class ConsultationPageForm(WagtailAdminPageForm):
    """Refuse changes to questions people have already answered: a choice's id is its line,
    so editing choices, the kind or deleting the question would change what they said."""

    def is_valid(self) -> bool:
        # The child formsets are validated after the page form's own clean(), so check here.
        valid = super().is_valid()
        if valid and self.instance.pk:
            for message in self._changed_answered_questions():
                self.add_error(None, message)
                valid = False
        return valid

    def _changed_answered_questions(self) -> list[str]:
        formset = self.formsets.get("questions")
        answered = set(
            Answer.objects.filter(question__page_id=self.instance.pk)
            .values_list("question_id", flat=True)
            .distinct()
        )
        if formset is None or not answered:
            return []
        originals = {q.pk: q for q in ConsultationQuestion.objects.filter(pk__in=answered)}
        seen: set[int] = set()
        messages: list[str] = []
        for form in formset.forms:
            original = originals.get(form.instance.pk)
            if original is None:
                continue
            seen.add(original.pk)
            data = form.cleaned_data
            options = [
                line.strip() for line in (data.get("choices") or "").splitlines() if line.strip()
            ]
            if (
                data.get("DELETE")
                or data.get("kind") != original.kind
                or options != original.options()
            ):
                messages.append(original.text)
        messages += [q.text for pk, q in originals.items() if pk not in seen]
        return [
            _("已有人回答“%(q)s”，不能删除它，也不能修改题型或选项。") % {"q": text}
            for text in messages
        ]


class ConsultationPage(RoutablePageMixin, VisibilityMixin, Page):
    """One consultation: why, the draft in sections, the questions, and when it is open."""

    purpose = models.TextField(
        _("征求意见目的"), help_text=_("一两句话说明为什么征求意见、意见将如何使用。")
    )
    background = RichTextField(_("背景"), features=RICH_FEATURES, blank=True)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    audience = models.CharField(
        _("征求对象"), max_length=20, choices=Audience.choices, default=Audience.OWNERS
    )
    participant_visibility = models.CharField(
        _("参与人姓名"),
        max_length=20,
        choices=ParticipantVisibility.choices,
        default=ParticipantVisibility.COMMITTEE,
        help_text=_("公开时，结果和采纳情况中显示脱敏姓名（如 王*芳）；否则只显示“业主甲”等代号。"),
    )
    reminder_hours = models.PositiveSmallIntegerField(
        _("截止前提醒（小时）"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
        help_text=_("截止前多少小时，提醒尚未提交意见的征求对象。"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("purpose"),
        FieldPanel("background"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldRowPanel([FieldPanel("audience"), FieldPanel("participant_visibility")]),
                FieldPanel("reminder_hours"),
            ],
            heading=_("时间与对象"),
        ),
        InlinePanel("sections", label=_("章节"), heading=_("草案章节"), min_num=1),
        InlinePanel("questions", label=_("问题"), heading=_("问卷")),
        InlinePanel("attachments", label=_("附件"), heading=_("附件")),
        InlinePanel("follow_ups", label=_("后续"), heading=_("后续进展（采纳情况中展示）")),
    ]
    settings_panels = [*Page.settings_panels, *VisibilityMixin.visibility_panels]
    base_form_class = ConsultationPageForm
    parent_page_types = ["consultations.ConsultationIndexPage"]
    subpage_types: list[str] = []
    template = "consultations/consultation_page.html"

    class Meta:
        verbose_name = _("征求意见稿")
        verbose_name_plural = _("征求意见稿")

    def clean(self):
        super().clean()
        errors: dict[str, str] = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("截止时间必须晚于开始时间。")
        if self.audience == Audience.RESIDENTS and self.visibility == Visibility.OWNERS:
            errors["audience"] = _(
                "征求对象包含住户时，页面可见范围不能是“仅认证业主可见”，否则住户无法看到草案。"
            )
        if errors:
            raise ValidationError(errors)

    # --- time ------------------------------------------------------------------------

    def phase(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return Phase.UPCOMING
        if now >= self.closes_at:
            return Phase.CLOSED
        return Phase.OPEN

    def get_phase_display(self) -> str:
        return Phase(self.phase()).label

    @property
    def is_open(self) -> bool:
        return self.phase() == Phase.OPEN

    @property
    def asks_owners_only(self) -> bool:
        return self.audience == Audience.OWNERS

    @property
    def is_closed(self) -> bool:
        return self.phase() == Phase.CLOSED

    @property
    def reminder_at(self):
        return self.closes_at - timedelta(hours=self.reminder_hours)

    # --- routes ----------------------------------------------------------------------

    @path("")
    def detail_route(self, request, *args, **kwargs):
        return consultation_views.serve("detail", request, self)

    @path("respond/", name="respond")
    def respond_route(self, request):
        return consultation_views.serve("respond", request, self)

    @path("results/", name="results")
    def results_route(self, request):
        return consultation_views.serve("results", request, self)

    @path("results/csv/", name="results_csv")
    def results_csv_route(self, request):
        return consultation_views.serve("results_export", request, self, fmt="csv")

    @path("results/xlsx/", name="results_xlsx")
    def results_xlsx_route(self, request):
        return consultation_views.serve("results_export", request, self, fmt="xlsx")

    @path("handling/", name="handling")
    def handling_route(self, request):
        return consultation_views.serve("handling", request, self)

    @path("report/", name="report")
    def report_route(self, request):
        return consultation_views.serve("report", request, self)

    @path("report/moderate/", name="moderate_opinion")
    def moderate_opinion_route(self, request):
        return consultation_views.serve("moderate_opinion", request, self)

    @path("answers/moderate/", name="moderate_answers")
    def moderate_answers_route(self, request):
        return consultation_views.serve("moderate_answers", request, self)

    def subpage_url(self, name: str) -> str:
        base = self.url or ""
        return base + self.reverse_subpage(name).lstrip("/") if base else ""


class ConsultationSection(Orderable):
    """One section of the draft. Its anchor is given once and survives reordering and edits,
    so opinions (which point at the anchor) and shared links keep their place."""

    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="sections")
    anchor = models.SlugField(_("锚点"), max_length=40, blank=True, editable=False)
    heading = models.CharField(_("标题"), max_length=200)
    body = RichTextField(_("正文"), features=RICH_FEATURES)

    panels = [FieldPanel("heading"), FieldPanel("body")]

    class Meta(Orderable.Meta):
        verbose_name = _("章节")
        verbose_name_plural = _("章节")

    def save(self, *args, **kwargs):
        if not self.anchor:
            self.anchor = new_key("s")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.heading


class ConsultationQuestion(Orderable):
    """A question of the questionnaire. Choices are one per line; a choice's id is its line
    number, so choices may not change once anyone has answered (see wagtail_hooks)."""

    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(
        _("题型"), max_length=20, choices=QuestionKind.choices, default=QuestionKind.SINGLE
    )
    text = models.CharField(_("问题"), max_length=300)
    help_text = models.CharField(_("说明"), max_length=300, blank=True)
    required = models.BooleanField(_("必答"), default=True)
    choices = models.TextField(
        _("选项"), blank=True, help_text=_("单选、多选题填写，每行一个选项。")
    )
    max_choices = models.PositiveSmallIntegerField(
        _("最多可选"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("多选题最多可选几项；留空表示不限。"),
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("required")]),
        FieldPanel("text"),
        FieldPanel("help_text"),
        FieldPanel("choices"),
        FieldPanel("max_choices"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("问题")
        verbose_name_plural = _("问题")

    def __str__(self) -> str:
        return self.text

    def clean(self):
        super().clean()
        options = self.options()
        if self.kind in QuestionKind.with_choices():
            if len(options) < 2:
                raise ValidationError({"choices": _("单选、多选题至少需要两个选项。")})
            if len(set(options)) != len(options):
                raise ValidationError({"choices": _("选项不能重复。")})
        elif options:
            raise ValidationError({"choices": _("只有单选、多选题可以填写选项。")})
        if self.max_choices and self.kind != QuestionKind.MULTIPLE:
            raise ValidationError({"max_choices": _("只有多选题可以设置最多可选项数。")})
        if self.max_choices and self.max_choices > len(options):
            raise ValidationError({"max_choices": _("最多可选项数不能超过选项个数。")})

    def options(self) -> list[str]:
        """Return the choice labels in order (choice id = position + 1)."""
        return [line.strip() for line in (self.choices or "").splitlines() if line.strip()]

    def option_pairs(self) -> list[tuple[int, str]]:
        return list(enumerate(self.options(), start=1))

    @property
    def scale_values(self) -> range:
        return range(SCALE_MIN, SCALE_MAX + 1)

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"


class ConsultationAttachment(Orderable):
    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.PROTECT, related_name="+", verbose_name=_("文件")
    )
    caption = models.CharField(_("说明"), max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("附件")
        verbose_name_plural = _("附件")


class FollowUpLink(Orderable):
    """What followed the consultation: an assembly motion, an action item, a revised draft.

    A page of this site (chooser) or an address (e.g. an action item of the deliberation app).
    """

    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="follow_ups")
    label = models.CharField(_("说明"), max_length=200, help_text=_("例如：提交业主大会表决"))
    target_page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("本站页面"),
    )
    url = models.CharField(
        _("链接地址"),
        max_length=500,
        blank=True,
        help_text=_("不选页面时填写，例如 /discuss/… 或 https://…"),
    )

    panels = [FieldPanel("label"), FieldPanel("target_page"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("后续")
        verbose_name_plural = _("后续")

    def clean(self):
        super().clean()
        if bool(self.target_page_id) == bool(self.url):
            raise ValidationError(_("请选择一个本站页面，或填写一个链接地址（二选一）。"))
        if self.url and not (
            (self.url.startswith("/") and not self.url.startswith("//"))
            or self.url.startswith("https://")
            or self.url.startswith("http://")
        ):
            raise ValidationError({"url": _("链接地址须以 / 或 http(s):// 开头。")})

    @property
    def href(self) -> str:
        if self.target_page_id and self.target_page is not None:
            return self.target_page.url or ""
        return self.url

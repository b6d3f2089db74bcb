"""Per-estate rules of the discussion area, editable by the committee in the Wagtail admin."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from deliberation.choices import IssueCategory
from portal.community import legal
from portal.community.legal_checks import check, lazy_format, validators
from portal.community.models import Estate

# The promise: answered within 24 h, resolved within 48 h; an estate may only shorten them.
DEFAULT_RESPONSE_HOURS = legal.RESPONSE_HOURS.default
DEFAULT_CLOSE_HOURS = legal.CLOSE_HOURS.default


@dataclass(frozen=True)
class Deadlines:
    response_hours: int
    close_hours: int


class DeadlinePolicy(models.Model):
    """How long the responsible party has to answer and to resolve one category of report."""

    estate = models.ForeignKey(
        Estate, on_delete=models.CASCADE, related_name="deadline_policies", verbose_name=_("小区")
    )
    category = models.CharField(_("问题类别"), max_length=20, choices=IssueCategory.choices)
    response_hours = models.PositiveIntegerField(
        _("首次响应时限（小时）"),
        default=DEFAULT_RESPONSE_HOURS,
        validators=validators(legal.RESPONSE_HOURS),
        help_text=lazy_format(
            _("最长 %(hours)s 小时；可规定更短的时限，不得更长。"),
            hours=legal.RESPONSE_HOURS.maximum,
        ),
    )
    close_hours = models.PositiveIntegerField(
        _("办结时限（小时）"),
        default=DEFAULT_CLOSE_HOURS,
        validators=validators(legal.CLOSE_HOURS),
        help_text=lazy_format(
            _("最长 %(hours)s 小时；可规定更短的时限，不得更长。"),
            hours=legal.CLOSE_HOURS.maximum,
        ),
    )

    panels = [
        FieldPanel("estate"),
        FieldPanel("category"),
        FieldPanel("response_hours"),
        FieldPanel("close_hours"),
    ]

    class Meta:
        verbose_name = _("响应时限")
        verbose_name_plural = _("响应时限")
        constraints = [
            models.UniqueConstraint(fields=["estate", "category"], name="deadline_policy_once"),
            models.CheckConstraint(
                condition=models.Q(close_hours__gte=models.F("response_hours")),
                name="deadline_close_after_response",
                violation_error_message=_("办结时限不能短于首次响应时限。"),
            ),
            check("response_hours", legal.RESPONSE_HOURS, name="deadline_response_legal"),
            check("close_hours", legal.CLOSE_HOURS, name="deadline_close_legal"),
        ]

    def __str__(self) -> str:
        return f"{self.estate} · {self.get_category_display()}"

    @classmethod
    def for_report(cls, estate: Estate, category: str) -> Deadlines:
        """Return the estate's deadlines for the category, or the defaults (24 h / 48 h).

        A stored policy is within the legal ceilings (model validators and a database check).
        """
        policy = cls.objects.filter(estate=estate, category=category).first()
        if policy is None:
            return Deadlines(DEFAULT_RESPONSE_HOURS, DEFAULT_CLOSE_HOURS)
        return Deadlines(policy.response_hours, policy.close_hours)


class DeliberationSettings(models.Model):
    """The estate's moderation and closing rules (one row per estate; defaults when absent)."""

    estate = models.OneToOneField(
        Estate,
        on_delete=models.CASCADE,
        related_name="deliberation_settings",
        verbose_name=_("小区"),
    )
    premoderation = models.BooleanField(
        _("先审后发"), default=False, help_text=_("开启后，所有成员的发言须经版主审核后才显示。")
    )
    hide_threshold = models.PositiveSmallIntegerField(
        _("自动隐藏所需举报人数"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("不同举报人达到该人数时，发言自动隐藏，等待版主复核。"),
    )
    auto_close_hours = models.PositiveIntegerField(
        _("自动关闭时间（小时）"),
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=_("责任方标记已解决后，反映人未确认也未重新打开的，经过该时间自动关闭。"),
    )
    second_escalation_hours = models.PositiveIntegerField(
        _("二次督办间隔（小时）"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
        help_text=_("逾期后先提醒业委会；再经过该时间仍未处理的，提醒社区居委会。"),
    )

    panels = [
        FieldPanel("estate"),
        FieldPanel("premoderation"),
        FieldPanel("hide_threshold"),
        FieldPanel("auto_close_hours"),
        FieldPanel("second_escalation_hours"),
    ]

    class Meta:
        verbose_name = _("议事设置")
        verbose_name_plural = _("议事设置")

    def __str__(self) -> str:
        return str(self.estate)

    @classmethod
    def for_estate(cls, estate: Estate) -> DeliberationSettings:
        """Return the estate's settings, or unsaved defaults (reading never writes)."""
        found = cls.objects.filter(estate=estate).first()
        return found if found is not None else cls(estate=estate)


class SensitiveWord(models.Model):
    """A word that holds a post for review instead of publishing it, in one estate."""

    estate = models.ForeignKey(
        Estate, on_delete=models.CASCADE, related_name="sensitive_words", verbose_name=_("小区")
    )
    word = models.CharField(_("敏感词"), max_length=50)

    panels = [FieldPanel("estate"), FieldPanel("word")]

    class Meta:
        verbose_name = _("敏感词")
        verbose_name_plural = _("敏感词")
        constraints = [
            models.UniqueConstraint(fields=["estate", "word"], name="sensitive_word_once")
        ]

    def __str__(self) -> str:
        return self.word

    def save(self, *args, **kwargs):
        self.word = (self.word or "").strip().lower()
        super().save(*args, **kwargs)

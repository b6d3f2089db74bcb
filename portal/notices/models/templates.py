"""Scenario templates (场景化模板): courteous wording staff pick and fill in."""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel

from portal.community import permissions
from portal.community.models import Estate
from portal.notices.choices import NoticeCategory, Urgency

PLACEHOLDER = re.compile(r"\{([^{}\s]{1,20})\}")

# Placeholders that are the notice's own fields, not free text: the buildings set the
# notice's scope (who is told and asked to acknowledge), the times its effective window
# (the calendar feed, "即将生效"), the days its 公示期. The draft fills their text from the
# fields, so wording and fields cannot disagree.
SCOPE = "楼栋"
START = "开始时间"
END = "结束时间"
DISPLAY_DAYS = "公示天数"
FIELD_PLACEHOLDERS = (SCOPE, START, END, DISPLAY_DAYS)


class NoticeTemplateForm(WagtailAdminModelForm):
    """Offer only the estates the editor works for; the district library is the admin's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        user = self.for_user
        if user is None or permissions.is_site_admin(user) or "estate" not in self.fields:
            return
        self.fields["estate"].queryset = permissions.estates_where(user, "edit_content")
        self.fields["estate"].required = True
        self.fields["estate"].empty_label = None


class NoticeTemplate(models.Model):
    """A reusable notice text with placeholders such as {楼栋} and {开始时间}."""

    estate = models.ForeignKey(
        Estate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notice_templates",
        verbose_name=_("小区"),
        help_text=_("留空表示全街道通用的模板库，只有平台管理员可以修改。"),
    )
    title = models.CharField(
        _("标题"), max_length=120, help_text=_("可含占位符，如 {楼栋}停水通知")
    )
    category = models.CharField(_("类别"), max_length=20, choices=NoticeCategory.choices)
    urgency = models.CharField(
        _("紧急程度"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL
    )
    body = models.TextField(
        _("正文"),
        help_text=_("用花括号写占位符，如 {楼栋}、{开始时间}、{结束时间}、{联系电话}；空行分段。"),
    )

    base_form_class = NoticeTemplateForm
    panels = [
        FieldPanel("estate"),
        FieldPanel("title"),
        FieldPanel("category"),
        FieldPanel("urgency"),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = _("公告模板")
        verbose_name_plural = _("公告模板")
        ordering = ["category", "title"]

    def __str__(self) -> str:
        return self.title

    def placeholders(self) -> list[str]:
        """Return the placeholder names in order of first appearance (title, then body)."""
        seen: dict[str, None] = {}
        for name in PLACEHOLDER.findall(self.title + "\n" + self.body):
            seen.setdefault(name, None)
        return list(seen)

    @property
    def scope_label(self) -> str:
        """Return whose template it is: an estate's, or the district library's."""
        return self.estate.name if self.estate_id else str(_("通用模板库"))

    scope_label.fget.short_description = _("适用范围")

    def text_placeholders(self) -> list[str]:
        """Return the placeholders written as free text (not one of FIELD_PLACEHOLDERS)."""
        return [name for name in self.placeholders() if name not in FIELD_PLACEHOLDERS]

    def uses(self, name: str) -> bool:
        return name in self.placeholders()


def fill_placeholders(text: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """Return the text with placeholders replaced, and the names that had no value."""
    missing: list[str] = []

    def replace(match: re.Match) -> str:
        name = match.group(1)
        value = (values.get(name) or "").strip()
        if not value:
            if name not in missing:
                missing.append(name)
            return match.group(0)
        return value

    return PLACEHOLDER.sub(replace, text), missing

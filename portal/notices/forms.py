"""The form behind "从模板新建公告": a template's placeholders as the notice's real fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.community.models import Building
from portal.notices import authorship
from portal.notices.choices import Issuer, Urgency
from portal.notices.models.templates import DISPLAY_DAYS, END, START

DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class LocalDateTimeInput(forms.DateTimeInput):
    """A phone-friendly date-and-time picker (the browser's own)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class TemplateDraftForm(forms.Form):
    """Issuer, urgency, scope and times as fields; the template's other placeholders as text.

    Field names of the free-text placeholders are the placeholder names ({原因} → "原因").
    """

    issuer = forms.ChoiceField(
        label=_("发布方"),
        choices=Issuer.choices,
        widget=forms.RadioSelect,
        help_text=_("默认为您所在的一方。"),
        error_messages={"required": _("请选择发布方。")},
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"),
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        help_text=_("“紧急”会通过站内信和短信送达，收件人无法屏蔽，请仅用于停水停电、安全等情况。"),
        error_messages={"required": _("请选择紧急程度。")},
    )
    buildings = forms.ModelMultipleChoiceField(
        label=_("通知范围（楼栋）"),
        queryset=Building.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示全小区；选择楼栋后，只有这些楼栋的业主和住户会收到通知并需确认。"),
    )

    def __init__(self, *args: Any, template: Any, estate: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.template = template
        self.fields["issuer"].initial = authorship.default_issuer(user, estate)
        self.fields["urgency"].initial = authorship.default_urgency(user, estate, template)
        self.fields["buildings"].queryset = Building.objects.filter(estate=estate).order_by(
            "sort_key", "name"
        )
        for name, field, label in (
            (START, "effective_from", _("生效开始（{开始时间}）")),
            (END, "effective_until", _("生效结束（{结束时间}）")),
        ):
            if template.uses(name):
                self.fields[field] = forms.DateTimeField(
                    label=label,
                    input_formats=DATETIME_INPUT_FORMATS,
                    widget=LocalDateTimeInput(),
                    error_messages={
                        "required": _("请选择时间。"),
                        "invalid": _("请输入有效的日期和时间。"),
                    },
                )
        if template.uses(DISPLAY_DAYS):
            self.fields["display_days"] = forms.IntegerField(
                label=_("公示期（天）"),
                min_value=1,
                max_value=365,
                initial=7,
                error_messages={
                    "required": _("请填写公示天数。"),
                    "min_value": _("公示期须在 1 到 365 天之间。"),
                    "max_value": _("公示期须在 1 到 365 天之间。"),
                },
            )
        for name in template.text_placeholders():
            self.fields[name] = forms.CharField(
                label=name,
                max_length=200,
                error_messages={"required": _("请填写“%(name)s”。") % {"name": name}},
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("effective_from"), cleaned.get("effective_until")
        if start and end and end <= start:
            self.add_error("effective_until", _("结束时间必须晚于开始时间。"))
        return cleaned

    def draft_arguments(self) -> dict[str, Any]:
        """Return the keyword arguments of actions.create_notice_from_template."""
        data = self.cleaned_data
        return {
            "values": {name: data[name] for name in self.template.text_placeholders()},
            "buildings": list(data.get("buildings") or []),
            "effective_from": data.get("effective_from"),
            "effective_until": data.get("effective_until"),
            "display_days": data.get("display_days"),
            "issuer": data["issuer"],
            "urgency": data["urgency"],
        }

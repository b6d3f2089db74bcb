"""Forms of the disclosures app: each validates and says what is wrong in Chinese."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from disclosures.choices import (
    SCORE_MAX,
    SCORE_MIN,
    EvaluationOccasion,
    ReviewDecision,
    ServiceArea,
)

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("信息公开表格（.xlsx）"),
        help_text=_("请使用本站提供的模板填写；任何一处有误，整个文件都不会导入。"),
        error_messages={"required": _("请选择要导入的文件。")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件不能超过 2 MB。"))
        return upload


class ReviewForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=ReviewDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择确认或质询。")},
    )
    reason = forms.CharField(
        label=_("理由"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("质询必须写明理由；会作为问题转给物业，并在公开时显示在该行旁边。"),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == ReviewDecision.QUERIED
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", _("质询须写明理由。"))
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请说明原因。")},
    )


class QuestionForm(forms.Form):
    body = forms.CharField(
        label=_("您的问题"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请写下您的问题。")},
        help_text=_("问题会转给物业服务企业，须在 24 小时内首次答复、48 小时内办结。"),
    )


class CorrectionForm(forms.Form):
    target = forms.ChoiceField(label=_("更正项目"))
    new = forms.CharField(label=_("更正后"), max_length=500, required=False)
    reason = forms.CharField(
        label=_("更正原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请说明更正原因。")},
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", _("请选择")), *targets]


class EvaluationForm(forms.Form):
    """The fixed questionnaire: one 1–5 score per service area, an optional comment each."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]
        for area in ServiceArea:
            self.fields[f"score_{area.value}"] = forms.TypedChoiceField(
                label=area.label,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("请为“%(area)s”打分。") % {"area": area.label}},
            )
            self.fields[f"comment_{area.value}"] = forms.CharField(
                label=_("%(area)s的意见") % {"area": area.label},
                required=False,
                max_length=500,
                widget=forms.TextInput,
            )
        self.fields["comment"] = forms.CharField(
            label=_("总体意见"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def area_fields(self):
        return [(self[f"score_{a.value}"], self[f"comment_{a.value}"]) for a in ServiceArea]


class OpenEvaluationForm(forms.Form):
    year = forms.IntegerField(label=_("测评年度"), min_value=2000, max_value=2100)
    occasion = forms.ChoiceField(label=_("类型"), choices=())
    opens_at = forms.DateTimeField(
        label=_("开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label=_("截止时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occasion"].choices = EvaluationOccasion.choices

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("opens_at")
            and cleaned.get("closes_at")
            and cleaned["closes_at"] <= cleaned["opens_at"]
        ):
            self.add_error("closes_at", _("截止时间须晚于开始时间。"))
        return cleaned


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("物业答复"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写答复。")},
    )
    plan = forms.CharField(
        label=_("整改计划"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一项：完成日期 整改措施，例如“2027-03-31 增加夜间巡逻一次”。"),
    )

    def clean_plan(self):
        from datetime import date

        items = []
        for number, raw in enumerate((self.cleaned_data.get("plan") or "").splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            day, _sep, text = line.partition(" ")
            try:
                due = date.fromisoformat(day)
            except ValueError as exc:
                raise forms.ValidationError(
                    _("第 %(n)s 行应以完成日期开头，例如 2027-03-31。") % {"n": number}
                ) from exc
            if not text.strip():
                raise forms.ValidationError(_("第 %(n)s 行缺少整改措施。") % {"n": number})
            items.append((due, text.strip()[:300]))
        return items

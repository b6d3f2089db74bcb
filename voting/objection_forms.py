"""Forms of the roll check: an owner's objection, the committee's decision and override."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.community.models import Unit
from voting.choices import ObjectionKind


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.building.name}{obj.number}（{obj.exclusive_area} ㎡）"


class ObjectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("异议类型"), choices=ObjectionKind.choices)
    unit = UnitChoiceField(
        label=_("有异议的房屋"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("漏登房屋可不选，在说明中写明楼栋和房号。"),
    )
    claimed_area = forms.DecimalField(
        label=_("应为面积（㎡）"),
        required=False,
        max_digits=10,
        decimal_places=2,
        min_value=0.01,
        help_text=_("面积有误时填写，以不动产权证书记载的专有部分面积为准。"),
    )
    explanation = forms.CharField(
        label=_("异议说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(
        label=_("证明材料"),
        help_text=_("不动产权证书、购房合同或测绘报告的照片或 PDF，不超过 5 MB。"),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = _("请选择房屋")


class DecisionForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("决定"),
        choices=[("1", _("异议成立")), ("0", _("异议不成立"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    corrected_area = forms.DecimalField(
        label=_("更正后的面积（㎡）"),
        required=False,
        max_digits=10,
        decimal_places=2,
        min_value=0.01,
        help_text=_("异议成立且为面积有误时，名册按此面积更正；留空则采用业主主张的面积。"),
    )
    reason = forms.CharField(
        label=_("决定理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("不等待未决异议即可冻结名册的理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

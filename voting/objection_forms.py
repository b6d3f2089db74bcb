"""Forms of the roll check: an owner's objection, the committee's decision and override."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.community.models import Building, Unit
from voting.choices import ObjectionKind, RollCorrection


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
    grouping = forms.ChoiceField(
        label=_("更正方式"),
        required=False,
        choices=[
            (
                RollCorrection.MERGE,
                _("同一业主被计为两人：另一身份下的房屋并入异议人名下，计为一人"),
            ),
            (RollCorrection.SPLIT, _("不同业主被计为一人：异议所指房屋登记到另一位业主名下")),
        ],
        widget=forms.RadioSelect,
    )
    building = forms.ModelChoiceField(
        label=_("楼栋"), queryset=Building.objects.none(), required=False
    )
    unit_number = forms.CharField(label=_("房号"), max_length=30, required=False)
    other_name = forms.CharField(label=_("另一位业主的姓名"), max_length=100, required=False)
    other_id_number = forms.CharField(
        label=_("另一位业主的证件号码"),
        max_length=50,
        required=False,
        help_text=_("按不动产权证书或购房合同填写；名册只保存其摘要和后四位。"),
    )
    reason = forms.CharField(
        label=_("决定理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, estate: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(estate=estate)
        self.fields["building"].empty_label = _("请选择楼栋")

    def clean(self) -> dict[str, Any]:
        """Name the unit by its building and number, as the register and its paper do."""
        data = super().clean()
        building, number = data.get("building"), (data.get("unit_number") or "").strip()
        data["unit"] = None
        if building is None and not number:
            return data
        if building is None:
            self.add_error("building", _("请选择房屋所在的楼栋。"))
        elif not number:
            self.add_error("unit_number", _("请填写房号。"))
        else:
            data["unit"] = Unit.objects.filter(building=building, number=number).first()
            if data["unit"] is None:
                self.add_error(
                    "unit_number",
                    _("%(building)s 没有房号为 %(number)s 的房屋，请与名册核对。")
                    % {"building": building.name, "number": number},
                )
        return data


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("不等待未决异议即可冻结名册的理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

"""Forms of the community admin (小区管理): each feeds one function of community/actions.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal.community.choices import RoleKind
from portal.community.models import Community, Estate, MembershipClaim, Role, SubDistrict, Unit
from portal.community.phone import InvalidPhone, normalize_phone


class EstateCreateForm(forms.ModelForm):
    """Collect what `actions.create_estate` needs; the form itself never saves."""

    class Meta:
        model = Estate
        fields = ["community", "name", "slug", "address", "property_company"]
        help_texts = {"slug": _("小区网址中的英文标识，例如 jinxiu，创建后不可更改")}

    def __init__(self, *args: Any, for_user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.select_related("sub_district")


class UnitCorrectionForm(forms.ModelForm):
    """Correct a unit's register facts through `actions.correct_unit`."""

    class Meta:
        model = Unit
        fields = ["number", "floor", "exclusive_area", "area_source", "state"]

    def __init__(self, *args: Any, for_user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class RoleGrantForm(forms.ModelForm):
    """Grant a role to the account with the given mobile, scoped to the place the kind needs."""

    phone = forms.CharField(label=_("用户手机号"), max_length=30)

    class Meta:
        model = Role
        fields = ["kind", "estate", "community", "sub_district", "unit"]
        labels = {
            "estate": _("小区"),
            "community": _("社区"),
            "sub_district": _("街道"),
            "unit": _("房屋（仅住户）"),
        }

    def __init__(self, *args: Any, for_user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["phone", "kind", "estate", "community", "sub_district", "unit"])
        self.fields["estate"].queryset = Estate.objects.all()
        self.fields["community"].queryset = Community.objects.all()
        self.fields["sub_district"].queryset = SubDistrict.objects.all()
        self.fields["unit"].queryset = Unit.objects.select_related("building__estate")
        self.fields["unit"].label_from_instance = lambda unit: f"{unit.building.estate} {unit}"

    def clean_phone(self) -> str:
        try:
            phone = normalize_phone(self.cleaned_data["phone"])
        except InvalidPhone:
            raise forms.ValidationError(_("请输入有效的中国大陆手机号。")) from None
        user = get_user_model().objects.filter(phone=phone, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("没有使用该手机号的有效账户，请先让对方注册。"))
        self.user = user
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        estate, community, sub_district = (
            cleaned.get("estate"),
            cleaned.get("community"),
            cleaned.get("sub_district"),
        )
        # The scope must fit the kind (the database's role_scope_fits_kind says the same).
        scopes = {
            "estate": estate is not None,
            "community": community is not None,
            "sub_district": sub_district is not None,
        }
        needed = {
            RoleKind.COMMUNITY_OFFICIAL: "community",
            RoleKind.SUBDISTRICT_OFFICIAL: "sub_district",
        }.get(kind, "estate")
        if kind and [name for name, given in scopes.items() if given] != [needed]:
            raise forms.ValidationError(
                {
                    "estate": _("小区角色需要且只能指定小区，不能同时指定社区或街道。"),
                    "community": _("社区工作人员需要且只能指定社区。"),
                    "sub_district": _("街道工作人员需要且只能指定街道。"),
                }[needed]
            )
        unit = cleaned.get("unit")
        if unit is not None:
            if kind != RoleKind.RESIDENT:
                self.add_error("unit", _("只有住户角色需要指定房屋。"))
            elif estate is not None and unit.building.estate_id != estate.pk:
                self.add_error("unit", _("该房屋不属于所选小区。"))
        return cleaned


class ClaimDecisionForm(forms.Form):
    """Approve or reject a membership claim; the reason is required and goes to the audit log."""

    DECISIONS = (("approve", _("通过")), ("reject", _("驳回")))

    decision = forms.ChoiceField(label=_("审核结果"), choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("审核意见"),
        max_length=MembershipClaim._meta.get_field("decision_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写审核意见。")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("请填写审核意见。"))
        return reason

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class RoleRevokeForm(forms.Form):
    """Confirm a revocation (the role row stays as history)."""

    confirm = forms.BooleanField(label=_("确认撤销该角色"), required=True)

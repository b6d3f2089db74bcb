"""Front-end forms of the petitions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.community.choices import IdentityKind
from portal.community.models import OwnerIdentity, Ownership
from voting.choices import AssemblyState
from voting.models import AssemblyPage


class PetitionForm(forms.Form):
    title = forms.CharField(
        label=_("提议事项"),
        max_length=120,
        help_text=_("一句话说明为什么要召开临时会议，例如：提议召开临时会议，选聘新的物业服务企业"),
    )
    matters = forms.CharField(
        label=_("提请会议审议的事项"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一项。会议只能就公告列明的事项表决。"),
    )
    reason = forms.CharField(
        label=_("提议理由"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    draft_motions = forms.CharField(
        label=_("议案草稿（选填）"),
        max_length=8000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class IdentityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        units = "、".join(str(o.unit) for o in obj.current_ownerships)
        return f"{obj.name} · {units}" if units else obj.name


class PaperSignatureForm(forms.Form):
    """The committee enters a signed paper petition: whose, and the scan."""

    identity = IdentityChoiceField(
        label=_("签名业主（按名册）"), queryset=OwnerIdentity.objects.none()
    )
    scan = forms.FileField(
        label=_("书面提议扫描件"), help_text=_("JPG、PNG 或 PDF，不超过 5 MB，须有业主本人签名。")
    )

    def __init__(self, *args: Any, estate: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.db.models import Prefetch, Q

        current = Ownership.objects.filter(ended_at__isnull=True).select_related("unit__building")
        self.fields["identity"].queryset = (
            OwnerIdentity.objects.filter(estate=estate)
            .filter(Q(ownerships__ended_at__isnull=True) | Q(kind=IdentityKind.DEVELOPER))
            .distinct()
            .prefetch_related(
                Prefetch("ownerships", queryset=current, to_attr="current_ownerships")
            )
            .order_by("kind", "name", "pk")
        )
        self.fields["identity"].empty_label = _("请选择业主")


class AnnouncedMeetingForm(forms.Form):
    assembly = forms.ModelChoiceField(label=_("已发布公告的会议"), queryset=None)

    def __init__(self, *args: Any, estate: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        self.fields["assembly"].queryset = (
            AssemblyPage.objects.descendant_of(estate.page)
            .exclude(state=AssemblyState.DRAFT)
            .order_by("-notice_published_at")
        )
        self.fields["assembly"].empty_label = _("请选择会议")

"""Forms of the voting pages: the ballot (one form for every motion), proxies, paper entry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from voting import ledger
from voting.choices import VoteChoice
from voting.models import AssemblyPage
from voting.scans import validate_scan

ABSTAIN = VoteChoice.ABSTAIN


def _scan_field(label) -> forms.FileField:
    return forms.FileField(
        label=label,
        help_text=_("JPG、PNG 或 PDF，不超过 5 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
    )


class BallotForm(forms.Form):
    """Every motion of the assembly on one form; a motion left blank is not taken part in."""

    def __init__(self, assembly: AssemblyPage, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assembly = assembly
        self.motions = assembly.ballot_motions()
        for motion in self.motions:
            name = self.field_name(motion)
            if motion.is_election:
                self.fields[name] = forms.MultipleChoiceField(
                    label=motion.title,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    choices=[(str(c.pk), c.name) for c in motion.candidates.all()]
                    + [(ABSTAIN, _("弃权（参与本项表决，但不选任何候选人）"))],
                    help_text=_("应选 %(seats)s 人，最多选 %(seats)s 名；不选即不参与本项表决。")
                    % {"seats": motion.seats},
                )
            else:
                self.fields[name] = forms.ChoiceField(
                    label=motion.title,
                    required=False,
                    widget=forms.RadioSelect,
                    choices=[("", _("不参与本项表决")), *VoteChoice.choices],
                )
            self.fields[name].motion = motion

    @staticmethod
    def field_name(motion) -> str:
        return f"motion_{motion.pk}"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for motion in self.motions:
            name = self.field_name(motion)
            value = cleaned.get(name)
            if motion.is_election and value:
                if ABSTAIN in value and len(value) > 1:
                    self.add_error(name, _("选择弃权时不能同时选择候选人。"))
                elif len(value) > (motion.seats or 0):
                    self.add_error(
                        name,
                        _("应选 %(seats)s 人，最多只能选 %(seats)s 名候选人，您选了 %(count)s 名。")
                        % {"seats": motion.seats, "count": len(value)},
                    )
        if not self.errors and not any(cleaned.get(self.field_name(m)) for m in self.motions):
            raise ValidationError(
                _("请至少对一项表决事项作出选择；留空的事项视为不参与该事项的表决。")
            )
        return cleaned

    def to_choices(self) -> dict[int, Any]:
        """Return the choices in the form voting.actions.cast_ballot takes."""
        choices: dict[int, Any] = {}
        for motion in self.motions:
            value = self.cleaned_data.get(self.field_name(motion))
            if not value:
                continue
            if motion.is_election:
                choices[motion.pk] = ABSTAIN if value == [ABSTAIN] else [int(v) for v in value]
            else:
                choices[motion.pk] = value
        return choices

    def summary(self) -> list[tuple[Any, str]]:
        """Return (motion, choice in words) for the confirmation page."""
        rows = []
        for motion in self.motions:
            field = self.fields[self.field_name(motion)]
            value = self.cleaned_data.get(self.field_name(motion))
            if not value:
                rows.append((motion, str(_("不参与"))))
                continue
            labels = dict(field.choices)
            if isinstance(value, list):
                rows.append((motion, "、".join(str(labels[v]) for v in value)))
            else:
                rows.append((motion, str(labels[value])))
        return rows


class PaperBallotForm(BallotForm):
    """A paper ballot as staff enter it: which unit, what it says, and its scan."""

    def __init__(self, assembly: AssemblyPage, *args: Any, **kwargs: Any) -> None:
        super().__init__(assembly, *args, **kwargs)
        self.fields["building"] = forms.CharField(label=_("楼栋"), max_length=30)
        self.fields["unit_number"] = forms.CharField(label=_("房号"), max_length=30)
        self.fields["scan"] = _scan_field(_("书面选票扫描件"))
        self.order_fields(["building", "unit_number", "scan"])

    def clean_scan(self):
        scan = self.cleaned_data["scan"]
        validate_scan(scan)
        return scan


class ProxyForm(forms.Form):
    agent_phone = forms.CharField(
        label=_("受托人手机号"),
        max_length=20,
        help_text=_("受托人须已用该手机号在本站注册。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    scan = _scan_field(_("签字的授权委托书扫描件"))

    def clean_scan(self):
        scan = self.cleaned_data["scan"]
        validate_scan(scan)
        return scan


class ProxyDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结果"), choices=[("approve", _("批准")), ("reject", _("驳回"))]
    )
    reason = forms.CharField(label=_("审核意见"), max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("驳回委托时请填写理由。"))
        return cleaned


class InformCommitteeForm(forms.Form):
    informed_whom = forms.CharField(
        label=_("告知对象"), max_length=100, help_text=_("例如：和平社区居民委员会 张主任")
    )
    how = forms.CharField(
        label=_("告知方式"), max_length=100, required=False, help_text=_("例如：书面送达、当面告知")
    )


class ReceiptLookupForm(forms.Form):
    receipt = forms.CharField(label=_("回执码"), max_length=40)


class PublishedLineForm(forms.Form):
    """A ledger line a reader kept (from a notice, the result PDF, an earlier download)."""

    published = forms.CharField(
        label=_("已公布的校验行"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "可粘贴公告、表决结果 PDF 或您之前下载的账本中的“gongzhi-ledger-v2 …”校验行，"
            "与当前账本核对。"
        ),
    )

    def clean_published(self) -> str:
        text = self.cleaned_data["published"].strip()
        if text and not ledger.parse_publications(text):
            raise forms.ValidationError(
                _(
                    "没有找到校验行。校验行以 gongzhi-ledger-v2 开头，包含 assembly、entries、head 和 roll。"
                )
            )
        return text

    def publications(self) -> list[ledger.Published]:
        return ledger.parse_publications(
            self.cleaned_data.get("published", ""), source=_("您提供的校验行")
        )

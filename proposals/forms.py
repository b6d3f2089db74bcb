"""Forms of owners' proposals: propose, the committee's or property company's answer, and
moderation (hide, report, ask for review)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation.choices import ReportReason
from portal.community.choices import Party
from proposals.actions import ANSWER_MAX, BODY_MAX, REFERRABLE, TITLE_MAX
from proposals.choices import AnswerKind, Outcome
from proposals.models import Proposal, ProposalReport
from voting.choices import Matter


class ProposalForm(forms.Form):
    title = forms.CharField(
        label=_("提案标题"),
        max_length=TITLE_MAX,
        help_text=_("一句话说明提议做什么，例如“在 3 栋旁增设快递柜”。"),
        error_messages={"required": _("请填写提案标题。")},
    )
    body = forms.CharField(
        label=_("提案内容"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("写明要做什么、为什么、大致费用和由谁来做。"),
        error_messages={"required": _("请写明提案内容：要做什么、为什么。")},
    )

    def clean_body(self) -> str:
        # Plain text from the form becomes paragraphs; the action sanitises it again.
        from django.utils.html import escape

        text = self.cleaned_data["body"]
        paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
        return "".join(
            "<p>" + "<br>".join(escape(line) for line in p.split("\n")) + "</p>" for p in paragraphs
        )


class AnswerForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("答复"),
        choices=AnswerKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择答复：采纳、不采纳或转交。")},
    )
    party = forms.ChoiceField(
        label=_("答复方"),
        choices=[
            ("", _("按我的身份")),
            (Party.COMMITTEE, Party.COMMITTEE.label),
            (Party.PROPERTY, Party.PROPERTY.label),
        ],
        required=False,
    )
    text = forms.CharField(
        label=_("答复内容"),
        max_length=ANSWER_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("不采纳时必须写明理由。"),
    )
    outcome = forms.ChoiceField(
        label=_("采纳后转为"),
        choices=[("", "—"), *Outcome.choices],
        required=False,
    )
    assembly = forms.TypedChoiceField(
        label=_("业主大会会议"), coerce=int, required=False, empty_value=None
    )
    motion_title = forms.CharField(label=_("表决事项"), max_length=200, required=False)
    motion_matter = forms.ChoiceField(
        label=_("事项类别（民法典第二百七十八条）"),
        choices=[("", "—"), *Matter.choices],
        required=False,
    )
    action_item_title = forms.CharField(
        label=_("督办事项名称（选填）"),
        max_length=120,
        required=False,
        help_text=_("不填则沿用提案标题；提案日后如被版主隐藏，督办事项的名称不会随之隐藏。"),
    )
    action_item_party = forms.ChoiceField(
        label=_("督办责任方"), choices=[("", "—"), *Party.choices], required=False
    )
    action_item_due = forms.DateField(
        label=_("督办完成期限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("请填写有效日期，例如 2026-06-30。")},
    )
    referred_party = forms.ChoiceField(
        label=_("转交给"),
        choices=[("", "—"), *[(p, Party(p).label) for p in REFERRABLE]],
        required=False,
    )

    def __init__(self, *args, assemblies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assembly"].choices = [("", "—"), *[(a.pk, a.title) for a in assemblies]]


class HideForm(forms.Form):
    """A moderator hides a proposal (or confirms a hiding), with the reason shown to members."""

    reason = forms.ChoiceField(
        label=_("隐藏原因"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择隐藏原因。")},
    )
    note = forms.CharField(
        label=_("说明（选填，告知提案人）"),
        required=False,
        max_length=Proposal._meta.get_field("hidden_note").max_length,
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("举报原因"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择举报原因。")},
    )
    detail = forms.CharField(
        label=_("补充说明（选填）"),
        required=False,
        max_length=ProposalReport._meta.get_field("detail").max_length,
    )


class ReviewForm(forms.Form):
    text = forms.CharField(
        label=_("申请复核的理由"),
        max_length=Proposal._meta.get_field("review_text").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请写明申请复核的理由。")},
    )

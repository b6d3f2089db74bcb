"""Forms of the discussion area: they read input; the rules live in deliberation.actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation.choices import IssueCategory, ReportReason, ThreadKind, ThreadState
from deliberation.models import Appeal, Assignment, PostReport, Satisfaction, Thread, UserBlock
from portal.community.choices import Party
from portal.community.photos import PhotosField

BODY_WIDGET = forms.Textarea(attrs={"rows": 5})


class ThreadForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=ThreadKind.choices, initial=ThreadKind.ISSUE)
    category = forms.ChoiceField(
        label=_("问题类别"),
        choices=[("", _("（仅问题反映）")), *IssueCategory.choices],
        required=False,
        help_text=_("报修、投诉默认由物业负责，建议默认由业委会负责。"),
    )
    title = forms.CharField(label=_("标题"), max_length=Thread._meta.get_field("title").max_length)
    body = forms.CharField(
        label=_("内容"),
        widget=BODY_WIDGET,
        help_text=_("可使用加粗、列表、引用和链接；请勿填写他人手机号等个人信息。"),
    )
    photos = PhotosField(label=_("现场照片（选填，仅问题反映）"))
    tags = forms.CharField(
        label=_("标签"), required=False, help_text=_("用空格分隔，最多 5 个，例如：电梯 3栋")
    )
    page = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PostForm(forms.Form):
    body = forms.CharField(label=_("回复内容"), widget=BODY_WIDGET)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    official = forms.BooleanField(label=_("作为官方答复发布"), required=False)


class EditPostForm(forms.Form):
    body = forms.CharField(label=_("内容"), widget=BODY_WIDGET)


class ThreadFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部类型")), *ThreadKind.choices]
    )
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *ThreadState.choices]
    )
    party = forms.ChoiceField(
        label=_("责任方"), required=False, choices=[("", _("全部责任方")), *Party.choices]
    )
    show = forms.ChoiceField(
        label=_("范围"),
        required=False,
        choices=[("", _("全部议题")), ("mine", _("我发起的")), ("following", _("我关注的"))],
    )
    tag = forms.CharField(required=False, widget=forms.HiddenInput)


class AssignForm(forms.Form):
    party = forms.ChoiceField(label=_("改派给"), choices=Party.choices)
    reason = forms.CharField(
        label=_("改派原因"), max_length=Assignment._meta.get_field("reason").max_length
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("仍未解决的原因"),
        required=False,
        max_length=Assignment._meta.get_field("reason").max_length,
    )


class ResolveForm(forms.Form):
    """What the responsible party did: required before an issue may be marked 已解决."""

    note = forms.CharField(
        label=_("处理说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,  # checked, with a clearer message, by actions.check_resolution
        help_text=_("说明做了什么、在哪里、由谁处理。反映人和本小区成员都能看到。"),
    )
    photo = forms.FileField(
        label=_("现场照片（选填）"),
        required=False,
        help_text=_("JPG 或 PNG，不超过 10 MB。仅本小区成员可见。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png"}),
    )


class RateForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[
            (5, _("5 分 · 非常满意")),
            (4, _("4 分")),
            (3, _("3 分")),
            (2, _("2 分")),
            (1, _("1 分 · 很不满意")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("评价（选填）"),
        required=False,
        max_length=Satisfaction._meta.get_field("comment").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("举报原因"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    detail = forms.CharField(
        label=_("补充说明（选填）"),
        required=False,
        max_length=PostReport._meta.get_field("detail").max_length,
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("申诉理由"),
        max_length=Appeal._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecideAppealForm(forms.Form):
    uphold = forms.TypedChoiceField(
        label=_("复核结果"),
        coerce=lambda v: v == "1",
        choices=[("1", _("申诉成立，恢复发言")), ("0", _("维持隐藏"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("复核意见"), required=False, max_length=300)


class BulkModerationForm(forms.Form):
    action = forms.ChoiceField(
        label=_("操作"),
        choices=[("hide", _("隐藏")), ("restore", _("恢复 / 通过")), ("dismiss", _("驳回举报"))],
    )
    reason = forms.ChoiceField(
        label=_("隐藏原因"), required=False, choices=[("", "—"), *ReportReason.choices]
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=300)
    posts = forms.TypedMultipleChoiceField(coerce=int, choices=[])

    def __init__(self, *args, post_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posts"].choices = [(pk, pk) for pk in post_ids]


class BlockForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
    days = forms.IntegerField(label=_("禁言天数"), min_value=1, max_value=365, initial=7)
    reason = forms.CharField(
        label=_("禁言原因"), max_length=UserBlock._meta.get_field("reason").max_length
    )

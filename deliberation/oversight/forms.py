"""Front-end forms for officials, the committee and the property company."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from deliberation.oversight import evidence as evidence_rules
from deliberation.oversight import references
from deliberation.oversight.actions import AgendaEntry, Attendee
from deliberation.oversight.choices import ActionStatus, WorkState
from portal.community import membership
from portal.community.choices import Party
from portal.community.photos import PhotosField

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _user_label(user: Any, party: str) -> str:
    return f"{user.display_name or user} · {Party(party).label}"


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, *args: Any, parties: dict[int, str], **kwargs: Any) -> None:
        self.parties = parties
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return _user_label(obj, self.parties[obj.pk])


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("会议名称"), max_length=120)
    starts_at = forms.DateTimeField(
        label=_("会议时间"),
        input_formats=[DATETIME_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    place = forms.CharField(label=_("会议地点"), max_length=200)
    agenda = forms.CharField(
        label=_("议程"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "每行一项。要关联议事帖、公告或业主大会，在该行末尾空一格后粘贴本站链接，"
            "例如：3栋屋顶漏水维修方案 /discuss/jinxiu/"
        ),
    )
    attendees = forms.CharField(
        label=_("其他参会人员（无账号）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一人：姓名，单位或身份。例如：李工，区住建局"),
    )

    def __init__(self, *args: Any, estate: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.estate = estate
        pairs = membership.party_candidates(estate)
        parties = {user.pk: party for user, party in pairs}
        self.fields["participants"] = PeopleChoiceField(
            label=_("参会人员（各方）"),
            queryset=membership.party_users(estate, *Party.values).order_by("pk"),
            parties=parties,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("召集人自动列为参会人员。会议召集后，所选人员会收到通知。"),
        )
        self.order_fields(["title", "starts_at", "place", "participants", "attendees", "agenda"])

    def clean_agenda(self) -> list[AgendaEntry]:
        entries = []
        for line in self.cleaned_data["agenda"].splitlines():
            line = line.strip()
            if not line:
                continue
            title, link = line, ""
            parts = line.rsplit(None, 1)
            if len(parts) == 2 and parts[1].startswith(("/", "http://", "https://")):
                title, link = parts
                try:
                    references.validate_link(link)
                    references.from_url(link, estate=self.estate)
                except ValidationError as error:
                    raise ValidationError(f"{line}：{' '.join(error.messages)}") from error
            entries.append(AgendaEntry(title=title[:200], link=link))
        return entries

    def clean_attendees(self) -> list[Attendee]:
        result = []
        for line in self.cleaned_data["attendees"].splitlines():
            line = line.strip()
            if not line:
                continue
            for separator in ("，", ",", "、", " "):
                if separator in line:
                    name, organisation = line.split(separator, 1)
                    break
            else:
                name, organisation = line, ""
            result.append(Attendee(name=name.strip()[:60], organisation=organisation.strip()))
        return result


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("新的会议时间"),
        input_formats=[DATETIME_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    place = forms.CharField(label=_("会议地点"), max_length=200)
    reason = forms.CharField(
        label=_("改期原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写改期原因，它会通知参会人员并显示在会议页面上。")},
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("取消原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写取消原因，它会通知参会人员并显示在会议页面上。")},
    )


class AgendaItemForm(forms.Form):
    prefix = "agenda"
    title = forms.CharField(label=_("议题"), max_length=200)
    link = forms.CharField(
        label=_("关联链接（选填）"),
        required=False,
        max_length=300,
        help_text=_("本站议事帖、公告、征求意见或业主大会的地址，或外部网址。"),
    )

    def __init__(self, *args: Any, estate: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.estate = estate

    def clean_link(self) -> str:
        link = references.validate_link(self.cleaned_data["link"])
        references.from_url(link, estate=self.estate)
        return link


class MinutesForm(forms.Form):
    prefix = "minutes"
    text = forms.CharField(
        label=_("会议纪要"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        help_text=_("空一行分段。纪要公开后，本小区成员均可查看。"),
    )


class DecisionForm(forms.Form):
    prefix = "decision"
    text = forms.CharField(
        label=_("新增决定"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    agenda_item = forms.ModelChoiceField(
        label=_("对应议程（选填）"), queryset=None, required=False, empty_label=_("不指定")
    )

    def __init__(self, *args: Any, meeting: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()


class ResponsibleChoiceField(forms.ModelChoiceField):
    def __init__(self, *args: Any, parties: dict[int, str], **kwargs: Any) -> None:
        self.parties = parties
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return _user_label(obj, self.parties[obj.pk])


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("督办事项"), max_length=120)
    description = forms.CharField(
        label=_("具体要求"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    responsible_party = forms.ChoiceField(label=_("责任方"), choices=Party.choices)
    due_date = forms.DateField(
        label=_("完成期限"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    source_link = forms.CharField(
        label=_("来源链接（选填）"),
        required=False,
        max_length=300,
        help_text=_("粘贴本站议事帖、公告、征求意见或业主大会页面的地址。"),
    )

    def __init__(self, *args: Any, estate: Any, with_source_link: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.estate = estate
        parties = {user.pk: party for user, party in membership.party_candidates(estate)}
        self.fields["responsible_person"] = ResponsibleChoiceField(
            label=_("责任人（选填）"),
            queryset=membership.party_users(estate, *Party.values).order_by("pk"),
            parties=parties,
            required=False,
            empty_label=_("由责任方指定"),
        )
        if not with_source_link:
            del self.fields["source_link"]
        self.order_fields(
            ["title", "description", "responsible_party", "responsible_person", "due_date"]
        )

    def clean_source_link(self) -> Any:
        link = self.cleaned_data.get("source_link", "").strip()
        if not link:
            return None
        obj = references.from_url(link, estate=self.estate)
        if obj is None:
            raise ValidationError(_("找不到该链接对应的本小区内容，请检查地址。"))
        return obj


class ProgressForm(forms.Form):
    state = forms.ChoiceField(label=_("进展状态"), choices=WorkState.choices)
    progress = forms.IntegerField(
        label=_("完成进度（%）"),
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": _("完成进度须在 0 到 100 之间。"),
            "max_value": _("完成进度须在 0 到 100 之间。"),
            "invalid": _("请填写 0 到 100 之间的整数。"),
        },
    )
    note = forms.CharField(
        label=_("进展说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(label=_("现场照片（选填）"))
    evidence = forms.FileField(
        label=_("佐证材料（选填）"),
        required=False,
        help_text=_("现场照片（JPG、PNG）或文件（PDF、Word、Excel），不超过 10 MB。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].widget.attrs["accept"] = evidence_rules.ACCEPT

    def clean_evidence(self) -> Any:
        upload = self.cleaned_data.get("evidence")
        if upload:
            evidence_rules.validate_evidence(upload)
        return upload


class AdjustForm(forms.Form):
    """Extend the deadline or hand the item to another party or person, with a reason."""

    due_date = forms.DateField(
        label=_("完成期限"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    responsible_party = forms.ChoiceField(label=_("责任方"), choices=Party.choices)
    reason = forms.CharField(
        label=_("调整原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例如：等待厂家配件，顺延两周。原因会显示在督办事项上。"),
        error_messages={"required": _("请填写调整原因，它会显示在督办事项上。")},
    )

    def __init__(self, *args: Any, item: Any, **kwargs: Any):
        kwargs.setdefault(
            "initial",
            {
                "due_date": item.due_date,
                "responsible_party": item.responsible_party,
                "responsible_person": item.responsible_person_id,
            },
        )
        super().__init__(*args, **kwargs)
        parties = {user.pk: party for user, party in membership.party_candidates(item.estate)}
        self.fields["responsible_person"] = ResponsibleChoiceField(
            label=_("责任人"),
            queryset=membership.party_users(item.estate, *Party.values).order_by("pk"),
            parties=parties,
            required=False,
            empty_label=_("由责任方指定"),
        )
        self.order_fields(["due_date", "responsible_party", "responsible_person", "reason"])


class ItemFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), ("open", _("未完成（未逾期）")), *ActionStatus.choices],
    )
    party = forms.ChoiceField(
        label=_("责任方"), required=False, choices=[("", _("全部责任方")), *Party.choices]
    )

"""The notification preferences form: email, SMS and WeChat per category, and the email mode."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.notifications.choices import Channel, EmailMode, NotificationCategory
from portal.notifications.preferences import Preferences, all_switches


def field_name(category: str, channel: str) -> str:
    return f"{channel}_{category}"


class PreferencesForm(forms.Form):
    """One checkbox per category and switchable channel, plus how email arrives."""

    email_mode = forms.ChoiceField(
        label=_("邮件接收方式"),
        choices=EmailMode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择邮件接收方式。"),
            "invalid_choice": _("请选择有效的邮件接收方式。"),
        },
    )

    def __init__(self, *args: Any, preferences: Preferences, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "email_mode": preferences.email_mode,
                **{
                    field_name(category, channel): preferences.enabled(category, channel)
                    for category, channel in all_switches()
                },
            },
        )
        super().__init__(*args, **kwargs)
        labels = dict(NotificationCategory.choices)
        channel_labels = dict(Channel.choices)
        for category, channel in all_switches():
            self.fields[field_name(category, channel)] = forms.BooleanField(
                required=False,
                label=_("%(category)s · %(channel)s")
                % {"category": labels[category], "channel": channel_labels[channel]},
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # The inbox has no switch: a forged "inbox_*" field is refused, not ignored.
        forged = sorted(key for key in self.data if key.startswith(f"{Channel.INBOX}_"))
        if forged:
            raise forms.ValidationError(
                _("站内信无法关闭：紧急通知一定会送到站内信。"), code="inbox_locked"
            )
        return cleaned

    def enabled(self) -> dict[tuple[str, str], bool]:
        """Return the switches as (category, channel) → on/off, after validation."""
        return {
            (category, channel): bool(self.cleaned_data[field_name(category, channel)])
            for category, channel in all_switches()
        }

    def rows(self) -> list[dict[str, Any]]:
        """Return one row per category for the template: label, email, SMS and WeChat fields."""
        return [
            {
                "category": category,
                "label": label,
                "email": self[field_name(category, Channel.EMAIL)],
                "sms": self[field_name(category, Channel.SMS)],
                "sms_off": not self._current(category, Channel.SMS),
                "wechat": self[field_name(category, Channel.WECHAT)],
                "wechat_off": not self._current(category, Channel.WECHAT),
            }
            for category, label in NotificationCategory.choices
        ]

    def _current(self, category: str, channel: str) -> bool:
        name = field_name(category, channel)
        if self.is_bound:
            return self.fields[name].widget.value_from_datadict(self.data, self.files, name)
        return bool(self.initial.get(name, True))

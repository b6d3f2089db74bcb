"""Sign-up asks for consent to the privacy notice (PIPL Art. 13-14)."""

from __future__ import annotations

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(label=_("姓名"), max_length=60)
    privacy_consent = forms.BooleanField(
        label=_("我已阅读并同意《个人信息保护说明》"),
        required=True,
        error_messages={"required": _("注册前请阅读并同意个人信息保护说明。")},
    )

    def save(self, request):
        user = super().save(request)
        user.display_name = self.cleaned_data["display_name"]
        user.privacy_consent_at = timezone.now()
        user.save(update_fields=["display_name", "privacy_consent_at"])
        return user

"""allauth adapter: phone numbers live on our User model; SMS goes through portal.accounts.sms."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from portal.accounts.phone import InvalidPhone, normalize_phone
from portal.accounts.sms import send_sms


class AccountAdapter(DefaultAccountAdapter):
    def clean_phone(self, phone: str) -> str:
        try:
            return normalize_phone(phone)
        except InvalidPhone as exc:
            raise forms.ValidationError(
                _("请输入有效的手机号码，例如 13800138000。"), code="invalid_phone"
            ) from exc

    def phone_form_field(self, **kwargs: Any) -> forms.Field:
        kwargs.setdefault("label", _("手机号"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"placeholder": "13800138000", "autocomplete": "tel", "inputmode": "tel"}
            ),
        )
        return forms.CharField(max_length=30, **kwargs)

    def set_phone(self, user: Any, phone: str, verified: bool) -> None:
        user.phone = phone
        user.phone_verified = verified
        user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user: Any) -> tuple[str, bool] | None:
        if user.phone:
            return user.phone, user.phone_verified
        return None

    def set_phone_verified(self, user: Any, phone: str) -> None:
        from portal.community.actions import link_by_verified_phone

        self.set_phone(user, phone, True)
        link_by_verified_phone(user)

    def get_user_by_phone(self, phone: str) -> Any:
        return get_user_model().objects.filter(phone=phone, closed_at__isnull=True).first()

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None:
        send_sms(phone, _("您的验证码是 %(code)s，10 分钟内有效。请勿告诉他人。") % {"code": code})

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        send_sms(phone, _("有人用此号码登录共治，但该号码尚未注册。如非本人操作请忽略。"))

    def send_account_already_exists_sms(self, phone: str) -> None:
        send_sms(phone, _("此号码已注册共治账户，请直接登录。"))

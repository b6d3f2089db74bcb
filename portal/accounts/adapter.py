"""allauth adapter: phone numbers live on our User model; SMS goes through portal.accounts.sms."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts.phone import InvalidPhone, normalize_phone
from portal.accounts.sms import send_sms


class PhoneNumberField(forms.CharField):
    """A mobile number typed any usual way, cleaned to E.164 by the adapter."""

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if value:
            value = AccountAdapter().clean_phone(value)
        return value


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "phone_password_mismatch": gettext_lazy("手机号或密码不正确。"),
        "email_password_mismatch": gettext_lazy("电子邮箱或密码不正确。"),
        "unknown_phone": gettext_lazy("该手机号尚未注册。"),
        "phone_taken": gettext_lazy("该手机号已注册，请直接登录。"),
        "too_many_login_attempts": gettext_lazy("登录失败次数过多，请稍后再试。"),
        "incorrect_code": gettext_lazy("验证码不正确。"),
    }

    def clean_phone(self, phone: str) -> str:
        try:
            return normalize_phone(phone)
        except InvalidPhone as exc:
            raise forms.ValidationError(
                _("请输入有效的手机号码，例如 13800138000。"), code="invalid_phone"
            ) from exc

    def phone_form_field(self, **kwargs: Any) -> forms.Field:
        kwargs["label"] = gettext_lazy("手机号")
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "placeholder": "13800138000",
                    "autocomplete": "tel",
                    "inputmode": "tel",
                    "type": "tel",
                }
            ),
        )
        return PhoneNumberField(max_length=30, **kwargs)

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
        # A verified mobile that matches the owner register proves ownership.
        link_by_verified_phone(user)

    def get_user_by_phone(self, phone: str) -> Any:
        # The password login form passes the number as typed; normalise before looking up.
        try:
            phone = normalize_phone(phone)
        except InvalidPhone:
            return None
        return get_user_model().objects.filter(phone=phone, closed_at__isnull=True).first()

    def login(self, request: Any, user: Any) -> None:
        super().login(request, user)
        # The register may have gained this mobile since the user's last visit.
        if user.phone_verified and not user.owner_identities.exists():
            from portal.community.actions import link_by_verified_phone

            link_by_verified_phone(user)

    def get_login_redirect_url(self, request: Any) -> str:
        """Take a member of exactly one estate to that estate's home (a `next` still wins)."""
        from portal.community import permissions
        from portal.community.models import Estate

        estate_ids = permissions.member_estate_ids(request.user)
        if len(estate_ids) == 1:
            estate = Estate.objects.filter(pk__in=estate_ids).select_related("page").first()
            page = getattr(estate, "page", None) if estate else None
            if page is not None and page.live:
                return page.url
        return super().get_login_redirect_url(request)

    def _get_login_attempts_cache_key(self, request: Any, **credentials: Any) -> str:
        # allauth keys failed-login limits by email or username only; without the phone
        # every phone login would share one counter, so one attacker could lock out all.
        login = credentials.get("email") or credentials.get("username") or ""
        if not login and credentials.get("phone"):
            try:
                login = normalize_phone(credentials["phone"])
            except InvalidPhone:
                login = credentials["phone"]
        return f"{get_current_site(request).domain}:{login.lower()}"

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None:
        send_sms(phone, _("您的验证码是 %(code)s，10 分钟内有效。请勿告诉他人。") % {"code": code})

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        send_sms(phone, _("有人用此号码登录共治，但该号码尚未注册。如非本人操作请忽略。"))

    def send_account_already_exists_sms(self, phone: str) -> None:
        send_sms(phone, _("此号码已注册共治账户，请直接登录。"))

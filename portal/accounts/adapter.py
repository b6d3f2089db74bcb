"""allauth adapters: phone numbers live on our User model; SMS goes through portal.accounts.sms;
WeChat sign-in (the weixin provider) makes an account that is not an owner until its
mobile number is verified against the register."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts import limits
from portal.accounts.sms import send_sms
from portal.community import permissions
from portal.community.actions import link_by_verified_phone
from portal.community.models import Estate
from portal.community.phone import InvalidPhone, normalize_phone

logger = logging.getLogger("gongzhi.accounts")


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
        "too_many_login_attempts": gettext_lazy("操作过于频繁，请稍后再试。"),
        "password_failures_from_network": gettext_lazy(
            "从您所在的网络登录该账户失败次数过多，请 15 分钟后再试，或用短信验证码登录。"
        ),
        "password_login_paused": gettext_lazy(
            "该账户近期密码错误次数过多，为保护账户，暂停用密码登录。请用短信验证码登录。"
        ),
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
        self.set_phone(user, phone, True)
        # A verified mobile that matches the owner register proves ownership.
        linked = link_by_verified_phone(user)
        request = context.request
        if request is not None and hasattr(request, "_messages"):
            if linked:
                estates = _("、").join(sorted({identity.estate.name for identity in linked}))
                messages.success(
                    request,
                    _("手机号与业主名册一致，已确认您为%(estates)s的业主。") % {"estates": estates},
                )
            elif not user.owner_identities.exists():
                messages.info(
                    request,
                    _("业主名册中没有这个手机号。如您是业主，请在“我的”页面提交业主认证申请。"),
                )

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
            link_by_verified_phone(user)

    def get_login_stages(self) -> list[str]:
        """Leave out allauth's MFA stages: signing in never asks for the authenticator code.

        An owner who is also the committee chair signs in by SMS to vote like any owner;
        staff work asks for the code at the door of the staff areas instead, and only then
        do the staff roles count (portal.accounts.mfa).
        """
        return [
            # A WeChat-only account has no mobile yet and must still get in (stages.py).
            "portal.accounts.stages.PhoneVerificationStage"
            if stage == "allauth.account.stages.PhoneVerificationStage"
            else stage
            for stage in super().get_login_stages()
            if not stage.startswith("allauth.mfa.")
        ]

    def get_login_redirect_url(self, request: Any) -> str:
        """Take a member of exactly one estate to that estate's home (a `next` still wins)."""
        estate_ids = permissions.member_estate_ids(request.user)
        if len(estate_ids) == 1:
            estate = Estate.objects.filter(pk__in=estate_ids).select_related("page").first()
            page = getattr(estate, "page", None) if estate else None
            if page is not None and page.live:
                return page.url
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request: Any) -> str:
        """Take a new account without a verified mobile (a WeChat sign-up) to verify one."""
        user = request.user
        if user.is_authenticated and not user.phone_verified:
            return reverse("account_change_phone")
        return super().get_signup_redirect_url(request)

    # --- failed passwords (portal.accounts.limits) --------------------------------------

    def _login_account_key(self, request: Any, **credentials: Any) -> str:
        """Return the account a login attempt names, as typed (known or not, alike)."""
        # allauth knows email and username; without the phone every phone login would
        # share one counter, so one attacker could lock out all.
        login = credentials.get("email") or credentials.get("username") or ""
        if not login and credentials.get("phone"):
            try:
                login = normalize_phone(credentials["phone"])
            except InvalidPhone:
                login = credentials["phone"]
        return f"{get_current_site(request).domain}:{login.lower()}"

    def _get_login_attempts_cache_key(self, request: Any, **credentials: Any) -> str:
        # allauth's per-key failed-login limit, per account *and network*: failures from
        # one network make that network wait, never the owner elsewhere (issue #12.5).
        account = self._login_account_key(request, **credentials)
        return f"{account}@{limits.client_network(request)}"

    def pre_authenticate(self, request: Any, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError as exc:
            if exc.code == "too_many_login_attempts":
                raise self.validation_error("password_failures_from_network") from exc
            raise
        if limits.password_login_paused(request, self._login_account_key(request, **credentials)):
            raise self.validation_error("password_login_paused")

    def authentication_failed(self, request: Any, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        limits.record_password_failure(request, self._login_account_key(request, **credentials))

    # --- text messages with codes -----------------------------------------------------

    def _send_code_sms(self, phone: str, text: str) -> None:
        """Text a code-bearing message, within the daily allowances of phone and network.

        Every sign-in related message comes through here (codes, and the notes sent
        instead of a code for unknown or already registered numbers, which count alike so
        the allowance says nothing about registration). A refusal is shown to the person
        and nothing is sent.
        """
        request = context.request
        refusal = limits.sms_refusal(request, phone, consume=True)
        if refusal:
            request.session[limits.SMS_REFUSED_SESSION_KEY] = True
            logger.warning("Code SMS to %s refused: daily allowance used up", phone)
            self.add_message(request, messages.ERROR, message=refusal)
            return
        request.session.pop(limits.SMS_REFUSED_SESSION_KEY, None)
        send_sms(phone, text)

    def add_message(self, request: Any, level: int, message_template: Any = None, *args, **kwargs):
        # After a refused message, allauth would still announce "code sent".
        if request.session.get(limits.SMS_REFUSED_SESSION_KEY) and message_template in (
            "account/messages/login_code_sent.txt",
            "account/messages/phone_verification_sent.txt",
        ):
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None:
        self._send_code_sms(
            phone, _("您的验证码是 %(code)s，10 分钟内有效。请勿告诉他人。") % {"code": code}
        )

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        self._send_code_sms(
            phone, _("有人用此号码登录共治，但该号码尚未注册。如非本人操作请忽略。")
        )

    def send_account_already_exists_sms(self, phone: str) -> None:
        self._send_code_sms(phone, _("此号码已注册共治账户，请直接登录。"))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """WeChat sign-in: the nickname as a suggested name; no email, no ownership from WeChat."""

    def populate_user(self, request: Any, sociallogin: Any, data: dict) -> Any:
        user = super().populate_user(request, sociallogin, data)
        user.display_name = (data.get("name") or "")[:60]
        return user

    def get_connect_redirect_url(self, request: Any, socialaccount: Any) -> str:
        # Binding starts from /me/ and ends there, where the binding is shown.
        return reverse("accounts:profile")


class MFAAdapter(DefaultMFAAdapter):
    """The authenticator app as staff see it: their name in the app, plain Chinese errors."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": gettext_lazy(
            "数字不对。请输入验证器里“共治 Gongzhi”下面现在显示的 6 位数字（每 30 秒换一次）。"
        ),
    }

    def get_totp_label(self, user: Any) -> str:
        # The app lists the account under this label; the username is a random string.
        parts = [user.display_name, user.masked_phone]
        return " ".join(part for part in parts if part) or super().get_totp_label(user)

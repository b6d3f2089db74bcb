"""Forms of the member's own pages: sign-up with consent, claims, invitations, closing."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import ConfirmLoginCodeForm as AllauthConfirmLoginCodeForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.forms import VerifyPhoneForm as AllauthVerifyPhoneForm
from allauth.core import context
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from allauth.socialaccount.forms import SignupForm as SocialSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from portal.accounts import limits
from portal.community import photos
from portal.community.models import Estate, MembershipClaim, Unit

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
# Extension → the leading bytes a real file of that type starts with.
EVIDENCE_SIGNATURES = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "pdf": (b"%PDF-",),
}
CLOSE_PHRASE = "注销账户"

mark_safe_lazy = lazy(mark_safe, str)


class LoginForm(AllauthLoginForm):
    """Sign in with mobile number or email, and a password."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("手机号或电子邮箱")
        login.widget.attrs.update({"placeholder": "13800138000", "autocomplete": "username"})
        if "password" in self.fields:
            self.fields["password"].label = _("密码")
            self.fields["password"].help_text = ""
        if "remember" in self.fields:
            self.fields["remember"].label = _("记住我")


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    """Ask for a sign-in code by SMS (or by email, for those who registered one)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "email" in self.fields:
            self.fields["email"].label = _("或者电子邮箱")
            self.fields["email"].widget.attrs["placeholder"] = "name@example.com"
        self.order_fields(["phone", "email"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # With both login methods on, allauth makes both fields optional and lets an empty
        # form through to a view that then needs the user it never looked up (a 500).
        if not self.errors and not cleaned.get("phone") and not cleaned.get("email"):
            raise ValidationError(_("请填写手机号或电子邮箱。"))
        return cleaned

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone")
        if phone:
            # The daily caps first, with their own message (portal.accounts.limits); the
            # message itself is counted when it is sent.
            refusal = limits.sms_refusal(context.request, phone)
            if refusal:
                raise ValidationError(refusal, code="sms_daily_cap")
        try:
            return super().clean_phone()
        except ValidationError as exc:
            if exc.code == "too_many_login_attempts":
                raise ValidationError(
                    _("获取验证码过于频繁，请 1 分钟后再试。"), code="sms_per_minute"
                ) from exc
            raise


class _CodeFieldMixin:
    """Six-digit SMS codes: numeric keypad on phones, autofill from the message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.label = _("验证码")
        code.widget.attrs.update(
            {"placeholder": "123456", "inputmode": "numeric", "autocomplete": "one-time-code"}
        )


class ConfirmLoginCodeForm(_CodeFieldMixin, AllauthConfirmLoginCodeForm):
    pass


class ActivateTOTPForm(AllauthActivateTOTPForm):
    """The last step of setting up the authenticator app: type the number it shows."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.label = _("验证器上现在显示的 6 位数字")
        code.widget.attrs.update(
            {"placeholder": "123456", "inputmode": "numeric", "autocomplete": "one-time-code"}
        )


class VerifyPhoneForm(_CodeFieldMixin, AllauthVerifyPhoneForm):
    pass


class SignupForm(AllauthSignupForm):
    """Sign up by mobile number; asks the name and consent to the privacy notice (PIPL Art. 13-14)."""

    display_name = forms.CharField(label=_("姓名"), max_length=60)
    privacy_consent = forms.BooleanField(
        label=mark_safe_lazy(
            _('我已阅读并同意<a href="/me/privacy/" target="_blank">《个人信息保护说明》</a>')
        ),
        required=True,
        error_messages={"required": _("注册前请阅读并同意个人信息保护说明。")},
    )

    field_order = ["phone", "display_name", "email", "password1", "password2", "privacy_consent"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._email_in_use = False
        super().__init__(*args, **kwargs)
        if "email" in self.fields:
            self.fields["email"].label = _("电子邮箱（选填）")
        if "password1" in self.fields:
            self.fields["password1"].label = _("密码（选填）")
            self.fields["password1"].help_text = _("不设密码也可以，每次用短信验证码登录。")
        if "password2" in self.fields:
            self.fields["password2"].label = _("再次输入密码（选填）")

    def validate_unique_email(self, value: str) -> str:
        """Accept an address already in use without saying so.

        allauth names a taken address when email verification is optional (uniqueness
        wins over enumeration prevention there). Here the new account is made without it,
        and the address's owner is told by mail (save): the page reads the same either way.
        """
        from allauth.account.utils import filter_users_by_email

        self._email_in_use = bool(filter_users_by_email(value))
        if self._email_in_use:
            return value
        return super().validate_unique_email(value)

    def save(self, request: Any) -> Any:
        from allauth.account.adapter import get_adapter

        address_in_use = self.cleaned_data.get("email") if self._email_in_use else ""
        if address_in_use:
            self.cleaned_data["email"] = ""
        user = super().save(request)
        if address_in_use:
            get_adapter(request).send_account_already_exists_mail(address_in_use)
        return user

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise ValidationError(_("请填写姓名。"))
        return name

    def custom_signup(self, request: Any, user: Any) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.privacy_consent_at = timezone.now()
        user.save(update_fields=["display_name", "privacy_consent_at"])


class WeChatSignupForm(SocialSignupForm):
    """The first WeChat sign-in: a name and consent to the privacy notice (PIPL Art. 13-14).

    No mobile number here: the person signs in at once, without owner rights, and verifies
    a number against the register from /me/ (allauth's change-phone verification).
    """

    display_name = forms.CharField(label=_("姓名"), max_length=60)
    privacy_consent = SignupForm.base_fields["privacy_consent"]

    field_order = ["display_name", "privacy_consent"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The mobile number is verified later, by its own code; WeChat gives no email.
        for name in ("phone", "email", "email2", "username"):
            self.fields.pop(name, None)
        self.fields["display_name"].initial = self.sociallogin.user.display_name
        self.fields["display_name"].help_text = _("请填写真实姓名，便于业委会和物业核对。")

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise ValidationError(_("请填写姓名。"))
        return name

    def custom_signup(self, request: Any, user: Any) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.privacy_consent_at = timezone.now()
        user.save(update_fields=["display_name", "privacy_consent_at"])


def validate_evidence(upload: Any) -> None:
    """Refuse evidence that is not a JPG, PNG or PDF of at most 5 MB (checked by content too)."""
    name = (upload.name or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if extension not in EVIDENCE_SIGNATURES:
        raise ValidationError(_("证明材料只能是 JPG、PNG 或 PDF 文件。"), code="evidence_type")
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(_("证明材料不能超过 5 MB。"), code="evidence_size")
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(EVIDENCE_SIGNATURES[extension]):
        raise ValidationError(
            _("文件内容与扩展名不符，请上传真实的 JPG、PNG 或 PDF 文件。"), code="evidence_content"
        )


class ClaimForm(forms.Form):
    """Apply to be recognised as owner (or resident) of a unit, with evidence."""

    kind = forms.ChoiceField(
        label=_("申请类型"),
        choices=MembershipClaim.Kind.choices,
        initial=MembershipClaim.Kind.OWNER,
    )
    unit = forms.ModelChoiceField(
        label=_("房屋"),
        queryset=Unit.objects.none(),
        empty_label=_("请选择楼栋和房号"),
        error_messages={"invalid_choice": _("请选择本小区的房屋。")},
    )
    claimant_name = forms.CharField(label=_("姓名"), max_length=60)
    note = forms.CharField(
        label=_("说明（选填）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = forms.FileField(
        label=_("证明材料"),
        help_text=_("房产证、购房合同或租赁合同的照片或扫描件；JPG、PNG 或 PDF，不超过 5 MB。"),
        validators=[validate_evidence],
        error_messages={"required": _("请上传证明材料。")},
    )

    def __init__(self, *args: Any, estate: Estate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.estate = estate
        units = Unit.objects.filter(building__estate=estate).select_related("building")
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda unit: f"{unit.building.name} {unit.number}"
        self.fields["evidence"].widget.attrs["accept"] = ".jpg,.jpeg,.png,.pdf"

    def clean_evidence(self) -> Any:
        upload = self.cleaned_data["evidence"]
        if (upload.name or "").lower().endswith(".pdf"):
            return upload
        # A phone's photo of a deed carries the owner's home position in its EXIF: keep the
        # picture alone, upright, as reports and evidence elsewhere are kept.
        return photos.cleaned_file(upload)


class InvitationForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("邀请入住的房屋"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda unit: (
            f"{unit.building.estate.name} {unit.building.name} {unit.number}"
        )


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("邀请码"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off"}),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()


class CloseAccountForm(forms.Form):
    """Confirm closing by typing a phrase, and prove it is you: password or SMS code."""

    phrase = forms.CharField(
        label=_("请输入“%(phrase)s”确认") % {"phrase": CLOSE_PHRASE}, max_length=20
    )
    password = forms.CharField(
        label=_("登录密码"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    code = forms.CharField(
        label=_("短信验证码"),
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args: Any, user: Any, expected_code: str | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.expected_code = expected_code

    def clean_phrase(self) -> str:
        phrase = self.cleaned_data["phrase"].strip()
        if phrase != CLOSE_PHRASE:
            raise ValidationError(
                _("请准确输入“%(phrase)s”。") % {"phrase": CLOSE_PHRASE}, code="phrase"
            )
        return phrase

    def clean(self) -> dict[str, Any]:
        from allauth.core.internal.cryptokit import compare_user_code

        cleaned = super().clean()
        password = cleaned.get("password") or ""
        code = (cleaned.get("code") or "").strip()
        if password:
            if not self.user.check_password(password):
                self.add_error("password", _("密码不正确。"))
        elif code:
            if not self.expected_code or not compare_user_code(
                actual=code, expected=self.expected_code
            ):
                self.add_error("code", _("验证码不正确或已过期。"))
        else:
            raise ValidationError(_("请输入登录密码，或获取并输入短信验证码。"))
        return cleaned


class ElderModeForm(forms.Form):
    """The 长辈模式 switch: which mode to show, and the page to return to."""

    on = forms.TypedChoiceField(
        choices=[("1", _("长辈模式")), ("0", _("标准模式"))],
        coerce=lambda value: value == "1",
        error_messages={
            "required": _("请选择长辈模式或标准模式。"),
            "invalid_choice": _("请选择长辈模式或标准模式。"),
        },
    )
    next = forms.CharField(required=False, max_length=2000)

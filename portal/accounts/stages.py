"""allauth login stages as Gongzhi runs them."""

from __future__ import annotations

from allauth.account.stages import PhoneVerificationStage as AllauthPhoneVerificationStage

from portal.accounts import wechat


class PhoneVerificationStage(AllauthPhoneVerificationStage):
    """allauth's phone step, letting a WeChat-bound person without a mobile number through.

    A mobile number is required to sign up by SMS, and allauth aborts any login of an
    account without one. A person who signed up with WeChat may not have given one yet:
    they sign in as what they are (no owner rights, portal.accounts.wechat) and verify a
    number later from /me/, through allauth's own change-phone verification.
    """

    def handle(self):
        user = self.login.user
        if user is not None and not getattr(user, "phone", None) and wechat.is_bound(user):
            return None, True
        return super().handle()

"""The member's own pages under /me/: profile, applications, invitations, data, closing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from allauth.mfa.totp.views import ActivateTOTPView as AllauthActivateTOTPView
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts import actions as account_actions
from portal.accounts import elder, limits, mfa, wechat
from portal.accounts.export import personal_data
from portal.accounts.forms import (
    ClaimForm,
    CloseAccountForm,
    ElderModeForm,
    InvitationForm,
    JoinForm,
)
from portal.accounts.sms import send_sms
from portal.community import actions, permissions
from portal.community.models import (
    Estate,
    MembershipClaim,
    OwnerIdentity,
    ResidentInvitation,
    Role,
    Unit,
)
from portal.views import local_path, run_action
from proposals.models import Proposal

CLOSE_CODE_SESSION_KEY = "gongzhi_close_account_code"
CLOSE_CODE_TTL = timedelta(minutes=10)


@login_required
def profile(request):
    """The member's own page: their units, roles and applications."""
    identities = (
        OwnerIdentity.objects.filter(user=request.user)
        .select_related("estate")
        .prefetch_related("ownerships__unit__building")
    )
    roles = (
        Role.objects.active()
        .filter(user=request.user)
        .select_related("estate", "community", "sub_district", "unit__building")
    )
    claims = MembershipClaim.objects.filter(user=request.user).select_related(
        "estate", "unit__building"
    )
    return render(
        request,
        "accounts/profile.html",
        {
            "identities": identities,
            "roles": roles,
            "claims": claims,
            "role_set": permissions.roles_of(request.user),
            "may_invite": bool(_invitable_units(request.user).exists()),
            "my_proposals": _my_proposals(request.user),
            "wechat_account": wechat.account_of(request.user),
        },
    )


def _my_proposals(user) -> list:
    """Return the member's own proposals with their supports, status and answer timing."""
    from django.utils import timezone

    proposals = list(
        Proposal.objects.filter(author=user)
        .with_support_counts()
        .select_related("estate", "thread")  # a held discussion holds its proposal
        .order_by("-created_at")[:20]
    )
    now = timezone.now()
    for proposal in proposals:
        proposal.overdue = proposal.is_overdue(now)
    return proposals


def privacy(request):
    """The short privacy notice shown at sign-up (PIPL Art. 17)."""
    return render(request, "accounts/privacy.html")


# --- staff work: the TOTP step-up ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def staff_verify(request):
    """Ask for the authenticator app's code before staff work (portal.accounts.mfa)."""
    from allauth.mfa.base.forms import AuthenticateForm

    next_path = mfa.safe_next(
        request,
        request.POST.get("next")
        or request.GET.get("next")
        or request.session.get(mfa.NEXT_SESSION_KEY),
    )
    if not getattr(request, "gongzhi_staff_step_up", False):
        # Verified already, or nothing to verify (no staff role): straight on.
        request.session.pop(mfa.NEXT_SESSION_KEY, None)
        return redirect(next_path)
    if not mfa.has_mfa(request.user):
        return redirect(mfa.step_up_url(request, next_path))
    form = AuthenticateForm(request.POST or None, user=request.user)
    code = form.fields["code"]
    code.label = _("验证器上的 6 位数字")
    code.widget.attrs.update(
        {"inputmode": "numeric", "autocomplete": "one-time-code", "placeholder": "123456"}
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        mfa.mark_verified_for_staff_work(request)
        request.session.pop(mfa.NEXT_SESSION_KEY, None)
        return redirect(next_path)
    return render(
        request,
        "accounts/staff_verify.html",
        {"form": form, "next": next_path, "staff_mfa_hours": mfa.max_age_seconds() // 3600},
    )


class ActivateTOTPView(AllauthActivateTOTPView):
    """allauth's set-up of the authenticator app, counted as a step-up when it succeeds:
    the person has just typed the app's current number (portal.accounts.mfa)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        mfa.mark_verified_for_staff_work(self.request, cycle_key=False)
        return response


activate_totp = ActivateTOTPView.as_view()


# --- applications ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def claim_new(request):
    """Apply to be recognised as owner or resident of a unit: pick the estate, then the unit."""
    slug = request.POST.get("estate") or request.GET.get("estate")
    if not slug:
        estates = Estate.objects.select_related("community").order_by("name")
        return render(request, "accounts/claim_estate.html", {"estates": estates})
    estate = get_object_or_404(Estate, slug=slug)
    initial = {"claimant_name": request.user.display_name}
    if request.GET.get("kind") in MembershipClaim.Kind.values:
        initial["kind"] = request.GET["kind"]
    form = ClaimForm(request.POST or None, request.FILES or None, estate=estate, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(
            request,
            lambda: actions.submit_claim(
                request.user,
                unit=form.cleaned_data["unit"],
                kind=form.cleaned_data["kind"],
                claimant_name=form.cleaned_data["claimant_name"],
                note=form.cleaned_data["note"],
                evidence=form.cleaned_data["evidence"],
            ),
            form=form,
            success=_("申请已提交，业委会或物业审核后会通知您。"),
        )
    ):
        return redirect("accounts:profile")
    return render(request, "accounts/claim_form.html", {"form": form, "estate": estate})


# --- invitations -----------------------------------------------------------------------


def _invitable_units(user):
    """Return the units the user owns now, in estates where they may invite residents."""
    units = Unit.objects.filter(
        ownerships__identity__user=user, ownerships__ended_at__isnull=True
    ).select_related("building__estate")
    estates = Estate.objects.filter(pk__in=units.values("building__estate_id"))
    allowed = [e.pk for e in estates if permissions.may(user, "invite_residents", e)]
    return units.filter(building__estate_id__in=allowed).distinct()


@login_required
@require_http_methods(["GET", "POST"])
def invitations(request):
    """Let a verified owner invite a resident to one of their units, and list the invitations."""
    units = _invitable_units(request.user)
    if not units.exists():
        raise PermissionDenied
    form = InvitationForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        invitation = actions.create_invitation(request.user, form.cleaned_data["unit"])
        messages.success(
            request, _("邀请码已生成：%(code)s，请发给要加入的住户。") % {"code": invitation.code}
        )
        return redirect("accounts:invitations")
    sent = (
        ResidentInvitation.objects.filter(invited_by=request.user)
        .select_related("unit__building", "accepted_by")
        .order_by("-created_at")
    )
    return render(
        request,
        "accounts/invitations.html",
        {"form": form, "invitations": sent, "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def join(request):
    """Accept an owner's invitation code and become a resident of the unit."""
    form = JoinForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            role = actions.accept_invitation(form.cleaned_data["code"], request.user)
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            messages.success(
                request,
                _("您已作为住户加入%(estate)s %(unit)s。")
                % {"estate": role.estate.name, "unit": role.unit},
            )
            return redirect("accounts:profile")
    return render(request, "accounts/join.html", {"form": form})


# --- personal information --------------------------------------------------------------


@login_required
def data_download(request):
    """Download everything the portal holds about the signed-in member, as JSON."""
    payload = json.dumps(
        personal_data(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    response = HttpResponse(payload, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="gongzhi-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


def _close_code(request) -> str | None:
    stored = request.session.get(CLOSE_CODE_SESSION_KEY)
    if not stored:
        return None
    sent_at = datetime.fromisoformat(stored["sent_at"])
    if timezone.now() - sent_at > CLOSE_CODE_TTL:
        return None
    return stored["code"]


@login_required
@require_http_methods(["GET", "POST"])
def close_account(request):
    """Close the member's account after they type the phrase and prove it is them."""
    user = request.user
    form = CloseAccountForm(request.POST or None, user=user, expected_code=_close_code(request))
    if request.method == "POST" and form.is_valid():
        request.session.pop(CLOSE_CODE_SESSION_KEY, None)
        account_actions.close_account(user, actor=user)
        logout(request)
        messages.success(request, _("您的账户已注销，个人资料已删除。"))
        return redirect("/")
    return render(
        request,
        "accounts/close.html",
        {"form": form, "can_send_code": bool(user.phone and user.phone_verified)},
    )


@login_required
@require_POST
def close_account_code(request):
    """Send an SMS code that confirms closing the account."""
    user = request.user
    if not (user.phone and user.phone_verified):
        messages.error(request, _("您的账户没有已验证的手机号，请使用登录密码确认。"))
    elif not ratelimit.consume(request, action="close_account_code", user=user):
        messages.error(request, _("验证码发送过于频繁，请稍后再试。"))
    elif refusal := limits.sms_refusal(request, user.phone, consume=True):
        messages.error(request, refusal)
    else:
        code = get_adapter(request).generate_login_code()
        request.session[CLOSE_CODE_SESSION_KEY] = {
            "code": code,
            "sent_at": timezone.now().isoformat(),
        }
        send_sms(
            user.phone, _("您正在注销共治账户，验证码 %(code)s，10 分钟内有效。") % {"code": code}
        )
        messages.info(request, _("验证码已发送到 %(phone)s。") % {"phone": user.masked_phone})
    return redirect("accounts:close")


# --- 长辈模式 (portal.accounts.elder) -------------------------------------------------------


@csrf_exempt
@require_POST
def elder_mode(request):
    """Switch 长辈模式 on or off and return to the page the switch was on.

    A signed-in person's switch saves their choice, so it goes through Django's CSRF check.
    An anonymous visitor's switch sets only this device's cookie: the switch is in the header
    of pages the anonymous page cache keeps, which must carry no CSRF token (a cached token
    would be one visitor's, and setting it makes the page uncacheable), so a cross-site POST
    is refused by its Origin instead. At worst it could change a display preference.
    """
    if request.user.is_authenticated:
        return csrf_protect(_switch_elder_mode)(request)
    origin = request.headers.get("Origin")
    if origin is not None and not url_has_allowed_host_and_scheme(
        origin + "/", {request.get_host()}, require_https=request.is_secure()
    ):
        raise PermissionDenied(_("请在本站页面上切换长辈模式。"))
    return _switch_elder_mode(request)


def _switch_elder_mode(request):
    form = ElderModeForm(request.POST)
    response = HttpResponseRedirect(local_path(request, request.POST.get("next"), "/"))
    if not form.is_valid():
        for error in form.errors.get("on", []):
            messages.error(request, error)
        return response
    on = form.cleaned_data["on"]
    if request.user.is_authenticated:
        account_actions.set_elder_mode(request.user, on=on)
    elder.remember_on_device(response, on=on)
    return response

"""State changes of a member's own account: closing it (PIPL Art. 47)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.community import actions as community_actions
from portal.community import audit, permissions
from portal.community.choices import ClaimStatus
from portal.community.models import MembershipClaim, OwnerIdentity, ResidentInvitation, Role

if TYPE_CHECKING:
    from portal.accounts.types import User


@transaction.atomic
def close_account(user: User, *, actor: User) -> None:
    """Close an account: erase its personal data, detach it from the register, end its roles.

    The user row stays, because audit events and ballots point at it; the owner identity
    stays in the register (it belongs to the estate's records, and any ballots cast under
    it must stay countable), only its link to this account is cut (PIPL Art. 47 allows
    keeping what another law requires, detached from the person's profile).
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.closed_at is not None:
        return
    now = timezone.now()

    for identity in OwnerIdentity.objects.filter(user=user).select_related("estate"):
        identity.user = None
        identity.linked_at = None
        identity.save(update_fields=["user", "linked_at"])
        audit.record(
            "owner.unlinked",
            actor=actor,
            obj=identity,
            estate=identity.estate,
            user_id=user.pk,
            how="account_closed",
        )

    for role in Role.objects.active().filter(user=user).select_related("estate", "user"):
        community_actions.revoke_role(role, actor=actor)

    # Applications keep their outcome as history; the applicant's name, note and files go.
    for claim in MembershipClaim.objects.filter(user=user):
        if claim.evidence:
            claim.evidence.delete(save=False)
        claim.evidence = ""
        claim.claimant_name = ""
        claim.note = ""
        fields = ["evidence", "claimant_name", "note"]
        if claim.status == ClaimStatus.PENDING:
            claim.status = ClaimStatus.REJECTED
            claim.decided_at = now
            claim.decision_reason = _("申请人已注销账户")
            fields += ["status", "decided_at", "decision_reason"]
        claim.save(update_fields=fields)

    # Invitations not yet used die with the account that issued them.
    ResidentInvitation.objects.filter(
        invited_by=user, accepted_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)

    EmailAddress.objects.filter(user=user).delete()
    # The WeChat binding (openid, nickname) is personal data and a way to sign in: both go.
    SocialAccount.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()

    user.phone = None
    user.phone_verified = False
    user.email = None
    user.display_name = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.closed_at = now
    user.set_unusable_password()
    user.save()
    permissions.forget_roles(user)

    audit.record("account.closed", actor=actor, obj=user, user_id=user.pk)


def set_elder_mode(user: User, *, on: bool) -> None:
    """Save the person's choice of 长辈模式, so it follows them to every device.

    A display preference, not an act on anyone's rights: no audit record.
    """
    user.elder_mode = on
    user.save(update_fields=["elder_mode"])

"""A member's own data as one JSON document (PIPL Art. 45: the right to a copy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from portal.accounts.wechat import account_of
from portal.community.models import (
    AuditEvent,
    MembershipClaim,
    OwnerIdentity,
    ResidentInvitation,
    Role,
)

# The other apps hold the rest of a member's data; each hands over its own sections through a
# `sections(user)` function in its personal_data module, applying its own visibility rules, and
# registers it from its AppConfig.ready(): `register_personal_data(sections, order=…)`.
Sections = Callable[[Any], dict[str, Any]]
_app_sections: dict[str, tuple[int, Sections]] = {}


def register_personal_data(sections: Sections, *, order: int) -> None:
    """Add an app's sections to every member's copy of their data (idempotent per function)."""
    _app_sections[f"{sections.__module__}.{sections.__qualname__}"] = (order, sections)


def app_sections() -> list[Sections]:
    """Return the registered sections functions in their order in the document."""
    return [fn for _order, fn in sorted(_app_sections.values(), key=lambda item: item[0])]


def _when(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _unit(unit: Any) -> dict[str, Any]:
    return {
        "estate": unit.building.estate.name,
        "building": unit.building.name,
        "number": unit.number,
        "exclusive_area": str(unit.exclusive_area),
    }


def _wechat(user: Any) -> dict[str, Any] | None:
    account = account_of(user)
    if account is None:
        return None
    return {
        "openid": account.uid,
        "nickname": account.extra_data.get("nickname", ""),
        "bound_at": _when(account.date_joined),
        "last_login": _when(account.last_login),
    }


def personal_data(user: Any) -> dict[str, Any]:
    """Return everything the portal holds about the user, and nothing about anyone else.

    Other people appear only as masked names (the inviter's guest, a decider is omitted).
    """
    identities = (
        OwnerIdentity.objects.filter(user=user)
        .select_related("estate")
        .prefetch_related("ownerships__unit__building__estate")
    )
    roles = Role.objects.filter(user=user).select_related(
        "estate", "community", "sub_district", "unit__building__estate"
    )
    claims = MembershipClaim.objects.filter(user=user).select_related("unit__building__estate")
    invitations = ResidentInvitation.objects.filter(
        Q(invited_by=user) | Q(accepted_by=user)
    ).select_related("unit__building__estate", "accepted_by", "invited_by")
    events = AuditEvent.objects.filter(
        Q(actor=user) | Q(object_type=user._meta.label_lower, object_id=str(user.pk))
    ).select_related("estate")

    data = {
        "exported_at": _when(timezone.now()),
        "profile": {
            "display_name": user.display_name,
            "phone": user.phone,
            "phone_verified": user.phone_verified,
            "email": user.email,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "privacy_consent_at": _when(user.privacy_consent_at),
            "elder_mode": user.elder_mode,
        },
        "wechat": _wechat(user),
        "roles": [
            {
                "kind": role.kind,
                "kind_label": str(role.get_kind_display()),
                "scope": str(role.scope),
                "unit": _unit(role.unit) if role.unit else None,
                "granted_at": _when(role.granted_at),
                "revoked_at": _when(role.revoked_at),
            }
            for role in roles
        ],
        "owner_identities": [
            {
                "estate": identity.estate.name,
                "name": identity.name,
                "mobile": identity.mobile,
                "id_last4": identity.id_last4,
                "linked_at": _when(identity.linked_at),
                "units": [
                    {**_unit(o.unit), "share": str(o.share), "ended_at": _when(o.ended_at)}
                    for o in identity.ownerships.all()
                ],
            }
            for identity in identities
        ],
        "claims": [
            {
                "kind": claim.kind,
                "unit": _unit(claim.unit),
                "claimant_name": claim.claimant_name,
                "note": claim.note,
                "evidence_file": claim.evidence.name.rsplit("/", 1)[-1] if claim.evidence else "",
                "status": claim.status,
                "created_at": _when(claim.created_at),
                "decided_at": _when(claim.decided_at),
                "decision_reason": claim.decision_reason,
            }
            for claim in claims
        ],
        "invitations": [
            {
                "direction": "sent" if invitation.invited_by_id == user.pk else "received",
                "unit": _unit(invitation.unit),
                "code": invitation.code if invitation.invited_by_id == user.pk else "",
                "created_at": _when(invitation.created_at),
                "expires_at": _when(invitation.expires_at),
                "accepted_at": _when(invitation.accepted_at),
                # The other person is named only in masked form.
                "other_party": (
                    invitation.accepted_by.masked_name
                    if invitation.invited_by_id == user.pk and invitation.accepted_by
                    else invitation.invited_by.masked_name
                    if invitation.invited_by_id != user.pk
                    else ""
                ),
            }
            for invitation in invitations
        ],
        "audit_events": [
            {
                "at": _when(event.at),
                "action": event.action,
                "estate": event.estate.name if event.estate else None,
                "object_type": event.object_type,
                "object_id": event.object_id,
            }
            for event in events
        ],
    }
    for sections in app_sections():
        data |= sections(user)
    return data

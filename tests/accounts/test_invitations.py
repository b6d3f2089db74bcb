"""Residents join by an owner's invitation code (/me/invitations/, /me/join/)."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.community import actions, permissions
from portal.community.choices import RoleKind
from portal.community.models import ResidentInvitation, Role
from tests.factories import UserFactory


def test_owner_creates_code_and_another_user_joins_as_resident(client, owner, world_a):
    client.force_login(owner)
    response = client.post(reverse("accounts:invitations"), {"unit": world_a.building3_unit.pk})
    assert response.status_code == 302
    invitation = ResidentInvitation.objects.get(invited_by=owner)
    page = client.get(reverse("accounts:invitations")).content.decode()
    assert invitation.code in page

    guest = UserFactory(display_name="孙丽")
    client.force_login(guest)
    response = client.post(reverse("accounts:join"), {"code": f"  {invitation.code} "})
    assert response.status_code == 302
    role = Role.objects.active().get(user=guest)
    assert (role.kind, role.unit) == (RoleKind.RESIDENT, world_a.building3_unit)
    assert permissions.is_member(guest, world_a.estate)
    assert not permissions.may(guest, "vote", world_a.estate)


def test_used_code_is_refused_in_chinese(client, owner, world_a):
    invitation = actions.create_invitation(owner, world_a.building3_unit)
    actions.accept_invitation(invitation.code, UserFactory())
    late = UserFactory()
    client.force_login(late)
    response = client.post(reverse("accounts:join"), {"code": invitation.code})
    assert response.status_code == 200
    assert "邀请码无效或已过期" in response.content.decode()
    assert not Role.objects.filter(user=late).exists()


def test_expired_code_is_refused_in_chinese(client, owner, world_a):
    invitation = actions.create_invitation(owner, world_a.building3_unit, days=7)
    guest = UserFactory()
    client.force_login(guest)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.post(reverse("accounts:join"), {"code": invitation.code})
    assert response.status_code == 200
    assert "邀请码无效或已过期" in response.content.decode()
    assert not Role.objects.filter(user=guest).exists()


def test_unknown_code_is_refused(client, db):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:join"), {"code": "no-such-code"})
    assert "邀请码无效或已过期" in response.content.decode()


def test_owner_cannot_invite_to_someone_elses_unit(client, owner, world_a):
    client.force_login(owner)
    response = client.post(reverse("accounts:invitations"), {"unit": world_a.building1_unit.pk})
    assert response.status_code == 200
    assert not ResidentInvitation.objects.exists()


def test_tenant_and_outsider_cannot_open_invitations(client, tenant, outsider, world_a):
    client.force_login(tenant)
    assert client.get(reverse("accounts:invitations")).status_code == 403
    client.force_login(outsider)
    response = client.post(reverse("accounts:invitations"), {"unit": world_a.building3_unit.pk})
    assert response.status_code == 200
    assert not ResidentInvitation.objects.exists()

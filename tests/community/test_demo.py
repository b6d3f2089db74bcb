"""The demo sub-district: the sizes the README promises, and seeding twice changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from demo import district as demo
from portal.community import permissions
from portal.community.choices import IdentityKind, RoleKind
from portal.community.models import AuditEvent, Estate, OwnerIdentity, Ownership, Role, Unit


@pytest.fixture
def seeded(demo_register, db):
    return {e.slug: e for e in Estate.objects.all()}


def test_two_estates_of_the_promised_sizes(seeded):
    assert seeded["jinxiu"].units().count() == 480
    assert seeded["jinxiu"].buildings.count() == 6
    assert seeded["cuihu"].units().count() == 200
    areas = Unit.objects.aggregate(low=Sum("exclusive_area"))
    assert areas["low"] > 0
    assert not Unit.objects.filter(exclusive_area__lt=Decimal("45")).exists()
    assert not Unit.objects.filter(exclusive_area__gt=Decimal("180")).exists()


def test_developer_holds_unsold_and_undelivered_units_as_one_identity(seeded):
    developer = OwnerIdentity.objects.get(estate=seeded["jinxiu"], kind=IdentityKind.DEVELOPER)
    states = set(developer.ownerships.values_list("unit__state", flat=True))
    assert states == {"developer_unsold", "sold_undelivered"}


def test_owner_of_three_units_holds_270_square_metres(seeded):
    identity = OwnerIdentity.objects.get(estate=seeded["jinxiu"], user__display_name="王建华")
    ownerships = Ownership.objects.filter(identity=identity, ended_at__isnull=True)
    assert ownerships.count() == 3
    assert ownerships.aggregate(a=Sum("unit__exclusive_area"))["a"] == Decimal("270.00")


def test_every_demo_account_has_its_role(seeded):
    from django.contrib.auth import get_user_model

    users = {u.display_name: u for u in get_user_model().objects.all()}
    jinxiu, cuihu = seeded["jinxiu"], seeded["cuihu"]
    assert permissions.is_verified_owner(users["王芳"], jinxiu)
    assert permissions.is_verified_owner(users["马丽"], cuihu)
    assert not permissions.may(users["张敏"], "vote", jinxiu)
    assert permissions.is_member(users["张敏"], jinxiu)
    assert permissions.may(users["陈建国"], "manage_register", jinxiu)
    assert not permissions.may(users["陈建国"], "edit_content", cuihu)
    assert permissions.may(users["吴红梅"], "view_dashboard", jinxiu)
    assert not permissions.may(users["吴红梅"], "view_dashboard", cuihu)
    assert permissions.may(users["郑国栋"], "view_dashboard", cuihu)
    assert users["平台管理员"].is_superuser
    assert Role.objects.filter(kind=RoleKind.COMMITTEE_CHAIR).count() == 2


def test_seeding_twice_changes_nothing(seeded):
    before = (
        Unit.objects.count(),
        OwnerIdentity.objects.count(),
        Ownership.objects.count(),
        Role.objects.count(),
    )
    audit_before = AuditEvent.objects.exclude(action="register.imported").count()
    demo.seed(with_activity=False)
    after = (
        Unit.objects.count(),
        OwnerIdentity.objects.count(),
        Ownership.objects.count(),
        Role.objects.count(),
    )
    assert after == before
    assert AuditEvent.objects.exclude(action="register.imported").count() == audit_before


def test_activity_gives_members_notices_and_a_year_of_history_once(db):
    from portal.notices.models import Acknowledgement, NoticePage

    first = demo.seed()
    assert first["members"] > 200 and first["notices"] >= 6 and first["notice_history"] >= 40
    counts = (NoticePage.objects.count(), Acknowledgement.objects.count(), Role.objects.count())
    again = demo.seed()
    assert again["members"] == again["notices"] == again["notice_history"] == 0
    assert (
        NoticePage.objects.count(),
        Acknowledgement.objects.count(),
        Role.objects.count(),
    ) == counts
    oldest = NoticePage.objects.order_by("first_published_at").first().first_published_at
    assert (timezone.now() - oldest).days > 300


def test_the_history_draws_its_authors_from_people_in_a_fixed_order(seeded):
    """Without ORDER BY, PostgreSQL's row order moved the history's authors from run to run,
    and sometimes put the demo's own proposals over the posting rate limit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from demo.discussion_history import _members

    with CaptureQueriesContext(connection) as queries:
        owners = _members(seeded["jinxiu"], RoleKind.OWNER)
    assert len(owners) >= 2
    assert [owner.pk for owner in owners] == sorted(owner.pk for owner in owners)
    assert "ORDER BY" in queries[-1]["sql"]

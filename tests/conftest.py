"""The shared cast: one named user per role and estate, so permission tests read plainly.

Estate A is 锦绣花园 in 和平社区; estate B is 翠湖苑 in the same sub-district but another
community (东湖社区). `outsider` is a verified owner of estate B and nothing in A.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

from demo import district as demo
from portal.accounts.sms import LocmemSMSBackend
from portal.community import actions
from portal.community.choices import RoleKind
from portal.community.models import Community, Estate, SubDistrict, Unit
from tests import shared_cast
from tests.e2e import accessibility as axe_log
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    OwnerIdentityFactory,
    OwnershipFactory,
    SubDistrictFactory,
    UnitFactory,
    UserFactory,
    make_estate,
)


@contextmanager
def _rolled_back_after_the_module(django_db_blocker) -> Iterator[None]:
    """Keep what the block writes for the module's tests, and undo it after the last one.

    Each test still runs in its own transaction (a savepoint inside this one), so a test's
    changes are undone after it, and the next module starts from an empty database.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # scaffolding, as in tests/shared_cast.py
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start the axe lines of this run (tests/e2e/accessibility.py), one file per process."""
    axe_log.start_log(getattr(session.config, "workerinput", {}).get("workerid"))


def pytest_terminal_summary(terminalreporter) -> None:
    """Say how many pages axe checked and found wanting, so its share stays visible."""
    if hasattr(terminalreporter.config, "workerinput"):
        return  # the main process sums up all the workers' lines
    line = axe_log.summary()
    if line:
        terminalreporter.write_line(line)


@pytest.fixture(scope="module")
def demo_district(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The whole demo sub-district with its activity, seeded once per module, for tests that
    only read it (seeding takes seconds; once per test was a large share of the suite)."""
    with _rolled_back_after_the_module(django_db_blocker):
        demo.seed()
        yield


@pytest.fixture(scope="module")
def demo_register(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo's estates, register and accounts without activity, seeded once per module."""
    with _rolled_back_after_the_module(django_db_blocker):
        demo.seed(with_activity=False)
        yield


@pytest.fixture(autouse=True)
def _fresh_outboxes_and_cache():
    """Start every test with no SMS sent and an empty cache (allauth keeps rate limits there)."""
    from django.core.cache import cache

    LocmemSMSBackend.outbox.clear()
    cache.clear()
    yield
    LocmemSMSBackend.outbox.clear()


@pytest.fixture(autouse=True, scope="session")
def _postgres_flush_past_the_truncate_guards():
    """Let the flush after a transactional test empty the append-only tables on PostgreSQL.

    Django flushes PostgreSQL with TRUNCATE, which the append-only tables refuse by trigger
    (portal/community/append_only.py). For the flush alone, the test session switches
    triggers off with session_replication_role (the test database's owner is a superuser);
    the guards stay in force while a test runs.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with self.connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            return original(self, sql_list)
        finally:
            with self.connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original


@pytest.fixture(autouse=True)
def _chinese_to_begin_with():
    """Start and end every test in the default language (Chinese).

    The locale middleware activates the reader's language for the thread and leaves it
    there; a test whose request chose English would otherwise hand English to whichever
    test ran next in the thread, and that test's Chinese messages would fail or pass
    depending on the order the tests ran in.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def away_from_midnight():
    """Run the test from noon today, Beijing time, with the clock running.

    For tests that take "today" (a due date, the dashboard's default period) in one place
    and let the code take it again in another: started a moment before midnight in Beijing
    (16:00 UTC), the two would be different days and the test would fail once in a while.
    """
    import time_machine
    from django.utils import timezone

    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(noon, tick=True):
        yield


@dataclass
class EstateWorld:
    estate: Estate
    building1_unit: Unit
    building3_unit: Unit


def _populate(estate: Estate) -> EstateWorld:
    b1 = BuildingFactory(estate=estate, name="1栋")
    b3 = BuildingFactory(estate=estate, name="3栋")
    return EstateWorld(
        estate=estate,
        building1_unit=UnitFactory(
            building=b1, number="101", floor=1, exclusive_area=Decimal("88.00")
        ),
        building3_unit=UnitFactory(
            building=b3, number="502", floor=5, exclusive_area=Decimal("120.50")
        ),
    )


def _fetch(model):
    return lambda pk, **needs: model.objects.get(pk=pk)


def _fetch_community(pk, *, sub_district):
    community = Community.objects.get(pk=pk)
    community.sub_district = sub_district
    return community


def _world_key(world: EstateWorld):
    return (world.estate.pk, world.building1_unit.pk, world.building3_unit.pk)


def _fetch_world(key, **needs) -> EstateWorld:
    (community,) = needs.values()
    estate = Estate.objects.get(pk=key[0])
    estate.community = community
    units = Unit.objects.select_related("building").in_bulk(key[1:])
    for unit in units.values():
        unit.building.estate = estate
    return EstateWorld(estate=estate, building1_unit=units[key[1]], building3_unit=units[key[2]])


def _member(needs, build, fetch=None, key=None) -> shared_cast.Member:
    """A cast member; users unless told otherwise (read back by primary key)."""
    return shared_cast.Member(
        needs=tuple(needs.split()) if isinstance(needs, str) else needs,
        build=build,
        fetch=fetch or _fetch(get_user_model()),
        key=key or (lambda obj: obj.pk),
    )


def _owner_of(unit: Unit, **user_kwargs):
    user = UserFactory(**user_kwargs)
    identity = OwnerIdentityFactory(
        estate=unit.building.estate, name=user.display_name, mobile=user.phone
    )
    OwnershipFactory(unit=unit, identity=identity)
    actions.link_identity(identity, user, how="test")
    return user


def _with_role(kind: str, *, estate=None, community=None, sub_district=None, **user_kwargs):
    user = UserFactory(**user_kwargs)
    actions.grant_role(user, kind, estate=estate, community=community, sub_district=sub_district)
    return user


def _tenant(world_a):
    user = UserFactory(display_name="张敏")
    actions.grant_role(user, RoleKind.RESIDENT, estate=world_a.estate, unit=world_a.building3_unit)
    return user


# The cast, in the order its members are built. Each fixture below asks for its member here,
# so a test gets the member read back from its group (tests/shared_cast.py) or built for it.
CAST: dict[str, shared_cast.Member] = {
    "sub_district": _member((), SubDistrictFactory, fetch=_fetch(SubDistrict)),
    "community_a": _member(
        "sub_district",
        lambda sub_district: CommunityFactory(sub_district=sub_district, name="和平社区"),
        fetch=_fetch_community,
    ),
    "community_b": _member(
        "sub_district",
        lambda sub_district: CommunityFactory(sub_district=sub_district, name="东湖社区"),
        fetch=_fetch_community,
    ),
    "world_a": _member(
        "community_a",
        lambda community_a: _populate(
            make_estate(
                name="锦绣花园", slug="jinxiu", community=community_a, address="阳光路 88 号"
            )
        ),
        fetch=_fetch_world,
        key=_world_key,
    ),
    "world_b": _member(
        "community_b",
        lambda community_b: _populate(
            make_estate(name="翠湖苑", slug="cuihu", community=community_b, address="湖滨路 16 号")
        ),
        fetch=_fetch_world,
        key=_world_key,
    ),
    "owner": _member(
        "world_a", lambda world_a: _owner_of(world_a.building3_unit, display_name="王芳")
    ),
    "owner_building1": _member(
        "world_a", lambda world_a: _owner_of(world_a.building1_unit, display_name="李强")
    ),
    "tenant": _member("world_a", _tenant),
    "committee_chair": _member(
        "world_a",
        lambda world_a: _with_role(
            RoleKind.COMMITTEE_CHAIR, estate=world_a.estate, display_name="陈建国"
        ),
    ),
    "committee_member": _member(
        "world_a",
        lambda world_a: _with_role(
            RoleKind.COMMITTEE_MEMBER, estate=world_a.estate, display_name="刘秀英"
        ),
    ),
    "property_manager": _member(
        "world_a",
        lambda world_a: _with_role(
            RoleKind.PROPERTY_MANAGER, estate=world_a.estate, display_name="赵经理"
        ),
    ),
    "property_staff": _member(
        "world_a",
        lambda world_a: _with_role(
            RoleKind.PROPERTY_STAFF, estate=world_a.estate, display_name="孙师傅"
        ),
    ),
    "moderator": _member(
        "world_a",
        lambda world_a: _with_role(RoleKind.MODERATOR, estate=world_a.estate, display_name="周静"),
    ),
    "community_official": _member(
        "community_a",
        lambda community_a: _with_role(
            RoleKind.COMMUNITY_OFFICIAL, community=community_a, display_name="吴主任"
        ),
    ),
    "subdistrict_official": _member(
        "sub_district",
        lambda sub_district: _with_role(
            RoleKind.SUBDISTRICT_OFFICIAL, sub_district=sub_district, display_name="郑科长"
        ),
    ),
    "outsider": _member(
        "world_b", lambda world_b: _owner_of(world_b.building3_unit, display_name="马丽")
    ),
    "committee_chair_b": _member(
        "world_b",
        lambda world_b: _with_role(
            RoleKind.COMMITTEE_CHAIR, estate=world_b.estate, display_name="黄主任"
        ),
    ),
    "site_admin": _member(
        (), lambda: UserFactory(display_name="平台管理员", is_superuser=True, is_staff=True)
    ),
}


def _group_key(item):
    if _GROUP_KEY not in item.stash:
        item.stash[_GROUP_KEY] = shared_cast.group_key(item, CAST)
    return item.stash[_GROUP_KEY]


_GROUP_KEY = pytest.StashKey[tuple | None]()


@pytest.fixture
def _cast(request, django_db_setup, django_db_blocker) -> shared_cast.Cast:
    """This test's handle on the cast: its group's members read back, or none to share."""
    from django.core import mail  # the test settings' locmem outbox, patched in by Django

    key = _group_key(request.node)
    group = shared_cast.current()
    if group is not None and group.key != key:
        raise RuntimeError(f"cast group {group.key} still open at {request.node.nodeid}")
    if key is not None and group is None:
        group = shared_cast.open_group(key, CAST, django_db_blocker)
        # What building the cast sent or cached is no test's doing: start each test clean.
        LocmemSMSBackend.outbox.clear()
        cache.clear()
        if hasattr(mail, "outbox"):
            mail.outbox.clear()
    return shared_cast.Cast(CAST, group)


@pytest.fixture
def _django_db_helper(_cast, _django_db_helper):
    """pytest-django's test transaction, opened inside the cast group's (set up first)."""
    yield


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    shared_cast.order_for_sharing(items, _group_key)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Close the cast group after its last test, once the test's own transaction is undone."""
    try:
        return (yield)
    finally:
        group = shared_cast.current()
        if group is not None and (nextitem is None or _group_key(nextitem) != group.key):
            shared_cast.close_group()


@pytest.fixture
def sub_district(db, _cast):
    return _cast.take("sub_district")


@pytest.fixture
def community_a(sub_district, _cast):
    return _cast.take("community_a", sub_district=sub_district)


@pytest.fixture
def community_b(sub_district, _cast):
    return _cast.take("community_b", sub_district=sub_district)


@pytest.fixture
def world_a(community_a, _cast) -> EstateWorld:
    return _cast.take("world_a", community_a=community_a)


@pytest.fixture
def world_b(community_b, _cast) -> EstateWorld:
    return _cast.take("world_b", community_b=community_b)


@pytest.fixture
def estate_a(world_a) -> Estate:
    return world_a.estate


@pytest.fixture
def estate_b(world_b) -> Estate:
    return world_b.estate


@pytest.fixture
def owner(world_a, _cast):
    """王芳, verified owner of 3栋502 in 锦绣花园."""
    return _cast.take("owner", world_a=world_a)


@pytest.fixture
def owner_building1(world_a, _cast):
    """李强, verified owner of 1栋101 in 锦绣花园."""
    return _cast.take("owner_building1", world_a=world_a)


@pytest.fixture
def tenant(world_a, _cast):
    """张敏 rents 3栋502: a resident, never a voter."""
    return _cast.take("tenant", world_a=world_a)


@pytest.fixture
def committee_chair(world_a, _cast):
    return _cast.take("committee_chair", world_a=world_a)


@pytest.fixture
def committee_member(world_a, _cast):
    return _cast.take("committee_member", world_a=world_a)


@pytest.fixture
def property_manager(world_a, _cast):
    return _cast.take("property_manager", world_a=world_a)


@pytest.fixture
def property_staff(world_a, _cast):
    return _cast.take("property_staff", world_a=world_a)


@pytest.fixture
def moderator(world_a, _cast):
    return _cast.take("moderator", world_a=world_a)


@pytest.fixture
def community_official(community_a, _cast):
    return _cast.take("community_official", community_a=community_a)


@pytest.fixture
def subdistrict_official(sub_district, _cast):
    return _cast.take("subdistrict_official", sub_district=sub_district)


@pytest.fixture
def outsider(world_b, _cast):
    """A verified owner of 翠湖苑 (estate B), with nothing in 锦绣花园."""
    return _cast.take("outsider", world_b=world_b)


@pytest.fixture
def committee_chair_b(world_b, _cast):
    return _cast.take("committee_chair_b", world_b=world_b)


@pytest.fixture
def site_admin(db, _cast):
    return _cast.take("site_admin")

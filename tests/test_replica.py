"""The read-replica router: reports read the replica, everything else the primary.

The test settings define `replica` as a mirror of `default` (Django's TEST MIRROR). Inside a
test's transaction a second connection would not see the test's rows, so here the `replica`
alias is served by the default connection for the test, and what is checked is the alias
the router chooses for each read (a queryset's `.db`; the router's answers during a request).
"""

from __future__ import annotations

import pytest
from django.db import connections, transaction
from django.urls import reverse

from portal import replica
from portal.community.models import Estate
from tests.search.conftest import make_notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def replica_on(settings):
    settings.GONGZHI_REPLICA_READS = True
    mirror = connections["replica"]
    connections["replica"] = connections["default"]
    yield
    connections["replica"] = mirror


@pytest.fixture
def reads(monkeypatch):
    """Record (table, alias) for every ORM read the router places, and raw search reads."""
    seen: list[tuple[str, str]] = []
    db_for_read = replica.ReplicaRouter.db_for_read

    def spy(self, model, **hints):
        alias = db_for_read(self, model, **hints)
        seen.append((model._meta.db_table, alias))
        return alias

    monkeypatch.setattr(replica.ReplicaRouter, "db_for_read", spy)

    from search.backends import database

    def raw_alias():
        alias = replica.read_alias()
        seen.append(("search_searchdocument", alias))
        return alias

    monkeypatch.setattr(database, "read_alias", raw_alias)
    return seen


def aliases(seen, table: str) -> set[str]:
    return {alias for name, alias in seen if name == table}


def test_a_read_outside_a_replica_scope_uses_the_primary(estate_a):
    assert Estate.objects.all().db == "default"


def test_a_read_in_a_replica_scope_uses_the_replica(estate_a):
    with replica.replica_reads():
        assert Estate.objects.all().db == "replica"
        assert Estate.objects.get(pk=estate_a.pk).name == estate_a.name


def test_a_read_inside_a_transaction_uses_the_primary(estate_a):
    with replica.replica_reads(), transaction.atomic():
        assert Estate.objects.all().db == "default"


def test_a_read_after_a_write_in_the_scope_uses_the_primary(estate_a):
    with replica.replica_reads():
        assert Estate.objects.all().db == "replica"
        Estate.objects.filter(pk=estate_a.pk).update(name="锦绣花园（改）")
        assert Estate.objects.all().db == "default"
        assert Estate.objects.get(pk=estate_a.pk).name == "锦绣花园（改）"
    with replica.replica_reads():
        assert Estate.objects.all().db == "replica"  # a new request starts clean


def test_without_the_switch_every_read_uses_the_primary(settings, estate_a):
    settings.GONGZHI_REPLICA_READS = False
    with replica.replica_reads():
        assert Estate.objects.all().db == "default"
        assert replica.read_alias() == "default"


def test_writes_and_migrations_go_to_the_primary_only():
    router = replica.ReplicaRouter()
    with replica.replica_reads():
        assert router.db_for_write(Estate) == "default"
    assert router.allow_migrate("default", "community") is True
    assert router.allow_migrate("replica", "community") is False


def test_the_dashboard_reads_its_figures_from_the_replica(
    client, subdistrict_official, estate_a, reads
):
    client.force_login(subdistrict_official)
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    assert aliases(reads, "community_estate") == {"replica"}
    assert aliases(reads, "deliberation_thread") == {"replica"}
    # The session and the signed-in user are read before the view, from the primary.
    assert aliases(reads, "django_session") == {"default"}
    assert aliases(reads, "accounts_user") == {"default"}


def test_open_data_reads_from_the_replica(client, estate_a, reads):
    response = client.get(reverse("open_data_estates"))
    assert response.status_code == 200 and estate_a.slug in response.content.decode()
    assert aliases(reads, "community_estate") == {"replica"}


def test_database_search_queries_the_replica(client, estate_a, reads):
    from search import index as search_index

    make_notice(estate_a, "3号楼电梯维修通知", summary="2号电梯停运维修")
    search_index.rebuild()
    reads.clear()
    response = client.get(reverse("search:search"), {"q": "电梯"})
    assert "3号楼<mark>电梯</mark>维修通知" in response.content.decode()
    assert aliases(reads, "search_searchdocument") == {"replica"}


def test_an_owners_pages_and_votes_read_only_the_primary(client, owner, estate_a, reads):
    client.force_login(owner)
    response = client.get(estate_a.page.url)
    assert response.status_code == 200
    assert reads and {alias for _table, alias in reads} == {"default"}

"""The dashboard over 50 estates with a year of activity costs the same queries as over five."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.activity import generate_activity, make_estates
from portal.community import actions
from portal.community.choices import RoleKind
from portal.community.models import SubDistrict
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

QUERY_BOUND = 60


def _render(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("dashboard:index"), {"from": "2025-11-01", "to": "2026-12-31"}
        )
    assert response.status_code == 200
    return len(queries.captured_queries), response.content.decode()


def test_fifty_estates_with_a_year_of_activity_render_in_bounded_queries(client):
    first = make_estates(5, prefix="a")
    generate_activity(first, notices=2, units=6, items=8)
    official = UserFactory(display_name="郑国栋")
    actions.grant_role(
        official,
        RoleKind.SUBDISTRICT_OFFICIAL,
        sub_district=SubDistrict.objects.get(name="生成街道"),
    )
    client.force_login(official)
    _render(client)  # warm per-process caches (content types, site)
    few, _html = _render(client)

    more = make_estates(45, prefix="b")
    generate_activity(more, notices=2, units=6, items=8, seed=2)
    many, html = _render(client)

    assert html.count('data-estate="') >= 50 * 4  # every estate in every table
    assert many == few, f"{few} queries for 5 estates, {many} for 50"
    assert many <= QUERY_BOUND

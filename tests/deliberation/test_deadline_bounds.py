"""An estate may shorten the 24 h / 48 h deadlines of issue reports, never lengthen them:
the admin, the model and the database refuse a longer one, at the boundary."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from deliberation.models import DeadlinePolicy
from portal.community import legal
from tests.deliberation.conftest import report_issue

pytestmark = pytest.mark.django_db

BASE = "/admin/snippets/deliberation/deadlinepolicy/"

# (field, refused, accepted) at both ends of each deadline's bound.
BOUNDARIES = [
    ("response_hours", 25, 24),
    ("response_hours", 0, 1),
    ("close_hours", 49, 48),
]


@pytest.fixture(autouse=True)
def _no_mfa_in_these_tests(settings):
    settings.GONGZHI_REQUIRE_STAFF_MFA = False


def _values(field: str, value: int) -> dict[str, int]:
    # Keep close >= response (its own rule) so only the bound under test can refuse.
    values = {"response_hours": 1, "close_hours": 48}
    values[field] = value
    if field == "response_hours":
        values["close_hours"] = max(values["close_hours"], value)
    return values


@pytest.mark.parametrize(("field", "refused", "accepted"), BOUNDARIES)
def test_the_admin_refuses_a_deadline_beyond_the_promise(
    client, committee_chair, estate_a, field, refused, accepted
):
    client.force_login(committee_chair)
    data = {"estate": estate_a.pk, "category": "repair"}
    response = client.post(f"{BASE}add/", {**data, **_values(field, refused)})
    assert response.status_code == 200 and not DeadlinePolicy.objects.exists()
    response = client.post(f"{BASE}add/", {**data, **_values(field, accepted)})
    assert response.status_code == 302
    assert getattr(DeadlinePolicy.objects.get(), field) == accepted


@pytest.mark.parametrize(("field", "refused", "accepted"), BOUNDARIES)
def test_the_model_refuses_a_deadline_beyond_the_promise(estate_a, field, refused, accepted):
    policy = DeadlinePolicy(estate=estate_a, category="repair", **_values(field, refused))
    with pytest.raises(ValidationError) as refusal:
        policy.full_clean()
    assert field in refusal.value.message_dict
    DeadlinePolicy(estate=estate_a, category="repair", **_values(field, accepted)).full_clean()


@pytest.mark.parametrize(("field", "refused", "accepted"), BOUNDARIES)
def test_the_database_refuses_a_raw_update_beyond_the_promise(estate_a, field, refused, accepted):
    policy = DeadlinePolicy.objects.create(estate=estate_a, category="repair", **_values(field, 1))
    other = "close_hours" if field == "response_hours" else "response_hours"
    sql = f"UPDATE deliberation_deadlinepolicy SET {field} = %s, {other} = %s WHERE id = %s"
    keep = 48 if other == "close_hours" else 1
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [refused, keep, policy.pk])
    with connection.cursor() as cursor:
        cursor.execute(sql, [accepted, keep, policy.pk])
    policy.refresh_from_db()
    assert getattr(policy, field) == accepted


def test_the_refusal_names_the_promise(estate_a):
    policy = DeadlinePolicy(estate=estate_a, category="repair", response_hours=72, close_hours=96)
    with pytest.raises(ValidationError) as refusal:
        policy.full_clean()
    text = " ".join(refusal.value.message_dict["response_hours"])
    assert f"不得超过 {legal.RESPONSE_HOURS.maximum} 小时" in text and "更短" in text


def test_a_shorter_deadline_sets_the_reports_due_times(estate_a, owner):
    DeadlinePolicy.objects.create(estate=estate_a, category="repair", response_hours=4)
    report = report_issue(estate_a, owner)
    assert report.response_due_at - report.created_at == timedelta(hours=4)

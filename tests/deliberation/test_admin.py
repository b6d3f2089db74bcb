"""The committee sets its estate's deadlines and rules in the Wagtail admin, and only its own."""

from __future__ import annotations

import pytest

from deliberation.models import DeadlinePolicy, SensitiveWord

pytestmark = pytest.mark.django_db

BASE = "/admin/snippets/deliberation/"


@pytest.fixture(autouse=True)
def _no_mfa_in_these_tests(settings):
    settings.GONGZHI_REQUIRE_STAFF_MFA = False  # MFA is tested with the accounts app


def test_the_committee_sets_a_deadline_policy_for_its_estate(client, committee_chair, estate_a):
    client.force_login(committee_chair)
    response = client.post(
        f"{BASE}deadlinepolicy/add/",
        {"estate": estate_a.pk, "category": "repair", "response_hours": 12, "close_hours": 36},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = DeadlinePolicy.objects.get()
    assert (policy.estate, policy.response_hours, policy.close_hours) == (estate_a, 12, 36)


def test_the_committee_of_another_estate_neither_sees_nor_edits_it(
    client, committee_chair_b, estate_a, estate_b
):
    policy = DeadlinePolicy.objects.create(estate=estate_a, category="repair", response_hours=12)
    client.force_login(committee_chair_b)
    listing = client.get(f"{BASE}deadlinepolicy/").content.decode()
    assert "锦绣花园" not in listing
    assert client.get(f"{BASE}deadlinepolicy/edit/{policy.pk}/").status_code in (403, 404, 302)
    response = client.post(
        f"{BASE}deadlinepolicy/add/",
        {"estate": estate_a.pk, "category": "complaint", "response_hours": 1, "close_hours": 2},
    )
    assert not DeadlinePolicy.objects.filter(category="complaint").exists(), response.status_code


def test_moderators_keep_the_sensitive_word_list(client, moderator, estate_a):
    client.force_login(moderator)
    response = client.post(
        f"{BASE}sensitiveword/add/", {"estate": estate_a.pk, "word": " 代开发票 "}
    )
    assert response.status_code == 302
    assert SensitiveWord.objects.get().word == "代开发票"

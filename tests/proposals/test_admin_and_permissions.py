"""Who may do what with proposals (the permissions module), and the committee's own rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.community.permissions import may
from proposals.models import ProposalSettings

pytestmark = pytest.mark.django_db

BASE = "/admin/snippets/proposals/proposalsettings/"

MATRIX = {
    # who: (propose, support_proposals, answer_proposals, support_content)
    "owner": (True, True, False, True),
    "tenant": (False, False, False, True),
    "committee_chair": (False, False, True, True),
    "property_manager": (False, False, True, True),
    "moderator": (False, False, False, True),
    "community_official": (False, False, False, False),
    "outsider": (False, False, False, False),
}


@pytest.mark.parametrize("who", MATRIX)
def test_the_permissions_of_each_role_in_the_estate(who, request, estate_a):
    user = request.getfixturevalue(who)
    actions = ("propose", "support_proposals", "answer_proposals", "support_content")
    assert tuple(may(user, action, estate_a) for action in actions) == MATRIX[who]


@pytest.fixture(autouse=True)
def _no_mfa_in_these_tests(settings):
    settings.GONGZHI_REQUIRE_STAFF_MFA = False


def test_the_committee_sets_its_estates_threshold_and_deadline(client, committee_chair, estate_a):
    client.force_login(committee_chair)
    response = client.post(
        f"{BASE}add/", {"estate": estate_a.pk, "threshold_percent": "3.5", "answer_days": 10}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    config = ProposalSettings.for_estate(estate_a)
    assert (config.threshold_percent, config.answer_days) == (Decimal("3.50"), 10)


def test_a_threshold_of_zero_is_refused(client, committee_chair, estate_a):
    client.force_login(committee_chair)
    client.post(f"{BASE}add/", {"estate": estate_a.pk, "threshold_percent": "0", "answer_days": 10})
    assert not ProposalSettings.objects.exists()


def test_another_estates_committee_cannot_set_them(client, committee_chair_b, estate_a):
    client.force_login(committee_chair_b)
    client.post(f"{BASE}add/", {"estate": estate_a.pk, "threshold_percent": "1", "answer_days": 1})
    assert not ProposalSettings.objects.exists()


def test_without_a_row_the_defaults_apply(estate_a):
    config = ProposalSettings.for_estate(estate_a)
    assert (config.threshold_percent, config.answer_days) == (Decimal("5"), 15)

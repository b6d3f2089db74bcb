"""Who may petition, enter paper petitions, see signers' names and handle the roll's objections."""

from __future__ import annotations

import pytest

from portal.community.permissions import may

pytestmark = pytest.mark.django_db

ACTIONS = (
    "petition",
    "enter_paper_petitions",
    "see_petition_signers",
    "object_to_roll",
    "decide_roll_objections",
)

# role fixture → the actions it may take in 锦绣花园 (estate A)
EXPECTED = {
    "owner": {"petition", "object_to_roll"},
    "tenant": set(),
    "committee_chair": {"enter_paper_petitions", "see_petition_signers", "decide_roll_objections"},
    "committee_member": {
        "enter_paper_petitions",
        "see_petition_signers",
        "decide_roll_objections",
    },
    "property_manager": set(),
    "moderator": set(),
    "community_official": {"see_petition_signers"},
    "subdistrict_official": {"see_petition_signers"},
    "outsider": set(),
    "committee_chair_b": set(),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_may_do_exactly_its_part_in_its_own_estate(request, role, estate_a):
    user = request.getfixturevalue(role)
    allowed = {action for action in ACTIONS if may(user, action, estate_a)}
    assert allowed == EXPECTED[role]


def test_the_sweep_is_scheduled_once_after_migrate(db):
    from django_q.models import Schedule

    from voting.petitions.schedules import SWEEP_SCHEDULE_NAME, ensure_schedules

    ensure_schedules()
    ensure_schedules()
    assert Schedule.objects.filter(name=SWEEP_SCHEDULE_NAME).count() == 1

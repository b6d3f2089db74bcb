"""The permission matrix: role × action × own estate (锦绣花园) / other estate (翠湖苑).

Each row lists what the role may do; everything not listed must be refused.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from portal.community import permissions
from portal.community.choices import Visibility

ALL_ACTIONS = sorted(permissions.ACTIONS)
VIEW = {"view_members", "view_owners"}
OVERSIGHT = VIEW | {"view_dashboard", "view_audit", "observe_assembly"}
CONVENE = {"convene_meetings", "create_action_items"}
PARTY = {"answer_officially", "deliberate"}  # speaks for a party in the discussion area
PREP = {"see_meetings_in_preparation"}  # joint meetings before their minutes are public
PROPOSE = {"propose", "support_proposals"}  # owners' proposals: verified owners only
SUPPORT = {"support_content"}  # supports on posts and opinions: any member
ANSWER = {"answer_proposals"}  # the committee or the property company answers proposals
PETITION = {"petition", "object_to_roll"}  # owners' initiative: verified owners only
RUN_PETITIONS = {"enter_paper_petitions", "see_petition_signers", "decide_roll_objections"}
SIGNERS = {"see_petition_signers"}  # officials see who signed, in full
ENTER = {"enter_disclosures", "see_disclosure_drafts"}  # the property company (Art. 943)
REVIEW = {"review_disclosures", "see_disclosure_drafts"}  # the committee reviews and publishes

# What each member of the cast may do in estate A (their own, for estate roles).
OWN_ESTATE = {
    "anonymous": set(),
    "owner": VIEW
    | PROPOSE
    | SUPPORT
    | PETITION
    | {"participate", "deliberate", "vote", "invite_residents"},
    "tenant": SUPPORT | {"view_members", "participate", "deliberate"},
    "committee_member": OVERSIGHT
    | PREP
    | CONVENE
    | PARTY
    | SUPPORT
    | ANSWER
    | RUN_PETITIONS
    | REVIEW
    | {
        "edit_content",
        "decide_claims",
        "moderate",
        "participate",
        "view_register",
        "run_assembly",
        "manage_consultation",
    },
    "committee_chair": OVERSIGHT
    | PREP
    | CONVENE
    | PARTY
    | SUPPORT
    | ANSWER
    | RUN_PETITIONS
    | REVIEW
    | {
        "edit_content",
        "decide_claims",
        "moderate",
        "participate",
        "manage_register",
        "view_register",
        "run_assembly",
        "manage_consultation",
    },
    "property_staff": VIEW
    | PREP
    | PARTY
    | SUPPORT
    | ANSWER
    | ENTER
    | {"edit_content", "participate", "view_register", "create_action_items"},
    "property_manager": OVERSIGHT
    | PREP
    | PARTY
    | SUPPORT
    | ANSWER
    | ENTER
    | {
        "edit_content",
        "decide_claims",
        "participate",
        "manage_register",
        "view_register",
        "create_action_items",
    },
    "moderator": VIEW | PREP | SUPPORT | {"moderate", "participate", "deliberate"},
    "community_official": OVERSIGHT | PREP | CONVENE | PARTY | SIGNERS,
    "subdistrict_official": OVERSIGHT | PREP | CONVENE | PARTY | SIGNERS,
    "outsider": set(),
    "site_admin": set(ALL_ACTIONS)
    - {"participate", "vote", "invite_residents"}
    - PARTY
    - PROPOSE
    - SUPPORT
    - PETITION,
}

# What they may do in estate B (another community of the same sub-district).
OTHER_ESTATE = {
    **{name: set() for name in OWN_ESTATE},
    "subdistrict_official": OVERSIGHT | PREP | CONVENE | PARTY | SIGNERS,
    "outsider": VIEW
    | PROPOSE
    | SUPPORT
    | PETITION
    | {"participate", "deliberate", "vote", "invite_residents"},
    "site_admin": OWN_ESTATE["site_admin"],
}


def _user(request, name):
    if name == "anonymous":
        return AnonymousUser()
    return request.getfixturevalue(name)


@pytest.mark.parametrize("name", sorted(OWN_ESTATE))
def test_each_role_may_do_exactly_what_its_row_lists(request, name, estate_a, estate_b):
    user = _user(request, name)
    wrong = [
        (where, action, not allowed)
        for where, estate, table in (("A", estate_a, OWN_ESTATE), ("B", estate_b, OTHER_ESTATE))
        for action in ALL_ACTIONS
        if (allowed := permissions.may(user, action, estate)) is not (action in table[name])
    ]
    assert wrong == [], f"{name}: (estate, action, expected) mismatches"


def test_a_revoked_role_grants_nothing(committee_chair, estate_a):
    from portal.community import actions
    from portal.community.models import Role

    role = Role.objects.get(user=committee_chair, estate=estate_a)
    actions.revoke_role(role)
    assert not permissions.may(committee_chair, "edit_content", estate_a)
    assert Role.objects.filter(pk=role.pk, revoked_at__isnull=False).exists()


def test_an_inactive_account_may_do_nothing(owner, estate_a):
    owner.is_active = False
    assert not permissions.may(owner, "view_members", estate_a)


def test_public_content_is_open_to_everyone(estate_a):
    assert permissions.may_view(AnonymousUser(), estate_a, Visibility.PUBLIC)


def test_roles_are_read_once_per_request(owner, estate_a, django_assert_num_queries):
    permissions.forget_roles(owner)
    permissions.may(owner, "vote", estate_a)
    with django_assert_num_queries(0):
        for action in ALL_ACTIONS:
            permissions.may(owner, action, estate_a)


def test_officials_may_enter_the_admin_but_edit_no_page(community_official, estate_a):
    from wagtail.models import Page

    assert community_official.has_perm("wagtailadmin.access_admin")
    assert (
        not Page.objects.get(pk=estate_a.page.pk)
        .permissions_for_user(community_official)
        .can_edit()
    )


def test_revoking_the_last_official_role_closes_the_admin(community_official):
    from portal.community import actions
    from portal.community.models import Role

    actions.revoke_role(Role.objects.get(user=community_official))
    community_official = type(community_official).objects.get(pk=community_official.pk)
    assert not community_official.has_perm("wagtailadmin.access_admin")

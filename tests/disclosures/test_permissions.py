"""Who may do what with disclosures: the matrix of role × action in the own and another estate."""

from __future__ import annotations

import pytest

from portal.community.permissions import may

pytestmark = pytest.mark.django_db

CAST = (
    "owner",
    "tenant",
    "committee_chair",
    "committee_member",
    "property_manager",
    "property_staff",
    "moderator",
    "community_official",
    "outsider",
    "committee_chair_b",
)
ALLOWED = {
    "enter_disclosures": {"property_manager", "property_staff"},
    "review_disclosures": {"committee_chair", "committee_member"},
    "see_disclosure_drafts": {
        "property_manager",
        "property_staff",
        "committee_chair",
        "committee_member",
    },
}


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("who", CAST)
def test_the_matrix(request, estate_a, action, who):
    user = request.getfixturevalue(who)
    assert may(user, action, estate_a) is (who in ALLOWED[action])


def test_the_site_administrator_may_everything(site_admin, estate_a):
    assert all(may(site_admin, action, estate_a) for action in ALLOWED)


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("tenant", 200), ("community_official", 200), ("outsider", 403)],
)
def test_the_estate_page_is_for_members_and_officials(request, client, estate_a, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/disclosures/{estate_a.slug}/").status_code == status


def test_signed_out_visitors_are_asked_to_sign_in(client, estate_a):
    response = client.get(f"/disclosures/{estate_a.slug}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_import_page_is_the_companys(client, estate_a, committee_chair, property_manager):
    client.force_login(committee_chair)
    assert client.get(f"/disclosures/{estate_a.slug}/import/").status_code == 403
    client.force_login(property_manager)
    assert client.get(f"/disclosures/{estate_a.slug}/import/").status_code == 200


def test_the_company_edits_its_drafts_in_the_admin_and_never_a_published_one(
    client, published, property_manager, committee_chair_b
):
    from disclosures.models import Disclosure

    client.force_login(property_manager)
    listing = client.get("/admin/snippets/disclosures/disclosure/")
    assert listing.status_code == 200
    draft = Disclosure.objects.create(
        estate=published.estate,
        period_start=published.period_end.replace(day=1),
        period_end=published.period_end,
    )
    assert client.get(f"/admin/snippets/disclosures/disclosure/edit/{draft.pk}/").status_code == 200
    assert client.get(
        f"/admin/snippets/disclosures/disclosure/edit/{published.pk}/"
    ).status_code in (302, 403)
    client.force_login(committee_chair_b)
    assert client.get(f"/admin/snippets/disclosures/disclosure/edit/{draft.pk}/").status_code in (
        302,
        403,
    )

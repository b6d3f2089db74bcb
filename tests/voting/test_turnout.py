"""Live turnout: participation by area and heads, overall and per building, never choices."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.voting.conftest import full_choices, right_of
from voting import actions
from voting.turnout import turnout

pytestmark = pytest.mark.django_db

# Words that would reveal choices or counts of them.
CHOICE_WORDS = ("同意面积", "反对", "弃权", "agree", "oppose", "abstain", "当选")


def vote(assembly, *users) -> None:
    for user in users:
        actions.cast_ballot(
            assembly,
            right_of(user, assembly),
            full_choices(assembly),
            channel="online",
            cast_by=user,
        )


def test_turnout_counts_area_and_heads_overall_and_per_building(
    assembly, owner, register, owner_building1
):
    vote(assembly, owner, register.multi_owner)
    report = turnout(assembly, overall_label="全小区")
    # Roll: 3栋502 120.50, 1栋101 88.00, 5栋 3 × 90.00 (one head), 7栋 developer 2 × 130.25
    # (one head), 7栋301 75.30, 7栋401 75.30: 889.60 ㎡, 6 heads.
    overall = report.overall
    assert (overall.voted_area, overall.total_area) == (Decimal("390.50"), Decimal("889.60"))
    assert (overall.voted_heads, overall.total_heads) == (2, 6)
    assert overall.heads_percent == Decimal("33.33")
    bars = {bar.label: bar for bar in report.buildings}
    assert list(bars) == ["1栋", "3栋", "5栋", "7栋"]
    assert (bars["5栋"].voted_area, bars["5栋"].voted_heads, bars["5栋"].total_heads) == (
        Decimal("270.00"),
        1,
        1,
    )
    assert bars["3栋"].area_percent == Decimal("100.00")
    assert (bars["7栋"].voted_heads, bars["7栋"].total_heads) == (0, 3)
    assert bars["1栋"].voted_area == Decimal("0.00")


def test_a_superseded_or_duplicate_ballot_is_one_participant(
    estate_a, register, committee_chair, owner
):
    from tests.voting.conftest import open_assembly, png_scan

    assembly = open_assembly(estate_a, committee_chair, allow_change_before_close=True)
    vote(assembly, owner, owner)
    actions.enter_paper_ballot(
        assembly,
        right_of(owner, assembly),
        full_choices(assembly),
        entered_by=committee_chair,
        scan=png_scan(),
    )
    assert turnout(assembly).overall.voted_heads == 1


def test_turnout_is_none_before_the_roll_is_frozen(draft_assembly):
    assert turnout(draft_assembly) is None


def test_turnout_takes_a_fixed_number_of_queries(
    assembly, owner, owner_building1, register, django_assert_max_num_queries
):
    vote(assembly, owner)
    with django_assert_max_num_queries(3):
        turnout(assembly)
    vote(assembly, owner_building1, register.multi_owner)
    with django_assert_max_num_queries(3):
        assert turnout(assembly).overall.voted_heads == 3


@pytest.mark.parametrize(
    "name", ["committee_chair", "committee_member", "community_official", "subdistrict_official"]
)
def test_the_committee_and_officials_see_the_svg_chart(request, client, assembly, owner, name):
    vote(assembly, owner)
    client.force_login(request.getfixturevalue(name))
    response = client.get(reverse("voting:turnout", args=[assembly.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and "3栋" in page and "2/3" in page
    assert "120.50 / 889.60" in page


@pytest.mark.parametrize("name", ["owner", "tenant", "outsider", "committee_chair_b", "moderator"])
def test_others_cannot_see_turnout(request, client, assembly, name):
    client.force_login(request.getfixturevalue(name))
    assert client.get(reverse("voting:turnout", args=[assembly.pk])).status_code == 403


def test_anonymous_is_sent_to_log_in(client, assembly):
    response = client.get(reverse("voting:turnout", args=[assembly.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["owner", "committee_chair", "community_official"])
def test_nobody_sees_choice_counts_while_voting_is_open(
    request, client, assembly, owner, owner_building1, name
):
    vote(assembly, owner, owner_building1)
    user = request.getfixturevalue(name)
    client.force_login(user)
    pages = [
        assembly.url,
        reverse("voting:turnout", args=[assembly.pk]),
        reverse("voting:ledger", args=[assembly.pk]),
        reverse("voting:manage", args=[assembly.pk]),
    ]
    for url in pages:
        response = client.get(url)
        if response.status_code != 200:
            assert response.status_code == 403
            continue
        page = response.content.decode()
        for word in ("同意面积", "反对面积", "弃权面积", "同意人数", "当选"):
            assert word not in page, (url, word)
    ledger = client.get(reverse("voting:ledger_json", args=[assembly.pk])).json()
    assert all("choices" not in entry for entry in ledger["entries"])
    for url in (
        reverse("voting:results", args=[assembly.pk]),
        reverse("voting:results_file", args=[assembly.pk, "json"]),
        reverse("voting:results_file", args=[assembly.pk, "csv"]),
        reverse("voting:results_file", args=[assembly.pk, "pdf"]),
    ):
        assert client.get(url).status_code == 403
    assert not any(word in str(turnout(assembly)) for word in CHOICE_WORDS)

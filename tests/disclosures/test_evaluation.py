"""The owners' service evaluation: one response per head (enforced by the database), results
weighted by heads and by area against hand-computed figures, compared with the year before,
published, answered by the company, whose plan can become action items."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from disclosures import evaluations
from disclosures.choices import EvaluationOccasion, ServiceArea
from disclosures.models import EvaluationResponse, ServiceEvaluation
from portal.community import actions as community
from tests.factories import (
    BuildingFactory,
    OwnerIdentityFactory,
    OwnershipFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _open(estate, chair, *, year=2026, days_ago=1, days_left=10):
    now = timezone.now()
    return evaluations.open_evaluation(
        estate,
        chair,
        year=year,
        occasion=EvaluationOccasion.ANNUAL,
        opens_at=now - timedelta(days=days_ago),
        closes_at=now + timedelta(days=days_left),
    )


def _scores(order: int, rest: int = 4) -> dict[str, int]:
    return {area.value: (order if area == ServiceArea.ORDER else rest) for area in ServiceArea}


@pytest.fixture
def owner_two_units(estate_a):
    """周伟 owns 2栋201 (100.00 ㎡) alone and half of 2栋202 (60.00 ㎡): 130.00 ㎡ as one head."""
    building = BuildingFactory(estate=estate_a, name="2栋")
    user = UserFactory(display_name="周伟")
    identity = OwnerIdentityFactory(estate=estate_a, name="周伟", mobile=user.phone)
    OwnershipFactory(
        unit=UnitFactory(building=building, number="201", floor=2, exclusive_area=D("100.00")),
        identity=identity,
    )
    OwnershipFactory(
        unit=UnitFactory(building=building, number="202", floor=2, exclusive_area=D("60.00")),
        identity=identity,
        share=D("0.5"),
    )
    community.link_identity(identity, user, how="test")
    return user


def test_results_are_weighted_by_heads_and_by_area(
    estate_a, committee_chair, owner, owner_building1, owner_two_units
):
    evaluation = _open(estate_a, committee_chair)
    evaluations.respond(evaluation, owner, scores=_scores(5))  # 120.50 ㎡
    evaluations.respond(evaluation, owner_building1, scores=_scores(2))  # 88.00 ㎡
    evaluations.respond(
        evaluation, owner_two_units, scores=_scores(4)
    )  # 100 + 60 × 0.5 = 130.00 ㎡
    result = evaluations.results(evaluation)
    order = next(a for a in result.areas if a.area == ServiceArea.ORDER)
    # By heads: (5 + 2 + 4) / 3; by area: (5×120.5 + 2×88 + 4×130) / 338.5 = 1298.5 / 338.5.
    assert order.by_heads == Fraction(11, 3)
    assert order.by_area == Fraction(12985, 3385)
    assert evaluations.score_text(order.by_heads) == "3.67"
    assert evaluations.score_text(order.by_area) == "3.84"
    assert result.heads == 3 and result.area == D("338.500000")
    cleaning = next(a for a in result.areas if a.area == ServiceArea.CLEANING)
    assert cleaning.by_heads == cleaning.by_area == 4


def test_one_response_per_head_is_enforced_by_the_database(estate_a, committee_chair, owner):
    evaluation = _open(estate_a, committee_chair)
    first = evaluations.respond(evaluation, owner, scores=_scores(5))
    with pytest.raises(ValidationError, match="每户只计一次"):
        evaluations.respond(evaluation, owner, scores=_scores(1))
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationResponse.objects.create(
            evaluation=evaluation, identity=first.identity, user=owner
        )
    assert EvaluationResponse.objects.filter(evaluation=evaluation).count() == 1


def test_responses_are_append_only_in_the_database(estate_a, committee_chair, owner):
    from django.db import DatabaseError, connection

    evaluation = _open(estate_a, committee_chair)
    evaluations.respond(evaluation, owner, scores=_scores(5))
    for statement in (
        "UPDATE disclosures_evaluationscore SET score = 1",
        "DELETE FROM disclosures_evaluationresponse",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)


def test_only_verified_owners_answer_while_it_is_open(
    estate_a, committee_chair, tenant, owner, outsider
):
    evaluation = _open(estate_a, committee_chair)
    for user in (tenant, committee_chair, outsider):
        with pytest.raises(PermissionDenied):
            evaluations.respond(evaluation, user, scores=_scores(5))
    with pytest.raises(ValidationError):
        evaluations.respond(evaluation, owner, scores={**_scores(5), ServiceArea.GREENING.value: 6})
    closed = _open(estate_a, committee_chair, year=2025, days_ago=20, days_left=-10)
    with pytest.raises(ValidationError, match="不在进行中"):
        evaluations.respond(closed, owner, scores=_scores(5))


def test_results_compare_with_the_previous_year(estate_a, committee_chair, owner, owner_building1):
    now = timezone.now()
    last_year = ServiceEvaluation.objects.create(
        estate=estate_a,
        year=2025,
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=1),
        created_by=committee_chair,
    )
    evaluations.respond(last_year, owner, scores=_scores(2))
    evaluations.respond(last_year, owner_building1, scores=_scores(3))
    ServiceEvaluation.objects.filter(pk=last_year.pk).update(closes_at=now - timedelta(hours=1))
    last_year.refresh_from_db()
    evaluations.publish_results(last_year, committee_chair)
    this_year = _open(estate_a, committee_chair, year=2026)
    evaluations.respond(this_year, owner, scores=_scores(4))
    evaluations.respond(this_year, owner_building1, scores=_scores(5))
    order = next(a for a in evaluations.results(this_year).areas if a.area == ServiceArea.ORDER)
    assert order.previous_by_heads == Fraction(5, 2) and order.change_by_heads == 2
    assert evaluations.change_text(order.change_by_heads) == "+2.00"


def test_results_are_published_after_the_close_and_the_plan_becomes_action_items(
    client, estate_a, committee_chair, owner, property_manager
):
    evaluation = _open(estate_a, committee_chair)
    evaluations.respond(evaluation, owner, scores=_scores(3))
    with pytest.raises(ValidationError):
        evaluations.publish_results(evaluation, committee_chair)
    ServiceEvaluation.objects.filter(pk=evaluation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    evaluation.refresh_from_db()
    with pytest.raises(PermissionDenied):
        evaluations.publish_results(evaluation, property_manager)
    evaluations.publish_results(evaluation, committee_chair)
    reply = evaluations.reply(
        evaluation,
        property_manager,
        body="感谢业主的意见。",
        plan=[(date.today() + timedelta(days=90), "夜间增加一次巡逻")],
    )
    item = reply.items.get()
    action_item = evaluations.make_action_item(item, committee_chair)
    assert action_item.responsible_party == "property" and action_item.title == "夜间增加一次巡逻"
    item.refresh_from_db()
    assert item.action_item == action_item
    client.force_login(owner)
    page = client.get(f"/disclosures/{estate_a.slug}/evaluations/{evaluation.pk}/").content.decode()
    assert "感谢业主的意见" in page and "夜间增加一次巡逻" in page and "3.00" in page


def test_the_questionnaire_page_refuses_a_missing_score_and_keeps_nothing(
    client, estate_a, committee_chair, owner
):
    evaluation = _open(estate_a, committee_chair)
    client.force_login(owner)
    url = f"/disclosures/{estate_a.slug}/evaluations/{evaluation.pk}/"
    data = {f"score_{a.value}": "4" for a in ServiceArea if a != ServiceArea.CUSTOMER}
    response = client.post(url, data)
    assert response.status_code == 422 and "请为“客服”打分" in response.content.decode()
    assert not EvaluationResponse.objects.exists()
    data["score_customer"] = "5"
    assert client.post(url, data).status_code == 302
    assert EvaluationResponse.objects.get().scores.count() == 5


def test_the_dashboard_shows_the_latest_published_evaluation(
    estate_a, committee_chair, owner, owner_building1
):
    from disclosures.dashboard import EvaluationFigures
    from portal.dashboard.period import Period

    evaluation = _open(estate_a, committee_chair)
    evaluations.respond(evaluation, owner, scores=_scores(5))
    evaluations.respond(evaluation, owner_building1, scores=_scores(2))
    ServiceEvaluation.objects.filter(pk=evaluation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    evaluations.publish_results(evaluation, committee_chair)
    today = timezone.localdate()
    row = EvaluationFigures().compute(
        [estate_a.pk], Period(first=today - timedelta(days=30), last=today)
    )[estate_a.pk]
    # Order (5 + 2) / 2 = 3.5, the other four areas 4: overall (3.5 + 4 × 4) / 5 = 3.9.
    assert row["heads"] == 2 and row["by_heads"] == Fraction(39, 10) and row["year"] == "2026"

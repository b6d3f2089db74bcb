"""Review and publication: every line confirmed or queried, then frozen with its SHA-256;
corrections are appended with old and new values; every published table adds up."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from disclosures import actions, content
from disclosures.choices import DisclosureState, ReviewDecision, Section
from disclosures.models import DisclosureLine, DisclosureRecord, FrozenError, LineReview

pytestmark = pytest.mark.django_db


def _review_all(disclosure, chair, *, query: str = "") -> None:
    for line in disclosure.lines.order_by("pk"):
        if query and line.label == query:
            actions.review_line(
                line, chair, decision=ReviewDecision.QUERIED, reason="广告收入为何比上季度少？"
            )
        else:
            actions.review_line(line, chair, decision=ReviewDecision.CONFIRMED)


def test_publishing_needs_every_line_reviewed(draft, property_manager, committee_chair):
    actions.submit_for_review(draft, property_manager)
    first = draft.lines.first()
    actions.review_line(first, committee_chair, decision=ReviewDecision.CONFIRMED)
    with pytest.raises(ValidationError, match="未审核"):
        actions.publish(draft, committee_chair)
    draft.refresh_from_db()
    assert draft.state == DisclosureState.SUBMITTED and not draft.records.exists()


def test_a_query_needs_a_reason_and_becomes_a_question_to_the_company(
    draft, property_manager, committee_chair
):
    from deliberation.choices import IssueCategory, ThreadKind
    from portal.community.choices import Party

    actions.submit_for_review(draft, property_manager)
    line = draft.lines.get(label="电梯广告")
    with pytest.raises(ValidationError):
        actions.review_line(line, committee_chair, decision=ReviewDecision.QUERIED, reason="  ")
    actions.review_line(
        line, committee_chair, decision=ReviewDecision.QUERIED, reason="广告收入为何下降？"
    )
    question = line.questions.get()
    thread = question.thread
    assert question.from_review
    assert (thread.kind, thread.category, thread.responsible_party) == (
        ThreadKind.ISSUE,
        IssueCategory.INQUIRY,
        Party.PROPERTY,
    )
    assert thread.response_due_at - thread.created_at == timedelta(hours=24)
    assert thread.close_due_at - thread.created_at == timedelta(hours=48)


def test_only_the_committee_reviews_and_publishes(
    draft, property_manager, owner, committee_chair_b
):
    actions.submit_for_review(draft, property_manager)
    line = draft.lines.first()
    for user in (property_manager, owner, committee_chair_b):
        with pytest.raises(PermissionDenied):
            actions.review_line(line, user, decision=ReviewDecision.CONFIRMED)
        with pytest.raises(PermissionDenied):
            actions.publish(draft, user)


def test_publishing_records_the_content_and_its_sha256(published):
    record = published.records.get()
    assert record.kind == DisclosureRecord.Kind.PUBLICATION and record.sequence == 1
    assert record.sha256 == content.digest(record.content)
    assert published.state == DisclosureState.PUBLISHED and published.published_at


def test_a_published_disclosure_is_frozen_in_the_model(published):
    line = published.lines.first()
    line.label = "改过"
    with pytest.raises(FrozenError):
        line.save()
    published.fund_closing = D("1")
    with pytest.raises(FrozenError):
        published.save()
    with pytest.raises(FrozenError):
        published.delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE disclosures_disclosureline SET income = 1 WHERE disclosure_id = %s",
        "DELETE FROM disclosures_disclosureline WHERE disclosure_id = %s",
        "UPDATE disclosures_disclosure SET fund_closing = 1 WHERE id = %s",
        "DELETE FROM disclosures_disclosure WHERE id = %s",
        "UPDATE disclosures_linereview SET reason = 'x' WHERE line_id IN (SELECT id FROM disclosures_disclosureline WHERE disclosure_id = %s)",
        "UPDATE disclosures_disclosurerecord SET sha256 = 'x' WHERE disclosure_id = %s",
        "DELETE FROM disclosures_disclosurerecord WHERE disclosure_id = %s",
    ],
)
def test_the_database_refuses_to_rewrite_a_published_disclosure(published, statement):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [published.pk])


def test_the_database_refuses_a_new_line_in_a_published_disclosure(published):
    with pytest.raises(DatabaseError), transaction.atomic():
        DisclosureLine.objects.bulk_create(
            [DisclosureLine(disclosure=published, section=Section.SERVICE, label="补一行")]
        )


def test_a_draft_can_still_be_edited_in_the_database(draft):
    DisclosureLine.objects.filter(disclosure=draft).update(note="ok")
    assert DisclosureLine.objects.filter(disclosure=draft, note="ok").count() == draft.lines.count()


def test_a_correction_shows_old_and_new_and_must_still_add_up(published, property_manager):
    line = published.lines.get(label="电梯广告")
    with pytest.raises(actions.Refused):
        actions.correct(
            published,
            property_manager,
            changes=[{"line": line.pk, "field": "income", "new": "13000"}],
            reason="漏记一笔",
        )
    record = actions.correct(
        published,
        property_manager,
        changes=[
            {"line": line.pk, "field": "income", "new": "13000"},
            {"line": line.pk, "field": "owners_share", "new": "11800"},
            {"line": None, "field": "common_income_total", "new": "43000.10"},
            {"line": None, "field": "owners_share_total", "new": "32800.05"},
        ],
        reason="漏记十二月的一笔广告费",
    )
    assert (
        record.sequence == 2 and record.previous_sha256 == published.records.get(sequence=1).sha256
    )
    assert {
        "line": line.pk,
        "field": "income",
        "old": "12000.00",
        "new": "13000.00",
    } in record.changes
    assert record.sha256 == content.digest(record.content)
    # The published record is untouched; the line row keeps what was published.
    assert published.records.get(sequence=1).content != record.content
    assert DisclosureLine.objects.get(pk=line.pk).income == D("12000.00")


def test_every_published_table_adds_up_to_its_totals(published, property_manager):
    line = published.lines.get(label="电梯广告")
    actions.correct(
        published,
        property_manager,
        changes=[
            {"line": line.pk, "field": "cost", "new": "1000"},
            {"line": line.pk, "field": "owners_share", "new": "11000"},
            {"line": None, "field": "common_cost_total", "new": "10000.05"},
            {"line": None, "field": "owners_share_total", "new": "32000.05"},
        ],
        reason="成本核对后调整",
    )
    for record in DisclosureRecord.objects.all():
        for table in content.tables(record.content):
            for column, (declared, summed) in table.totals.items():
                assert declared == summed, (record.sequence, table.section, column)
                assert isinstance(summed, D)
            for row in table.rows:
                for name in (
                    "rate",
                    "receivable",
                    "received",
                    "income",
                    "cost",
                    "owners_share",
                    "inflow",
                    "outflow",
                ):
                    assert row[name] is None or isinstance(row[name], D)
            if table.section == Section.FUND:
                inflow, outflow = table.totals["inflow"][1], table.totals["outflow"][1]
                assert table.opening + inflow - outflow == table.closing


def test_the_published_content_holds_no_float(published):
    import json

    record = published.records.get()
    assert "e+" not in json.dumps(record.content)
    for item in record.content["lines"]:
        for value in item.values():
            assert not isinstance(value, float)


def test_the_committee_review_is_frozen_with_the_publication(published):
    review = LineReview.objects.filter(line__disclosure=published).first()
    assert review is not None
    assert {i["review"]["decision"] for i in published.records.get().content["lines"]} == {
        "confirmed"
    }


def test_the_published_page_shows_tables_totals_charts_and_the_hash(client, published, owner):
    client.force_login(owner)
    page = client.get(f"/disclosures/{published.estate.slug}/{published.pk}/").content.decode()
    assert published.records.get().sha256 in page
    assert "42,000.10" in page and "31,800.05" in page  # the totals row of the common parts
    assert "<svg" in page and "电梯广告" in page
    assert "92.74%" in page  # 115000.50 / 124000.00


def test_downloads_are_exact_and_neutralised(client, published, owner):
    import io

    from openpyxl import load_workbook

    client.force_login(owner)
    csv = client.get(f"/disclosures/{published.estate.slug}/{published.pk}.csv")
    assert csv.status_code == 200 and "30000.10" in csv.content.decode("utf-8-sig")
    xlsx = client.get(f"/disclosures/{published.estate.slug}/{published.pk}.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert published.records.get().sha256 in values


def test_drafts_are_hidden_from_owners_and_outsiders_see_nothing(client, draft, owner, outsider):
    client.force_login(owner)
    assert client.get(f"/disclosures/{draft.estate.slug}/{draft.pk}/").status_code == 404
    client.force_login(outsider)
    assert client.get(f"/disclosures/{draft.estate.slug}/").status_code == 403


def test_the_review_page_queries_one_line_and_confirms_the_rest(
    client, draft, property_manager, committee_chair
):
    actions.submit_for_review(draft, property_manager)
    client.force_login(committee_chair)
    url = f"/disclosures/{draft.estate.slug}/{draft.pk}/review/"
    line = draft.lines.get(label="电梯广告")
    response = client.post(url, {"line": line.pk, "decision": "queried", "reason": ""})
    assert response.status_code == 422 and "质询须写明理由" in response.content.decode()
    client.post(url, {"line": line.pk, "decision": "queried", "reason": "收入为何下降？"})
    client.post(url, {"confirm_rest": "1"})
    client.post(f"/disclosures/{draft.estate.slug}/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert draft.is_published
    page = client.get(f"/disclosures/{draft.estate.slug}/{draft.pk}/").content.decode()
    assert "业委会质询" in page and "收入为何下降？" in page

"""The member's to-do list (待我处理): one list from every provider, nearest deadline first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.models import ConsultationIndexPage
from deliberation import actions as deliberation
from deliberation.choices import IssueCategory, ThreadKind
from portal.home import todo
from portal.notices.models import Acknowledgement, NoticeIndexPage
from proposals import actions as proposals
from tests.consultations.conftest import make_consultation
from tests.notices.conftest import make_notice

pytestmark = pytest.mark.django_db


def kinds(items) -> list[str]:
    return [str(item.kind) for item in items]


@pytest.fixture
def waiting(estate_a, owner, owner_building1, property_manager):
    """A notice to acknowledge (due in 4 days), a consultation (closes in 7), a proposal by
    someone else (no deadline) and the owner's own report marked resolved (due in 72 h)."""
    notice_index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()
    notice = make_notice(notice_index, requires_acknowledgement=True, min_display_days=4)
    consultation = make_consultation(
        ConsultationIndexPage.objects.descendant_of(estate_a.page).get()
    )
    proposal = proposals.submit_proposal(
        estate_a, owner_building1, title="增设快递柜", body="<p>快递常堆在门岗。</p>"
    )
    report = deliberation.start_thread(
        estate_a,
        owner,
        kind=ThreadKind.ISSUE,
        category=IssueCategory.REPAIR,
        title="3栋电梯异响",
        body="<p>电梯运行时有异响。</p>",
    )
    deliberation.mark_resolved(report, property_manager, note="已更换导靴。")
    return notice, consultation, proposal, report


def test_everything_waiting_is_in_one_list_soonest_deadline_first(owner, estate_a, waiting):
    items = todo.todos_for(owner, estate_a)
    assert kinds(items) == ["确认解决", "公告确认", "征求意见", "提案支持"]
    dues = [item.due_at for item in items if item.due_at]
    assert dues == sorted(dues)
    assert items[-1].due_at is None  # no deadline: last


def test_done_things_leave_the_list(owner, estate_a, waiting):
    notice, consultation, proposal, report = waiting
    Acknowledgement.objects.create(
        notice=notice, user=owner, unit=owner.owner_identities.first().ownerships.first().unit
    )
    proposals.support_proposal(proposal, owner)
    deliberation.confirm_resolution(report, owner)
    assert kinds(todo.todos_for(owner, estate_a)) == ["征求意见"]


def test_a_tenant_is_not_asked_to_support_proposals_or_answer_an_owners_consultation(
    tenant, estate_a, waiting
):
    assert kinds(todo.todos_for(tenant, estate_a)) == ["公告确认"]


def test_nothing_of_another_estate_and_nothing_for_an_outsider(outsider, estate_a, waiting):
    assert todo.todos_for(outsider, estate_a) == []
    assert todo.todos_for(outsider) == []


def test_a_new_provider_plugs_in(owner, estate_a, waiting, monkeypatch):
    class Petition:
        title = "提议召开临时业主大会"
        url = "/petitions/1/"
        estate_id = estate_a.pk
        due_at = timezone.now() + timedelta(hours=1)

    def petitions(user, estates):
        return todo.from_objects([Petition()], kind="联名提议", estates=estates)

    def as_dicts(user, estates):  # the shape petitions_awaiting(user) returns
        return todo.from_objects(
            [{"title": "罢免业委会委员", "url": "/p/2/", "estate": estate_a, "deadline": None}],
            kind="联名提议",
            estates=estates,
        )

    original = todo.providers()
    monkeypatch.setattr(todo, "providers", lambda: (petitions, as_dicts, *original))
    items = todo.todos_for(owner, estate_a)
    assert kinds(items)[0] == "联名提议"
    dict_item = next(item for item in items if item.title == "罢免业委会委员")
    assert dict_item.due_at is None and dict_item.estate == estate_a


def test_the_estate_page_and_me_show_the_list(client, owner, estate_a, waiting):
    client.force_login(owner)
    estate_page = client.get(estate_a.page.url).content.decode()
    me = client.get(reverse("accounts:profile")).content.decode()
    for page in (estate_page, me):
        assert "待我处理" in page and "3栋电梯异响" in page and "增设快递柜" in page


def test_notices_to_acknowledge_cost_the_same_statements_however_many_there_are(
    owner, estate_a, waiting
):
    """The member's units and the notices' estate are read once per estate, not per notice;
    a notice for a building the member has no unit in still stays off their list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.community.models import Estate
    from portal.notices.todo import notices_to_acknowledge

    def listed() -> tuple[int, list[str]]:
        estate = Estate.objects.select_related("page").get(pk=estate_a.pk)
        with CaptureQueriesContext(connection) as queries:
            titles = [item.title for item in notices_to_acknowledge(owner, [estate])]
        return len(queries.captured_queries), titles

    one, titles = listed()
    assert titles == ["3栋停水通知"]

    index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()
    for n in range(3):
        make_notice(
            index,
            title=f"3栋电梯检修通知（第{n + 1}次）",
            buildings=("3栋",),
            requires_acknowledgement=True,
        )
        make_notice(
            index,
            title=f"1栋外墙清洗通知（第{n + 1}次）",
            buildings=("1栋",),
            requires_acknowledgement=True,
        )
    many, titles = listed()

    assert many == one, f"{one} statements for one notice, {many} for seven"
    assert len(titles) == 4 and not any(title.startswith("1栋") for title in titles)

"""Scenario templates (场景化模板) and the committee's approval workflow."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import GroupApprovalTask, WorkflowPage, WorkflowState

from portal.community.groups import estate_group
from portal.community.models import Building
from portal.notices import actions
from portal.notices.models import NoticePage, NoticeTemplate, fill_placeholders
from portal.notices.seed_templates import TEMPLATE_LIBRARY
from portal.notices.workflows import ensure_estate_workflow
from tests.factories import make_estate

pytestmark = pytest.mark.django_db


def test_the_district_library_is_seeded_with_every_scenario():
    library = NoticeTemplate.objects.filter(estate__isnull=True)
    titles = set(library.values_list("title", flat=True))
    assert titles == {entry["title"] for entry in TEMPLATE_LIBRARY}
    assert {"outage", "maintenance", "safety", "fees", "meeting"} <= set(
        library.values_list("category", flat=True)
    )


def test_the_high_rise_reminder_explains_thanks_and_does_not_threaten():
    reminder = NoticeTemplate.objects.get(title__contains="头顶上的安全")
    assert "民法典" in reminder.body and "第一千二百五十四条" in reminder.body
    assert "感谢" in reminder.body
    for threat in ("严惩", "后果自负", "一经发现", "严厉打击", "罚款"):
        assert threat not in reminder.body


def test_placeholders_are_listed_in_order_and_filled():
    template = NoticeTemplate.objects.get(title="{楼栋}临时停水通知")
    assert template.placeholders()[:4] == ["楼栋", "原因", "开始时间", "结束时间"]
    text, missing = fill_placeholders(template.body, {"楼栋": "3栋", "原因": "管道维修"})
    assert "3栋将于" in text
    assert missing == ["开始时间", "结束时间", "联系电话"]


def _moment(text: str):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Asia/Shanghai"))


def test_creating_from_a_template_reports_missing_placeholders_and_creates_nothing(
    notice_index, property_staff
):
    template = NoticeTemplate.objects.get(title="{楼栋}临时停水通知")
    before = NoticePage.objects.count()
    with pytest.raises(ValidationError, match=r"\{开始时间\}、\{结束时间\}、\{联系电话\}"):
        actions.create_notice_from_template(
            notice_index, template, {"原因": "管道维修"}, actor=property_staff
        )
    assert NoticePage.objects.count() == before


def test_creating_from_a_template_makes_a_prefilled_draft(
    notice_index, estate_a, property_staff, notify_calls
):
    template = NoticeTemplate.objects.get(title="{楼栋}临时停水通知")
    notice = actions.create_notice_from_template(
        notice_index,
        template,
        {"原因": "二次供水管道维修", "联系电话": "0571-88886666"},
        actor=property_staff,
        buildings=[Building.objects.get(estate=estate_a, name="3栋")],
        effective_from=_moment("2026-11-28 09:00"),
        effective_until=_moment("2026-11-28 17:00"),
    )
    assert notice.title == "3栋临时停水通知"
    assert (notice.category, notice.urgency, notice.issuer) == ("outage", "urgent", "property")
    assert not notice.live and notice.has_unpublished_changes
    body = "".join(str(block.value) for block in notice.body)
    assert "0571-88886666" in body and "{" not in body
    assert list(notify_calls) == []  # a draft notifies nobody


def test_admin_view_fills_a_template(client, settings, notice_index, estate_a, property_manager):
    settings.GONGZHI_REQUIRE_STAFF_MFA = False
    template = NoticeTemplate.objects.get(title="{楼栋}电梯维护保养通知")
    client.force_login(property_manager)
    url = f"/admin/notices/from-template/{notice_index.pk}/"
    page = client.get(url, {"template": template.pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="datetime-local"' in html and 'name="buildings"' in html
    incomplete = client.post(url, {"template": template.pk, "issuer": "property"})
    assert "请选择时间" in incomplete.content.decode()
    building3 = Building.objects.get(estate=estate_a, name="3栋")
    done = client.post(
        url,
        {
            "template": template.pk,
            "issuer": "property",
            "urgency": "important",
            "buildings": [building3.pk],
            "effective_from": "2026-12-02T09:00",
            "effective_until": "2026-12-02T12:00",
            "联系电话": "0571-88886666",
        },
    )
    notice = NoticePage.objects.get(title="3栋电梯维护保养通知")
    assert done.status_code == 302 and done["Location"].endswith(f"/pages/{notice.pk}/edit/")


@pytest.mark.parametrize("name", ["owner", "moderator", "committee_chair_b"])
def test_admin_view_is_refused_to_others(request, client, settings, notice_index, name):
    settings.GONGZHI_REQUIRE_STAFF_MFA = False
    client.force_login(request.getfixturevalue(name))
    response = client.get(f"/admin/notices/from-template/{notice_index.pk}/")
    # Wagtail answers a refusal in the admin with a redirect to the dashboard (or 403).
    assert response.status_code in (302, 403)
    assert NoticePage.objects.child_of(notice_index).count() == 0


def test_estate_staff_edit_their_own_templates_only(
    client, settings, estate_a, estate_b, property_manager
):
    settings.GONGZHI_REQUIRE_STAFF_MFA = False
    own = NoticeTemplate.objects.create(
        estate=estate_a, title="锦绣花园停车场清洗通知", category="maintenance", body="{日期}清洗"
    )
    other = NoticeTemplate.objects.create(
        estate=estate_b, title="翠湖苑停车场清洗通知", category="maintenance", body="{日期}清洗"
    )
    library = NoticeTemplate.objects.filter(estate__isnull=True).first()
    client.force_login(property_manager)
    assert client.get(f"/admin/snippets/notices/noticetemplate/edit/{own.pk}/").status_code == 200
    for template in (other, library):
        response = client.get(f"/admin/snippets/notices/noticetemplate/edit/{template.pk}/")
        assert response.status_code in (302, 403)
    listing = client.get("/admin/snippets/notices/noticetemplate/").content.decode()
    assert own.title in listing and other.title not in listing


def test_a_new_estate_gets_the_committee_approval_workflow(community_a):
    estate = make_estate(name="滨江一品", slug="binjiang", community=community_a)
    index = estate.page.get_children().type(NoticePage.__mro__[0]).first() or None
    workflow_page = WorkflowPage.objects.select_related("workflow").get(
        page__in=estate.page.get_children()
    )
    assert workflow_page.page.specific_class.__name__ == "NoticeIndexPage"
    assert "业委会公告审批" in workflow_page.workflow.name
    [task] = [t.specific for t in workflow_page.workflow.tasks.all()]
    assert isinstance(task, GroupApprovalTask)
    assert list(task.groups.all()) == [estate_group(estate, "committee_chair")]
    assert index is None  # notices live under the index, not directly under the estate page
    # Idempotent: calling again changes nothing.
    assert ensure_estate_workflow(estate) == workflow_page.workflow
    assert WorkflowPage.objects.filter(workflow=workflow_page.workflow).count() == 1


def test_committee_member_submits_and_the_chair_approves(
    notice_index, committee_member, committee_chair, owner, notify_calls
):
    from tests.notices.conftest import make_notice

    notice = make_notice(
        notice_index,
        title="关于召开2026年第一次业主大会会议的通知",
        issuer="committee",
        category="meeting",
        publish=False,
    )
    assert not notice.permissions_for_user(committee_member).can_publish()
    workflow = notice.get_workflow()
    assert workflow is not None
    state = workflow.start(notice, committee_member)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    task_state = state.current_task_state
    task = task_state.task.specific
    assert task.user_can_access_editor(notice, committee_chair)
    assert committee_member not in [u for g in task.groups.all() for u in g.user_set.all()]
    task.on_action(task_state, committee_chair, "approve")
    notice.refresh_from_db()
    assert notice.live
    assert notify_calls.by_key(f"notice:{notice.pk}:published")


def test_property_staff_may_publish_directly(notice_index, property_staff):
    from tests.notices.conftest import make_notice

    notice = make_notice(notice_index, publish=False)
    assert notice.permissions_for_user(property_staff).can_publish()


def test_the_setup_command_is_idempotent(estate_a, estate_b):
    from django.core.management import call_command

    call_command("ensure_notice_workflows")
    call_command("ensure_notice_workflows")
    assert WorkflowPage.objects.filter(workflow__name__contains="业委会公告审批").count() == 2

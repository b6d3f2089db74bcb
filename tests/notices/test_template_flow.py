"""Templates are a tool, not a trap (issue #13, item 9).

They are found where staff look (a 新建公告 menu item, the 公告模板 list, the new-notice
editor); their {楼栋} and times set the notice's scope and effective window; issuer and
urgency default from who is writing.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from portal.community.models import Building
from portal.notices import actions, authorship
from portal.notices.models import NoticePage, NoticeTemplate
from tests.factories import BuildingFactory

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
WATER = "{楼栋}临时停水通知"


@pytest.fixture(autouse=True)
def _no_mfa_in_these_tests(settings):
    settings.GONGZHI_REQUIRE_STAFF_MFA = False  # MFA is tested with the accounts app


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def water_template() -> NoticeTemplate:
    return NoticeTemplate.objects.get(title=WATER)


def building(estate, name: str) -> Building:
    return Building.objects.get(estate=estate, name=name)


def from_template_url(index) -> str:
    return f"/admin/notices/from-template/{index.pk}/"


# --- real fields ----------------------------------------------------------------------------


def test_a_templates_buildings_and_times_set_the_notices_scope_and_effective_window(
    notice_index, estate_a, property_staff
):
    notice = actions.create_notice_from_template(
        notice_index,
        water_template(),
        {"原因": "二次供水管道维修", "联系电话": "0571-88886666"},
        actor=property_staff,
        buildings=[building(estate_a, "3栋")],
        effective_from=at("2026-12-02 09:00"),
        effective_until=at("2026-12-02 17:00"),
    )
    assert [b.name for b in notice.buildings.all()] == ["3栋"]
    assert notice.effective_from == at("2026-12-02 09:00")
    assert notice.effective_until == at("2026-12-02 17:00")
    body = "".join(str(block.value) for block in notice.body)
    # The wording comes from the fields, so the two can never disagree.
    assert "3栋将于2026年12月2日 09:00至17:00暂停供水" in body
    assert notice.title == "3栋临时停水通知"
    # The draft's revision (what the editor opens) carries the scope and the window too.
    draft = notice.get_latest_revision_as_object()
    assert [b.name for b in draft.buildings.all()] == ["3栋"]
    assert draft.effective_until == at("2026-12-02 17:00")


def test_no_building_chosen_means_the_whole_estate(notice_index, property_staff):
    notice = actions.create_notice_from_template(
        notice_index,
        water_template(),
        {"原因": "市政管网检修", "联系电话": "0571-88886666"},
        actor=property_staff,
        effective_from=at("2026-12-02 09:00"),
        effective_until=at("2026-12-03 09:00"),
    )
    assert list(notice.buildings.all()) == []
    assert notice.title == "全小区临时停水通知"
    body = "".join(str(block.value) for block in notice.body)
    assert "2026年12月2日 09:00至2026年12月3日 09:00" in body


def test_the_fee_disclosure_template_sets_the_display_period(notice_index, committee_chair):
    template = NoticeTemplate.objects.get(title="{期间}物业服务费用收支情况公示")
    notice = actions.create_notice_from_template(
        notice_index,
        template,
        {"期间": "2026年第三季度", "联系电话": "0571-88886666"},
        actor=committee_chair,
        display_days=30,
    )
    assert notice.min_display_days == 30
    assert "公示期为30天" in "".join(str(block.value) for block in notice.body)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"values": {"楼栋": "3栋", "原因": "检修", "联系电话": "1"}}, "请选择楼栋和时间"),
        ({"effective_until": at("2026-12-02 08:00")}, "结束时间必须晚于开始时间"),
        ({"display_days": 0}, "公示期须在 1 到 365 天之间"),
        ({"issuer": "developer"}, "请选择发布方"),
        ({"urgency": "panic"}, "请选择紧急程度"),
    ],
)
def test_bad_template_input_is_refused_in_chinese_and_creates_nothing(
    notice_index, property_staff, changes, message
):
    arguments = {
        "values": {"原因": "检修", "联系电话": "0571-88886666"},
        "effective_from": at("2026-12-02 09:00"),
        "effective_until": at("2026-12-02 17:00"),
        **changes,
    }
    before = NoticePage.objects.count()
    with pytest.raises(ValidationError, match=message):
        actions.create_notice_from_template(
            notice_index,
            water_template(),
            arguments.pop("values"),
            actor=property_staff,
            **arguments,
        )
    assert NoticePage.objects.count() == before


def test_a_building_of_another_estate_is_refused(notice_index, estate_b, property_staff):
    stranger = BuildingFactory(estate=estate_b, name="9栋")
    with pytest.raises(ValidationError, match="只能选择本小区的楼栋"):
        actions.create_notice_from_template(
            notice_index,
            water_template(),
            {"原因": "检修", "联系电话": "0571-88886666"},
            actor=property_staff,
            buildings=[stranger],
            effective_from=at("2026-12-02 09:00"),
            effective_until=at("2026-12-02 17:00"),
        )
    assert not NoticePage.objects.exists()


# --- defaults from who is writing ----------------------------------------------------------


def test_the_chairs_draft_is_signed_by_the_committee_and_is_not_urgent_by_default(
    client, notice_index, estate_a, committee_chair
):
    client.force_login(committee_chair)
    page = client.get(from_template_url(notice_index), {"template": water_template().pk})
    form = page.context["form"]
    assert form["issuer"].initial == "committee"
    assert form["urgency"].initial == "important"

    client.post(
        from_template_url(notice_index),
        {
            "template": water_template().pk,
            "issuer": form["issuer"].initial,
            "urgency": form["urgency"].initial,
            "buildings": [building(estate_a, "3栋").pk],
            "effective_from": "2026-12-02T09:00",
            "effective_until": "2026-12-02T17:00",
            "原因": "二次供水水箱清洗",
            "联系电话": "0571-88886666",
        },
    )
    notice = NoticePage.objects.get(title="3栋临时停水通知")
    assert (notice.issuer, notice.urgency) == ("committee", "important")


def test_property_staff_keep_the_templates_urgency(client, notice_index, property_staff):
    client.force_login(property_staff)
    form = client.get(from_template_url(notice_index), {"template": water_template().pk}).context[
        "form"
    ]
    assert (form["issuer"].initial, form["urgency"].initial) == ("property", "urgent")


def test_a_community_official_signs_as_the_community(estate_a, community_official):
    assert authorship.default_issuer(community_official, estate_a) == "community"
    assert authorship.default_urgency(community_official, estate_a, water_template()) == "important"


def test_a_blank_notice_is_signed_by_the_writers_party(client, notice_index, committee_chair):
    client.force_login(committee_chair)
    page = client.get(f"/admin/pages/add/notices/noticepage/{notice_index.pk}/")
    assert page.status_code == 200
    assert page.context["form"]["issuer"].value() == "committee"
    assert page.context["form"]["urgency"].value() == "normal"


# --- discoverable --------------------------------------------------------------------------


def test_the_new_notice_editor_points_to_the_templates(client, notice_index, property_manager):
    client.force_login(property_manager)
    html = client.get(f"/admin/pages/add/notices/noticepage/{notice_index.pk}/").content.decode()
    assert 'data-testid="start-from-template"' in html
    assert from_template_url(notice_index) in html


def test_the_admin_menu_offers_new_notice_to_those_who_may_write_one(
    client, notice_index, committee_chair, moderator
):
    client.force_login(committee_chair)
    assert "/admin/notices/new/" in client.get("/admin/").content.decode()
    # One estate: straight to its template gallery.
    response = client.get("/admin/notices/new/")
    assert response.status_code == 302
    assert response["Location"] == from_template_url(notice_index)
    gallery = client.get(from_template_url(notice_index)).content.decode()
    for title in ("{楼栋}临时停水通知", "{楼栋}电梯维护保养通知", "消防设施检查通知"):
        assert title in gallery
    assert "不用模板，新建空白公告" in gallery

    client.force_login(moderator)
    assert client.get("/admin/notices/new/").status_code in (302, 403)
    assert "/admin/notices/new/" not in client.get("/admin/").content.decode()


def test_an_editor_of_two_estates_chooses_the_estate_first(
    client, notice_index, estate_a, estate_b, site_admin
):
    client.force_login(site_admin)
    template = water_template()
    page = client.get("/admin/notices/new/", {"template": template.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert estate_a.name in html and estate_b.name in html
    assert f"?template={template.pk}" in html


def test_estate_staff_find_the_district_library_in_the_template_list(
    client, notice_index, estate_a, property_manager
):
    own = NoticeTemplate.objects.create(
        estate=estate_a, title="锦绣花园停车场清洗通知", category="maintenance", body="{日期}清洗"
    )
    library = water_template()
    client.force_login(property_manager)
    html = client.get("/admin/snippets/notices/noticetemplate/").content.decode()
    assert own.title in html and library.title in html
    # Every row can be used at once; only the estate's own can be edited.
    assert f"/admin/notices/new/?template={library.pk}" in html
    assert f"/admin/snippets/notices/noticetemplate/edit/{own.pk}/" in html
    assert f"/admin/snippets/notices/noticetemplate/edit/{library.pk}/" not in html
    response = client.get(f"/admin/snippets/notices/noticetemplate/edit/{library.pk}/")
    assert response.status_code in (302, 403)

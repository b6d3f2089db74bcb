"""Journeys of the owners' initiative (#16 items 1 and 3), at phone width.

1. An owner opens a petition for an extraordinary meeting, another owner signs until both
   bars pass the threshold line, the committee is told, the deadline passes, and the community
   official sees the escalation on the dashboard.
2. An owner objects to the area on the published roll with a photo of the certificate, the
   committee upholds it, and the roll frozen when voting opens has the corrected area.
3. An owner says a flat is missing from her entries; the committee names it by building and
   number (a mistyped number is refused), upholds, and the frozen roll counts it in her head.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.e2e.helpers import assert_fits_screen, log_in_by_sms_code
from tests.factories import BuildingFactory, OwnerIdentityFactory, OwnershipFactory, UnitFactory
from tests.voting.conftest import PNG_BYTES, inform_residents_committee, make_assembly
from voting import actions as voting_actions
from voting.models import VotingRight, VotingRightUnit
from voting.petitions.models import Petition

pytestmark = pytest.mark.browser


@pytest.fixture
def viewport():
    """These journeys run at phone width (390 px), where most owners meet them."""
    return PHONE


@pytest.fixture
def eight_more_flats(estate_a):
    """Eight flats of 100 ㎡ whose owners have no account: ten heads and 1008.50 ㎡ in all.

    王芳 (120.50 ㎡) alone is 1 head of 10 and 11.9 % of the area; with 李强 (88 ㎡) the
    petition has 2 heads (20 %) and 208.50 ㎡ (20.7 %): both tests pass.
    """
    building = BuildingFactory(estate=estate_a, name="8栋")
    for floor in range(1, 9):
        unit = UnitFactory(
            building=building, number=f"{floor}01", floor=floor, exclusive_area=Decimal("100.00")
        )
        OwnershipFactory(unit=unit, identity=OwnerIdentityFactory(estate=estate_a))


def test_a_petition_reaches_the_threshold_and_escalates_when_the_committee_does_not_act(
    new_page,
    screenshot,
    estate_a,
    eight_more_flats,
    owner,
    owner_building1,
    committee_chair,
    community_official,
):
    # --- 王芳 opens the petition --------------------------------------------------------------
    wang = new_page()
    log_in_by_sms_code(wang, owner.phone)
    wang.goto("/petitions/jinxiu/")
    wang.get_by_role("link", name="发起提议").click()
    expect(wang.get_by_role("heading", level=1)).to_have_text("发起临时会议提议")
    wang.get_by_label("提议事项").fill("提议召开临时会议，表决增设电动自行车充电棚")
    wang.get_by_label("提请会议审议的事项").fill("在2栋北侧增设电动自行车集中充电棚。")
    wang.get_by_label("提议理由").fill("楼道充电有火灾隐患。")
    assert_fits_screen(wang)
    wang.get_by_role("button", name="发起并签名").click()
    expect(wang.locator(".messages")).to_contain_text("您的签名已计入")
    progress = wang.locator(".petition-progress")
    expect(progress).to_contain_text("1 / 10 人")
    expect(progress).to_contain_text("还需至少 1 人")
    expect(wang.locator(".petition-bar-mark").first).to_contain_text("红线为门槛 20.00%")
    assert_fits_screen(wang)
    screenshot(wang, "opened")
    petition_url = wang.url

    # --- 李强 signs: both bars pass the line --------------------------------------------------
    li = new_page()
    log_in_by_sms_code(li, owner_building1.phone)
    li.goto(petition_url)
    expect(li.locator(".petition-signers")).to_contain_text("王*")
    expect(li.locator(".petition-signers")).not_to_contain_text("王芳")
    li.get_by_role("button", name="我是业主，签名提议").click()
    expect(li.locator(".messages")).to_contain_text("您的签名已计入")
    expect(li.locator("main")).to_contain_text("已达到法定比例，待业委会召集")
    expect(li.locator(".petition-progress")).to_contain_text("2 / 10 人")
    expect(li.get_by_role("button", name="撤回我的签名")).to_have_count(0)
    screenshot(li, "reached")

    # --- the committee is told ----------------------------------------------------------------
    chair = new_page()
    log_in_by_sms_code(chair, committee_chair.phone)
    chair.goto("/inbox/")
    expect(chair.locator("main")).to_contain_text("临时会议提议已达到法定比例")
    chair.goto(petition_url)
    expect(chair.locator(".petition-signers")).to_contain_text("王芳")
    expect(chair.locator(".petition-deadline")).to_contain_text("业主委员会应于")
    screenshot(chair, "committee")

    # --- the deadline passes: the sweep escalates; the community official sees it ---------------
    petition = Petition.objects.prefetch_related("events").get()
    with time_machine.travel(petition.announce_due_at + timedelta(hours=2), tick=True):
        from voting.petitions.tasks import sweep_deadlines

        assert sweep_deadlines() == 1
        official = new_page()
        log_in_by_sms_code(official, community_official.phone)
        official.goto("/dashboard/")
        alerts = official.locator(".dashboard-alerts")
        expect(alerts).to_contain_text("业主委员会逾期未召集临时会议")
        assert_fits_screen(official)
        screenshot(official, "dashboard")
        alerts.get_by_role("link", name="提议召开临时会议").first.click()
        expect(official.locator(".petition-escalated")).to_contain_text("已于")
        expect(official.locator(".petition-escalated")).to_contain_text("社区居委会")
        expect(official.locator(".petition-signers")).to_contain_text("李强")
        assert_fits_screen(official)
        screenshot(official, "escalated")


def test_an_objection_to_the_area_is_upheld_and_the_frozen_roll_has_the_new_area(
    new_page, screenshot, estate_a, world_a, owner, committee_chair, tmp_path
):
    now = timezone.now()
    assembly = make_assembly(
        estate_a, opens_at=now + timedelta(days=16), closes_at=now + timedelta(days=30)
    )
    voting_actions.announce_assembly(assembly, actor=committee_chair, now=now)
    inform_residents_committee(assembly, committee_chair, at=now)

    # --- 王芳 checks her entry and objects with the certificate ---------------------------------
    wang = new_page()
    log_in_by_sms_code(wang, owner.phone)
    wang.goto(f"/assemblies/{assembly.pk}/roll/")
    expect(wang.get_by_role("heading", level=1)).to_have_text("名册公示与异议")
    expect(wang.locator(".roll-own")).to_contain_text("3栋502 · 120.50 ㎡")
    expect(wang.locator(".roll-table tfoot")).to_contain_text("208.50")
    wang.get_by_label("异议类型").select_option(label="专有部分面积有误")
    wang.get_by_label("有异议的房屋").select_option(label="3栋502（120.50 ㎡）")
    wang.get_by_label("应为面积（㎡）").fill("118.30")
    wang.get_by_label("异议说明").fill("不动产权证书记载的专有部分面积为 118.30 ㎡。")
    certificate = tmp_path / "certificate.png"
    certificate.write_bytes(PNG_BYTES)
    wang.get_by_label("证明材料").set_input_files(str(certificate))
    assert_fits_screen(wang)
    screenshot(wang, "objection")
    wang.get_by_role("button", name="提交异议").click()
    expect(wang.locator(".messages")).to_contain_text("异议已提交")
    expect(wang.locator(".objection")).to_contain_text("待业主委员会决定")

    # --- the committee upholds it; the register is corrected ------------------------------------
    chair = new_page()
    log_in_by_sms_code(chair, committee_chair.phone)
    chair.goto(f"/assemblies/{assembly.pk}/roll/objections/")
    expect(chair.locator("main")).to_contain_text("还有 1 项异议未作决定")
    chair.get_by_label("异议成立", exact=True).check()
    chair.get_by_label("决定理由").fill("核对不动产权证书，名册录入时误用了合同面积。")
    screenshot(chair, "decide")
    chair.get_by_role("button", name="记录决定").click()
    expect(chair.locator(".messages")).to_contain_text("已记录决定")
    expect(chair.locator(".objection")).to_contain_text("名册已更正为 118.30 ㎡")

    # --- voting opens on schedule: the frozen roll has the new area ------------------------------
    with time_machine.travel(assembly.voting_opens_at + timedelta(minutes=1), tick=True):
        voting_actions.open_voting(assembly)
        frozen = VotingRightUnit.objects.get(assembly=assembly, unit=world_a.building3_unit)
        assert frozen.exclusive_area == Decimal("118.30")
        log_in_by_sms_code(wang, owner.phone)  # sixteen days on, her session has expired
        wang.goto(f"/assemblies/{assembly.pk}/roll/")
        expect(wang.get_by_role("heading", level=1)).to_have_text("选民名册（已冻结）")
        expect(wang.locator(".roll-own")).to_contain_text("3栋502 · 118.30 ㎡")
        expect(wang.locator(".objection")).to_contain_text("异议成立")
        assert_fits_screen(wang)
        screenshot(wang, "frozen")


def test_a_missing_unit_is_upheld_and_the_frozen_roll_counts_it_in_the_owners_head(
    new_page, screenshot, estate_a, world_a, owner, committee_chair, tmp_path
):
    storeroom = UnitFactory(
        building=BuildingFactory(estate=estate_a, name="7栋"),
        number="401",
        floor=4,
        exclusive_area=Decimal("75.30"),
    )  # in the register with no owner: a head of its own
    now = timezone.now()
    assembly = make_assembly(
        estate_a, opens_at=now + timedelta(days=16), closes_at=now + timedelta(days=30)
    )
    voting_actions.announce_assembly(assembly, actor=committee_chair, now=now)
    inform_residents_committee(assembly, committee_chair, at=now)

    # --- 王芳 sees one flat under her name and objects that 7栋401 is missing -------------------
    wang = new_page()
    log_in_by_sms_code(wang, owner.phone)
    wang.goto(f"/assemblies/{assembly.pk}/roll/")
    expect(wang.locator(".roll-own")).to_contain_text("3栋502 · 120.50 ㎡")
    expect(wang.locator(".roll-own")).not_to_contain_text("7栋401")
    wang.get_by_label("异议类型").select_option(label="漏登房屋")
    wang.get_by_label("异议说明").fill(
        "7栋401 是我 2020 年购买的，不动产权证书在我名下，名册漏登。"
    )
    certificate = tmp_path / "certificate.png"
    certificate.write_bytes(PNG_BYTES)
    wang.get_by_label("证明材料").set_input_files(str(certificate))
    wang.get_by_role("button", name="提交异议").click()
    expect(wang.locator(".messages")).to_contain_text("异议已提交")

    # --- the committee names the flat; a mistyped number is refused, then it is corrected ------
    chair = new_page()
    log_in_by_sms_code(chair, committee_chair.phone)
    chair.goto(f"/assemblies/{assembly.pk}/roll/objections/")
    expect(chair.locator(".objection")).to_contain_text("异议成立时补登的房屋")
    chair.get_by_label("异议成立", exact=True).check()
    chair.get_by_label("楼栋").select_option(label="7栋")
    chair.get_by_label("房号").fill("4011")
    chair.get_by_label("决定理由").fill("核对不动产权证书，7栋401 登记在王芳名下，名册漏登。")
    chair.get_by_role("button", name="记录决定").click()
    expect(chair.locator(".objection")).to_contain_text("7栋 没有房号为 4011 的房屋")
    assert_fits_screen(chair)
    screenshot(chair, "missing-unit-refused")
    chair.get_by_label("房号").fill("401")
    chair.get_by_role("button", name="记录决定").click()
    expect(chair.locator(".messages")).to_contain_text("已记录决定")
    expect(chair.locator(".objection")).to_contain_text("名册已更正：7栋401 补登在 王* 名下")
    screenshot(chair, "missing-unit-decided")

    # --- voting opens on schedule: the frozen roll has the flat in her head ---------------------
    with time_machine.travel(assembly.voting_opens_at + timedelta(minutes=1), tick=True):
        voting_actions.open_voting(assembly)
        frozen = VotingRightUnit.objects.get(assembly=assembly, unit=storeroom)
        right = VotingRight.objects.get(pk=frozen.right_id)
        assert right.holders.get().user == owner
        assert (right.unit_count, right.area) == (2, Decimal("195.80"))
        log_in_by_sms_code(wang, owner.phone)
        wang.goto(f"/assemblies/{assembly.pk}/roll/")
        expect(wang.locator(".roll-own")).to_contain_text("7栋401 · 75.30 ㎡")
        expect(wang.locator(".objection")).to_contain_text("补登在 王* 名下")
        assert_fits_screen(wang)
        screenshot(wang, "missing-unit-frozen")

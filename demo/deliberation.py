"""Demo discussion for the demo estates: issue reports in each state, official answers, a
question, a topic with a hidden post. Called from demo.district.seed (idempotent:
an estate that has threads already is left alone)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from deliberation import actions
from deliberation.models import Thread
from portal.community.models import Estate
from portal.community.phone import normalize_phone


def _users(*phones: str) -> dict[str, object]:
    found = {
        u.phone: u
        for u in get_user_model().objects.filter(phone__in=[normalize_phone(p) for p in phones])
    }
    return {p: found.get(normalize_phone(p)) for p in phones}


def seed_deliberation(estates: dict[str, Estate]) -> int:
    """Create the demo threads; return how many were made."""
    made = 0
    # Seeded once, known by the first thread each estate's demo opens: other demos (questions
    # on a disclosure's lines, proposals) open threads of their own in the same estates.
    jinxiu = estates.get("jinxiu")
    if jinxiu is not None and not _seeded(jinxiu, "3栋顶楼屋面漏水"):
        made += _seed_jinxiu(jinxiu)
    cuihu = estates.get("cuihu")
    if cuihu is not None and not _seeded(cuihu, "建议更换 1 栋楼道感应灯"):
        made += _seed_cuihu(cuihu)
    return made


def _seeded(estate: Estate, first_title: str) -> bool:
    return Thread.objects.filter(estate=estate, title=first_title).exists()


def _seed_jinxiu(estate: Estate) -> int:
    u = _users(
        "13800138001",
        "13800138002",
        "13800138003",
        "13800138004",
        "13800138005",
        "13800138006",
        "13800138007",
        "13800138008",
        "13800138009",
    )
    owner, owner3, tenant, chair, committee = (
        u[p] for p in ("13800138001", "13800138002", "13800138003", "13800138004", "13800138005")
    )
    manager, staff, moderator, community = (
        u[p] for p in ("13800138006", "13800138007", "13800138008", "13800138009")
    )
    if None in (owner, owner3, tenant, chair, manager, staff, moderator):
        return 0
    now = timezone.now()

    def at(days: float = 0, hours: float = 0):
        return now - timedelta(days=days) + timedelta(hours=hours)

    # 1. Closed and rated: the leaking roof, answered in 3 hours, fixed the next day.
    roof = actions.start_thread(
        estate,
        owner,
        kind="issue",
        category="repair",
        title="3栋顶楼屋面漏水",
        body="<p>3栋 502 卧室天花板渗水，连续下雨时一直滴水，墙皮已经起鼓。请物业尽快安排检查屋面防水。</p>",
        tags=["屋面", "3栋"],
        now=at(6),
    )
    actions.add_post(roof, tenant, body="楼道顶上也有水渍，应该是同一处漏点。", now=at(6, 1))
    actions.add_post(
        roof,
        staff,
        official=True,
        now=at(6, 3),
        body="<p>您好，已安排维修班今天下午 3 点上门检查。初步判断为屋面排水口堵塞、防水卷材破损。</p>",
    )
    actions.mark_resolved(
        roof,
        staff,
        note="已清理 3 栋屋面排水口的落叶淤泥，局部修补破损防水卷材约 4 平方米。",
        now=at(5, 2),
    )
    actions.add_post(
        roof, staff, body="已清理排水口并局部修补防水层，请业主观察下次降雨情况。", now=at(5, 2)
    )
    actions.confirm_resolution(roof, owner, now=at(4))
    actions.rate(roof, owner, score=5, comment="响应很快，修得也及时，谢谢物业师傅。", now=at(4))

    # 2. In progress: the lift, answered on time, not yet fixed.
    lift = actions.start_thread(
        estate,
        tenant,
        kind="issue",
        category="repair",
        title="3栋 2 号电梯频繁停运",
        body="这周已经第三次停在 9 楼，老人上下楼很不方便，希望尽快彻底维修。",
        tags=["电梯"],
        now=at(1, 2),
    )
    actions.add_post(
        lift,
        manager,
        official=True,
        now=at(1, 6),
        body="<p>已联系电梯维保单位，主板更换配件预计两天内到货，期间每日巡检两次。</p>",
    )
    actions.follow(lift, owner)

    # 3. Pending and overdue: no answer yet, escalated to the committee.
    actions.start_thread(
        estate,
        owner3,
        kind="issue",
        category="complaint",
        title="地下车库夜间照明不足",
        body="B 区车位晚上有一半灯不亮，停车很不安全，已经反映过两次。",
        now=at(2),
    )
    actions.escalate_overdue(now=now)

    # 4. A suggestion, reassigned from the committee to the property company with a reason.
    charging = actions.start_thread(
        estate,
        owner,
        kind="issue",
        category="suggestion",
        title="建议在 5 栋旁增设电动车充电桩",
        body="<p>楼道里充电有火灾隐患，建议在 5 栋旁空地集中设置充电桩，按次收费。</p>",
        tags=["消防", "充电"],
        now=at(3),
    )
    actions.add_post(
        charging,
        chair,
        official=True,
        now=at(3, 5),
        body="业委会支持该建议。充电桩由物业负责选址和报价，报价后业委会征求业主意见。",
    )
    actions.assign(
        charging, chair, party="property", reason="选址、报价和施工由物业服务企业负责", now=at(3, 5)
    )

    # 5. A question answered by the manager.
    fee = actions.start_thread(
        estate,
        owner3,
        kind="question",
        title="明年物业费调整的依据是什么？",
        body="听说明年物业费要涨，想了解测算依据和是否需要业主大会表决。",
        now=at(2, 3),
    )
    actions.add_post(
        fee,
        manager,
        official=True,
        now=at(2, 8),
        body="<p>目前没有调价方案。如需调整，将按物业服务合同和《民法典》第二百七十八条，先公示成本测算，再提交业主大会表决。</p>",
    )

    # 6. A topic with a post hidden by the moderator (a phone number of a neighbour).
    parcel = actions.start_thread(
        estate,
        owner,
        kind="topic",
        title="东门是否增设快递柜",
        tags=["快递"],
        body="东门快递堆在保安亭，经常找不到。大家是否同意在东门增设快递柜？",
        now=at(1),
    )
    actions.add_post(parcel, tenant, body="赞成，放在东门雨棚下面比较合适。", now=at(1, 1))
    hidden = actions.add_post(
        parcel,
        owner3,
        body="是 6 栋那个人天天占地方，他电话 139 0000 1234，大家打给他。",
        now=at(1, 2),
    )
    actions.hide_post(
        hidden, moderator, reason="personal_info", note="包含他人手机号", now=at(1, 3)
    )
    actions.add_post(
        parcel,
        committee or chair,
        official=True,
        now=at(0, -3),
        body="业委会将在下次例会讨论快递柜方案，并征求全体业主意见。",
    )
    return 6


def _seed_cuihu(estate: Estate) -> int:
    u = _users("13800138011", "13800138012")
    owner_b, chair_b = u["13800138011"], u["13800138012"]
    if owner_b is None or chair_b is None:
        return 0
    now = timezone.now()
    thread = actions.start_thread(
        estate,
        owner_b,
        kind="issue",
        category="suggestion",
        title="建议更换 1 栋楼道感应灯",
        body="1 栋 1-6 楼楼道灯经常不亮，建议统一换成声光控 LED 灯。",
        now=now - timedelta(days=2),
    )
    actions.add_post(
        thread,
        chair_b,
        official=True,
        now=now - timedelta(days=2, hours=-4),
        body="业委会已收到，将与物业核实费用后在公告栏公示。",
    )
    return 1

"""Demo notices: what each estate's board shows today, and a year of history behind it.

Today's notices are published through Wagtail, as staff would (notifications included).
The history is written as it would stand after a year: pages dated back, acknowledgements
stamped when they were given. It exists so the officials' dashboard has a story to tell;
it bypasses the live actions on purpose (they refuse acknowledging an expired notice).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from portal.community.models import Building, Estate, Ownership
from portal.notices.choices import Issuer, NoticeCategory, Urgency
from portal.notices.models import Acknowledgement, NoticeIndexPage, NoticePage
from portal.notices.scope import scoped_units

HISTORY_SLUG_PREFIX = "history-"


@dataclass(frozen=True)
class DemoNotice:
    slug: str
    title: str
    category: str
    issuer: str
    summary: str
    body: str
    facts: tuple[tuple[str, str], ...] = ()
    buildings: tuple[str, ...] = ()
    urgency: str = Urgency.NORMAL
    requires_acknowledgement: bool = False
    pinned: bool = False
    starts_in_days: int | None = None
    hours: int = 0


CURRENT = (
    DemoNotice(
        "water-off-building-3",
        "3栋二次供水水箱清洗停水通知",
        NoticeCategory.OUTAGE,
        Issuer.PROPERTY,
        "本周六 9:00-15:00 清洗 3栋二次供水水箱，期间暂停供水，请提前储水。",
        "<p>为保障饮用水卫生，物业将对 3栋二次供水水箱进行年度清洗消毒，并由第三方检测机构取样检测。"
        "清洗期间 3栋全楼暂停供水，恢复供水后可能短时出现黄水，请放水一两分钟后再使用。</p>"
        "<p>给您带来不便，敬请谅解。如有老人、病人需要送水上门，请联系物业服务中心。</p>",
        (("停水时间", "周六 9:00-15:00"), ("范围", "3栋全楼"), ("服务电话", "0571-88886666")),
        buildings=("3栋",),
        urgency=Urgency.IMPORTANT,
        requires_acknowledgement=True,
        starts_in_days=2,
        hours=6,
    ),
    DemoNotice(
        "lift-maintenance-building-1",
        "1栋 2号电梯更换钢丝绳施工通知",
        NoticeCategory.MAINTENANCE,
        Issuer.PROPERTY,
        "1栋 2号电梯更换曳引钢丝绳，预计停运 3 天，1号电梯正常运行。",
        "<p>经电梯维保单位年度检验，1栋 2号电梯曳引钢丝绳磨损接近更换标准。为确保安全，"
        "将于下周一至周三更换钢丝绳并做载荷试验，期间该电梯停运。费用由物业服务费中的电梯维保费列支，"
        "不动用专项维修资金。</p>",
        (
            ("停运时间", "下周一至周三"),
            ("影响", "1栋 2号电梯"),
            ("维保单位", "杭州安达电梯工程有限公司"),
        ),
        buildings=("1栋",),
        starts_in_days=4,
        hours=72,
    ),
    DemoNotice(
        "property-fees-2026",
        "2026 年第三季度物业费收支公示",
        NoticeCategory.FEES,
        Issuer.PROPERTY,
        "第三季度物业费收入、支出明细及公共收益情况公示，公示期 15 天，欢迎业主查询监督。",
        "<p>根据《物业管理条例》和本小区物业服务合同，现将 2026 年第三季度物业费收支及公共收益"
        "（电梯广告、停车场）情况公示如下。业主可在工作日到物业服务中心查阅原始凭证。</p>"
        "<p>公共收益归全体业主所有，扣除合理成本后存入业主大会账户，由业主委员会监督使用。</p>",
        (("物业费收入", "128.6 万元"), ("公共收益", "9.4 万元"), ("查阅地点", "物业服务中心")),
        pinned=True,
    ),
    DemoNotice(
        "fire-inspection",
        "冬季消防安全检查通知",
        NoticeCategory.SAFETY,
        Issuer.COMMUNITY,
        "社区将联合物业开展冬季消防安全检查，请勿在楼道堆放杂物、为电动自行车飞线充电。",
        "<p>冬季天干物燥，是火灾高发季节。社区居委会将会同物业对各楼栋楼道、消防通道、"
        "电动自行车充电区进行检查。请各位居民配合：楼道杂物请自行清理；电动自行车请到集中充电区充电，"
        "切勿推入电梯、楼道或家中充电。</p>",
        (("检查时间", "下周二 14:00 起"), ("重点", "楼道堆物、飞线充电")),
        urgency=Urgency.IMPORTANT,
    ),
    DemoNotice(
        "no-throwing-from-height",
        "温馨提示：请勿高空抛物",
        NoticeCategory.SAFETY,
        Issuer.COMMITTEE,
        "近日 5栋楼下草坪发现高空坠物，业委会恳请大家共同守护头顶上的安全。",
        "<p>各位邻居：近日有业主反映 5栋楼下草坪发现从高处落下的杂物，所幸未伤及行人。"
        "高空抛物不仅危及他人生命安全，也是《民法典》第一千二百五十四条和《刑法》明确禁止的行为。"
        "请大家管好家中物品，阳台花盆放置稳妥，也请家长提醒孩子。谢谢大家！</p>",
        buildings=("5栋",),
    ),
    DemoNotice(
        "assembly-meeting-notice",
        "关于召开 2026 年第二次业主大会会议的公告",
        NoticeCategory.MEETING,
        Issuer.COMMITTEE,
        "业主大会会议将以线上投票与书面征求意见相结合的方式召开，表决使用专项维修资金更换 3栋、4栋电梯。",
        "<p>根据《民法典》第二百七十八条和本小区业主大会议事规则，业主委员会定于公告之日起 15 日后"
        "召开 2026 年第二次业主大会会议。表决事项、投票方式和时间详见业主大会页面。</p>",
        (("表决方式", "线上投票 + 书面征求意见"), ("公告期", "15 日")),
        requires_acknowledgement=True,
        pinned=True,
    ),
)

HISTORY_TOPICS = (
    (NoticeCategory.OUTAGE, "停水通知", "因市政管网施工，小区将暂停供水，请提前储水。", True),
    (
        NoticeCategory.OUTAGE,
        "停电检修通知",
        "供电公司检修线路，楼栋将短时停电，电梯暂停运行。",
        True,
    ),
    (
        NoticeCategory.MAINTENANCE,
        "外墙渗水维修施工通知",
        "外墙渗水维修需搭设吊篮，请关好门窗。",
        False,
    ),
    (
        NoticeCategory.MAINTENANCE,
        "地下车库照明改造通知",
        "地下车库照明更换为节能灯，分区施工。",
        False,
    ),
    (NoticeCategory.FEES, "物业费收支季度公示", "本季度物业费及公共收益收支情况公示。", False),
    (NoticeCategory.SAFETY, "防台防汛温馨提示", "台风将至，请收好阳台物品，关好门窗。", True),
    (NoticeCategory.MEETING, "业委会例会纪要公示", "本月业委会例会讨论事项及决定公示。", False),
    (NoticeCategory.SAFETY, "电动自行车充电安全提示", "请到集中充电区充电，切勿飞线充电。", False),
)


def _at(days_ago: int, hour: int = 9) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _body(text: str, facts=()):
    blocks = []
    if facts:
        blocks.append(
            (
                "key_facts",
                {"title": "要点", "facts": [{"label": k, "value": v} for k, v in facts]},
            )
        )
    blocks.append(("paragraph", text))
    return blocks


def seed_current(estate: Estate, *, publisher=None) -> int:
    """Publish today's demo notices of the estate once; return how many were added."""
    index = NoticeIndexPage.objects.descendant_of(estate.page).first()
    if index is None:
        return 0
    added = 0
    specs = CURRENT if estate.slug == "jinxiu" else CURRENT[2:5]
    for spec in specs:
        if NoticePage.objects.child_of(index).filter(slug=spec.slug).exists():
            continue
        start = None
        if spec.starts_in_days is not None:
            start = _at(-spec.starts_in_days, 9)
        notice = NoticePage(
            title=spec.title,
            slug=spec.slug,
            category=spec.category,
            issuer=spec.issuer,
            summary=spec.summary,
            urgency=spec.urgency,
            pinned=spec.pinned,
            requires_acknowledgement=spec.requires_acknowledgement,
            effective_from=start,
            effective_until=start + timedelta(hours=spec.hours) if start and spec.hours else None,
            body=_body(spec.body, spec.facts),
            live=False,
        )
        index.add_child(instance=notice)
        if spec.buildings:
            notice.buildings.set(Building.objects.filter(estate=estate, name__in=spec.buildings))
        # Demo data stands in for the estate's staff; the workflow is not what is shown here.
        notice.save_revision(user=publisher).publish(user=publisher, skip_permission_checks=True)
        added += 1
    return added


@transaction.atomic
def seed_history(estate: Estate, *, days: int = 365, seed: int = 7) -> int:
    """Write a year of past notices with acknowledgements, once; return how many were added."""
    index = NoticeIndexPage.objects.descendant_of(estate.page).first()
    if (
        index is None
        or NoticePage.objects.child_of(index).filter(slug__startswith=HISTORY_SLUG_PREFIX).exists()
    ):
        return 0
    rng = random.Random(seed + estate.pk)
    buildings = list(Building.objects.filter(estate=estate).order_by("sort_key", "name"))
    # Acknowledgement got better over the year as owners got used to it: 60% → 90% of members.
    added = 0
    for n, days_ago in enumerate(range(days - 5, 14, -12)):
        category, title, summary, needs_ack = HISTORY_TOPICS[n % len(HISTORY_TOPICS)]
        published = _at(days_ago, rng.choice((8, 9, 10, 16)))
        scope = [rng.choice(buildings)] if needs_ack and buildings and rng.random() < 0.6 else []
        label = f"{scope[0].name}" if scope else ""
        notice = NoticePage(
            title=f"{label}{title}（{published:%m月%d日}）",
            slug=f"{HISTORY_SLUG_PREFIX}{published:%Y%m%d}-{n}",
            category=category,
            issuer=Issuer.PROPERTY if category != NoticeCategory.MEETING else Issuer.COMMITTEE,
            summary=summary,
            requires_acknowledgement=needs_ack,
            effective_from=published + timedelta(days=2) if needs_ack else None,
            effective_until=published + timedelta(days=2, hours=8) if needs_ack else None,
            min_display_days=7,
            body=_body(f"<p>{summary}</p>"),
            first_published_at=published,
            last_published_at=published,
            live=True,
        )
        index.add_child(instance=notice)
        NoticePage.objects.filter(pk=notice.pk).update(
            first_published_at=published, last_published_at=published
        )
        if scope:
            notice.buildings.set(scope)
        added += 1
        if not needs_ack:
            continue
        progress = 1 - days_ago / days
        rate = 0.6 + 0.3 * progress
        readers = _members_by_unit(scoped_units(notice))
        rows = []
        for unit_id, user_id in readers:
            if rng.random() < rate:
                at = published + timedelta(hours=rng.randint(1, 60))
                rows.append(Acknowledgement(notice=notice, user_id=user_id, unit_id=unit_id, at=at))
        Acknowledgement.objects.bulk_create(rows, ignore_conflicts=True)
    return added


def _members_by_unit(units) -> list[tuple[int, int]]:
    """Return (unit id, user id) for each unit's first linked owner account."""
    seen: dict[int, int] = {}
    for unit_id, user_id in Ownership.objects.filter(
        unit__in=units, ended_at__isnull=True, identity__user__isnull=False
    ).values_list("unit_id", "identity__user_id"):
        seen.setdefault(unit_id, user_id)
    return list(seen.items())

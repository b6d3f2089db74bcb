"""Demo notices of 锦绣花园: the everyday notices an estate publishes, in courteous wording.

Development only (called from portal.community.demo.seed); idempotent by page slug.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from portal.community.choices import Visibility


def _p(*paragraphs: str) -> list[tuple[str, object]]:
    return [("paragraph", "".join(f"<p>{text}</p>" for text in paragraphs))]


def _facts(*pairs: tuple[str, str]) -> list[tuple[str, object]]:
    return [("key_facts", {"title": "要点", "facts": [{"label": a, "value": b} for a, b in pairs]})]


NOTICES = [
    {
        "slug": "building3-lift-repair",
        "title": "3号楼电梯维修通知",
        "category": "maintenance",
        "issuer": "property",
        "urgency": "important",
        "buildings": ("3栋",),
        "summary": "3号楼2号电梯曳引机异响，12月2日至12月4日停运维修，维修期间请使用1号电梯。",
        "body": _facts(
            ("停运时间", "12月2日 8:00 至 12月4日 18:00"),
            ("停运电梯", "3号楼 2号电梯（1号电梯正常运行）"),
            ("联系电话", "物业服务中心 0571-8888 6666"),
        )
        + _p(
            "尊敬的3号楼业主、住户：年度检验中发现3号楼2号电梯曳引机有异响，为保障乘梯安全，"
            "物业将委托电梯维保单位进行维修，更换曳引轮和钢丝绳。",
            "维修期间请使用1号电梯，高峰时段请耐心等候；行动不便的住户如需协助搬运物品，"
            "请提前联系物业服务中心。给您带来不便，敬请谅解。",
        ),
    },
    {
        "slug": "building3-water-off",
        "title": "3栋临时停水通知",
        "category": "outage",
        "issuer": "property",
        "urgency": "urgent",
        "buildings": ("3栋",),
        "summary": "因二次供水水箱清洗消毒，3栋将于11月29日9:00至17:00暂停供水，请提前储水。",
        "body": _facts(
            ("停水时间", "11月29日 9:00-17:00"),
            ("停水范围", "3栋全部楼层"),
            ("原因", "二次供水水箱年度清洗消毒"),
        )
        + _p(
            "停水期间请关闭家中水龙头，以免恢复供水时跑水。恢复供水后如水质浑浊，"
            "请放水一至两分钟。感谢您的理解与支持！"
        ),
    },
    {
        "slug": "power-maintenance",
        "title": "全小区计划停电检修通知",
        "category": "outage",
        "issuer": "property",
        "urgency": "urgent",
        "summary": "供电公司检修配电房设备，12月6日凌晨1:00至5:00全小区停电，电梯和门禁暂停运行。",
        "body": _facts(
            ("停电时间", "12月6日 1:00-5:00"),
            ("影响", "住宅用电、电梯、门禁、地下车库照明、二次供水加压泵"),
        )
        + _p(
            "停电期间电梯停止运行，请勿乘梯；家中有需要用电医疗设备的住户，请提前与物业联系，"
            "我们将协助安排。门禁停电期间由保安值守开门。"
        ),
    },
    {
        "slug": "fees-2026-q3",
        "title": "2026年第三季度物业费及公共收益收支公示",
        "category": "fees",
        "issuer": "property",
        "summary": "第三季度物业服务费收缴率 92.4%；电梯广告、停车费等公共收益收入 18.6 万元，明细如下。",
        "body": _facts(
            ("物业服务费收缴率", "92.4%"),
            (
                "公共收益收入",
                "186,400 元（电梯广告 62,000 元，地面停车费 98,400 元，场地租金 26,000 元）",
            ),
            ("公共收益支出", "41,200 元（监控设备更新、绿化补种）"),
            ("公共收益结余", "145,200 元，存入业主共有账户"),
        )
        + _p(
            "根据民法典第二百八十二条，利用业主共有部分产生的收入，在扣除合理成本之后属于业主共有。"
            "业主如对收支明细有疑问，可在议事区提出，物业将在 24 小时内答复。"
        ),
    },
    {
        "slug": "fund-use-lift-building3",
        "title": "关于使用专项维修资金更换3栋电梯的公示",
        "category": "fees",
        "issuer": "committee",
        "buildings": ("3栋",),
        "summary": "3栋两部电梯已使用14年，检测报告建议更新。拟使用本栋专项维修资金 96 万元，公示 7 日。",
        "body": _facts(
            ("项目", "3栋 1号、2号电梯整梯更新"),
            ("预算", "960,000 元（含拆除、安装、监理）"),
            ("资金来源", "3栋专项维修资金，按专有部分面积分摊"),
            ("公示期", "12月1日至12月7日"),
        )
        + _p(
            "电梯检测机构出具的报告显示，3栋两部电梯主机和控制柜老化，故障率逐年上升。"
            "业委会与物业比选了三家电梯公司的方案，公示期满后将提交业主大会表决"
            "（使用维修资金属于一般事项）。分摊明细可向业委会索取。"
        ),
    },
    {
        "slug": "fire-safety-inspection",
        "title": "冬季消防安全检查通知",
        "category": "safety",
        "issuer": "property",
        "summary": "12月10日至12月12日逐栋检查消防设施，请清理楼道和消防通道内的杂物，电动车不得进楼充电。",
        "body": _p(
            "冬季是火灾高发期。物业将会同社区对各楼栋的消火栓、灭火器、烟感和应急照明进行检查，"
            "请各位业主配合清理楼道杂物。",
            "消防通道严禁停车；电动自行车请到小区集中充电棚充电，不得推入电梯和楼道。",
        ),
    },
    {
        "slug": "committee-election-2026",
        "title": "第二届业主委员会换届选举公告",
        "category": "election",
        "issuer": "committee",
        "summary": "第一届业委会任期届满，现启动换届：12月15日前报名候选人，选举在业主大会会议上进行。",
        "body": _facts(
            ("应选委员", "7 名"),
            ("报名截止", "12月15日"),
            ("报名条件", "本小区业主，遵守管理规约，热心公益，无欠缴物业费"),
        )
        + _p(
            "业主委员会委员由业主大会选举产生。候选人名单经换届小组审核后在小区公示，"
            "并在业主大会会议上由全体业主投票选举，按得票多少当选。"
            "报名表可在物业服务中心或业委会办公室领取。"
        ),
    },
    {
        "slug": "covenant-revision-meeting",
        "title": "关于修订《管理规约》的意见征集座谈会通知",
        "category": "meeting",
        "issuer": "committee",
        "summary": "业委会拟修订管理规约中关于宠物、停车和装修的条款，12月8日晚7点在会所召开座谈会。",
        "body": _p(
            "为了让管理规约更贴近小区实际，业委会整理了业主反映较多的问题：犬只牵绳、地面车位、"
            "装修施工时间和电动车充电。欢迎业主到会发表意见，也可以在线提交书面意见。",
            "修订稿将在征求意见后提交业主大会会议表决。",
        ),
    },
    {
        "slug": "charging-piles",
        "title": "地下车库新能源汽车充电桩安装指引",
        "category": "other",
        "issuer": "property",
        "summary": "业主在自有车位安装充电桩的申请材料、流程和施工要求。",
        "body": _p(
            "申请人需提供车位产权证明或租赁合同、供电公司报装受理单，物业在 3 个工作日内出具同意书。",
            "施工须由具备资质的单位进行，线路沿车库桥架敷设，不得私拉电线。",
        ),
    },
    {
        "slug": "high-altitude-throwing",
        "title": "高空抛物安全提示",
        "category": "safety",
        "issuer": "community",
        "summary": "和平社区提醒：高空抛物危害大，依法须承担法律责任，请看好家中儿童。",
        "body": _p(
            "近期有住户反映楼下绿地发现从高处扔下的杂物。请大家不要从窗口、阳台向外抛掷物品，"
            "阳台花盆请放置稳妥。小区已在楼栋外墙加装监控。"
        ),
    },
    {
        "slug": "committee-finance-q3",
        "title": "业委会2026年第三季度工作报告和经费收支",
        "category": "fees",
        "issuer": "committee",
        "visibility": Visibility.MEMBERS,
        "summary": "本季度召开业委会会议 4 次，处理业主诉求 37 件；业委会工作经费支出 3,860 元。",
        "body": _p(
            "本报告仅向本小区业主和住户公开。本季度业委会推进了3栋电梯更新方案的比选，"
            "组织了管理规约修订的意见征集，并督促物业完成了地下车库漏水的维修。"
        ),
    },
]


def seed_notices(estate, *, publisher=None) -> int:
    """Create and publish the demo notices of the estate; return how many were created."""
    from portal.community.models import Building
    from portal.notices.models import NoticeIndexPage, NoticePage

    index = NoticeIndexPage.objects.descendant_of(estate.page).first()
    if index is None:
        return 0
    created = 0
    now = timezone.now()
    for position, spec in enumerate(NOTICES):
        if NoticePage.objects.child_of(index).filter(slug=spec["slug"]).exists():
            continue
        fields = {k: v for k, v in spec.items() if k not in ("buildings",)}
        fields.setdefault("visibility", Visibility.PUBLIC)
        notice = NoticePage(**fields)
        index.add_child(instance=notice)
        if spec.get("buildings"):
            notice.buildings.set(Building.objects.filter(estate=estate, name__in=spec["buildings"]))
        revision = notice.save_revision(user=publisher)
        revision.publish(user=publisher)
        # Spread the demo over the past weeks so "newest first" means something.
        published = now - timedelta(days=position * 2 + 1)
        NoticePage.objects.filter(pk=notice.pk).update(
            first_published_at=published, last_published_at=published
        )
        created += 1
    return created

"""Demo knowledge base, written in our own words: laws explained, guides, the estate's rules.

The texts summarise the Civil Code (民法典) Art. 271–287, the Supreme People's Court's
interpretation on building differentiated ownership, and common local practice. They are plain
explanations for owners, not legal advice, and each page says when it was last reviewed.
"""

from __future__ import annotations

import datetime

from demo.voting import JINXIU_RESIDENTS_COMMITTEE, JINXIU_RULES
from portal.community.choices import Visibility
from portal.knowledge.models import ArticlePage, FAQPage, KnowledgeCategory, KnowledgeIndexPage

REVIEWED = datetime.date(2026, 10, 15)

CATEGORIES = (
    ("法律法规", "law", 1),
    ("业主大会", "assembly", 2),
    ("维修资金", "fund", 3),
    ("物业服务与收费", "fees", 4),
    ("议事与报修", "issues", 5),
    ("小区规约", "rules", 6),
)


def _p(*paragraphs: str) -> list[tuple[str, object]]:
    return [("paragraph", "".join(f"<p>{text}</p>" for text in paragraphs))]


def _h(text: str) -> list[tuple[str, object]]:
    return [("heading", text)]


def _facts(title: str, *pairs: tuple[str, str]) -> list[tuple[str, object]]:
    return [("key_facts", {"title": title, "facts": [{"label": a, "value": b} for a, b in pairs]})]


def _ul(*items: str) -> list[tuple[str, object]]:
    return [("paragraph", "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")]


DISTRICT_ARTICLES = [
    {
        "slug": "owners-rights-and-duties",
        "title": "业主的权利和义务：民法典第二百七十一条至第二百八十七条解读",
        "category": "law",
        "tags": ["民法典", "业主权利", "共有部分"],
        "summary": "买了房子，您对自己的房屋享有所有权，对电梯、楼道、绿地等共有部分享有共有和共同管理的权利，同时也要承担相应义务。",
        "body": _h("三种权利")
        + _p(
            "民法典第二百七十一条规定，业主对建筑物内的住宅、经营性用房等专有部分享有所有权，对专有部分以外的共有部分享有共有和共同管理的权利。简单说：房门以内是您自己的，电梯、楼梯间、外墙、屋顶、小区道路和绿地是全体业主共有的。",
            "业主对专有部分可以占有、使用、收益和处分，但不得危及建筑物的安全，不得损害其他业主的合法权益（第二百七十二条）。",
        )
        + _h("共有部分")
        + _p(
            "对共有部分，业主享有权利、承担义务，不得以放弃权利为由不履行义务（第二百七十三条）。例如，住一楼的业主不能以“不坐电梯”为由拒绝分摊电梯的维修费用。",
            "小区内的道路、绿地（城镇公共道路和绿地除外）、其他公共场所、公用设施和物业服务用房，属于业主共有（第二百七十四条）。占用业主共有的道路或者其他场地用于停放汽车的车位，属于业主共有（第二百七十五条）。",
        )
        + _h("共同决定的事项")
        + _p(
            "第二百七十八条列出了由业主共同决定的事项：制定和修改业主大会议事规则、管理规约，选举或更换业主委员会成员，选聘和解聘物业服务企业，使用和筹集维修资金，改建、重建建筑物及其附属设施，改变共有部分的用途或者利用共有部分从事经营活动，以及其他重大事项。具体表决规则见《业主大会怎样表决》。"
        )
        + _h("义务")
        + _ul(
            "遵守法律、法规以及管理规约（第二百八十六条）；",
            "配合物业服务企业执行政府依法实施的应急处置措施和其他管理措施；",
            "不得任意弃置垃圾、排放污染物或者噪声、违反规定饲养动物、违章搭建、侵占通道、拒付物业费；",
            "将住宅改变为经营性用房的，除遵守法律法规和管理规约外，应当经有利害关系的业主一致同意（第二百七十九条）。",
        )
        + _p(
            "业主大会或者业主委员会的决定，对全体业主具有法律约束力；侵害业主合法权益的，受侵害的业主可以请求人民法院予以撤销（第二百八十条）。"
        ),
    },
    {
        "slug": "how-assembly-voting-works",
        "title": "业主大会怎样表决：参与门槛、通过比例和“双过半”",
        "category": "assembly",
        "tags": ["业主大会", "表决", "三分之二", "四分之三"],
        "summary": "每一项表决都要先达到“三分之二”的参与门槛，再按事项类别计算同意比例；面积和人数两项都要过。",
        "body": _facts(
            "表决门槛一览",
            ("参与门槛（每项表决）", "参与表决的专有部分面积和人数均占总数三分之二以上"),
            ("一般事项", "经参与表决的面积过半数且人数过半数同意"),
            ("特别事项", "经参与表决的面积四分之三以上且人数四分之三以上同意"),
            (
                "特别事项包括",
                "筹集维修资金；改建、重建建筑物及其附属设施；改变共有部分用途或利用共有部分经营",
            ),
        )
        + _h("先看参与门槛")
        + _p(
            "民法典第二百七十八条规定，业主共同决定事项，应当由专有部分面积占比三分之二以上的业主且人数占比三分之二以上的业主参与表决。“以上”包括本数：恰好三分之二即达到门槛。",
            "弃权也是参与表决。投了“弃权”票的业主，既计入参与门槛，也计入后面计算同意比例的分母。",
        )
        + _h("再看同意比例")
        + _p(
            "一般事项（例如选聘物业、使用维修资金、修改管理规约）需要经参与表决专有部分面积过半数的业主且参与表决人数过半数的业主同意。“过半数”不含本数：恰好一半不通过。",
            "特别事项（筹集维修资金，改建、重建建筑物，改变共有部分用途或者利用共有部分从事经营活动）需要经参与表决专有部分面积四分之三以上的业主且参与表决人数四分之三以上的业主同意。",
        )
        + _h("面积和人数怎么算")
        + _ul(
            "面积：按不动产登记簿记载的专有部分面积计算；尚未登记的，按测绘机构的实测面积；尚未实测的，按房屋买卖合同记载的面积。",
            "人数：一套房屋计一人；同一买受人拥有多套房屋的，只计一人；开发商尚未出售和虽已出售但尚未交付的房屋，合计为一人。",
            "租户（物业使用人）不是业主，不能投票。",
        )
        + _p(
            "在共治平台上投票时，系统会显示您的投票权，例如“3 套房屋，合计 270.00 ㎡，计 1 人”。投票后您会得到一个回执码，可以在公开的计票账本中核对自己的选票已被计入。"
        ),
    },
    {
        "slug": "maintenance-fund",
        "title": "专项维修资金：怎么用、怎么筹、怎么查",
        "category": "fund",
        "tags": ["维修资金", "电梯维修", "应急维修"],
        "summary": "专项维修资金属于业主共有，专门用于电梯、屋顶、外墙、消防设施等共有部分保修期满后的维修和更新、改造。",
        "body": _h("维修资金是谁的")
        + _p(
            "建筑物及其附属设施的维修资金属于业主共有（民法典第二百八十一条）。经业主共同决定，可以用于电梯、屋顶、外墙、无障碍设施等共有部分的维修、更新和改造。维修资金的筹集、使用情况应当定期公布。"
        )
        + _h("使用维修资金")
        + _p(
            "使用维修资金属于一般事项：在参与门槛达到三分之二的前提下，经参与表决的面积过半数且人数过半数同意即可。通常由业委会或物业提出方案和预算，公示后提交业主表决。"
        )
        + _facts(
            "申请使用的一般流程",
            ("1. 提出", "物业或业委会根据检测报告提出维修方案和预算"),
            ("2. 公示", "在小区公示方案、预算和分摊范围，一般不少于 7 日"),
            ("3. 表决", "涉及的业主按一般事项规则表决"),
            ("4. 审核拨付", "向住建部门或维修资金管理机构申请，审核后拨付"),
            ("5. 验收公示", "工程验收合格后公示费用结算"),
        )
        + _h("紧急情况")
        + _p(
            "发生危及房屋安全等紧急情况，例如电梯故障危及人身安全、屋面防水损坏造成渗漏、消防设施失效等，业主大会或者业主委员会可以依法申请使用维修资金（第二百八十一条第二款），各地一般有应急使用程序，不必等待业主大会表决。"
        )
        + _h("筹集维修资金")
        + _p(
            "维修资金余额不足首期交存额 30% 时，通常需要续筹。筹集维修资金属于特别事项，需要经参与表决面积四分之三以上且人数四分之三以上的业主同意。"
        ),
    },
    {
        "slug": "fee-disclosure",
        "title": "物业费和公共收益公示：业主有权知道钱花在哪里",
        "category": "fees",
        "tags": ["物业费", "公共收益", "公示"],
        "summary": "物业服务企业应当定期公开服务内容、收费项目和标准、公共收益的收支情况，业主有权查询。",
        "body": _p(
            "民法典第九百四十三条规定，物业服务人应当定期将服务的事项、负责人员、质量要求、收费项目、收费标准、履行情况，以及维修资金使用情况、业主共有部分的经营与收益情况等以合理方式向业主公开，并向业主大会、业主委员会报告。",
            "利用业主的共有部分产生的收入，例如电梯广告、公共区域停车费、场地租金，在扣除合理成本之后，属于业主共有（第二百八十二条）。",
        )
        + _h("应当公示什么")
        + _ul(
            "物业服务费的收费标准和计费方式；",
            "年度收支情况，特别是公共收益的收入和支出明细；",
            "维修资金的使用情况；",
            "物业服务合同的主要内容和服务标准。",
        )
        + _p(
            "在共治平台，物业以“费用公示”类公告发布这些信息，业主可以查看并在议事区提出疑问，物业须在 24 小时内作出回应。"
        ),
    },
    {
        "slug": "raise-an-issue",
        "title": "如何反映问题：报修、投诉、建议，多久能得到回应",
        "category": "issues",
        "tags": ["报修", "投诉", "响应时限", "议事"],
        "summary": "在议事区提交“问题反映”，指定的责任方须在 24 小时内首次响应，48 小时内办结；逾期会自动提醒业委会和社区。",
        "body": _facts(
            "响应时限",
            ("首次响应", "提交后 24 小时内"),
            ("办结", "提交后 48 小时内（复杂工程可说明原因并给出计划）"),
            ("逾期", "先提醒业委会，再提醒社区居委会"),
        )
        + _h("怎么提交")
        + _ul(
            "登录后进入本小区的“议事”，选择“问题反映”；",
            "写清楚位置（几栋几单元几楼）、现象和发生时间，可以附照片；",
            "选择类别：维修、投诉或建议；",
            "提交后可以看到责任方（物业、业委会或社区）和处理进度。",
        )
        + _h("处理完之后")
        + _p(
            "责任方标记“已解决”后，请您确认是否解决，并为处理结果打分（1–5 分）。如果没有解决，可以重新打开。您的评价会计入各方的服务统计，社区和街道可以看到。",
            "紧急情况（如燃气泄漏、电梯困人、火情）请直接拨打 119、110 或物业 24 小时值班电话，不要只在网上留言。",
        ),
    },
]

DISTRICT_FAQ = {
    "slug": "faq",
    "title": "业主常见问题",
    "category": "assembly",
    "summary": "关于投票、认证、维修资金和个人信息的常见问题。",
    "questions": [
        (
            "租户可以参加业主大会投票吗？",
            "<p>不可以。只有业主享有表决权。租户可以阅读公告、参与讨论和反映问题，但不能投票。</p>",
        ),
        (
            "我有三套房子，算几票？",
            "<p>人数上计 1 人，面积上按三套房屋的专有部分面积合计。例如三套各 90 ㎡，合计 270.00 ㎡，计 1 人。</p>",
        ),
        (
            "投了弃权票，算不算参与表决？",
            "<p>算。弃权计入参与表决的面积和人数，所以也会影响同意比例的分母。</p>",
        ),
        (
            "我的手机号和业主名册不一致，怎么认证？",
            "<p>登录后在“我的”页面提交业主认证申请，上传房产证或购房合同照片，业委会或物业审核后即可认证。</p>",
        ),
        (
            "我出差在外，不能亲自投票怎么办？",
            "<p>可以委托他人投票。填写书面委托书，写明受托人、委托的表决事项和期限，交业委会审核；受托人凭委托书代为表决。每位受托人能代理几位业主，以本小区议事规则为准。</p>",
        ),
        (
            "投票之后可以修改吗？",
            "<p>取决于本次业主大会的议事规则。默认不可修改；如果规则允许，在投票截止前可以重新提交，系统保留所有记录，以最后一次为准。</p>",
        ),
        (
            "怎样知道我的选票被正确计入？",
            "<p>投票后您会得到回执码。在业主大会的“计票账本”页面输入回执码，即可看到您的选票在账本中的位置；任何人都可以下载账本重新计算哈希链和计票结果。</p>",
        ),
        (
            "电梯坏了，维修资金怎么申请？",
            "<p>一般由物业出具检测报告和维修方案，公示后由相关业主按一般事项规则表决；危及人身安全的紧急情况可以走应急使用程序。详见《专项维修资金：怎么用、怎么筹、怎么查》。</p>",
        ),
        (
            "平台会公开我的手机号吗？",
            "<p>不会。其他人只能看到打码后的姓名和号码，例如 王*芳、138****8000。您可以随时下载自己的数据或注销账户。</p>",
        ),
    ],
}

ESTATE_ARTICLES = [
    {
        "slug": "management-covenant",
        "title": "锦绣花园管理规约（摘要）",
        "category": "rules",
        "tags": ["管理规约", "装修", "宠物", "停车"],
        "summary": "2024 年业主大会通过的管理规约要点：装修、宠物、停车、高空抛物和公共区域的使用。",
        "visibility": Visibility.MEMBERS,
        "body": _p(
            "管理规约对全体业主和物业使用人具有约束力。以下是要点，全文见附件或向业委会索取。"
        )
        + _h("装修")
        + _ul(
            "装修前向物业服务中心登记，施工时间为工作日 8:00–12:00、14:00–18:00；",
            "不得拆改承重墙，不得擅自改变外立面和封闭公共走廊。",
        )
        + _h("宠物")
        + _ul("犬只出户须牵绳，及时清理粪便；", "不得在电梯和楼道内长时间停留喂养。")
        + _h("停车")
        + _ul("地面公共车位先到先停，不得私装地锁；", "消防通道严禁停车。")
        + _h("高空抛物")
        + _p(
            "禁止从建筑物中抛掷物品。高空抛物可能造成严重伤害，依法须承担法律责任；小区已在各楼栋外墙加装监控，请大家共同守护头顶上的安全。"
        ),
    },
    {
        "slug": "rules-of-procedure",
        "title": "锦绣花园业主大会议事规则（摘要）",
        "category": "rules",
        "tags": ["议事规则", "业主大会", "业委会"],
        "summary": "业主大会的召开方式、会议通知、表决方式、结果公告和业委会的任期。",
        "body": _facts(
            "本小区的规则",
            ("会议通知", f"表决开始前至少 15 日公告，并告知{JINXIU_RESIDENTS_COMMITTEE}"),
            ("表决方式", "线上投票与书面投票相结合"),
            ("修改选票", "投票截止前不可修改"),
            ("书面与线上重复", "以线上投票为准，两份记录都保留"),
            (
                "委托投票",
                f"须书面委托并经业委会审核，每位受托人最多代理 {JINXIU_RULES['proxy_cap_per_agent']} 位业主",
            ),
            (
                "结果公告",
                f"表决结束后 {JINXIU_RULES['result_due_days']} 日内公告，"
                f"公示不少于 {JINXIU_RULES['result_display_days']} 日",
            ),
            ("未参与表决", "不视为同意多数（本规则未作约定）"),
        )
        + _p(
            "业主委员会由 7 名委员组成，任期五年，可连选连任。业委会每季度向业主公开工作报告和财务收支。"
        ),
    },
    {
        "slug": "lift-repair-guide",
        "title": "锦绣花园电梯维修与更新：流程和分摊",
        "category": "fund",
        "tags": ["电梯维修", "维修资金", "分摊"],
        "summary": "本小区 6 栋楼共 24 部电梯，2012 年投入使用。维修和更新费用从本栋的维修资金中列支，按面积分摊。",
        "body": _p(
            "电梯年检由物业委托有资质的单位进行。检测发现需要大修或更新时，物业提出方案和预算，在本栋公示 7 日后，由本栋业主表决使用维修资金（一般事项）。",
            "费用按本栋各户专有部分面积分摊。表决通过后由业委会向区住建局申请拨付。电梯困人等紧急情况请拨打电梯内的救援电话或物业 24 小时值班电话 0571-8888 6666。",
        ),
    },
]


def seed_knowledge(home, estate) -> None:
    """Create the district guides and the estate's rules; idempotent by page slug."""
    categories = {}
    for name, slug, order in CATEGORIES:
        categories[slug], _ = KnowledgeCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "sort_order": order}
        )
    guides = KnowledgeIndexPage.objects.child_of(home).first()
    if guides is None:
        guides = home.add_child(
            instance=KnowledgeIndexPage(
                title="法律与指南",
                slug="guides",
                intro="业主权利、业主大会、维修资金和物业收费的通俗解读。",
            )
        )
        guides.save_revision().publish()
    estate_index = KnowledgeIndexPage.objects.child_of(estate.page).first()

    created: dict[str, ArticlePage] = {}
    for parent, specs in ((guides, DISTRICT_ARTICLES), (estate_index, ESTATE_ARTICLES)):
        for spec in specs:
            existing = ArticlePage.objects.child_of(parent).filter(slug=spec["slug"]).first()
            if existing:
                created[spec["slug"]] = existing
                continue
            article = ArticlePage(
                title=spec["title"],
                slug=spec["slug"],
                category=categories[spec["category"]],
                summary=spec["summary"],
                body=spec["body"],
                last_reviewed=REVIEWED,
                visibility=spec.get("visibility", Visibility.PUBLIC),
            )
            parent.add_child(instance=article)
            article.tags.add(*spec["tags"])
            article.save_revision().publish()
            created[spec["slug"]] = article

    if not FAQPage.objects.child_of(guides).filter(slug=DISTRICT_FAQ["slug"]).exists():
        faq = FAQPage(
            title=DISTRICT_FAQ["title"],
            slug=DISTRICT_FAQ["slug"],
            category=categories[DISTRICT_FAQ["category"]],
            summary=DISTRICT_FAQ["summary"],
            questions=[("qa", {"question": q, "answer": a}) for q, a in DISTRICT_FAQ["questions"]],
            last_reviewed=REVIEWED,
        )
        guides.add_child(instance=faq)
        faq.save_revision().publish()

    links = {
        "how-assembly-voting-works": ["rules-of-procedure", "maintenance-fund"],
        "maintenance-fund": ["how-assembly-voting-works", "lift-repair-guide"],
        "lift-repair-guide": ["maintenance-fund"],
        "raise-an-issue": ["fee-disclosure"],
    }
    for slug, related in links.items():
        page = created.get(slug)
        if page is not None and not page.related_pages.exists():
            page.related_pages.set([created[r] for r in related if r in created])

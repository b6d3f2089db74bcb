"""Demo consultations for 锦绣花园: one open draft of the management covenant, and one closed
consultation on EV chargers whose response report is published. Idempotent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from consultations import actions
from consultations.models import (
    ConsultationIndexPage,
    ConsultationPage,
    ConsultationQuestion,
    ConsultationSection,
    FollowUpLink,
    Opinion,
)

COVENANT_SECTIONS = (
    (
        "第一章 总则",
        "<p>为维护全体业主和物业使用人的合法权益，保障小区公共秩序和良好环境，根据《中华人民共和国民法典》"
        "及本市物业管理条例，结合本小区实际，制定本规约。</p><p>本规约对全体业主和物业使用人具有约束力。"
        "业主转让或出租房屋时，应将本规约告知受让人或承租人。</p>",
    ),
    (
        "第二章 共有部分的使用",
        "<p>业主不得擅自占用楼道、消防通道、屋顶平台等共有部分堆放物品或搭建构筑物。</p>"
        "<p>利用共有部分从事经营活动（如电梯广告、场地出租）的，须经业主大会依法表决同意，"
        "所得收益在扣除合理成本后属于全体业主共有，每半年公示一次。</p>",
    ),
    (
        "第三章 停车管理",
        "<p>占用业主共有道路或场地设置的车位属于全体业主共有。地面共有车位优先出租给本小区业主，"
        "每户限租一个，租期一年，到期按登记顺序轮换。</p><p>禁止在消防通道、绿地和单元出入口停放车辆。"
        "电动自行车不得进入楼道和电梯，应在集中充电点充电。</p>",
    ),
    (
        "第四章 装饰装修",
        "<p>业主装修前应向物业服务中心登记，告知装修时间、施工单位和注意事项。</p>"
        "<p>装修施工时间为工作日 8:00–12:00、14:00–18:00；周六、周日及法定节假日不得进行产生噪声的施工。"
        "不得拆改承重墙、擅自改变房屋外立面或封闭公共区域。</p>",
    ),
    (
        "第五章 违约责任",
        "<p>违反本规约的，业主委员会、物业服务企业有权劝阻、制止，并可依法向有关部门报告；"
        "造成他人损害的，依法承担民事责任。</p>",
    ),
)

COVENANT_QUESTIONS = (
    {
        "kind": "single",
        "text": "您是否赞成本次修订草案的总体方向？",
        "choices": "赞成\n基本赞成，需修改\n反对",
    },
    {
        "kind": "multiple",
        "text": "您认为最需要修改的章节是（最多选两项）",
        "choices": "共有部分的使用\n停车管理\n装饰装修\n违约责任",
        "max_choices": 2,
    },
    {"kind": "scale", "text": "您对现行规约执行情况的满意度", "required": False},
    {"kind": "text", "text": "其他意见和建议", "required": False},
)

CHARGER_SECTIONS = (
    (
        "一、建设位置与数量",
        "<p>拟在地下车库 B2 层东侧建设交流慢充桩 40 个，预留扩容至 80 个的电力容量。</p>",
    ),
    (
        "二、费用与收益",
        "<p>建设费用由运营企业承担；运营企业按每度电 0.1 元向全体业主支付场地使用费，计入共有收益。</p>",
    ),
    (
        "三、安全管理",
        "<p>充电区域设置独立消防分区、烟感报警和视频监控，由运营企业负责日常巡检。</p>",
    ),
)

CHARGER_QUESTIONS = (
    {"kind": "single", "text": "您是否赞成在地下车库建设充电桩？", "choices": "赞成\n反对\n无所谓"},
    {"kind": "scale", "text": "您对方案中安全措施的信心", "required": False},
)


def _user(phone: str):
    return get_user_model().objects.filter(phone=phone).first()


def _build(index, *, title, slug, purpose, sections, questions, opens_at, closes_at, **fields):
    page = ConsultationPage(
        title=title, slug=slug, purpose=purpose, opens_at=opens_at, closes_at=closes_at, **fields
    )
    for order, (heading, body) in enumerate(sections):
        page.sections.add(ConsultationSection(heading=heading, body=body, sort_order=order))
    for order, question in enumerate(questions):
        page.questions.add(ConsultationQuestion(sort_order=order, **question))
    index.add_child(instance=page)
    page.save_revision().publish()
    return ConsultationPage.objects.get(pk=page.pk)


def _answers(page: ConsultationPage, values: list[Any]) -> dict[int, Any]:
    return {q.pk: value for q, value in zip(page.questions.all(), values, strict=False) if value}


def seed_consultations(estate) -> None:
    """Create the two demo consultations of the estate, unless they exist."""
    index = ConsultationIndexPage.objects.descendant_of(estate.page).first()
    if index is None or ConsultationPage.objects.child_of(index).exists():
        return
    now = timezone.now()
    owner = _user("+8613800138001")  # 王芳
    owner3 = _user("+8613800138002")  # 王建华
    chair = _user("+8613800138004")  # 陈建国

    # A closed consultation: answered while open, then closed and its report published.
    chargers = _build(
        index,
        title="《地下车库电动汽车充电桩建设方案》征求意见",
        slug="ev-chargers-2026",
        purpose="小区电动汽车已超过 120 辆，业委会拟引入运营企业建设充电桩，请业主对方案提出意见。",
        background="<p>方案由业委会与物业服务中心共同拟定，已征询供电部门和消防部门意见。</p>",
        sections=CHARGER_SECTIONS,
        questions=CHARGER_QUESTIONS,
        opens_at=now - timedelta(days=30),
        closes_at=now + timedelta(minutes=5),
        participant_visibility="public",
    )
    anchors = [s.anchor for s in chargers.sections.all()]
    if owner:
        actions.submit_response(
            chargers,
            owner,
            answers=_answers(chargers, ["1", "4"]),
            opinions={
                anchors[0]: "建议在 B1 层也设置少量快充桩，方便临时充电。",
                anchors[2]: "充电区域应安装自动喷淋，并定期公示巡检记录。",
            },
        )
    if owner3:
        actions.submit_response(
            chargers,
            owner3,
            answers=_answers(chargers, ["1", "3"]),
            opinions={anchors[1]: "场地使用费 0.1 元/度偏低，建议参考周边小区提高到 0.2 元/度。"},
        )
    chargers.closes_at = now - timedelta(days=20)
    chargers.save_revision().publish()
    chargers = ConsultationPage.objects.get(pk=chargers.pk)
    assembly_index = chargers.page_estate.page.get_children().filter(slug="assemblies").first()
    chargers.follow_ups.add(
        FollowUpLink(
            label="修订后的方案将提交 2027 年第一次业主大会会议表决",
            target_page=assembly_index,
            url="" if assembly_index else "/jinxiu/",
        )
    )
    chargers.save_revision().publish()
    if chair:
        reasons = {
            "B1": ("partly", "B1 层电力容量有限，先设 4 个快充桩，视使用情况再扩容。"),
            "喷淋": ("adopted", ""),
            "0.1": (
                "not_adopted",
                "经比较周边 5 个小区，0.1 元/度为常见水平；提高后运营企业退出，影响建设。",
            ),
        }
        marks = {}
        for opinion in Opinion.objects.filter(consultation=chargers):
            for needle, mark in reasons.items():
                if needle in opinion.body:
                    marks[opinion.pk] = mark
        actions.mark_opinions(chargers, marks, actor=chair)
        actions.publish_report(
            chargers,
            summary="感谢各位业主的意见。共收到 3 条意见，采纳 1 条、部分采纳 1 条、不采纳 1 条，理由逐条说明如下。",
            actor=chair,
        )

    # The open consultation on the management covenant.
    covenant = _build(
        index,
        title="《锦绣花园管理规约（修订草案）》征求意见",
        slug="covenant-2026",
        purpose="现行管理规约制定于 2012 年，业委会起草了修订草案，重点修改停车和装修条款，请业主逐章提出意见。",
        background="<p>修订草案经业委会 2026 年第 9 次会议讨论通过。征求意见结束后，业委会将逐条说明采纳情况，"
        "修改后的规约提交业主大会表决。</p>",
        sections=COVENANT_SECTIONS,
        questions=COVENANT_QUESTIONS,
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=11),
    )
    if owner3:
        anchors = [s.anchor for s in covenant.sections.all()]
        actions.submit_response(
            covenant,
            owner3,
            answers=_answers(covenant, ["2", ["2", "3"], "3"]),
            opinions={
                anchors[2]: "地面车位轮换周期一年太短，建议两年，并对老人和残障人士家庭优先。",
                "": "建议修订稿附上新旧条文对照表，方便业主阅读。",
            },
        )

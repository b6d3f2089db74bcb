"""Demo joint meetings and action items for the two demo estates (development only).

Everything goes through the real actions, so the audit log and inboxes look as they would.
Called from demo.district.seed; running it again changes nothing.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from deliberation.oversight import actions
from deliberation.oversight.models import JointMeeting, local_today
from portal.community.choices import Party


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    """Return a local date-time `days` from today (negative: in the past)."""
    day = local_today() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


def seed_oversight(estates: dict[str, Any]) -> None:
    """Create the demo meetings and items unless the estates already have some."""
    if JointMeeting.objects.filter(estate__in=estates.values()).exists():
        return
    users = {
        u.display_name: u
        for u in get_user_model().objects.filter(
            display_name__in=[
                "吴红梅",
                "郑国栋",
                "陈建国",
                "刘秀英",
                "赵立新",
                "孙志强",
                "黄志明",
            ]
        )
    }
    _seed_jinxiu(estates["jinxiu"], users)
    _seed_cuihu(estates["cuihu"], users)


def _seed_jinxiu(estate, users) -> None:
    official, chair, member = users["吴红梅"], users["陈建国"], users["刘秀英"]
    manager, staff = users["赵立新"], users["孙志强"]
    today = local_today()

    autumn = actions.convene_meeting(
        estate,
        actor=official,
        title="2026年第三季度三方联席会议",
        starts_at=_at(-40, 14, 30),
        place="和平社区党群服务中心二楼会议室",
        participants=[chair, member, manager],
        attendees=[
            actions.Attendee("李志刚", "区住房和城乡建设局"),
            actions.Attendee("张秀兰", "3栋业主代表"),
        ],
        agenda=[
            actions.AgendaEntry("3栋、5栋屋顶漏水维修方案及费用分摊"),
            actions.AgendaEntry("地下车库照明改造和充电桩安装"),
            actions.AgendaEntry("物业服务费收支情况季度公示"),
        ],
    )
    actions.record_minutes(
        autumn,
        actor=official,
        text=(
            "会议由和平社区居委会吴红梅主持，业委会、物业服务中心和区住建局代表参加。\n\n"
            "一、物业通报：今年汛期3栋、5栋顶楼共有 11 户反映屋顶渗漏，经现场勘查，"
            "防水层老化开裂是主要原因。业委会提出应先查明是否在保修期内。\n\n"
            "二、区住建局代表说明：屋顶防水属于共用部位，超出保修期的维修可按程序申请使用"
            "专项维修资金，需经业主共同决定。\n\n"
            "三、地下车库照明不足、充电桩排队问题，物业提出分期改造方案，业委会要求先公示报价。\n\n"
            "四、三方一致同意：以下决定形成督办事项，进展在平台公开，由社区跟踪督办。"
        ),
    )
    roof = actions.add_decision(
        autumn,
        actor=official,
        text="物业在11月底前完成3栋屋顶防水层局部维修，维修前在3栋单元门口公示方案和报价。",
    )
    garage = actions.add_decision(
        autumn, actor=official, text="物业两周内提交地下车库照明改造方案及三家报价，由业委会审核。"
    )
    fees = actions.add_decision(
        autumn,
        actor=official,
        text="业委会督促物业每季度公示物业服务费收支，首次公示于下月10日前完成。",
    )
    actions.publish_minutes(autumn, actor=official)

    # The items are opened at their real dates (right after the meeting), so an item is
    # never overdue on the day it is opened and the dashboard's counts add up.
    # An item that fell behind: opened 40 days ago, due a week ago, still at 60 %.
    roof_item = actions.create_action_item(
        estate,
        actor=official,
        title="3栋屋顶防水层局部维修",
        description="维修前在3栋各单元门口公示维修方案和报价；维修完成后请业主代表参与验收。",
        responsible_party=Party.PROPERTY,
        responsible_person=manager,
        due_date=today - timedelta(days=7),
        source=roof,
        now=_at(-40, 17, 0),
    )
    actions.post_update(
        roof_item,
        actor=manager,
        state="in_progress",
        progress=30,
        note="已委托防水施工单位现场勘查，维修方案和报价已在3栋一、二单元门口公示。",
        now=_at(-30, 10, 0),
    )
    actions.post_update(
        roof_item,
        actor=staff,
        state="in_progress",
        progress=60,
        note="东侧屋面已铲除旧防水层并完成基层处理，近期阴雨，西侧施工顺延。",
        now=_at(-12, 16, 0),
    )

    garage_item = actions.create_action_item(
        estate,
        actor=official,
        title="地下车库照明改造方案及报价",
        description="提交改造方案和不少于三家的报价，由业委会审核后公示。",
        responsible_party=Party.PROPERTY,
        responsible_person=manager,
        due_date=today - timedelta(days=20),
        source=garage,
        now=_at(-40, 17, 5),
    )
    actions.post_update(
        garage_item,
        actor=manager,
        state="done",
        progress=100,
        note="方案和三家报价已提交业委会，业委会审核通过，已在小区公告栏公示。",
        now=_at(-22, 10, 0),
    )

    fees_item = actions.create_action_item(
        estate,
        actor=chair,
        title="物业服务费季度收支公示",
        description="按季度公示物业服务费收入、支出明细和公共收益情况。",
        responsible_party=Party.PROPERTY,
        due_date=today + timedelta(days=10),
        source=fees,
        now=_at(-40, 17, 10),
    )
    actions.post_update(
        fees_item,
        actor=manager,
        state="in_progress",
        progress=40,
        note="第三季度收支明细已整理完毕，正在与业委会核对公共收益部分。",
        now=_at(-5, 11, 0),
    )

    actions.create_action_item(
        estate,
        actor=official,
        title="公布专项维修资金使用申请流程",
        description="在知识库和公告栏说明申请使用专项维修资金的条件、流程和表决要求。",
        responsible_party=Party.COMMITTEE,
        responsible_person=chair,
        due_date=today + timedelta(days=21),
    )

    winter = actions.convene_meeting(
        estate,
        actor=official,
        title="2026年第四季度三方联席会议",
        starts_at=_at(7, 14, 30),
        place="锦绣花园会所二楼会议室",
        participants=[chair, member, manager],
        agenda=[
            actions.AgendaEntry("3栋屋顶维修进度及逾期原因"),
            actions.AgendaEntry("冬季消防安全检查安排"),
        ],
    )
    del winter


def _seed_cuihu(estate, users) -> None:
    official, chair = users["郑国栋"], users["黄志明"]
    today = local_today()
    meeting = actions.convene_meeting(
        estate,
        actor=official,
        title="翠湖苑电梯更新联席会议",
        starts_at=_at(-12, 9, 30),
        place="东湖社区居委会会议室",
        participants=[chair],
        attendees=[
            actions.Attendee("周海峰", "滨江物业管理有限公司项目经理", Party.PROPERTY),
            actions.Attendee("陈立", "东湖社区居委会", Party.COMMUNITY),
        ],
        agenda=[actions.AgendaEntry("2栋、4栋电梯更新前期工作")],
    )
    actions.record_minutes(
        meeting,
        actor=official,
        text=(
            "2栋、4栋电梯已使用 16 年，年检多次提出整改意见。\n\n"
            "会议商定：业委会牵头征求两栋业主意见，物业配合提供电梯检验报告和维保记录。"
        ),
    )
    decision = actions.add_decision(
        meeting, actor=official, text="业委会一个月内完成2栋、4栋业主关于电梯更新的意见征集。"
    )
    actions.publish_minutes(meeting, actor=official)
    actions.create_action_item(
        estate,
        actor=official,
        title="2栋、4栋电梯更新意见征集",
        description="向两栋业主征求电梯更新意见，汇总后报社区和街道。",
        responsible_party=Party.COMMITTEE,
        responsible_person=chair,
        due_date=today + timedelta(days=18),
        source=decision,
    )

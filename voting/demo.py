"""A demo assembly meeting of 锦绣花园, announced, with the motions owners typically decide.

Development only (called from portal.community.demo.seed); idempotent by page slug.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from voting.choices import Matter, MotionKind

ASSEMBLY = {
    "slug": "2026-second-meeting",
    "title": "锦绣花园2026年第二次业主大会会议",
    "intro": (
        "本次会议采用线上投票与书面征求意见相结合的方式召开。每一项表决须有专有部分面积和人数"
        "均占三分之二以上的业主参与；一般事项经参与表决的面积和人数均过半数同意，"
        "特别事项须均达到四分之三以上。租户不参加投票。会议已告知和平社区居委会。"
    ),
}

MOTIONS = [
    {
        "title": "关于使用专项维修资金更换3栋、4栋电梯的议案",
        "text": "3栋、4栋电梯已使用14年，拟使用两栋的专项维修资金 192 万元整梯更新，按面积分摊。",
        "matter": Matter.USE_MAINTENANCE_FUND,
    },
    {
        "title": "关于修订《锦绣花园管理规约》的议案",
        "text": "修订宠物管理、地面停车和装修施工时间的条款，修订稿已在小区公示。",
        "matter": Matter.MANAGEMENT_COVENANT,
    },
    {
        "title": "选举第二届业主委员会委员",
        "text": "应选 7 名委员，每位业主最多可选 7 人。",
        "matter": Matter.COMMITTEE_ELECTION,
        "kind": MotionKind.ELECTION,
        "seats": 7,
        "candidate_names": "陈建国\n刘秀英\n王建华\n李明\n张丽\n赵刚\n孙晓燕\n周伟",
    },
    {
        "title": "关于续聘绿城物业服务集团的议案",
        "text": "物业服务合同将于明年3月到期，拟按现有收费标准续聘三年。",
        "matter": Matter.PROPERTY_COMPANY,
    },
    {
        "title": "关于在地下车库公共区域建设充电桩的议案",
        "text": "利用地下车库公共区域建设 40 个共享充电桩，收益归全体业主共有（特别事项）。",
        "matter": Matter.CHANGE_COMMON_USE,
    },
]


def seed_assembly(estate, *, convener) -> bool:
    """Create, publish and announce the demo meeting; return whether it was created."""
    from voting import actions
    from voting.models import AssemblyIndexPage, AssemblyPage, Motion

    index = AssemblyIndexPage.objects.descendant_of(estate.page).first()
    if index is None or AssemblyPage.objects.child_of(index).filter(slug=ASSEMBLY["slug"]).exists():
        return False
    now = timezone.now()
    assembly = AssemblyPage(
        **ASSEMBLY,
        voting_opens_at=now + timedelta(days=16),
        voting_closes_at=now + timedelta(days=30),
    )
    assembly.motions = [Motion(sort_order=i, **spec) for i, spec in enumerate(MOTIONS)]
    index.add_child(instance=assembly)
    assembly.save_revision(user=convener).publish(user=convener)
    actions.announce_assembly(AssemblyPage.objects.get(pk=assembly.pk), actor=convener, now=now)
    return True

"""Demo assembly meetings: 锦绣花园's next meeting, announced, with the motions owners
typically decide; and 翠湖苑's meeting of some two months ago, voted, closed and certified,
so the results page, the 决议公告 and the officials' dashboard have a real one to show.

Development only (called from demo.district.seed); idempotent by page slug. The past
meeting goes through the same actions as a real one (announce, open, cast, close, certify),
each at its date in the past, so the roll, ledger and result are what the code would make.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from voting import actions
from voting.actions import certify_result
from voting.choices import Matter, MotionKind
from voting.lifecycle import sync_schedules
from voting.models import (
    AssemblyIndexPage,
    AssemblyPage,
    LedgerPublication,
    Motion,
    VotingRight,
)

ASSEMBLY = {
    "slug": "2026-second-meeting",
    "title": "锦绣花园2026年第二次业主大会会议",
    "intro": (
        "本次会议采用线上投票与书面征求意见相结合的方式召开。每一项表决须有专有部分面积和人数"
        "均占三分之二以上的业主参与；一般事项经参与表决的面积和人数均过半数同意，"
        "特别事项须均达到四分之三以上。租户不参加投票。"
    ),
}
# 锦绣花园's rules of procedure, as its knowledge base states them (demo/knowledge.py
# quotes these): the meeting is configured from the same figures, so the two cannot disagree.
JINXIU_RULES = {"proxy_cap_per_agent": 3, "result_due_days": 3, "result_display_days": 15}
JINXIU_RESIDENTS_COMMITTEE = "和平社区居民委员会"

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
        "text": "第一届业主委员会任期届满，本次换届选举应选 7 名委员，每位业主最多可选 7 人。",
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
    index = AssemblyIndexPage.objects.descendant_of(estate.page).first()
    if index is None or AssemblyPage.objects.child_of(index).filter(slug=ASSEMBLY["slug"]).exists():
        return False
    now = timezone.now()
    assembly = AssemblyPage(
        **ASSEMBLY,
        **JINXIU_RULES,
        voting_opens_at=now + timedelta(days=16),
        voting_closes_at=now + timedelta(days=30),
    )
    assembly.motions = [Motion(sort_order=i, **spec) for i, spec in enumerate(MOTIONS)]
    index.add_child(instance=assembly)
    assembly.save_revision(user=convener).publish(user=convener)
    assembly = AssemblyPage.objects.get(pk=assembly.pk)
    actions.announce_assembly(assembly, actor=convener, now=now)
    # 物业管理条例 Art. 14: the residents' committee is told with the notice (voting opens
    # only once this is recorded). Said on the page only because it is on record.
    actions.record_residents_committee_informed(
        assembly,
        actor=convener,
        informed_whom=JINXIU_RESIDENTS_COMMITTEE,
        informed_at=now,
        how="书面告知，居委会盖章签收",
    )
    return True


PAST_ASSEMBLY = {
    "slug": "2026-first-meeting",
    "title": "翠湖苑2026年第一次业主大会会议",
    "intro": (
        "本次会议以线上投票和书面征求意见相结合的方式召开，书面表决票由业主委员会上门发放、"
        "回收并录入。"
    ),
}

# (motion, share of voters agreeing, opposing; the rest abstain or leave it blank)
PAST_MOTIONS = [
    (
        {
            "title": "关于续聘滨江物业管理有限公司的议案",
            "text": "现物业服务合同于今年6月到期，拟按现行收费标准续聘三年，并增加季度服务质量评议。",
            "matter": Matter.PROPERTY_COMPANY,
        },
        0.72,
        0.18,
    ),
    (
        {
            "title": "关于使用专项维修资金维修2栋、3栋外墙渗水的议案",
            "text": "2栋、3栋外墙多处渗水，经检测需整体修缮，预算 46.8 万元，由两栋专项维修资金按面积分摊。",
            "matter": Matter.USE_MAINTENANCE_FUND,
        },
        0.84,
        0.08,
    ),
    (
        {
            "title": "关于在电梯轿厢内设置广告屏的议案",
            "text": "利用电梯轿厢设置广告屏，收益归全体业主共有，用于补充维修资金（特别事项）。",
            "matter": Matter.CHANGE_COMMON_USE,
        },
        0.66,
        0.26,
    ),
]

PAST_TURNOUT = 0.82
ONLINE_SHARE = 0.55
# A one-page PDF standing in for the scanned paper ballot.
_SCAN = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _past_choices(rng: random.Random, motions) -> dict:
    choices = {}
    for motion, (_spec, agree, oppose) in zip(motions, PAST_MOTIONS, strict=True):
        draw = rng.random()
        if draw < agree:
            choices[motion.pk] = "agree"
        elif draw < agree + oppose:
            choices[motion.pk] = "oppose"
        elif draw < 0.98:
            choices[motion.pk] = "abstain"
        # else: left blank, not taking part in that motion
    return choices


def seed_past_assembly(estate, *, chair) -> bool:
    """Hold the past meeting from notice to certified result; return whether it was created.

    About 82% of the roll votes, online where the owner has an account and otherwise on a
    paper ballot the committee enters with its scan. The result is certified two days after
    the close, inside the three-day deadline, which publishes the 决议公告.
    """
    from django.core.files.base import ContentFile

    index = AssemblyIndexPage.objects.descendant_of(estate.page).first()
    if (
        index is None
        or AssemblyPage.objects.child_of(index).filter(slug=PAST_ASSEMBLY["slug"]).exists()
    ):
        return False
    now = timezone.now()
    # 09:00 Beijing time on each day: notice, opening; voting closes at 18:00.
    announced = timezone.localtime(now - timedelta(days=80)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    opens = announced + timedelta(days=20)
    closes = opens + timedelta(days=14, hours=9)
    assembly = AssemblyPage(**PAST_ASSEMBLY, voting_opens_at=opens, voting_closes_at=closes)
    assembly.motions = [Motion(sort_order=i, **spec) for i, (spec, *_s) in enumerate(PAST_MOTIONS)]
    index.add_child(instance=assembly)
    assembly.save_revision(user=chair).publish(user=chair)
    AssemblyPage.objects.filter(pk=assembly.pk).update(
        first_published_at=announced, last_published_at=announced
    )
    assembly = AssemblyPage.objects.get(pk=assembly.pk)
    actions.announce_assembly(assembly, actor=chair, now=announced)
    actions.record_residents_committee_informed(
        assembly,
        actor=chair,
        informed_whom="东湖社区居民委员会",
        informed_at=announced,
        how="书面告知，居委会盖章签收",
    )
    actions.open_voting(assembly, actor=chair, now=opens)
    assembly = AssemblyPage.objects.get(pk=assembly.pk)

    motions = list(assembly.motions.order_by("sort_order"))
    rng = random.Random(f"past-assembly-{estate.slug}")
    rights = VotingRight.objects.filter(assembly=assembly).order_by("pk")
    for n, right in enumerate(rights.prefetch_related("holders__user")):
        if rng.random() >= PAST_TURNOUT:
            continue
        choices = _past_choices(rng, motions)
        at = opens + timedelta(minutes=7 + n * 53 % (14 * 24 * 60 - 60))
        voter = next((h.user for h in right.holders.all() if h.user_id), None)
        if voter is not None and rng.random() < ONLINE_SHARE:
            actions.cast_ballot(assembly, right, choices, channel="online", cast_by=voter, now=at)
        else:
            scan = ContentFile(_SCAN, name=f"paper-{right.pk}.pdf")
            actions.enter_paper_ballot(
                assembly, right, choices, entered_by=chair, scan=scan, now=at
            )
    actions.close_voting(assembly, now=closes)
    result = certify_result(
        AssemblyPage.objects.get(pk=assembly.pk), actor=chair, now=closes + timedelta(days=2)
    )
    # The notices were published at the opening, the close and the certification, not today.
    published_at = {
        LedgerPublication.Moment.OPENED: opens,
        LedgerPublication.Moment.CLOSED: closes,
        LedgerPublication.Moment.CERTIFIED: result.certified_at,
    }
    for publication in LedgerPublication.objects.filter(assembly=assembly):
        when = published_at[publication.moment]
        type(result.notice).objects.filter(pk=publication.notice_id).update(
            first_published_at=when, last_published_at=when
        )
    sync_schedules(AssemblyPage.objects.get(pk=assembly.pk))  # nothing left to run
    return True

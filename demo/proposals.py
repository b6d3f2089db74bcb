"""Demo owners' proposals in both estates, each in a realistic state. Idempotent by title.

锦绣花园: a parcel-locker proposal that reached its threshold and awaits the committee's answer,
one on parking rotation adopted into a (draft) consultation, a bicycle shed refused with a
reason, night lighting referred to the residents' committee, and a sun shade still collecting
supports. 翠湖苑: an overdue answer (it shows on the officials' dashboard) and one collecting.

Development only (called from demo.district.seed_activity). Everything goes through
proposals.actions at dates in the past, so the supports, deadlines and audit are real.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from demo.cast import ACCOUNTS
from portal.community.choices import Party
from portal.community.phone import normalize_phone
from proposals import actions
from proposals.choices import AnswerKind, Outcome
from proposals.models import Proposal

JINXIU = (
    {
        "title": "在 3 栋和 5 栋之间增设智能快递柜",
        "body": "<p>快递常年堆在东门门岗，丢件和错拿时有发生，老人取件也要走很远。</p>"
        "<p>建议在 3 栋和 5 栋之间的空地增设一组智能快递柜，由快递柜运营企业出资建设，"
        "场地使用费计入业主共有收益。</p>",
        "days_ago": 9,
        "supporters": "threshold",
        "answer": None,
    },
    {
        "title": "地面共有车位按年轮换，优先无车位业主",
        "body": "<p>地面 60 个共有车位多年由同一批业主长期租用，新入住业主排不上号。</p>"
        "<p>建议地面车位租期一年、到期按登记顺序轮换，每户限租一个，无产权车位的业主优先。</p>",
        "days_ago": 40,
        "supporters": "threshold",
        "answer": {
            "kind": AnswerKind.ADOPT,
            "outcome": Outcome.CONSULTATION,
            "text": "业委会采纳。停车规则涉及全体业主，先就轮换办法公开征求意见，再提交业主大会表决。",
            "by": "chair",
            "days_after": 6,
        },
    },
    {
        "title": "东门增设非机动车棚",
        "body": "<p>东门外电动自行车乱停，挡住消防通道。建议在东门内侧绿地改建非机动车棚。</p>",
        "days_ago": 55,
        "supporters": "threshold",
        "answer": {
            "kind": AnswerKind.REJECT,
            "text": "经消防部门现场查看，东门内侧绿地是消防车登高作业面，不能搭建车棚。"
            "物业将在西门停车场划出 80 个电动自行车位并加装集中充电桩，已列入督办。",
            "by": "manager",
            "days_after": 12,
        },
    },
    {
        "title": "阳光路人行道夜间照明不足",
        "body": "<p>小区南门外阳光路人行道路灯间距大，晚上很暗，建议增设路灯。</p>",
        "days_ago": 30,
        "supporters": "threshold",
        "answer": {
            "kind": AnswerKind.REFER,
            "referred_party": Party.COMMUNITY,
            "text": "南门外人行道属市政道路，不在小区共有部分，已转交和平社区居委会协调城管部门。",
            "by": "chair",
            "days_after": 4,
        },
    },
    {
        "title": "儿童游乐区加装遮阳棚",
        "body": "<p>夏天中午游乐设施晒得发烫，孩子们没法玩。建议加装可拆卸遮阳棚。</p>",
        "days_ago": 3,
        "supporters": 6,
        "answer": None,
    },
)

CUIHU = (
    {
        "title": "调整 2 栋门前垃圾分类亭的位置",
        "body": "<p>2 栋门前的垃圾分类亭离一楼窗户不到五米，夏天异味很重。建议移到北侧围墙边。</p>",
        "days_ago": 28,
        "supporters": "threshold",
        "answer": None,  # past its deadline: the dashboard shows it overdue
    },
    {
        "title": "电梯轿厢加装空调",
        "body": "<p>高层电梯夏天闷热，建议在轿厢加装电梯专用空调，费用从公共收益中列支。</p>",
        "days_ago": 5,
        "supporters": 3,
        "answer": None,
    },
)


def _members(estate) -> list[Any]:
    """Return the estate's owners who have an account, in a fixed order."""
    User = get_user_model()
    return list(
        User.objects.filter(
            owner_identities__estate=estate, owner_identities__ownerships__ended_at__isnull=True
        )
        .distinct()
        .order_by("pk")
    )


def _by_key(key: str):
    account = next(a for a in ACCOUNTS if a.key == key)
    return get_user_model().objects.filter(phone=normalize_phone(account.phone)).first()


def _seed(estate, specs, *, author_keys: tuple[str, ...]) -> int:
    members = _members(estate)
    if not members:
        return 0
    authors = [u for u in (_by_key(k) for k in author_keys) if u is not None] or members[:1]
    now = timezone.now()
    made = 0
    for number, spec in enumerate(specs):
        if Proposal.objects.filter(estate=estate, title=spec["title"]).exists():
            continue
        author = authors[number % len(authors)]
        start = now - timedelta(days=spec["days_ago"])
        proposal = actions.submit_proposal(
            estate, author, title=spec["title"], body=spec["body"], now=start
        )
        made += 1
        supporters = [m for m in members if m.pk != author.pk]
        # Fixed, different supporters per proposal, spread over the days after it was made.
        supporters = supporters[number * 7 :] + supporters[: number * 7]
        wanted = spec["supporters"]
        for index, supporter in enumerate(supporters):
            proposal.refresh_from_db()
            if wanted == "threshold" and proposal.reached_at:
                break
            if wanted != "threshold" and index >= wanted:
                break
            moment = start + timedelta(hours=2 + index * 3)
            try:
                actions.support_proposal(proposal, supporter, now=min(moment, now))
            except (PermissionDenied, ValidationError):  # a co-owner of an earlier supporter
                continue
        answer = spec["answer"]
        proposal.refresh_from_db()
        if answer and proposal.reached_at:
            actor = _by_key(answer["by"])
            actions.answer_proposal(
                proposal,
                actor,
                actions.Answer(
                    kind=answer["kind"],
                    text=answer["text"],
                    outcome=answer.get("outcome", ""),
                    referred_party=answer.get("referred_party", ""),
                ),
                now=min(proposal.reached_at + timedelta(days=answer["days_after"]), now),
            )
    return made


def seed_proposals(estates: dict[str, Any]) -> int:
    """Seed both estates' proposals; return how many were made (0 on a second run)."""
    made = 0
    if "jinxiu" in estates:
        made += _seed(estates["jinxiu"], JINXIU, author_keys=("owner", "owner3"))
    if "cuihu" in estates:
        made += _seed(estates["cuihu"], CUIHU, author_keys=("owner_b",))
    return made

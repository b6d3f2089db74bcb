"""A year of past issue reports and action items for the demo estates, so the officials'
dashboard tells a story: the property company of 锦绣花园 got faster over the year (about half
its reports answered within 24 h a year ago, nine in ten lately); the committee answers
suggestions more slowly; now and then an action item runs late.

Written as the rows would stand after a year (no notifications, no live actions, which would
refuse back-dated times); each part runs once.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from deliberation.choices import IssueCategory, PostStatus, ThreadKind, ThreadState
from deliberation.models import Post, Resolution, Satisfaction, Thread
from deliberation.oversight.choices import WorkState
from deliberation.oversight.models import ActionItem
from portal.community.choices import Party, RoleKind
from portal.community.models import Estate, Role

HISTORY_MARK = "（往期）"
REPORTS = (
    (IssueCategory.REPAIR, "楼道灯不亮", "{b}{f}楼楼道感应灯坏了，晚上回家很黑，请尽快修一下。"),
    (
        IssueCategory.REPAIR,
        "电梯运行有异响",
        "{b}电梯运行时有咔哒声，老人孩子坐着害怕，麻烦检查。",
    ),
    (IssueCategory.REPAIR, "顶楼屋面渗水", "下雨后{b}顶楼走廊天花板渗水，墙皮起泡。"),
    (IssueCategory.REPAIR, "地下车库排水沟堵塞", "车库 B 区排水沟堵了，积水有异味。"),
    (IssueCategory.COMPLAINT, "夜间装修噪音", "{b}有住户晚上十点后还在装修，影响休息。"),
    (IssueCategory.COMPLAINT, "消防通道被占用", "{b}门口消防通道常年停车，救护车进不来。"),
    (
        IssueCategory.SUGGESTION,
        "建议增设电动自行车充电桩",
        "{b}附近没有充电桩，有人飞线充电，很危险。",
    ),
    (IssueCategory.SUGGESTION, "建议公示公共收益明细", "电梯广告和停车费收入希望按季度公示。"),
)
ANSWERS = {
    Party.PROPERTY: "物业已收到，维修师傅已安排上门处理，处理完毕后在此回复。",
    Party.COMMITTEE: "业委会已收到建议，将在下次例会讨论并回复大家。",
}
# What was done, as the responsible party reported it when it marked the report 已解决.
RESOLUTION_NOTES = {
    Party.PROPERTY: "维修师傅已上门处理完毕，更换了损坏部件并现场试用正常。",
    Party.COMMITTEE: "业委会例会已讨论该建议，决定纳入下季度工作计划，会议纪要已公示。",
}


@transaction.atomic
def seed_history(estates: dict[str, Estate], *, days: int = 360) -> int:
    """Add a year of issue reports and action items to each estate, once; return threads added."""
    added = 0
    for slug, estate in estates.items():
        if Thread.objects.filter(estate=estate, title__endswith=HISTORY_MARK).exists():
            continue
        rng = random.Random(f"history-{slug}")
        added += _reports(estate, rng, days, improving=slug == "jinxiu")
        _action_items(estate, rng, days)
    return added


def _members(estate: Estate, kind: str, limit: int = 40) -> list:
    """Return up to `limit` people with the role, in a fixed order (by account).

    The order decides who wrote which report of the history (`rng.choice`), so it must not be
    the database's: PostgreSQL returns rows without ORDER BY as its pages and plan have them,
    and an order in which 王芳 or 王建华 drew more recent reports put their demo proposals
    over the posting rate limit (seen when the demo was seeded after other tests).
    """
    ids = (
        Role.objects.active()
        .filter(estate=estate, kind=kind)
        .values_list("user_id", flat=True)
        .order_by("user_id")[:limit]
    )
    return list(get_user_model().objects.filter(pk__in=list(ids)).order_by("pk"))


def _reports(estate: Estate, rng: random.Random, days: int, *, improving: bool) -> int:
    owners = _members(estate, RoleKind.OWNER)
    answerers = {
        Party.PROPERTY: _members(estate, RoleKind.PROPERTY_MANAGER, 1)
        or _members(estate, RoleKind.PROPERTY_STAFF, 1),
        Party.COMMITTEE: _members(estate, RoleKind.COMMITTEE_CHAIR, 1)
        or _members(estate, RoleKind.COMMITTEE_MEMBER, 1),
    }
    if not owners:
        return 0
    buildings = list(estate.buildings.values_list("name", flat=True)) or ["1栋"]
    now = timezone.now()
    threads = []
    plans = []
    for day in range(days, 3, -5):
        category, title, body = rng.choice(REPORTS)
        party = Party.COMMITTEE if category == IssueCategory.SUGGESTION else Party.PROPERTY
        created = timezone.make_aware(
            datetime.combine(timezone.localdate() - timedelta(days=day), time(rng.randint(7, 21)))
        )
        progress = 1 - day / days
        on_time_chance = (0.5 + 0.42 * progress) if improving else 0.75
        if party == Party.COMMITTEE:
            on_time_chance -= 0.2
        response_hours = (
            rng.uniform(2, 22) if rng.random() < on_time_chance else rng.uniform(25, 70)
        )
        resolve_hours = response_hours + (
            rng.uniform(4, 20) if rng.random() < on_time_chance else rng.uniform(30, 120)
        )
        building = rng.choice(buildings)
        values = {"b": building, "f": rng.randint(2, 18)}
        responded = created + timedelta(hours=response_hours)
        resolved = created + timedelta(hours=resolve_hours)
        done = resolved < now - timedelta(days=3)
        threads.append(
            Thread(
                estate=estate,
                kind=ThreadKind.ISSUE,
                category=category,
                title=title.format(**values) + HISTORY_MARK,
                author=rng.choice(owners),
                state=ThreadState.CLOSED if done else ThreadState.IN_PROGRESS,
                responsible_party=party,
                created_at=created,
                last_post_at=responded,
                post_count=2,
                response_due_at=created + timedelta(hours=24),
                close_due_at=created + timedelta(hours=48),
                first_response_at=responded,
                resolved_at=resolved if done else None,
                closed_at=resolved + timedelta(hours=24) if done else None,
            )
        )
        plans.append((body.format(**values), party, responded, done, rng.choice((3, 4, 4, 5, 5))))
    Thread.objects.bulk_create(threads)
    posts, ratings, resolutions = [], [], []
    for thread, (body, party, responded, done, score) in zip(threads, plans, strict=True):
        posts.append(
            Post(
                thread=thread,
                author=thread.author,
                author_badge="业主",
                is_opening=True,
                body=f"<p>{body}</p>",
                status=PostStatus.PUBLISHED,
                created_at=thread.created_at,
            )
        )
        answerer = (answerers.get(party) or [thread.author])[0]
        posts.append(
            Post(
                thread=thread,
                author=answerer,
                author_badge="物业" if party == Party.PROPERTY else "业委会",
                body=f"<p>{ANSWERS[party]}</p>",
                status=PostStatus.PUBLISHED,
                official_party=party,
                official_marked_by=answerer,
                official_at=responded,
                created_at=responded,
            )
        )
        if done:
            resolutions.append(
                Resolution(
                    thread=thread,
                    party=party,
                    reported_by=answerer,
                    note=RESOLUTION_NOTES[party],
                    created_at=thread.resolved_at,
                )
            )
            ratings.append(
                Satisfaction(
                    thread=thread,
                    rater=thread.author,
                    score=score,
                    party=party,
                    created_at=thread.closed_at,
                )
            )
    Post.objects.bulk_create(posts)
    Resolution.objects.bulk_create(resolutions)
    Satisfaction.objects.bulk_create(ratings)
    return len(threads)


ITEMS = (
    "{b}外墙脱落隐患排查",
    "地下车库照明更换",
    "小区东门道闸维修",
    "{b}二次供水水箱清洗",
    "消防通道标线重划",
    "垃圾分类投放点改造",
    "{b}电梯钢丝绳更换",
    "公共收益季度公示",
)


def _action_items(estate: Estate, rng: random.Random, days: int) -> None:
    creator = _members(estate, RoleKind.COMMITTEE_CHAIR, 1) or _members(estate, RoleKind.OWNER, 1)
    if not creator:
        return
    buildings = list(estate.buildings.values_list("name", flat=True)) or ["1栋"]
    today = timezone.localdate()
    items = []
    for day in range(days, 20, -15):
        created = timezone.make_aware(
            datetime.combine(today - timedelta(days=day), time(rng.randint(9, 17)))
        )
        due = created.date() + timedelta(days=rng.choice((14, 21, 30)))
        late = rng.random() < 0.2
        finished = created + timedelta(days=(due - created.date()).days + (5 if late else -2))
        done = finished.date() < today
        items.append(
            ActionItem(
                estate=estate,
                title=rng.choice(ITEMS).format(b=rng.choice(buildings)) + HISTORY_MARK,
                description="联席会议督办事项（往期记录）。",
                responsible_party=rng.choice((Party.PROPERTY, Party.PROPERTY, Party.COMMITTEE)),
                due_date=due,
                state=WorkState.DONE if done else WorkState.IN_PROGRESS,
                progress=100 if done else rng.randint(30, 80),
                created_by=creator[0],
                created_at=created,
                updated_at=finished if done else created,
                completed_at=finished if done else None,
            )
        )
    ActionItem.objects.bulk_create(items)

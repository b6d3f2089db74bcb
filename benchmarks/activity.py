"""Generated activity for scale tests and benchmarks: a year across many estates (the
dashboard), and thousands of consultation responses (the results page).

Rows are bulk-inserted as they would stand after a year (notices with acknowledgements, action
items in every state, joint meetings); pages are created through Wagtail, so the estate tree
is the real one. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.community.choices import Party, RoleKind


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def make_estates(count: int, *, prefix: str = "gen"):
    """Create `count` estates through the product's create_estate, in one community each of
    two, under one sub-district."""
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from portal.community.actions import create_estate
    from portal.community.models import Community, SubDistrict

    sub_district, _ = SubDistrict.objects.get_or_create(name="生成街道")
    communities = [
        Community.objects.get_or_create(sub_district=sub_district, name=f"生成社区{n}")[0]
        for n in (1, 2)
    ]
    return [
        create_estate(
            community=communities[n % 2], name=f"生成小区{n:03d}", slug=f"{prefix}-{n:03d}"
        )
        for n in range(count)
    ]


def generate_activity(
    estates, *, days: int = 365, notices: int = 4, units: int = 20, items: int = 24, seed: int = 1
) -> dict[str, int]:
    """Add a year of activity to each estate; return row counts."""
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from deliberation.oversight.models import ActionItem, JointMeeting
    from portal.community.models import Building, Role, Unit
    from portal.notices.models import Acknowledgement, NoticeIndexPage, NoticePage

    rng = random.Random(seed)
    today = timezone.localdate()
    User = get_user_model()
    counts = {"notices": 0, "acknowledgements": 0, "action_items": 0, "meetings": 0}
    creator = User.objects.create_user(display_name="生成数据")
    for estate in estates:
        building = Building.objects.create(estate=estate, name="1栋")
        unit_rows = Unit.objects.bulk_create(
            [
                Unit(
                    building=building,
                    number=f"{n + 101}",
                    floor=1 + n // 4,
                    exclusive_area=Decimal("88.50"),
                )
                for n in range(units)
            ]
        )
        members = User.objects.bulk_create(
            [User(username=f"gen-{estate.slug}-{n}", display_name=f"业主{n}") for n in range(units)]
        )
        Role.objects.bulk_create(
            [
                Role(user=user, kind=RoleKind.RESIDENT, estate=estate, unit=unit)
                for user, unit in zip(members, unit_rows, strict=True)
            ]
        )
        index = NoticeIndexPage.objects.descendant_of(estate.page).first()
        acks = []
        for n in range(notices):
            published = _at(today - timedelta(days=rng.randint(1, days - 1)))
            notice = NoticePage(
                title=f"停水通知 {n}",
                slug=f"gen-{n}",
                requires_acknowledgement=True,
                first_published_at=published,
                last_published_at=published,
                live=True,
            )
            index.add_child(instance=notice)
            counts["notices"] += 1
            acks.extend(
                Acknowledgement(notice=notice, user=user, unit=unit, at=published)
                for user, unit in zip(members, unit_rows, strict=True)
                if rng.random() < 0.7
            )
        Acknowledgement.objects.bulk_create(acks)
        counts["acknowledgements"] += len(acks)
        action_items = []
        for n in range(items):
            created = _at(today - timedelta(days=rng.randint(0, days - 1)))
            due = created.date() + timedelta(days=rng.choice((7, 14, 30)))
            done = rng.random() < 0.6 and due < today
            action_items.append(
                ActionItem(
                    estate=estate,
                    title=f"督办事项 {n}",
                    responsible_party=rng.choice((Party.PROPERTY, Party.COMMITTEE)),
                    due_date=due,
                    state="done" if done else "in_progress",
                    progress=100 if done else rng.randint(0, 90),
                    created_by=creator,
                    created_at=created,
                    completed_at=_at(due) if done else None,
                )
            )
        ActionItem.objects.bulk_create(action_items)
        counts["action_items"] += len(action_items)
        JointMeeting.objects.bulk_create(
            [
                JointMeeting(
                    estate=estate,
                    title=f"第{q + 1}季度三方联席会议",
                    starts_at=_at(today - timedelta(days=90 * q + 10)),
                    place="社区党群服务中心",
                    state="published",
                    convened_by=creator,
                    convener_party=Party.COMMUNITY,
                    minutes="<p>会议通报了上季度督办事项进展。</p>",
                    minutes_recorded_at=_at(today - timedelta(days=90 * q + 9)),
                    published_at=_at(today - timedelta(days=90 * q + 8)),
                )
                for q in range(4)
            ]
        )
        counts["meetings"] += 4
    return counts


def bulk_responses(consultation, count: int) -> None:
    """Add `count` responses from new accounts, each answering every question and giving
    an opinion on a section, in a handful of bulk inserts (weights set as the register would)."""
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from django.contrib.auth import get_user_model

    from consultations.models import Answer, Opinion, Response

    User = get_user_model()
    start = User.objects.count()
    users = User.objects.bulk_create(
        User(
            username=f"bulk{start + n}",
            display_name=f"业主{n}",
            phone=f"+86137{start + n:08d}",
            email=f"bulk{start + n}@example.cn",
        )
        for n in range(count)
    )
    now = timezone.now()
    responses = Response.objects.bulk_create(
        Response(
            consultation=consultation,
            user=user,
            unit_weight=10_000,
            area_weight=(80 + n % 50) * 1_000_000,
            created_at=now,
            updated_at=now,
        )
        for n, user in enumerate(users)
    )
    questions = {q.kind: q for q in consultation.questions.all()}
    sections = list(consultation.sections.all())
    answers, opinions = [], []
    for n, response in enumerate(responses):
        answers += [
            Answer(response=response, question=questions["single"], choice=1 + n % 3),
            Answer(response=response, question=questions["multiple"], choice=1 + n % 4),
            Answer(response=response, question=questions["scale"], scale=1 + n % 5),
            Answer(response=response, question=questions["text"], text=f"建议 {n}"),
        ]
        anchor = sections[n % len(sections)].anchor
        opinions.append(
            Opinion(
                response=response,
                consultation=consultation,
                section_anchor=anchor,
                section_heading=sections[n % len(sections)].heading,
                body=f"<p>意见 {n}</p>",
            )
        )
    Answer.objects.bulk_create(answers, batch_size=2000)
    Opinion.objects.bulk_create(opinions, batch_size=2000)

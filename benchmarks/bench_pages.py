"""Every public page served anonymously (cached) and every page an owner opens, against a trivial view.

Issue #15's targets, each a ratio to a trivial Django view served the same way (same client,
same middleware, same sign-in) in the same run: every anonymous page ≥ 0.5× with the page
cache; every page a signed-in owner opens ≥ 0.1×. The page and the trivial view are timed in
alternating rounds, so a busy machine slows them alike; the median round counts. The
statements each page runs are printed beside it.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from benchmarks.harness import report

TRIVIAL = "/__bench__/trivial/"
ANONYMOUS_TARGET = 0.5
OWNER_TARGET = 0.1


def _rate(client: Client, url: str, requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return requests / (time.perf_counter() - started)


def _median_rates(
    client: Client, urls: dict[str, str], *, requests: int, rounds: int
) -> dict[str, float]:
    for url in urls.values():
        for _ in range(3):
            client.get(url)
    rates: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(rounds):
        for name, url in urls.items():
            rates[name].append(_rate(client, url, requests))
    return {name: sorted(values)[len(values) // 2] for name, values in rates.items()}


def _statements(client: Client, url: str) -> int:
    count = 0

    def counted(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    client.get(url)
    with connection.execute_wrapper(counted):
        client.get(url)
    return count


def _scene():
    """Return (owner, {page name: url}) for one estate with a realistic amount of content."""
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from benchmarks.harness import make_estate
    from deliberation import actions as deliberation
    from deliberation.choices import ThreadKind
    from portal.community import actions
    from portal.community.choices import Visibility
    from portal.knowledge.models import ArticlePage, KnowledgeIndexPage
    from portal.notices.models import NoticeIndexPage, NoticePage
    from tests.factories import (
        BuildingFactory,
        OwnerIdentityFactory,
        OwnershipFactory,
        UnitFactory,
        UserFactory,
    )
    from voting.models import AssemblyIndexPage, AssemblyPage

    estate = make_estate("bench-pages", "页面基准小区")
    building = BuildingFactory(estate=estate, name="3栋")
    people = []
    for n in range(5):
        unit = UnitFactory(building=building, number=f"{501 + n}", floor=5)
        user = UserFactory(display_name=f"业主{n}")
        identity = OwnerIdentityFactory(estate=estate, name=user.display_name, mobile=user.phone)
        OwnershipFactory(unit=unit, identity=identity)
        actions.link_identity(identity, user, how="bench")
        people.append(user)
    owner = people[0]

    index = NoticeIndexPage.objects.descendant_of(estate.page).get()
    for n in range(25):
        notice = NoticePage(
            title=f"{n + 1}号楼二次供水设施清洗通知",
            slug=f"water-{n}",
            summary="清洗期间暂停供水，请提前储水。",
            category="outage",
            requires_acknowledgement=n % 3 == 0,
            visibility=Visibility.PUBLIC if n % 5 else Visibility.MEMBERS,
            body=[("paragraph", "<p>因二次供水设施清洗，届时暂停供水，请提前储水。</p>")],
        )
        index.add_child(instance=notice)
        notice.save_revision().publish()
    notices = NoticePage.objects.child_of(index).filter(visibility=Visibility.PUBLIC)

    knowledge = KnowledgeIndexPage.objects.descendant_of(estate.page).get()
    for n in range(12):
        article = ArticlePage(
            title=f"业主须知第{n + 1}篇：维修资金怎样使用",
            slug=f"guide-{n}",
            summary="专项维修资金的申请、表决与公示。",
            body=[
                ("paragraph", "<p>使用专项维修资金须经业主共同决定（民法典第二百七十八条）。</p>")
            ],
        )
        knowledge.add_child(instance=article)
        article.save_revision().publish()

    assemblies = AssemblyIndexPage.objects.descendant_of(estate.page).get()
    now = timezone.now()
    assembly = AssemblyPage(
        title="2026年第一次业主大会会议",
        slug="assembly-1",
        intro="本次会议采用线上投票与书面征求意见相结合的形式。",
        voting_opens_at=now + timedelta(days=16),
        voting_closes_at=now + timedelta(days=30),
    )
    assemblies.add_child(instance=assembly)
    assembly.save_revision().publish()

    thread = deliberation.start_thread(
        estate,
        owner,
        kind=ThreadKind.TOPIC,
        title="小区南门增设快递柜的讨论",
        body="南门人流大，建议在门卫室旁增设一组快递柜，大家怎么看？",
        now=now - timedelta(days=2),
    )
    for n, user in enumerate(people[1:] * 3):
        deliberation.add_post(
            thread,
            user,
            body=f"第{n + 1}条意见：同意，但要注意消防通道。",
            now=now - timedelta(days=1, hours=-n),
        )

    article = ArticlePage.objects.child_of(knowledge).first()
    public = {
        "district home": "/",
        "estate home": estate.page.url,
        "notice index": index.url,
        "notice": notices.first().url,
        "knowledge index": knowledge.url,
        "knowledge article": article.url,
        "assembly index": assemblies.url,
    }
    signed_in = {
        "notice index": index.url,
        "notice": notices.first().url,
        "knowledge index": knowledge.url,
        "estate home": estate.page.url,
        "assembly page": AssemblyPage.objects.get(pk=assembly.pk).url,
        "thread": reverse("deliberation:thread_detail", args=[estate.slug, thread.pk]),
        "/me/": reverse("accounts:profile"),
    }
    return owner, public, signed_in


def _print(rates: dict[str, float], statements: dict[str, int], target: float) -> list[str]:
    trivial = rates.pop("trivial")
    report("trivial Django view", trivial, "req/s")
    misses = []
    for name, rate in rates.items():
        ratio = rate / trivial
        mark = "ok" if ratio >= target else "MISS"
        if ratio < target:
            misses.append(name)
        report(f"{name} ({statements[name]} statements)", rate, "req/s")
        report(f"  ÷ trivial  [target ≥ {target}] {mark}", ratio, "×")
    return misses


def run() -> None:
    owner, public, signed_in = _scene()

    print("   anonymous readers, with the page cache (the production path):")
    anonymous = Client()
    statements = {name: _statements(anonymous, url) for name, url in public.items()}
    rates = _median_rates(anonymous, {"trivial": TRIVIAL, **public}, requests=200, rounds=5)
    missed = _print(rates, statements, ANONYMOUS_TARGET)

    print("   a signed-in owner (never cached whole):")
    member = Client()
    member.force_login(owner)
    statements = {name: _statements(member, url) for name, url in signed_in.items()}
    rates = _median_rates(member, {"trivial": TRIVIAL, **signed_in}, requests=20, rounds=3)
    missed += [f"{name} (signed in)" for name in _print(rates, statements, OWNER_TARGET)]
    print(f"   pages under their target: {', '.join(missed) if missed else 'none'}")

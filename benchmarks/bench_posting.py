"""Posts accepted per second through the real posting action (deliberation.actions.add_post).

Each post goes the whole way: permission and block checks, the per-member rate limit (many
members, each under the limit), the sanitiser, the badge, the sensitive-word check, follows,
the audit record and the notification batch to the thread's followers. The same run also
times the sanitiser alone, so the ratio shows how much of a post's cost is the database.
"""

from __future__ import annotations

import time

from benchmarks.harness import report

MEMBERS = 60
POSTS_PER_MEMBER = 5  # the default limit: 5 posts per 10 minutes per member
BODY = (
    "<p>3栋顶楼 <strong>屋面防水</strong>老化，下雨就漏。建议业委会申请"
    '<a href="https://example.com/fund">维修资金</a>，物业先做临时处理。</p>'
    "<ul><li>502 卧室</li><li>楼道</li></ul><script>alert(1)</script>"
)


def run() -> None:
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from django.contrib.auth import get_user_model
    from django.db import connection

    from benchmarks.harness import make_estate
    from deliberation import actions
    from deliberation.models import Post, SensitiveWord
    from portal.community.actions import grant_role
    from portal.community.choices import RoleKind
    from portal.community.models import Building, Unit
    from themes.sanitiser import clean_html

    estate = make_estate("bench-posting", "议事基准小区")
    building = Building.objects.create(estate=estate, name="3栋")
    unit = Unit.objects.create(building=building, number="502", floor=5, exclusive_area="88.00")
    SensitiveWord.objects.bulk_create(
        [SensitiveWord(estate=estate, word=w) for w in ("代开发票", "刷单", "高利贷")]
    )
    members = []
    for i in range(MEMBERS + 1):  # one more: the reporter, who opens the thread
        user = get_user_model().objects.create(
            username=f"bench-resident-{i}",
            display_name=f"住户{i}",
            phone=f"+86137{i:08d}",
            phone_verified=True,
            email=f"bench-resident-{i}@example.cn",
        )
        grant_role(user, RoleKind.RESIDENT, estate=estate, unit=unit)
        members.append(user)
    reporter = members.pop()
    thread = actions.start_thread(
        estate, reporter, kind="issue", category="repair", title="3栋屋顶漏水", body=BODY
    )
    for user in members[:20]:
        actions.follow(thread, user)  # followers receive a notification batch per post

    from django_q.conf import Conf

    half = MEMBERS // 2
    elapsed: dict[bool, float] = {}
    # Production path first: the fan-out is queued for the workers (Redis as in production when
    # one answers, else the ORM broker: portal/settings/bench.py).
    # Then the test path: django-q2 runs the fan-out in-process, inside the timing.
    for sync, group in ((False, members[:half]), (True, members[half:])):
        saved, Conf.SYNC = Conf.SYNC, sync
        try:
            started = time.perf_counter()
            for round_ in range(POSTS_PER_MEMBER):
                for user in group:
                    actions.add_post(thread, user, body=f"{BODY}<p>第 {round_} 轮</p>")
            elapsed[sync] = time.perf_counter() - started
        finally:
            Conf.SYNC = saved
    posts = half * POSTS_PER_MEMBER
    assert Post.objects.filter(thread=thread).count() == 2 * posts + 1

    started = time.perf_counter()
    for _ in range(posts):
        clean_html(BODY)
    sanitiser_rate = posts / (time.perf_counter() - started)

    rate = posts / elapsed[False]
    rate_sync = posts / elapsed[True]
    report(f"posts accepted via add_post, fan-out queued ({connection.vendor})", rate, "posts/s")
    report("posts accepted via add_post, fan-out run in-process", rate_sync, "posts/s")
    report("clean_html alone, same body", sanitiser_rate, "calls/s")
    report("add_post (queued) ÷ sanitiser alone", rate / sanitiser_rate, "×")

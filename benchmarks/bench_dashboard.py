"""The officials' dashboard over 50 estates with a year of activity, against raw aggregates.

The page is rendered through the test client as a sub-district official (every table, the
alerts and the weekly charts). Baselines, timed in the same run: a hand-written GROUP BY per
table over the same rows (the least any dashboard could do), and a trivial Django view served
to the same signed-in official (issue #15: ≥ 0.05× at 50 estates). The page is also timed over
the first 5 estates before the other 45 are added (issue #15: at most 1.5× per 10× estates).
"""

from __future__ import annotations

from django.db import connection
from django.test import Client

from benchmarks.harness import median, report, timed

ESTATES = 50
FIRST = 5
TRIVIAL_TARGET = 0.05
GROWTH_TARGET = 1.5
RAW_SQL = [
    # notices published per estate (pages below each estate page) and their acknowledgements
    """SELECT substr(p.path, 1, 12), count(*), count(a.id)
       FROM wagtailcore_page p JOIN notices_noticepage n ON n.page_ptr_id = p.id
       LEFT JOIN notices_acknowledgement a ON a.notice_id = n.page_ptr_id
       WHERE p.first_published_at >= %s GROUP BY substr(p.path, 1, 12)""",
    """SELECT estate_id, state, count(*) FROM oversight_actionitem
       WHERE created_at >= %s GROUP BY estate_id, state""",
    """SELECT estate_id, count(*) FROM oversight_jointmeeting
       WHERE starts_at >= %s GROUP BY estate_id""",
    """SELECT estate_id, responsible_party, count(*),
              sum(CASE WHEN first_response_at <= response_due_at THEN 1 ELSE 0 END)
       FROM deliberation_thread WHERE created_at >= %s GROUP BY estate_id, responsible_party""",
]


def run() -> None:
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from datetime import timedelta

    from django.utils import timezone

    from benchmarks.activity import generate_activity, make_estates
    from portal.community import actions
    from portal.community.choices import RoleKind
    from portal.community.models import SubDistrict
    from tests.factories import UserFactory

    first = make_estates(FIRST, prefix="bench")
    counts = generate_activity(first, notices=6, units=40, items=24)
    official = UserFactory(display_name="基准官员")
    actions.grant_role(
        official,
        RoleKind.SUBDISTRICT_OFFICIAL,
        sub_district=SubDistrict.objects.get(name="生成街道"),
    )
    client = Client()
    client.force_login(official)
    since = timezone.now() - timedelta(days=365)
    params = {"from": (timezone.localdate() - timedelta(days=364)).isoformat()}

    def render():
        response = client.get("/dashboard/", params)
        assert response.status_code == 200

    def trivial():
        response = client.get("/__bench__/trivial/")
        assert response.status_code == 200

    def raw():
        with connection.cursor() as cursor:
            for sql in RAW_SQL:
                cursor.execute(sql, [since])
                cursor.fetchall()

    render()
    few = median(timed(render, repeat=7))

    more = make_estates(ESTATES - FIRST, prefix="bench-more")
    for key, value in generate_activity(more, notices=6, units=40, items=24, seed=2).items():
        counts[key] += value
    render()
    raw()
    trivial()
    page = median(timed(render, repeat=7))
    baseline = median(timed(raw, repeat=7))
    cheapest = median(timed(trivial, repeat=50))
    print(
        f"   {ESTATES} estates; {counts['notices']} notices, {counts['acknowledgements']} "
        f"acknowledgements, {counts['action_items']} action items, {counts['meetings']} meetings"
    )
    report(f"dashboard page over {ESTATES} estates, median render", page * 1000, "ms")
    report(f"dashboard page over {FIRST} estates, median render", few * 1000, "ms")
    report("raw GROUP BY queries over the same rows, median", baseline * 1000, "ms")
    report("trivial Django view, same signed-in official, median", cheapest * 1000, "ms")
    report("page / raw aggregates", page / baseline, "×")
    ratio = cheapest / page
    mark = "ok" if ratio >= TRIVIAL_TARGET else "MISS"
    report(f"page ÷ trivial view (rates)  [target ≥ {TRIVIAL_TARGET}] {mark}", ratio, "×")
    growth = page / few
    mark = "ok" if growth <= GROWTH_TARGET else "MISS"
    report(f"{ESTATES} ÷ {FIRST} estates (10×)  [target ≤ {GROWTH_TARGET}] {mark}", growth, "×")

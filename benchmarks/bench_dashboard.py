"""The officials' dashboard over 50 estates with a year of activity, against raw aggregates.

The page is rendered through the test client as a sub-district official (every table, the
alerts and the weekly charts). The baseline is a hand-written GROUP BY per table over the same
rows, the least any dashboard could do. Both are timed in the same run; the ratio is printed.
"""

from __future__ import annotations

from django.db import connection
from django.test import Client

from benchmarks.harness import median, report, timed

ESTATES = 50
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

    estates = make_estates(ESTATES, prefix="bench")
    counts = generate_activity(estates, notices=6, units=40, items=24)
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

    def raw():
        with connection.cursor() as cursor:
            for sql in RAW_SQL:
                cursor.execute(sql, [since])
                cursor.fetchall()

    render()
    raw()
    page = median(timed(render, repeat=7))
    baseline = median(timed(raw, repeat=7))
    print(
        f"   {ESTATES} estates; {counts['notices']} notices, {counts['acknowledgements']} "
        f"acknowledgements, {counts['action_items']} action items, {counts['meetings']} meetings"
    )
    report("dashboard page, median render", page * 1000, "ms")
    report("raw GROUP BY queries over the same rows, median", baseline * 1000, "ms")
    report("page / raw aggregates", page / baseline, "×")

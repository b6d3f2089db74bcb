"""The demo's past meeting (翠湖苑) is a real one: voted through the casting code, closed,
certified in time, its ledger intact, and visible on the officials' dashboard."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from demo import district as demo
from demo.voting import PAST_ASSEMBLY, seed_past_assembly
from portal.community.models import Estate
from portal.community.phone import normalize_phone
from portal.dashboard.period import Period
from voting import ledger
from voting.choices import AssemblyState, Channel
from voting.metrics import AssemblyFigures
from voting.models import AssemblyPage, Ballot

pytestmark = pytest.mark.django_db


@pytest.fixture
def cuihu(demo_register):
    estate = Estate.objects.get(slug="cuihu")
    demo.ensure_demo_members(estate)
    return estate


@pytest.fixture
def chair_b(cuihu):
    return get_user_model().objects.get(phone=normalize_phone("13800138012"))


def test_the_past_meeting_is_voted_closed_and_certified_in_time(cuihu, chair_b):
    assert seed_past_assembly(cuihu, chair=chair_b) is True
    assembly = AssemblyPage.objects.get(slug=PAST_ASSEMBLY["slug"])

    assert assembly.state == AssemblyState.CLOSED
    assert assembly.result.overdue is False
    assert assembly.result.notice.live
    channels = set(Ballot.objects.filter(assembly=assembly).values_list("channel", flat=True))
    assert channels == {Channel.ONLINE, Channel.PAPER}
    assert ledger.verify_assembly(assembly).ok

    outcomes = {m["title"]: m["passed"] for m in assembly.result.snapshot["motions"]}
    assert outcomes["关于续聘滨江物业管理有限公司的议案"] is True
    assert outcomes["关于使用专项维修资金维修2栋、3栋外墙渗水的议案"] is True
    # A special matter (Art. 278 item 8) needs 3/4 of participating area and heads.
    assert outcomes["关于在电梯轿厢内设置广告屏的议案"] is False


def test_seeding_twice_adds_no_second_meeting(cuihu, chair_b):
    seed_past_assembly(cuihu, chair=chair_b)
    assert seed_past_assembly(cuihu, chair=chair_b) is False
    assert AssemblyPage.objects.filter(slug=PAST_ASSEMBLY["slug"]).count() == 1


def test_the_dashboard_shows_its_turnout_and_outcomes_in_its_default_period(cuihu, chair_b):
    seed_past_assembly(cuihu, chair=chair_b)

    row = AssemblyFigures().compute([cuihu.pk], Period.default())[cuihu.pk]

    assert row["closed"] == 1
    assert row["motions_total"] == 3
    assert row["motions_passed"] == 2
    assert row["results_late"] == 0
    assert row["turnout_heads"] > 0.7


def test_what_the_demo_says_about_its_meetings_is_what_their_records_say(demo_register, client):
    """The intro never claims the residents' committee was told: the page shows the record;
    and 锦绣花园's meeting caps proxies as its rules of procedure (its knowledge base) say."""
    import re

    from django.urls import reverse

    from demo.voting import ASSEMBLY, seed_assembly
    from portal.knowledge.models import ArticlePage

    jinxiu = Estate.objects.get(slug="jinxiu")
    chair = get_user_model().objects.get(phone=normalize_phone("13800138004"))
    assert seed_assembly(jinxiu, convener=chair) is True
    assembly = AssemblyPage.objects.get(slug=ASSEMBLY["slug"])

    client.force_login(chair)
    page = client.get(assembly.url).content.decode()
    assert "尚未记录" not in page  # the notice to the residents' committee is on record
    manage = client.get(reverse("voting:manage", args=[assembly.pk])).content.decode()
    assert "和平社区居民委员会" in manage and "尚未记录" not in manage
    for intro in (ASSEMBLY["intro"], PAST_ASSEMBLY["intro"]):
        assert "已告知" not in intro  # said by the record, never by prose

    rules = ArticlePage.objects.get(slug="rules-of-procedure")
    body = str(rules.body)
    [cap] = re.findall(r"每位受托人最多代理 (\d+) 位业主", body)
    assert assembly.proxy_cap_per_agent == int(cap)
    assert f"每位受托人最多代理 {cap} 位业主" in page
    assert "不限受托人代理人数" not in page
    [due, display] = re.findall(r"表决结束后 (\d+) 日内公告，公示不少于 (\d+) 日", body)[0]
    assert (assembly.result_due_days, assembly.result_display_days) == (int(due), int(display))

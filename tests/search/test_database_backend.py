"""The database backend: ranked full-text search over segmented words, with snippets.

Runs on SQLite (FTS5) by default and on PostgreSQL when DATABASE_URL points at one.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from search import service
from search.choices import DocumentKind, Ordering
from search.query import highlight
from tests.search.conftest import make_article, make_notice

pytestmark = pytest.mark.django_db


def titles(outcome) -> list[str]:
    return [hit.document.title for hit in outcome.hits]


@pytest.fixture
def lift_notice(estate_a):
    return make_notice(
        estate_a, "3号楼电梯维修通知", summary="3号楼2号电梯12月2日起停运维修，请使用1号电梯。"
    )


def test_wagtail_default_backend_finds_nothing_for_a_word_inside_a_chinese_title(lift_notice):
    """The measured fact this app exists for: a run of Chinese is one token to Wagtail."""
    from wagtail.search.backends import get_search_backend

    from portal.notices.models import NoticePage

    wagtail_hits = get_search_backend().search("电梯", NoticePage)
    assert list(wagtail_hits) == []


def test_ours_finds_a_word_inside_a_chinese_title(lift_notice, rebuild_index):
    rebuild_index()
    for query in ("电梯", "电梯维修", "3号楼", "维修"):
        assert titles(service.search(AnonymousUser(), query)) == ["3号楼电梯维修通知"], query


def test_every_query_term_is_required(estate_a, rebuild_index):
    make_notice(estate_a, "3栋临时停水通知", summary="二次供水水箱清洗")
    make_notice(estate_a, "全小区停电通知", summary="配电房检修")
    rebuild_index()
    outcome = service.search(AnonymousUser(), "停水 3栋")
    assert titles(outcome) == ["3栋临时停水通知"]
    assert not outcome.relaxed


def test_a_relaxed_retry_when_all_terms_find_nothing_and_the_reader_is_told(
    estate_a, rebuild_index
):
    make_notice(estate_a, "3栋临时停水通知", summary="二次供水水箱清洗")
    rebuild_index()
    outcome = service.search(AnonymousUser(), "停水 垃圾分类")
    assert outcome.relaxed
    assert titles(outcome) == ["3栋临时停水通知"]


def test_a_single_word_with_no_match_is_simply_empty(lift_notice, rebuild_index):
    rebuild_index()
    outcome = service.search(AnonymousUser(), "游泳池")
    assert outcome.total == 0 and not outcome.relaxed


def test_phrase_matches_rank_above_scattered_words(estate_a, rebuild_index):
    make_notice(
        estate_a,
        "小区公告",
        summary="本周安排：绿化修剪。另外，电梯年检已完成。下周进行屋面维修。",
    )
    make_notice(estate_a, "小区通知", summary="本周安排：5栋电梯维修，请住户留意。")
    rebuild_index()
    outcome = service.search(AnonymousUser(), "电梯维修")
    assert titles(outcome) == ["小区通知", "小区公告"]


def test_title_matches_rank_above_body_matches(estate_a, rebuild_index):
    make_notice(estate_a, "关于绿化的说明", summary="顺便提醒：管理规约规定不得毁坏绿化。")
    make_notice(estate_a, "管理规约修订说明", summary="修订条款见附件。")
    rebuild_index()
    assert titles(service.search(AnonymousUser(), "管理规约"))[0] == "管理规约修订说明"


def test_synonyms_find_the_long_form(estate_a, rebuild_index):
    make_notice(estate_a, "第二届业主委员会换届选举公告", summary="报名截止12月15日")
    rebuild_index()
    assert titles(service.search(AnonymousUser(), "业委会怎么选")) == [
        "第二届业主委员会换届选举公告"
    ]


def test_a_word_kept_whole_also_finds_its_parts_ranked_below_the_word_itself(
    estate_a, rebuild_index
):
    """委托投票 is one word to the dictionary, but articles write 委托他人投票 and
    委托代理人表决 (表决 being 投票's synonym)."""
    make_notice(estate_a, "关于委托他人投票的说明", summary="业主可以书面委托他人投票。")
    make_notice(estate_a, "书面委托代理人表决须知", summary="委托书须写明代理事项。")
    make_notice(estate_a, "委托投票规则", summary="委托投票须经业委会审核。")
    make_notice(estate_a, "业主大会投票指南", summary="线上投票的步骤。")
    make_notice(estate_a, "委托物业代收快递", summary="快递柜安装前由物业代收。")
    rebuild_index()
    found = titles(service.search(AnonymousUser(), "委托投票"))
    assert found[0] == "委托投票规则"
    assert sorted(found[1:]) == sorted(["关于委托他人投票的说明", "书面委托代理人表决须知"])


def test_a_part_match_never_outranks_the_word_however_often_its_parts_occur(
    estate_a, rebuild_index
):
    make_notice(estate_a, "委托与投票", summary="委托 委托 委托 投票 投票 投票 委托 投票")
    long_text = "<p>" + "正文很长，" * 40 + "提到了一次委托投票。</p>"
    make_notice(estate_a, "说明", body=[("paragraph", long_text)])
    rebuild_index()
    assert titles(service.search(AnonymousUser(), "委托投票")) == ["说明", "委托与投票"]


@pytest.mark.parametrize(
    ("typed", "offered"),
    [("维修资今", "维修资金"), ("业主大会议事规责", "业主大会议事规则"), ("物业废", "物业费")],
)
def test_nothing_found_offers_a_near_query_that_finds_something(
    estate_a, rebuild_index, typed, offered
):
    make_notice(estate_a, "业主大会议事规则", summary="专项维修资金的使用须经业主大会表决。")
    make_notice(estate_a, "物业费收支公示", summary="第三季度物业服务费收支明细。")
    rebuild_index()
    outcome = service.search(AnonymousUser(), typed)
    assert outcome.total == 0 or outcome.relaxed
    assert offered in outcome.suggestions


def test_a_suggestion_never_points_at_what_the_reader_may_not_open(estate_a, rebuild_index):
    from portal.community.choices import Visibility

    make_notice(estate_a, "地下车库充电桩安装方案", visibility=Visibility.MEMBERS)
    rebuild_index()
    assert service.search(AnonymousUser(), "地下车库充电桩安装方按").suggestions == []
    assert service.search(AnonymousUser(), "充电庄").suggestions == []


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("电动车充电", "电动自行车充电安全提示"),
        ("电瓶车", "电动自行车充电安全提示"),
        ("占用生命通道", "严禁占用消防通道"),
        ("停车位出租", "地下车位出租公告"),
        ("渗水", "3栋屋面漏水维修"),
    ],
)
def test_everyday_words_find_the_formal_ones(estate_a, rebuild_index, query, title):
    for made in (
        "电动自行车充电安全提示",
        "严禁占用消防通道",
        "地下车位出租公告",
        "3栋屋面漏水维修",
    ):
        make_notice(estate_a, made)
    rebuild_index()
    assert titles(service.search(AnonymousUser(), query)) == [title]


def test_a_full_width_query_finds_the_ascii_title_and_back(estate_a, rebuild_index):
    make_notice(estate_a, "3号楼电梯维修通知")
    make_notice(estate_a, "５栋外墙清洗")
    rebuild_index()
    assert titles(service.search(AnonymousUser(), "３号楼 电梯")) == ["3号楼电梯维修通知"]
    assert titles(service.search(AnonymousUser(), "5栋")) == ["５栋外墙清洗"]


def test_english_and_digits(estate_a, rebuild_index):
    make_notice(estate_a, "Lift inspection 2026", summary="Annual check of every lift.")
    rebuild_index()
    assert titles(service.search(AnonymousUser(), "lift")) == ["Lift inspection 2026"]
    assert titles(service.search(AnonymousUser(), "2026")) == ["Lift inspection 2026"]
    assert titles(service.search(AnonymousUser(), "LIFT")) == ["Lift inspection 2026"]


def test_facets_count_each_type_and_filter_by_type(estate_a, knowledge_a, rebuild_index):
    make_notice(estate_a, "电梯维修通知")
    make_notice(estate_a, "电梯年检通知")
    make_article(knowledge_a, "电梯维修与更新", body="费用按面积分摊")
    rebuild_index()
    outcome = service.search(AnonymousUser(), "电梯")
    assert outcome.kind_counts == {DocumentKind.NOTICE: 2, DocumentKind.KNOWLEDGE: 1}
    only_articles = service.search(AnonymousUser(), "电梯", kind=DocumentKind.KNOWLEDGE)
    assert titles(only_articles) == ["电梯维修与更新"]
    assert only_articles.total == 1
    # The facet still shows what the other types would give.
    assert only_articles.kind_counts[DocumentKind.NOTICE] == 2


def test_estate_filter(estate_a, estate_b, rebuild_index):
    make_notice(estate_a, "锦绣花园停水通知")
    make_notice(estate_b, "翠湖苑停水通知")
    rebuild_index()
    outcome = service.search(AnonymousUser(), "停水", estate_id=estate_b.pk)
    assert titles(outcome) == ["翠湖苑停水通知"]
    assert outcome.estate_counts == {estate_a.pk: 1, estate_b.pk: 1}


def test_newest_first_ordering(estate_a, rebuild_index):
    from datetime import timedelta

    from django.utils import timezone

    from portal.notices.models import NoticePage

    old = make_notice(estate_a, "停水通知 管道维修 停水 停水")
    new = make_notice(estate_a, "停电通知", summary="配电检修期间二次供水泵停水")
    NoticePage.objects.filter(pk=old.pk).update(first_published_at=timezone.now() - timedelta(30))
    rebuild_index()
    assert titles(service.search(AnonymousUser(), "停水"))[0] == old.title
    newest = service.search(AnonymousUser(), "停水", ordering=Ordering.NEWEST)
    assert titles(newest) == [new.title, old.title]


def test_pagination_pages_through_all_results(estate_a, rebuild_index):
    for n in range(12):
        make_notice(estate_a, f"第{n + 1}期电梯维保记录")
    rebuild_index()
    first = service.search(AnonymousUser(), "电梯", per_page=5)
    third = service.search(AnonymousUser(), "电梯", per_page=5, page=3)
    beyond = service.search(AnonymousUser(), "电梯", per_page=5, page=99)
    assert first.total == 12 and first.page.paginator.num_pages == 3
    assert len(third.hits) == 2 and third.page.number == 3
    assert titles(beyond) == titles(third)
    seen = {
        h.document.pk
        for p in (1, 2, 3)
        for h in service.search(AnonymousUser(), "电梯", per_page=5, page=p).hits
    }
    assert len(seen) == 12


def test_snippets_mark_the_words_and_escape_everything_else():
    text = "<script>alert(1)</script> 3号楼电梯维修 & 维修资金"
    html = str(highlight(text, ("电梯", "维修资金")))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark>电梯</mark>" in html and "<mark>维修资金</mark>" in html
    assert "&amp;" in html


def test_snippet_window_shows_where_the_words_meet():
    text = "电梯" + "。" * 300 + "电梯维修资金使用说明" + "。" * 300
    html = str(highlight(text, ("电梯", "维修资金"), length=60))
    assert html.startswith("…") and "<mark>维修资金</mark>" in html


def test_updating_and_deleting_rows_keeps_the_full_text_index_in_step(lift_notice, rebuild_index):
    from search.index import index_instance
    from search.models import SearchDocument

    rebuild_index()
    lift_notice.title = "3号楼门禁维修通知"
    lift_notice.summary = "门禁系统维修"
    lift_notice.body = []
    lift_notice.save_revision().publish()
    index_instance(lift_notice)
    assert titles(service.search(AnonymousUser(), "门禁")) == ["3号楼门禁维修通知"]
    assert service.search(AnonymousUser(), "电梯").total == 0
    SearchDocument.objects.all().delete()
    assert service.search(AnonymousUser(), "门禁").total == 0

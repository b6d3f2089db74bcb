"""Search: recall beside Wagtail's default backend, query latency at 100,000 documents, indexing rate.

(a) The labelled Chinese queries (tests/search/labelled_queries.py) over the demo content:
    recall@10 of our index and of Wagtail's default search backend (`Page.objects.live().search`,
    the usual site search), for the same reader (a verified owner of 锦绣花园).
(b) p50/p95 latency of a full search (segmentation, permission filter in the query, facet
    counts, ranked page of ids, rows loaded, snippets highlighted) over 100,000 generated
    documents, as a ratio to the raw full-text query on the same table (the same words AND-ed,
    ranked, first 10 ids; no permissions, facets or snippets). Target ≤ 2×.
(c) Indexing throughput: documents segmented and written (with the full-text index) per second.
"""

from __future__ import annotations

import os
import random
import time

from benchmarks.harness import percentile, report

DOCUMENTS = int(os.environ.get("BENCH_SEARCH_DOCUMENTS", "100000"))
ESTATES = 20
QUERY_ROUNDS = 6
LATENCY_QUERIES = [
    "维修资金",
    "业委会怎么选",
    "停水",
    "电梯维修",
    "物业费公示",
    "管理规约",
    "投票门槛",
    "3号楼",
    "消防通道",
    "充电桩",
    "业主大会",
    "高空抛物",
    "公共收益",
    "lift",
    "2026",
    "小区绿化",
    "停车位",
    "装修时间",
]

SUBJECTS = [
    "电梯",
    "二次供水",
    "消防通道",
    "地下车库",
    "充电桩",
    "小区绿化",
    "门禁系统",
    "监控设备",
    "屋面防水",
    "外墙",
    "停车位",
    "垃圾分类",
    "快递柜",
    "健身器材",
    "路灯",
]
BUILDINGS = [f"{n}号楼" for n in range(1, 13)] + [f"{n}栋" for n in range(1, 13)]
SENTENCES = [
    "{b}{s}需要维修，物业已联系施工单位，预计三天完成。",
    "业委会建议使用专项维修资金更换{b}的{s}，方案将提交业主大会表决。",
    "因{s}检修，{b}将于明日9:00至17:00停水，请提前储水。",
    "{b}{s}停电检修期间，电梯和门禁暂停运行，给您带来不便敬请谅解。",
    "第三季度物业费收缴率为百分之九十，公共收益收支明细在公告栏公示。",
    "管理规约规定，装修施工时间为工作日8:00至18:00，不得占用{s}。",
    "议事规则规定，业主大会会议应当提前15日通知全体业主。",
    "参与表决的专有部分面积和人数均须达到三分之二以上，这是投票门槛。",
    "业主反映{b}附近的{s}损坏，物业须在24小时内答复。",
    "社区居委会提醒：高空抛物危害大，请看好家中儿童。",
    "2026年业委会换届选举即将开始，欢迎业主报名候选人。",
    "The {s} in building {n} (lift, gate, lights) will be checked on Monday.",
    "新能源汽车充电桩安装须经物业同意，不得私拉电线。",
    "小区停车位不足，业委会正在征求意见，拟在地面增设车位。",
]
KINDS = ["notice", "notice", "knowledge", "assembly", "consultation", "deliberation"]


def _generated_documents(count: int, estates: list[int], rng: random.Random):
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from search.registry import Document

    visibilities = ["public"] * 6 + ["members"] * 3 + ["owners"]
    for n in range(count):
        subject = rng.choice(SUBJECTS)
        building = rng.choice(BUILDINGS)
        sentences = [
            rng.choice(SENTENCES).format(b=building, s=rng.choice(SUBJECTS), n=rng.randint(1, 12))
            for _ in range(rng.randint(3, 6))
        ]
        estate = rng.choice(estates + [None]) if n % 10 else None
        yield (
            n,
            Document(
                kind=rng.choice(KINDS),
                title=f"关于{building}{subject}的通知（第{n}号）",
                body="".join(sentences),
                url=f"/bench/{n}/",
                estate=estate,
                visibility=rng.choice(visibilities),
            ),
        )


def _recall() -> None:
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from wagtail.models import Page

    from demo import district as demo
    from demo.voting import MOTIONS
    from portal.home.visibility import may_view_page
    from search import service
    from search.index import rebuild
    from tests.search.labelled_queries import A_MEETING, LABELLED_QUERIES, page_title, recall_at

    demo.seed()
    rebuild()
    call_command("update_index", verbosity=0)
    owner = get_user_model().objects.get(email="owner@demo.gongzhi.cn")
    ours, wagtails = [], []
    for query, expected in LABELLED_QUERIES.items():
        found = [hit.document.title for hit in service.search(owner, query).hits]
        ours.append(recall_at(found, expected))
        pages = [
            p for p in Page.objects.live().specific().search(query)[:50] if may_view_page(owner, p)
        ][:10]
        titles = [page.title for page in pages]
        if A_MEETING in titles:  # the motions are on the meeting's page: count them as found
            titles += [m["title"] for m in MOTIONS]
        wagtails.append(recall_at([page_title(t) for t in titles], expected, k=len(titles)))
    report(f"recall@10, ours ({len(ours)} labelled queries)", sum(ours) / len(ours), "")
    report(
        "recall@10, Wagtail default backend (same content, same reader)",
        sum(wagtails) / len(wagtails),
        "",
    )


def _index_generated() -> tuple[float, int]:
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from benchmarks.harness import make_estate
    from search.index import build_row
    from search.models import SearchDocument

    estates = [make_estate(f"bench-search-{n}", f"搜索基准小区{n}").pk for n in range(ESTATES)]
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from portal.community.models import Estate

    by_pk = {e.pk: e for e in Estate.objects.filter(pk__in=estates)}
    content_type = ContentType.objects.get_for_model(SearchDocument)
    rng = random.Random(7)
    started = time.perf_counter()
    batch = []
    with transaction.atomic():
        for n, document in _generated_documents(DOCUMENTS, estates, rng):
            estate = by_pk.get(document.estate) if document.estate else None
            document = document.__class__(**{**document.__dict__, "estate": estate})
            batch.append(build_row(content_type, 10_000_000 + n, document))
            if len(batch) == 1000:
                SearchDocument.objects.bulk_create(batch)
                batch = []
        SearchDocument.objects.bulk_create(batch)
    seconds = time.perf_counter() - started
    return DOCUMENTS / seconds, estates[0]


def _raw_query(words: tuple[str, ...]):
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query = " & ".join("'" + w.replace("'", "''") + "'" for w in words)
            cursor.execute(
                "SELECT id FROM search_searchdocument WHERE search_vector @@ to_tsquery('simple', %s) "
                "ORDER BY ts_rank(search_vector, to_tsquery('simple', %s)) DESC LIMIT 10",
                [query, query],
            )
        else:
            query = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
            cursor.execute(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH %s ORDER BY rank LIMIT 10",
                [query],
            )
        return cursor.fetchall()


def _latency(member_estate: int) -> None:
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from search import service
    from search.query import Audience
    from search.segment import parse_query

    # A member and verified owner of one estate: the common reader, with a real filter.
    audience = Audience(
        signed_in=True,
        member_estates=frozenset({member_estate}),
        owner_estates=frozenset({member_estate}),
    )
    parsed = {q: parse_query(q) for q in LATENCY_QUERIES}
    for q in LATENCY_QUERIES:  # warm caches
        service.search(None, q, audience=audience)
        _raw_query(parsed[q].words)
    ours: list[float] = []
    raw: list[float] = []
    for _ in range(QUERY_ROUNDS):
        for q in LATENCY_QUERIES:
            started = time.perf_counter()
            _raw_query(parse_query(q).words)
            raw.append(time.perf_counter() - started)
            started = time.perf_counter()
            service.search(None, q, audience=audience)
            ours.append(time.perf_counter() - started)
    for label, values in (("p50", 50), ("p95", 95)):
        ours_value, raw_value = percentile(ours, values), percentile(raw, values)
        report(f"{label} full search (ms)", ours_value * 1000, "ms")
        report(f"{label} raw full-text query, same table (ms)", raw_value * 1000, "ms")
        report(f"{label} ratio full ÷ raw  [target ≤ 2]", ours_value / raw_value, "×")


def run() -> None:
    import logging

    from django.db import connection

    logging.getLogger("django-q").setLevel(logging.WARNING)  # the sync indexing tasks
    print(f"   database: {connection.vendor}")
    _recall()
    rate, estate = _index_generated()
    report(f"indexing throughput ({DOCUMENTS:,} generated documents)", rate, "docs/s")
    _latency(estate)

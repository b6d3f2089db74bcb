"""A consultation's public results page with 2,000 responses, against the raw aggregate query.

The page (routing, permissions, every aggregate, SVG charts, the opinions by section (the
first 100 of each), the template) is timed through Django's test client; the raw figure is one hand-written SQL
GROUP BY over the answers that yields the choice and score counts with their weights. Same
run, same database: the ratio says what the page costs beyond the counting itself.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.utils import timezone

from benchmarks.activity import bulk_responses
from benchmarks.harness import median, report, timed

RESPONSES = 2000
REPEAT = 7

RAW_SQL = """
SELECT a.question_id, a.choice, a.scale, COUNT(*), SUM(r.unit_weight), SUM(r.area_weight)
FROM consultations_answer a
JOIN consultations_response r ON r.id = a.response_id
WHERE r.consultation_id = %s AND (a.choice IS NOT NULL OR a.scale IS NOT NULL)
GROUP BY a.question_id, a.choice, a.scale
"""


def _consultation(estate):
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from consultations.models import (
        ConsultationIndexPage,
        ConsultationPage,
        ConsultationQuestion,
        ConsultationSection,
    )

    index = ConsultationIndexPage.objects.descendant_of(estate.page).get()
    now = timezone.now()
    page = ConsultationPage(
        title="《管理规约（修订草案）》征求意见",
        slug="bench-covenant",
        purpose="基准测试",
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=1),
    )
    for order, heading in enumerate(("第一章 总则", "第二章 停车管理", "第三章 装修管理")):
        page.sections.add(
            ConsultationSection(heading=heading, body="<p>条文</p>", sort_order=order)
        )
    questions = [
        {"kind": "single", "text": "是否赞成", "choices": "赞成\n反对\n无所谓"},
        {"kind": "multiple", "text": "关心的条款", "choices": "停车\n装修\n宠物\n垃圾分类"},
        {"kind": "scale", "text": "满意度"},
        {"kind": "text", "text": "其他建议", "required": False},
    ]
    for order, question in enumerate(questions):
        page.questions.add(ConsultationQuestion(sort_order=order, **question))
    index.add_child(instance=page)
    page.save_revision().publish()
    return ConsultationPage.objects.get(pk=page.pk)


def run() -> None:
    # Imported after django.setup(): benchmarks/__main__.py sets Django up, then runs this.
    from benchmarks.harness import make_estate
    from consultations.models import ConsultationPage

    estate = make_estate("bench-consultation", "征求意见基准小区")
    consultation = _consultation(estate)
    bulk_responses(consultation, RESPONSES)
    # Closed: the results are public, so an anonymous reader sees them (no page cache here).
    ConsultationPage.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(hours=1)
    )
    url = consultation.subpage_url("results")
    client = Client()

    def render() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, [consultation.pk])
            rows = cursor.fetchall()
        assert rows

    render()
    raw()
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        render()
    page_times, raw_times = [], []
    for _ in range(REPEAT):  # alternate, so a busy machine slows both alike
        page_times += timed(render, repeat=1)
        raw_times += timed(raw, repeat=1)
    page_ms, raw_ms = median(page_times) * 1000, median(raw_times) * 1000
    report(f"results page, {RESPONSES:,} responses (median of {REPEAT})", page_ms, "ms")
    report("queries per results page render", len(queries), "queries")
    report("raw SQL GROUP BY of the same figures", raw_ms, "ms")
    report("results page ÷ raw aggregate query", page_ms / raw_ms, "×")

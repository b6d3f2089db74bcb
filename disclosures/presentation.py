"""What the disclosure pages show, assembled in a bounded number of queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import visibility
from deliberation.models import Post
from disclosures import charts, content, deadlines
from disclosures.actions import problems_of
from disclosures.checks import money
from disclosures.choices import DisclosureState, Section, Timeliness
from disclosures.content import heading
from disclosures.models import Disclosure, DisclosureRecord, LineQuestion
from portal.community import permissions
from portal.community.choices import Party


def estate_overview(user: Any, estate) -> dict[str, Any]:
    """Return the estate's disclosures (drafts for those who may see them), each expected
    period's timeliness, and the trend charts across published periods."""
    drafts = permissions.may(user, "see_disclosure_drafts", estate)
    disclosures = Disclosure.objects.filter(estate=estate).order_by("-period_start")
    if not drafts:
        disclosures = disclosures.filter(state=DisclosureState.PUBLISHED)
    disclosures = list(disclosures)
    today = timezone.localdate()
    status = period_statuses(estate, today=today)
    published = sorted((d for d in disclosures if d.is_published), key=lambda d: d.period_start)
    latest = _latest_contents(published)
    labels = [d.period_label for d in published]
    income = [_total(latest.get(d.pk), "common_income_total") for d in published]
    share = [_total(latest.get(d.pk), "owners_share_total") for d in published]
    received = [_total(latest.get(d.pk), "collection_received") for d in published]
    trend = (
        charts.trend_chart(
            _("共有部分收入与业主收益（元）"), labels, {_("收入"): income, _("业主收益"): share}
        )
        if len(published) > 1
        else ""
    )
    collection_trend = (
        charts.trend_chart(_("物业费实收（元）"), labels, {_("实收"): received})
        if len(published) > 1
        else ""
    )
    return {
        "estate": estate,
        "disclosures": disclosures,
        "statuses": status,
        "trend": trend,
        "collection_trend": collection_trend,
        "may_enter": permissions.may(user, "enter_disclosures", estate),
        "may_review": permissions.may(user, "review_disclosures", estate),
    }


def period_statuses(estate, *, today) -> list[dict[str, Any]]:
    """Return each expected period with its disclosure and Timeliness, newest first."""
    published_at = {
        d.period_start: d
        for d in Disclosure.objects.filter(estate=estate).only(
            "pk", "period_start", "period_end", "published_at", "state", "estate_id"
        )
    }
    first = min(published_at, default=None)
    rules = deadlines.rules_for([estate.pk], first_starts={estate.pk: first} if first else {})[
        estate.pk
    ]
    rows = []
    for period in deadlines.expected_periods(rules, until=today):
        found = published_at.get(period.start)
        state = deadlines.timeliness(period.due, found.published_at if found else None, today)
        rows.append(
            {
                "period": period,
                "disclosure": found,
                "timeliness": state,
                "label": Timeliness(state).label,
            }
        )
    return list(reversed(rows))


def _latest_contents(disclosures) -> dict[int, dict]:
    latest: dict[int, dict] = {}
    for record in DisclosureRecord.objects.filter(disclosure__in=disclosures).order_by(
        "disclosure_id", "sequence"
    ):
        latest[record.disclosure_id] = record.content
    return latest


def _total(body: dict | None, name: str) -> Decimal | None:
    if body is None:
        return None
    return content.decimal_or_none(body["totals"].get(name))


def answers_by_line(line_ids) -> dict[int, list[dict[str, Any]]]:
    """Return {line id: questions}, each with its thread, deadlines and the property company's
    first official answer, shown only while deliberation.visibility says its words may be."""
    questions = list(
        LineQuestion.objects.filter(line_id__in=list(line_ids)).select_related("thread__estate")
    )
    thread_ids = [q.thread_id for q in questions]
    answers: dict[int, Any] = {}
    for post in visibility.shown_posts(
        Post.objects.filter(thread_id__in=thread_ids, official_party=Party.PROPERTY)
    ).order_by("official_at", "pk"):
        answers.setdefault(post.thread_id, post)
    now = timezone.now()
    result: dict[int, list[dict[str, Any]]] = {}
    for question in questions:
        thread = question.thread
        result.setdefault(question.line_id, []).append(
            {
                "thread": thread,
                "title": visibility.shown_title(thread),
                "from_review": question.from_review,
                "answer": answers.get(thread.pk),
                "response_status": thread.response_status(now),
                "overdue": thread.is_overdue(now),
            }
        )
    return result


def disclosure_page(user: Any, disclosure: Disclosure) -> dict[str, Any]:
    estate = disclosure.estate
    records = list(disclosure.records.select_related("recorded_by").order_by("sequence"))
    record = records[-1] if records else None
    body = record.content if record else content.build(disclosure)
    tables = content.tables(body)
    answers = answers_by_line([item["id"] for item in body["lines"]])
    for table in tables:
        for row in table.rows:
            row["questions"] = answers.get(row["id"], [])
            row["needs_decision"] = (
                table.section == Section.FUND
                and bool(row.get("outflow"))
                and not (row.get("decision") or "").strip()
            )
        table.headings = [content.heading(c) for c in table.columns]
        for row in table.rows:
            row["cells"] = [
                (h, _cell(c, row), c in NUMERIC)
                for h, c in zip(table.headings, table.columns, strict=True)
            ]
        table.opening_text = money(table.opening) if table.opening is not None else ""
        table.closing_text = money(table.closing) if table.closing is not None else ""
        table.total_cells = _total_cells(table)
        if table.section == Section.COMMON_INCOME and table.rows:
            table.chart = charts.income_by_source(table.rows, title=_("共有部分收入（按来源）"))
    corrections = [
        {"record": r, "changes": [_described_change(c, body) for c in r.changes]}
        for r in records[1:]
    ]
    check_result = None
    if not disclosure.is_published:
        check_result = problems_of(disclosure)
    may_enter = permissions.may(user, "enter_disclosures", estate)
    may_review = permissions.may(user, "review_disclosures", estate)
    rate = content.collection_rate(body)
    return {
        "estate": estate,
        "disclosure": disclosure,
        "record": record,
        "records": records,
        "tables": tables,
        "corrections": corrections,
        "collection_rate": f"{rate.quantize(Decimal('0.01'))}%" if rate is not None else None,
        "check": check_result,
        "may_enter": may_enter,
        "may_review": may_review,
        "may_ask": disclosure.is_published and permissions.may(user, "participate", estate),
        "may_correct": disclosure.is_published and (may_enter or may_review),
        "flagged": [r for t in tables for r in t.rows if r.get("needs_decision")],
    }


NUMERIC = frozenset(
    {"rate", "receivable", "received", "income", "cost", "owners_share", "inflow", "outflow"}
)


def _cell(column: str, row: dict[str, Any]) -> str:
    value = row.get(column)
    if column == "rate":
        return f"{value}" if value is not None else "—"
    if column in ("receivable", "received", "income", "cost", "owners_share", "inflow", "outflow"):
        return money(value) if value is not None else "—"
    return value or ("—" if column != "label" else "")


def _total_cells(table) -> list[dict[str, Any]] | None:
    if not table.totals:
        return None
    cells = []
    for column in table.columns:
        if column in table.totals:
            declared, summed = table.totals[column]
            cells.append(
                {
                    "text": money(declared),
                    "adds_up": declared == summed,
                    "heading": content.heading(column),
                    "num": True,
                }
            )
        elif column == "label":
            cells.append({"text": _("合计"), "adds_up": True, "heading": ""})
        else:
            cells.append({"text": "", "adds_up": True, "heading": content.heading(column)})
    return cells


def _described_change(change: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    label = _("合计")
    if change.get("line") is not None:
        label = next((i["label"] for i in body["lines"] if i["id"] == change["line"]), "")
    return {
        "item": label,
        "column": heading(change["field"]),
        "old": change.get("old") or "—",
        "new": change.get("new") or "—",
    }


def correction_targets(record: DisclosureRecord | None) -> list[tuple[str, str]]:
    if record is None:
        return []
    targets = []
    for item in record.content["lines"]:
        for column in content.COLUMNS[item["section"]]:
            if column == "label":
                continue
            targets.append(
                (
                    f"line:{item['id']}:{column}",
                    f"{Section(item['section']).label} · {item['label']} · {content.heading(column)}",
                )
            )
    for name in record.content["totals"]:
        targets.append((f"total:{name}", f"{_('合计')} · {content.heading(name)}"))
    return targets


def review_page(disclosure: Disclosure) -> dict[str, Any]:
    lines = list(
        disclosure.lines.select_related("review", "review__reviewed_by")
        .prefetch_related(
            Prefetch("questions", queryset=LineQuestion.objects.select_related("thread"))
        )
        .order_by("section", "position", "pk")
    )
    sections = []
    for section in Section:
        rows = [line for line in lines if line.section == section.value]
        if rows:
            for line in rows:
                line.summary = " · ".join(
                    _cell(c, {c: getattr(line, c)})
                    for c in content.COLUMNS[section.value]
                    if c != "label"
                )
            sections.append((section.label, rows))
    reviewed = sum(1 for line in lines if hasattr(line, "review"))
    return {
        "estate": disclosure.estate,
        "disclosure": disclosure,
        "sections": sections,
        "reviewed": reviewed,
        "total": len(lines),
        "queried": sum(
            1
            for line in lines
            if getattr(getattr(line, "review", None), "decision", "") == "queried"
        ),
    }


def export_rows(disclosure: Disclosure, body: dict[str, Any], record: DisclosureRecord | None):
    """Return the disclosure as one table for CSV/XLSX: numbers stay numbers (Decimal)."""
    yield [_("小区"), disclosure.estate.name, _("期间"), disclosure.period_label]
    if record is not None:
        yield ["SHA-256", record.sha256, _("版本"), record.sequence]
    for table in content.tables(body):
        yield []
        yield [table.title]
        yield [content.heading(c) for c in table.columns]
        for row in table.rows:
            yield [row.get(c) if row.get(c) is not None else "" for c in table.columns]
        if table.totals:
            yield [
                _("合计") if c == "label" else (table.totals[c][0] if c in table.totals else "")
                for c in table.columns
            ]
        if table.section == Section.FUND:
            yield [_("期初余额"), table.opening if table.opening is not None else ""]
            yield [_("期末余额"), table.closing if table.closing is not None else ""]

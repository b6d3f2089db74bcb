"""Every change to disclosures and evaluations, one function each, in a transaction, with its
audit event and notifications. Views, the admin hooks, tasks and the demo call these."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.actions import start_thread
from deliberation.choices import IssueCategory, ThreadKind
from disclosures import content as disclosure_content
from disclosures.checks import AMOUNT_FIELDS, TOTAL_FIELDS, Problem, check
from disclosures.choices import DisclosureState, ReviewDecision
from disclosures.models import (
    Disclosure,
    DisclosureLine,
    DisclosureRecord,
    LineQuestion,
    LineReview,
)
from disclosures.sheets import parse, sheet_of
from portal.community import audit, permissions
from portal.community.choices import Party
from portal.community.membership import party_user_ids
from portal.community.models import Estate
from portal.notifications.api import notify

REASON_MAX = 500
QUESTION_TITLE_MAX = 120


class Refused(Exception):
    """The change was refused; `problems` lists every reason (nothing was changed)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def disclosure_url(disclosure: Disclosure) -> str:
    return reverse("disclosures:detail", args=[disclosure.estate.slug, disclosure.pk])


def _notify(
    recipients: Iterable[int],
    *,
    estate: Estate,
    title: str,
    url: str,
    key: str,
    actor: Any = None,
    body: str = "",
    category: str = "notice",
    urgency: str = "normal",
):
    return notify(
        list(recipients),
        category=category,
        title=title[:100],
        body=body[:2000],
        url=url,
        urgency=urgency,
        estate=estate,
        dedupe_key=key,
        actor=actor,
    )


def _party_ids(estate: Estate, party: str) -> list[int]:
    return party_user_ids(estate, party)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- entering ----------------------------------------------------------------------------


@transaction.atomic
def import_disclosure(
    estate: Estate, user: Any, fileobj: Any, *, file_name: str = ""
) -> Disclosure:
    """Create a draft disclosure from the XLSX template: all of it, or nothing.

    Refused (Refused, listing every problem by sheet, row and column) for an unreadable file,
    a missing sheet or column, text in a number cell, a negative amount, a table that does not
    add up to its total, or a period that already has a disclosure.
    """
    _require(
        permissions.may(user, "enter_disclosures", estate), _("只有物业服务企业可以录入信息公开。")
    )
    parsed = parse(fileobj)
    problems = list(parsed.errors)
    if (
        parsed.period_start is not None
        and Disclosure.objects.filter(estate=estate, period_start=parsed.period_start).exists()
    ):
        problems.append(
            Problem(
                "基本信息",
                None,
                _("期间开始"),
                _("%(estate)s 这一期（%(start)s 起）的信息公开已经存在，不能重复导入。")
                % {"estate": estate.name, "start": parsed.period_start.isoformat()},
            )
        )
    # The arithmetic is checked even when some cells were refused, so every error is listed.
    result = check(parsed.lines, parsed.totals, total_rows=parsed.total_rows)

    problems.extend(Problem(sheet_of(p.section), p.row, p.column, p.message) for p in result.errors)
    if problems:
        raise Refused(problems)
    disclosure = Disclosure(
        estate=estate,
        period_start=parsed.period_start,
        period_end=parsed.period_end,
        source_file=(file_name or "")[:200],
        created_by=user,
        **{name: parsed.totals.get(name) for name in TOTAL_FIELDS},
    )
    try:
        with transaction.atomic():
            disclosure.save()
    except IntegrityError as exc:  # the same period imported twice at once
        raise Refused(
            [
                Problem(
                    "基本信息", None, _("期间开始"), _("这一期的信息公开已经存在，不能重复导入。")
                )
            ]
        ) from exc
    counters: dict[str, int] = {}
    new_lines = []
    for line in parsed.lines:
        counters[line.section] = counters.get(line.section, 0) + 1
        new_lines.append(
            DisclosureLine(
                disclosure=disclosure,
                section=line.section,
                position=counters[line.section],
                label=line.label[:200],
                **{k: v for k, v in line.values.items() if k in _LINE_FIELDS},
            )
        )
    DisclosureLine.objects.bulk_create(new_lines)
    audit.record(
        "disclosures.imported",
        actor=user,
        obj=disclosure,
        estate=estate,
        period_start=disclosure.period_start.isoformat(),
        lines=len(parsed.lines),
        file_name=disclosure.source_file,
    )
    return disclosure


_LINE_FIELDS = {"responsible", "standard", "rate", *AMOUNT_FIELDS, "decision", "note"}


def _lock(disclosure: Disclosure) -> Disclosure:
    return Disclosure.objects.select_for_update().select_related("estate").get(pk=disclosure.pk)


def problems_of(disclosure: Disclosure):
    """Return the check result of the disclosure as it stands in the database."""
    lines, totals = disclosure_content.check_lines(disclosure_content.build(disclosure))
    return check(lines, totals)


@transaction.atomic
def submit_for_review(
    disclosure: Disclosure, user: Any, *, now: datetime | None = None
) -> Disclosure:
    """Hand a draft to the committee for review, once its tables add up."""
    disclosure = _lock(disclosure)
    estate = disclosure.estate
    _require(
        permissions.may(user, "enter_disclosures", estate), _("只有物业服务企业可以提交审核。")
    )
    if disclosure.state != DisclosureState.DRAFT:
        raise ValidationError(_("只有草稿可以提交审核。"))
    result = problems_of(disclosure)
    if result.errors:
        raise Refused(result.errors)
    if not disclosure.lines.exists():
        raise ValidationError(_("信息公开没有任何明细，不能提交。"))
    disclosure.state = DisclosureState.SUBMITTED
    disclosure.submitted_at = now or timezone.now()
    disclosure.save(update_fields=["state", "submitted_at"])
    audit.record("disclosures.submitted", actor=user, obj=disclosure, estate=estate)
    _notify(
        _party_ids(estate, Party.COMMITTEE),
        estate=estate,
        title=_("%(period)s 信息公开待审核") % {"period": disclosure.period_label},
        url=reverse("disclosures:review", args=[estate.slug, disclosure.pk]),
        key=f"disclosures:{disclosure.pk}:submitted:{disclosure.submitted_at.isoformat()}",
        actor=user,
        category="action_item",
        urgency="important",
    )
    return disclosure


@transaction.atomic
def return_to_draft(disclosure: Disclosure, user: Any, *, reason: str) -> Disclosure:
    """Send a disclosure under review back to the company to correct (reviews are kept)."""
    disclosure = _lock(disclosure)
    estate = disclosure.estate
    _require(permissions.may(user, "review_disclosures", estate), _("只有业主委员会可以退回。"))
    reason = " ".join((reason or "").split())
    if disclosure.state != DisclosureState.SUBMITTED:
        raise ValidationError(_("只有待审核的信息公开可以退回。"))
    if not reason:
        raise ValidationError({"reason": _("请说明退回原因。")})
    disclosure.state = DisclosureState.DRAFT
    disclosure.save(update_fields=["state"])
    audit.record(
        "disclosures.returned",
        actor=user,
        obj=disclosure,
        estate=estate,
        reason=reason[:REASON_MAX],
    )
    _notify(
        _party_ids(estate, Party.PROPERTY),
        estate=estate,
        title=_("%(period)s 信息公开被退回修改") % {"period": disclosure.period_label},
        body=reason,
        url=reverse("disclosures:detail", args=[estate.slug, disclosure.pk]),
        key=f"disclosures:{disclosure.pk}:returned:{timezone.now().isoformat()}",
        actor=user,
        category="action_item",
    )
    return disclosure


# --- reviewing and publishing ----------------------------------------------------------------


@transaction.atomic
def review_line(
    line: DisclosureLine, user: Any, *, decision: str, reason: str = "", now: datetime | None = None
) -> LineReview:
    """Confirm or query one line. A query needs a reason and becomes a question to the
    property company (an issue report with the usual deadlines), linked to the line."""
    now = now or timezone.now()
    disclosure = _lock(line.disclosure)
    estate = disclosure.estate
    _require(permissions.may(user, "review_disclosures", estate), _("只有业主委员会可以审核。"))
    if disclosure.state != DisclosureState.SUBMITTED:
        raise ValidationError(_("只有待审核的信息公开可以逐行审核。"))
    reason = " ".join((reason or "").split())
    if decision not in ReviewDecision.values:
        raise ValidationError({"decision": _("请选择确认或质询。")})
    if decision == ReviewDecision.QUERIED and not reason:
        raise ValidationError({"reason": _("质询须写明理由。")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("理由最多 %(n)s 字。") % {"n": REASON_MAX}})
    review, _created = LineReview.objects.update_or_create(
        line=line,
        defaults={"decision": decision, "reason": reason, "reviewed_by": user, "reviewed_at": now},
    )
    audit.record(
        "disclosures.line_reviewed",
        actor=user,
        obj=disclosure,
        estate=estate,
        line=line.pk,
        decision=decision,
        reason=reason,
    )
    if decision == ReviewDecision.QUERIED and not line.questions.filter(from_review=True).exists():
        _open_question(line, disclosure, user, body=reason, from_review=True, now=now)
    return review


@transaction.atomic
def publish(disclosure: Disclosure, user: Any, *, now: datetime | None = None) -> DisclosureRecord:
    """Publish a reviewed disclosure: freeze it and record its content with its SHA-256.

    Every line must have been confirmed or queried; queried lines are published with the
    committee's query beside them.
    """
    now = now or timezone.now()
    disclosure = _lock(disclosure)
    estate = disclosure.estate
    _require(permissions.may(user, "review_disclosures", estate), _("只有业主委员会可以公开。"))
    if disclosure.state != DisclosureState.SUBMITTED:
        raise ValidationError(_("只有审核中的信息公开可以公开。"))
    unreviewed = disclosure.lines.filter(review__isnull=True).count()
    if unreviewed:
        raise ValidationError(
            _("还有 %(n)s 行未审核：每一行都须确认或质询后才能公开。") % {"n": unreviewed}
        )
    result = problems_of(disclosure)
    if result.errors:
        raise Refused(result.errors)
    body = disclosure_content.build(disclosure)
    record = DisclosureRecord.objects.create(
        disclosure=disclosure,
        sequence=1,
        kind=DisclosureRecord.Kind.PUBLICATION,
        content=body,
        sha256=disclosure_content.digest(body),
        recorded_by=user,
        recorded_at=now,
    )
    # The last write to the row: from here the database refuses any other (migration 0002).
    Disclosure.objects.filter(pk=disclosure.pk).update(
        state=DisclosureState.PUBLISHED, published_at=now, published_by=user
    )
    audit.record(
        "disclosures.published", actor=user, obj=disclosure, estate=estate, sha256=record.sha256
    )
    _notify(
        _party_ids(estate, Party.PROPERTY),
        estate=estate,
        title=_("%(period)s 信息公开已公开") % {"period": disclosure.period_label},
        url=disclosure_url(disclosure),
        key=f"disclosures:{disclosure.pk}:published",
        actor=user,
    )
    return record


def latest_record(disclosure: Disclosure) -> DisclosureRecord | None:
    return disclosure.records.order_by("-sequence").first()


@transaction.atomic
def correct(
    disclosure: Disclosure,
    user: Any,
    *,
    changes: list[dict[str, Any]],
    reason: str,
    now: datetime | None = None,
) -> DisclosureRecord:
    """Record a correction of a published disclosure: each change with its old and new value.

    `changes` items are {"line": id or None, "field": name, "new": "123.45"}. The corrected
    content must still add up; the record chains to the previous one by its hash.
    """
    now = now or timezone.now()
    disclosure = Disclosure.objects.select_related("estate").get(pk=disclosure.pk)
    estate = disclosure.estate
    _require(
        permissions.may(user, "enter_disclosures", estate)
        or permissions.may(user, "review_disclosures", estate),
        _("只有物业服务企业和业主委员会可以更正。"),
    )
    if not disclosure.is_published:
        raise ValidationError(_("只有已公开的信息公开需要更正；草稿可以直接修改。"))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("请说明更正原因。")})
    previous = (
        DisclosureRecord.objects.select_for_update()
        .filter(disclosure=disclosure)
        .order_by("-sequence")
        .first()
    )
    current = previous.content
    lines = {item["id"]: item for item in current["lines"]}
    stated = []
    for change in changes:
        field_name = change.get("field")
        line_id = change.get("line")
        if line_id is not None:
            if line_id not in lines or field_name not in (
                *AMOUNT_FIELDS,
                "rate",
                "label",
                "responsible",
                "standard",
                "decision",
                "note",
            ):
                raise ValidationError(_("更正的项目不存在。"))
            old = lines[line_id].get(field_name)
        else:
            if field_name not in TOTAL_FIELDS:
                raise ValidationError(_("更正的项目不存在。"))
            old = current["totals"].get(field_name)
        new = change.get("new")
        if field_name in (*AMOUNT_FIELDS, *TOTAL_FIELDS):
            new = None if new in (None, "") else str(Decimal(str(new)).quantize(Decimal("0.01")))
        elif field_name == "rate":
            new = None if new in (None, "") else str(Decimal(str(new)).quantize(Decimal("0.0001")))
        if new == old:
            continue
        stated.append({"line": line_id, "field": field_name, "old": old, "new": new})
    if not stated:
        raise ValidationError(_("没有任何改动。"))
    after = disclosure_content.apply_changes(current, stated)
    check_input = disclosure_content.check_lines(after)
    result = check(*check_input)
    if result.errors:
        raise Refused(result.errors)
    record = DisclosureRecord.objects.create(
        disclosure=disclosure,
        sequence=previous.sequence + 1,
        kind=DisclosureRecord.Kind.CORRECTION,
        content=after,
        sha256=disclosure_content.digest(after),
        previous_sha256=previous.sha256,
        changes=stated,
        reason=reason[:REASON_MAX],
        recorded_by=user,
        recorded_at=now,
    )
    audit.record(
        "disclosures.corrected",
        actor=user,
        obj=disclosure,
        estate=estate,
        changes=stated,
        reason=reason,
    )
    return record


# --- questions on a line ------------------------------------------------------------------


def _open_question(line, disclosure, user, *, body: str, from_review: bool, now) -> LineQuestion:
    title = _("【信息公开】%(period)s · %(item)s") % {
        "period": disclosure.period_label,
        "item": line.label,
    }
    thread = start_thread(
        disclosure.estate,
        user,
        kind=ThreadKind.ISSUE,
        category=IssueCategory.INQUIRY,
        title=title[:QUESTION_TITLE_MAX],
        body=body,
        now=now,
    )
    return LineQuestion.objects.create(
        line=line, thread=thread, from_review=from_review, created_at=now
    )


@transaction.atomic
def ask_about_line(
    line: DisclosureLine, user: Any, *, body: str, now: datetime | None = None
) -> LineQuestion:
    """An owner asks about one line of a published disclosure: an issue report to the
    property company, with the estate's 24 h / 48 h deadlines, linked to the line."""
    now = now or timezone.now()
    disclosure = Disclosure.objects.select_related("estate").get(pk=line.disclosure_id)
    estate = disclosure.estate
    _require(permissions.may(user, "participate", estate), _("只有本小区的业主和住户可以提问。"))
    if not disclosure.is_published:
        raise ValidationError(_("信息公开尚未公开。"))
    if not (body or "").strip():
        raise ValidationError({"body": _("请写下您的问题。")})
    question = _open_question(line, disclosure, user, body=body, from_review=False, now=now)
    audit.record(
        "disclosures.question_asked",
        actor=user,
        obj=disclosure,
        estate=estate,
        line=line.pk,
        thread=question.thread_id,
    )
    return question

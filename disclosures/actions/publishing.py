"""Reviewing and publishing: the committee's review of each line, publishing the disclosure
(a record that chains to the last), and correcting a published one.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosures import content as disclosure_content
from disclosures.actions.common import (
    REASON_MAX,
    Refused,
    disclosure_url,
    lock_disclosure,
    notify_about,
    party_ids,
    require,
)
from disclosures.actions.entering import problems_of
from disclosures.actions.questions import open_question
from disclosures.checks import AMOUNT_FIELDS, TOTAL_FIELDS, check
from disclosures.choices import DisclosureState, ReviewDecision
from disclosures.models import Disclosure, DisclosureLine, DisclosureRecord, LineReview
from portal.community import audit, permissions
from portal.community.choices import Party


@transaction.atomic
def review_line(
    line: DisclosureLine, user: Any, *, decision: str, reason: str = "", now: datetime | None = None
) -> LineReview:
    """Confirm or query one line. A query needs a reason and becomes a question to the
    property company (an issue report with the usual deadlines), linked to the line."""
    now = now or timezone.now()
    disclosure = lock_disclosure(line.disclosure)
    estate = disclosure.estate
    require(permissions.may(user, "review_disclosures", estate), _("只有业主委员会可以审核。"))
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
        open_question(line, disclosure, user, body=reason, from_review=True, now=now)
    return review


@transaction.atomic
def publish(disclosure: Disclosure, user: Any, *, now: datetime | None = None) -> DisclosureRecord:
    """Publish a reviewed disclosure: freeze it and record its content with its SHA-256.

    Every line must have been confirmed or queried; queried lines are published with the
    committee's query beside them.
    """
    now = now or timezone.now()
    disclosure = lock_disclosure(disclosure)
    estate = disclosure.estate
    require(permissions.may(user, "review_disclosures", estate), _("只有业主委员会可以公开。"))
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
    notify_about(
        party_ids(estate, Party.PROPERTY),
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
    require(
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

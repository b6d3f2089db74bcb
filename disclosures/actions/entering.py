"""Entering a disclosure: importing the template's sheets, submitting it for the committee's
review (refused while its figures do not add up), returning it to draft.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from disclosures import content as disclosure_content
from disclosures.actions.common import (
    REASON_MAX,
    Refused,
    lock_disclosure,
    notify_about,
    party_ids,
    require,
)
from disclosures.checks import AMOUNT_FIELDS, TOTAL_FIELDS, Problem, check
from disclosures.choices import DisclosureState
from disclosures.models import Disclosure, DisclosureLine
from disclosures.sheets import parse, sheet_of
from portal.community import audit, permissions
from portal.community.choices import Party
from portal.community.models import Estate

_LINE_FIELDS = {"responsible", "standard", "rate", *AMOUNT_FIELDS, "decision", "note"}


@transaction.atomic
def import_disclosure(
    estate: Estate, user: Any, fileobj: Any, *, file_name: str = ""
) -> Disclosure:
    """Create a draft disclosure from the XLSX template: all of it, or nothing.

    Refused (Refused, listing every problem by sheet, row and column) for an unreadable file,
    a missing sheet or column, text in a number cell, a negative amount, a table that does not
    add up to its total, or a period that already has a disclosure.
    """
    require(
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


def problems_of(disclosure: Disclosure):
    """Return the check result of the disclosure as it stands in the database."""
    lines, totals = disclosure_content.check_lines(disclosure_content.build(disclosure))
    return check(lines, totals)


@transaction.atomic
def submit_for_review(
    disclosure: Disclosure, user: Any, *, now: datetime | None = None
) -> Disclosure:
    """Hand a draft to the committee for review, once its tables add up."""
    disclosure = lock_disclosure(disclosure)
    estate = disclosure.estate
    require(permissions.may(user, "enter_disclosures", estate), _("只有物业服务企业可以提交审核。"))
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
    notify_about(
        party_ids(estate, Party.COMMITTEE),
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
    disclosure = lock_disclosure(disclosure)
    estate = disclosure.estate
    require(permissions.may(user, "review_disclosures", estate), _("只有业主委员会可以退回。"))
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
    notify_about(
        party_ids(estate, Party.PROPERTY),
        estate=estate,
        title=_("%(period)s 信息公开被退回修改") % {"period": disclosure.period_label},
        body=reason,
        url=reverse("disclosures:detail", args=[estate.slug, disclosure.pk]),
        key=f"disclosures:{disclosure.pk}:returned:{timezone.now().isoformat()}",
        actor=user,
        category="action_item",
    )
    return disclosure

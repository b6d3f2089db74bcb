"""Certify an assembly's result and publish the 决议公告.

The act reads the tally, the results formats and the ledger's state; none of them reads back.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.community import audit, permissions
from portal.notices.choices import NoticeCategory
from voting.choices import AssemblyState
from voting.models import AssemblyPage, AssemblyResult, LedgerHead
from voting.notices import ledger_line, publish_notice, record_result_publication
from voting.results import canonical_json, notice_body, outcome_word
from voting.tally import as_data, tally


def result_links(assembly: AssemblyPage) -> dict[str, str]:
    return {
        _("表决结果（PDF）"): reverse("voting:results_file", args=[assembly.pk, "pdf"]),
        _("表决结果（CSV）"): reverse("voting:results_file", args=[assembly.pk, "csv"]),
        _("表决结果（JSON）"): reverse("voting:results_file", args=[assembly.pk, "json"]),
        _("投票账本"): reverse("voting:ledger", args=[assembly.pk]),
    }


def _publish_result_notice(assembly: AssemblyPage, data: dict[str, Any], *, actor: Any):
    """Create and publish the estate-wide 决议公告 and tell the members (category ASSEMBLY)."""
    passed = [m for m in data["motions"] if m["kind"] != "election" and m["passed"]]
    resolutions = [m for m in data["motions"] if m["kind"] != "election"]
    summary = _("%(count)s 项决议中 %(passed)s 项通过。") % {
        "count": len(resolutions),
        "passed": len(passed),
    }
    for motion in data["motions"]:
        if motion["kind"] == "election":
            summary += outcome_word(motion) + "。"
    return publish_notice(
        assembly,
        slug=f"assembly-{assembly.pk}-result",
        title=_("决议公告：%(assembly)s") % {"assembly": assembly.title},
        summary=summary,
        body=notice_body(data, links=result_links(assembly)),
        category=NoticeCategory.RESOLUTION,
        actor=actor,
    )


def ledger_statement(assembly: AssemblyPage) -> dict[str, Any]:
    """Return the chain's state for the result: entries, head, roll hash and the line."""

    head = LedgerHead.objects.get(assembly=assembly)
    return {
        "format": "gongzhi-ledger-v2" if head.version >= 2 else "gongzhi-ledger-v1",
        "entries": head.sequence,
        "head": head.last_hash,
        "roll": head.roll_hash,
        "line": ledger_line(assembly, head),
    }


def refusals_to_certify(assembly: AssemblyPage) -> list[str]:
    """Return why the result may not be certified now (empty: it may); read by the action
    and its confirmation page."""
    if assembly.state != AssemblyState.CLOSED:
        return [_("投票结束后才能核定表决结果。")]
    if AssemblyResult.objects.filter(assembly=assembly).exists():
        return [_("表决结果已经核定，不能重复核定。")]
    return []


@transaction.atomic
def certify_result(
    assembly: AssemblyPage, *, actor: Any, now: datetime | None = None
) -> AssemblyResult:
    """Certify the tallied result: freeze it, publish the 决议公告, tell the members.

    Only the estate's committee (run_assembly) may certify, only after the close, and only
    once: the stored snapshot is append-only. Certifying after the due date (close +
    `result_due_days`) is allowed but recorded as overdue.
    """

    now = now or timezone.now()
    estate = assembly.page_estate
    if not permissions.may(actor, "run_assembly", estate):
        raise PermissionDenied(_("只有本小区业主委员会成员可以核定表决结果。"))
    fresh = AssemblyPage.objects.select_for_update().get(pk=assembly.pk)
    refusals = refusals_to_certify(fresh)
    if refusals:
        raise ValidationError(refusals)
    # The result states the ledger it was counted from; the snapshot's hash covers it, and
    # the notice and the PDF print it (voting/LEDGER.md, "Published").
    data = {**as_data(tally(fresh)), "ledger": ledger_statement(fresh)}
    digest = hashlib.sha256(canonical_json(data)).hexdigest()
    due = fresh.result_due_by
    overdue = bool(due and now > due)
    notice = _publish_result_notice(fresh, data, actor=actor)
    result = AssemblyResult.objects.create(
        assembly=fresh,
        certified_at=now,
        certified_by=actor,
        snapshot=data,
        snapshot_sha256=digest,
        notice=notice,
        overdue=overdue,
    )

    record_result_publication(fresh, notice, data["ledger"]["line"], now=now)
    audit.record(
        "assembly.certified",
        actor=actor,
        obj=fresh,
        estate=estate,
        snapshot_sha256=digest,
        ledger=data["ledger"]["line"],
        notice_id=notice.pk,
        result_due_by=due,
        overdue=overdue,
        passed=[m["id"] for m in data["motions"] if m["passed"]],
    )
    return result

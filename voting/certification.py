"""Certify an assembly's result and publish the 决议公告 (re-exported by voting.actions)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.community import audit, legal, permissions
from voting.choices import AssemblyState
from voting.models import AssemblyPage, AssemblyResult

# The result stays on display at least this long (Hangzhou, Qingyuan rules); never less.
MIN_DISPLAY_DAYS = legal.RESULT_DISPLAY_DAYS.minimum


def result_links(assembly: AssemblyPage) -> dict[str, str]:
    return {
        _("表决结果（PDF）"): reverse("voting:results_file", args=[assembly.pk, "pdf"]),
        _("表决结果（CSV）"): reverse("voting:results_file", args=[assembly.pk, "csv"]),
        _("表决结果（JSON）"): reverse("voting:results_file", args=[assembly.pk, "json"]),
        _("公开投票账本"): reverse("voting:ledger", args=[assembly.pk]),
    }


def _publish_result_notice(assembly: AssemblyPage, data: dict[str, Any], *, actor: Any):
    """Create and publish the estate-wide 决议公告 and tell the members (category ASSEMBLY)."""
    from portal.notices import scope
    from portal.notices.choices import Issuer, NoticeCategory, Urgency
    from portal.notices.models import NoticeIndexPage, NoticePage
    from voting import actions
    from voting.results import notice_body, outcome_word

    estate = assembly.page_estate
    index = NoticeIndexPage.objects.descendant_of(estate.page).first()
    if index is None:
        raise ValidationError(_("本小区没有公告栏目，无法发布决议公告。"))
    passed = [m for m in data["motions"] if m["kind"] != "election" and m["passed"]]
    resolutions = [m for m in data["motions"] if m["kind"] != "election"]
    summary = _("%(count)s 项决议中 %(passed)s 项通过。") % {
        "count": len(resolutions),
        "passed": len(passed),
    }
    for motion in data["motions"]:
        if motion["kind"] == "election":
            summary += outcome_word(motion) + "。"
    notice = NoticePage(
        title=_("决议公告：%(assembly)s") % {"assembly": assembly.title},
        slug=f"assembly-{assembly.pk}-result",
        category=NoticeCategory.RESOLUTION,
        issuer=Issuer.COMMITTEE,
        urgency=Urgency.IMPORTANT,
        summary=summary[:200],
        body=notice_body(data, links=result_links(assembly)),
        min_display_days=max(MIN_DISPLAY_DAYS, assembly.result_display_days),
        visibility=assembly.visibility,
        live=False,
    )
    index.add_child(instance=notice)
    # One event, one message per person: the members hear of the result as an assembly
    # notification under the key the notice's own publication uses, so the notices app's
    # announcement of the same page (sent on publish) reaches nobody a second time.
    actions._notify(
        scope.users_in_scope(notice),
        title=notice.title,
        body=notice.summary,
        url=notice.url or "",
        estate=estate,
        dedupe_key=f"notice:{notice.pk}:published",
        actor=actor,
    )
    notice.save_revision(user=actor, log_action=True).publish(user=actor)
    notice.refresh_from_db()
    return notice


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
    from voting.results import canonical_json
    from voting.tally import as_data, tally

    now = now or timezone.now()
    estate = assembly.page_estate
    if not permissions.may_run_assembly(actor, estate):
        raise PermissionDenied(_("只有本小区业主委员会成员可以核定表决结果。"))
    fresh = AssemblyPage.objects.select_for_update().get(pk=assembly.pk)
    refusals = refusals_to_certify(fresh)
    if refusals:
        raise ValidationError(refusals)
    data = as_data(tally(fresh))
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
    audit.record(
        "assembly.certified",
        actor=actor,
        obj=fresh,
        estate=estate,
        snapshot_sha256=digest,
        notice_id=notice.pk,
        result_due_by=due,
        overdue=overdue,
        passed=[m["id"] for m in data["motions"] if m["passed"]],
    )
    return result

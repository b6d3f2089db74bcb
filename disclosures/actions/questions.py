"""Owners' questions on a disclosure line, each opened as an issue report for the party."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.actions import start_thread
from deliberation.choices import IssueCategory, ThreadKind
from disclosures.actions.common import QUESTION_TITLE_MAX, require
from disclosures.models import Disclosure, DisclosureLine, LineQuestion
from portal.community import audit, permissions


def open_question(line, disclosure, user, *, body: str, from_review: bool, now) -> LineQuestion:
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
    require(permissions.may(user, "participate", estate), _("只有本小区的业主和住户可以提问。"))
    if not disclosure.is_published:
        raise ValidationError(_("信息公开尚未公开。"))
    if not (body or "").strip():
        raise ValidationError({"body": _("请写下您的问题。")})
    question = open_question(line, disclosure, user, body=body, from_review=False, now=now)
    audit.record(
        "disclosures.question_asked",
        actor=user,
        obj=disclosure,
        estate=estate,
        line=line.pk,
        thread=question.thread_id,
    )
    return question

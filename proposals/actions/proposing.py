"""Submitting an owners' proposal (业主提议)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from deliberation import actions as deliberation
from deliberation.choices import ThreadKind
from portal.community import audit, permissions
from portal.community.models import Estate
from proposals.actions.common import BODY_MAX, TITLE_MAX
from proposals.actions.supports import add_support
from proposals.models import Proposal
from themes.sanitiser import clean_html, plain_text


def check_may_propose(estate: Estate, user: Any) -> None:
    if not permissions.may(user, "propose", estate):
        raise PermissionDenied(_("只有本小区已认证的业主可以提出业主提案。"))


@transaction.atomic
def submit_proposal(
    estate: Estate, user: Any, *, title: str, body: str, now: datetime | None = None
) -> Proposal:
    """Put forward a proposal: it opens its discussion thread and counts the author's support."""
    check_may_propose(estate, user)
    now = now or timezone.now()
    title = " ".join((title or "").split())
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("请填写提案标题。")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("标题最多 %(n)s 字。") % {"n": TITLE_MAX}
    body_html = ""
    if len(body or "") > BODY_MAX:
        errors["body"] = _("提案内容最多 %(n)s 字。") % {"n": BODY_MAX}
    else:
        body_html = clean_html(body or "")
        if not plain_text(body_html):
            errors["body"] = _("请写明提案内容：要做什么、为什么。")
    if errors:
        raise ValidationError(errors)
    proposal = Proposal.objects.create(
        estate=estate, author=user, title=title, body=body_html, created_at=now
    )
    thread = deliberation.start_thread(
        estate,
        user,
        kind=ThreadKind.TOPIC,
        title=(_("提案讨论：%(title)s") % {"title": title})[:120],
        body=format_html(
            '<p>{} <a href="{}">{}</a></p>',
            _("关于业主提案《%(title)s》的讨论。") % {"title": title},
            proposal.get_absolute_url(),
            _("查看提案全文"),
        ),
        # The opening quotes only the title: the body is screened with it (sensitive words,
        # pre-moderation), and a held opening holds the proposal (proposals.visibility).
        screen=(body_html,),
        now=now,
    )
    proposal.thread = thread
    proposal.save(update_fields=["thread"])
    audit.record("proposals.submitted", actor=user, obj=proposal, estate=estate)
    add_support(proposal, user, now=now, own=True)
    return proposal

"""Official answers (官方答复) and responsibility: marking a party's answer, reassigning a report."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.actions.common import REASON_MAX, follower_ids, lock_issue, thread_url
from deliberation.badges import party_badge
from deliberation.choices import DeadlineStatus, PostStatus, ThreadState
from deliberation.models import Assignment, Post, Thread
from portal.community import audit, membership, permissions
from portal.community.choices import Party
from portal.notifications.api import notify

if TYPE_CHECKING:
    from portal.accounts.types import User


@transaction.atomic
def mark_official(post: Post, user: User, *, party: str = "", now: datetime | None = None) -> Post:
    """Mark a party member's post as the party's official answer (官方答复).

    The first official answer of the responsible party to an issue report is its first
    response: it sets first_response_at and moves the report from 待响应 to 处理中.
    """
    now = now or timezone.now()
    post = Post.objects.select_for_update().select_related("thread__estate").get(pk=post.pk)
    thread = Thread.objects.select_for_update().select_related("estate").get(pk=post.thread_id)
    estate = thread.estate
    if not permissions.may(user, "answer_officially", estate):
        raise PermissionDenied(_("只有物业、业委会和社区、街道工作人员可以发布官方答复。"))
    if not party:  # the responsible party if the user speaks for it, else their first
        mine = permissions.parties_of(user, estate)
        in_order = [p for p in Party.values if p in mine]
        party = thread.responsible_party if thread.responsible_party in mine else in_order[0]
    if not permissions.may(user, "speak_for", permissions.PartyTarget(estate, party)):
        raise PermissionDenied(_("您不能代表该方答复。"))
    if not permissions.may(post.author, "speak_for", permissions.PartyTarget(estate, party)):
        raise ValidationError(_("官方答复必须由该方的工作人员发布。"))
    if post.status != PostStatus.PUBLISHED:
        raise ValidationError(_("只有已发布的发言可以标为官方答复。"))
    if post.official_party:
        return post
    post.official_party = party
    post.official_marked_by = user
    post.official_at = now
    post.save(update_fields=["official_party", "official_marked_by", "official_at"])
    first_response = (
        thread.is_issue and party == thread.responsible_party and thread.first_response_at is None
    )
    if first_response:
        thread.first_response_at = now
        fields = ["first_response_at"]
        if thread.state == ThreadState.PENDING:
            thread.state = ThreadState.IN_PROGRESS
            fields.append("state")
        thread.save(update_fields=fields)
    audit.record(
        "deliberation.official_answer",
        actor=user,
        obj=post,
        estate=estate,
        thread_id=thread.pk,
        party=party,
        first_response=first_response,
        on_time=first_response and thread.response_status(now) == DeadlineStatus.ON_TIME,
    )
    recipients = set(follower_ids(thread, exclude=user)) | {thread.author_id}
    recipients.discard(user.pk)
    notify(
        recipients,
        category="deliberation",
        estate=estate,
        title=_("%(party)s 官方答复") % {"party": party_badge(party)},
        url=f"{thread_url(thread)}#post-{post.pk}",
        dedupe_key=f"deliberation:post:{post.pk}:official",
        actor=user,
        urgency="important",
        subject=post,
        quote_subject=True,
    )
    return post


@transaction.atomic
def assign(
    thread: Thread, user: User, *, party: str, reason: str, now: datetime | None = None
) -> Assignment:
    """Hand an issue report to another responsible party, saying why (shown on the thread)."""
    now = now or timezone.now()
    thread = lock_issue(thread)
    estate = thread.estate
    if not permissions.may(user, "assign_issue", thread):
        raise PermissionDenied(_("只有各责任方和版主可以改派。"))
    reason = " ".join((reason or "").split())
    if party not in Party.values:
        raise ValidationError({"party": _("请选择责任方。")})
    if not reason:
        raise ValidationError({"reason": _("请说明改派原因。")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("原因最多 %(n)s 字。") % {"n": REASON_MAX}})
    if party == thread.responsible_party:
        raise ValidationError({"party": _("该问题已由这一方负责。")})
    if thread.state == ThreadState.CLOSED:
        raise ValidationError(_("已关闭的问题不能改派。"))
    previous = thread.responsible_party
    assignment = Assignment.objects.create(
        thread=thread, party=party, assigned_by=user, reason=reason, created_at=now
    )
    thread.responsible_party = party
    thread.save(update_fields=["responsible_party"])
    audit.record(
        "deliberation.reassigned",
        actor=user,
        obj=thread,
        estate=estate,
        previous=previous,
        party=party,
        reason=reason,
    )
    notify(
        membership.party_user_ids(estate, party),
        category="deliberation",
        estate=estate,
        title=_("问题改派给您方处理"),
        body=reason,
        url=thread_url(thread),
        dedupe_key=f"deliberation:thread:{thread.pk}:assignment:{assignment.pk}",
        actor=user,
        urgency="important",
        subject=thread,
    )
    return assignment

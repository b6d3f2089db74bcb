"""Every state change of the discussion area has its one entry point in this package.

Each function checks the actor's right through portal.community.permissions, runs in a
transaction, and does its audit record and notifications inside. By concern:

- threads: starting a thread, replying, editing and withdrawing a post, following;
- posting: who may post now and what a post may contain (blocks, rate limit, holds, tags);
- answers: official answers (官方答复) and reassigning a report's responsible party;
- resolution: an issue report resolved, confirmed, reopened, rated, or closed by itself;
- deadlines: escalation of overdue reports and the periodic sweep;
- moderation: reports, hiding and restoring, the queue's bulk acts;
- appeals: appeals against a hiding, and blocks on posting;
- common: links, recipients, locks and notifications the others share.

Callers import the public acts from here (`from deliberation import actions`).
"""

from __future__ import annotations

from deliberation.actions.answers import assign, mark_official
from deliberation.actions.appeals import appeal, block_user, decide_appeal, lift_block
from deliberation.actions.common import thread_url
from deliberation.actions.deadlines import escalate_overdue, overdue_reports, sweep
from deliberation.actions.moderation import (
    dismiss_reports,
    hide_post,
    moderate_posts,
    register_copy_guard,
    report_post,
    restore_post,
    withhold_copy,
)
from deliberation.actions.posting import active_block, check_may_post, hold_reason, rate_limit
from deliberation.actions.resolution import (
    auto_close,
    check_resolution,
    confirm_resolution,
    mark_resolved,
    rate,
    reopen,
    schedule_auto_close,
)
from deliberation.actions.threads import (
    add_post,
    attach_refused_message,
    delete_post,
    edit_post,
    follow,
    may_attach_page,
    start_thread,
    unfollow,
)

__all__ = [
    "active_block",
    "add_post",
    "appeal",
    "assign",
    "attach_refused_message",
    "auto_close",
    "block_user",
    "check_may_post",
    "check_resolution",
    "confirm_resolution",
    "decide_appeal",
    "delete_post",
    "dismiss_reports",
    "edit_post",
    "escalate_overdue",
    "follow",
    "hide_post",
    "withhold_copy",
    "hold_reason",
    "lift_block",
    "mark_official",
    "mark_resolved",
    "may_attach_page",
    "moderate_posts",
    "overdue_reports",
    "rate",
    "rate_limit",
    "register_copy_guard",
    "reopen",
    "report_post",
    "restore_post",
    "schedule_auto_close",
    "start_thread",
    "sweep",
    "thread_url",
    "unfollow",
]

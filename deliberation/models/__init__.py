"""Models of the deliberation app, re-exported for `from deliberation.models import …`."""

from __future__ import annotations

from deliberation.models.config import (
    DeadlinePolicy,
    Deadlines,
    DeliberationSettings,
    SensitiveWord,
)
from deliberation.models.moderation import Appeal, PostReport, UserBlock
from deliberation.models.photos import PostPhoto
from deliberation.models.posts import MAX_DEPTH, Post, PostRevision
from deliberation.models.threads import (
    Assignment,
    Escalation,
    Follow,
    Resolution,
    Satisfaction,
    Tag,
    Thread,
)

__all__ = [
    "MAX_DEPTH",
    "Appeal",
    "Assignment",
    "DeadlinePolicy",
    "Deadlines",
    "DeliberationSettings",
    "Escalation",
    "Follow",
    "Post",
    "PostPhoto",
    "PostReport",
    "PostRevision",
    "Resolution",
    "Satisfaction",
    "SensitiveWord",
    "Tag",
    "Thread",
    "UserBlock",
]

"""The version of a moderated item's words that the moderator read, and the rule that only
that version is approved or restored.

A held or hidden item waits for a moderator while its author may still edit it (a held post,
a held opinion). The moderator's form carries the fingerprint of the words it displayed
(`seen`); the approving act compares it, under the row lock it already takes, with the
fingerprint of the words as they stand and refuses if they differ, so words written after
the moderator looked are never published unread. One function per kind says which words
count: everything the author can write and the moderator is shown with it.

Pure: no app imports; each function reads the attributes it names.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def fingerprint(*parts: str) -> str:
    """Return the sha256 (hex) of the exact words, each part length-prefixed so that moving
    text from one part to the next changes it."""
    digest = hashlib.sha256()
    for part in parts:
        data = (part or "").encode()
        digest.update(f"{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()


def of_post(post: Any) -> str:
    """Return the fingerprint of a post as the queue shows it: its body, and for a thread's
    opening post the thread's title and tags too (approving the opening shows them)."""
    if not post.is_opening:
        return fingerprint(post.body)
    thread = post.thread
    tags = sorted(tag.name for tag in thread.tags.all())
    return fingerprint(post.body, thread.title, *tags)


def of_opinion(opinion: Any) -> str:
    """Return the fingerprint of a consultation opinion: its body (the heading is the
    consultation's, not the author's)."""
    return fingerprint(opinion.body)


def of_answer(answer: Any) -> str:
    """Return the fingerprint of a questionnaire's text answer: its words."""
    return fingerprint(answer.text)


def of_proposal(proposal: Any) -> str:
    """Return the fingerprint of an owners' proposal: its title and body."""
    return fingerprint(proposal.title, proposal.body)


class ChangedSinceSeen(ValidationError):
    """The approval named words other than those stored now (or none): nothing was done."""

    def __init__(self) -> None:
        super().__init__(_("内容在您审阅后已被作者修改，请重新审阅后再批准。"))


def refuse_unless_seen(current: str, seen: str | None) -> None:
    """Refuse (ChangedSinceSeen) an approval whose form did not show the words as they stand.

    A missing or forged fingerprint is refused like a stale one: the approval must name the
    version it approves.
    """
    # Not a secret (any moderator can compute it), so a plain comparison will do.
    if not seen or seen != current:
        raise ChangedSinceSeen

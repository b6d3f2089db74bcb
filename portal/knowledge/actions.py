"""State changes of the knowledge base."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from portal.knowledge.models import ArticleFeedback

if TYPE_CHECKING:
    from portal.accounts.types import User


@transaction.atomic
def record_feedback(page: Any, user: User, *, helpful: bool, comment: str = "") -> ArticleFeedback:
    """Record (or change) the reader's "was this helpful" answer for a page."""
    feedback, _ = ArticleFeedback.objects.update_or_create(
        page_id=page.pk, user=user, defaults={"helpful": helpful, "comment": comment.strip()}
    )
    return feedback

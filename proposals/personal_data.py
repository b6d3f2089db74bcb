"""The member's proposals and supports, for the copy of their data (PIPL Art. 45)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from proposals.models import Proposal, Support
from themes.sanitiser import plain_text


def _when(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def sections(user: Any) -> dict[str, list[dict[str, Any]]]:
    """Return {"proposals": [...], "supports": [...]}: what the user proposed and supported."""
    proposals = Proposal.objects.filter(author=user).select_related("estate").order_by("pk")
    supports = Support.objects.filter(user=user).select_related("estate").order_by("pk")
    return {
        "proposals": [
            {
                "estate": p.estate.name,
                "id": p.pk,
                "title": p.title,
                "text": plain_text(p.body),
                "status": p.status,
                "created_at": _when(p.created_at),
                "answer": p.answer,
                "answered_at": _when(p.answered_at),
            }
            for p in proposals
        ],
        "supports": [
            {
                "estate": s.estate.name,
                "target": s.target,
                "object_id": s.object_id,
                "created_at": _when(s.created_at),
            }
            for s in supports
        ],
    }

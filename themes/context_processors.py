"""Context every page template gets: the current estate (if any) and the reader's standing."""

from __future__ import annotations

from typing import Any


def portal(request) -> dict[str, Any]:
    return {"site_name": "共治", "current_estate": getattr(request, "current_estate", None)}

"""What a notification can carry: the longest title and link, and a title fitted to it.

Read from the model's fields, so that callers sizing their text (a notice's editor form,
a reminder built around a title) ask the one definition the store enforces. Kept apart
from portal.notifications.api, which tests replace with recorders.
"""

from __future__ import annotations

from portal.notifications.models import NotificationBatch

TITLE_MAX: int = NotificationBatch._meta.get_field("title").max_length
URL_MAX: int = NotificationBatch._meta.get_field("url").max_length


def fit_title(title: str) -> str:
    """Return the title shortened with an ellipsis to what a notification holds.

    For titles built around someone's text ("请确认已阅：<notice title>"); the text itself
    links back to the full page.
    """
    title = (title or "").strip()
    if len(title) <= TITLE_MAX:
        return title
    return title[: TITLE_MAX - 1] + "…"

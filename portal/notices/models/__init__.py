"""Models of the notices app, re-exported for `from portal.notices.models import …`."""

from __future__ import annotations

from portal.notices.models.acknowledgements import Acknowledgement
from portal.notices.models.pages import (
    NoticeAttachment,
    NoticeIndexPage,
    NoticePage,
    NoticePageForm,
)
from portal.notices.models.templates import NoticeTemplate, fill_placeholders

__all__ = [
    "Acknowledgement",
    "NoticeAttachment",
    "NoticeIndexPage",
    "NoticePage",
    "NoticePageForm",
    "NoticeTemplate",
    "fill_placeholders",
]

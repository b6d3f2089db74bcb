"""Models of the consultations app, re-exported for `from consultations.models import …`."""

from __future__ import annotations

from consultations.models.pages import (
    ConsultationAttachment,
    ConsultationIndexPage,
    ConsultationPage,
    ConsultationQuestion,
    ConsultationSection,
    FollowUpLink,
)
from consultations.models.responses import (
    Answer,
    Opinion,
    Response,
    ResponseReport,
    ResponseRevision,
)

__all__ = [
    "Answer",
    "ConsultationAttachment",
    "ConsultationIndexPage",
    "ConsultationPage",
    "ConsultationQuestion",
    "ConsultationSection",
    "FollowUpLink",
    "Opinion",
    "Response",
    "ResponseReport",
    "ResponseRevision",
]

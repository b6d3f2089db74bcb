"""Models of the disclosures app, re-exported."""

from disclosures.models.disclosures import (
    Disclosure,
    DisclosureLine,
    DisclosureRecord,
    DisclosureSchedule,
    FrozenError,
    LineQuestion,
    LineReview,
)
from disclosures.models.evaluations import (
    CompanyReply,
    EvaluationResponse,
    EvaluationScore,
    ImprovementItem,
    ServiceEvaluation,
)

__all__ = [
    "CompanyReply",
    "Disclosure",
    "DisclosureLine",
    "DisclosureRecord",
    "DisclosureSchedule",
    "EvaluationResponse",
    "EvaluationScore",
    "FrozenError",
    "ImprovementItem",
    "LineQuestion",
    "LineReview",
    "ServiceEvaluation",
]

"""The dashboard's tables, in the order they are shown. Each app owns its figures."""

from __future__ import annotations

from functools import cache

from django.utils.module_loading import import_string

from portal.dashboard.figures import FigureSource

SOURCE_PATHS = (
    "deliberation.dashboard.IssueReportFigures",
    "deliberation.dashboard.PropertyResponseFigures",
    "deliberation.dashboard.CommitteeResponseFigures",
    "deliberation.dashboard.CommunityResponseFigures",
    "portal.notices.metrics.NoticeFigures",
    "voting.metrics.AssemblyFigures",
    "consultations.metrics.ConsultationFigures",
    "deliberation.oversight.dashboard.OversightFigures",
    "proposals.dashboard.ProposalFigures",
)


@cache
def sources() -> tuple[FigureSource, ...]:
    return tuple(import_string(path)() for path in SOURCE_PATHS)


def source(key: str) -> FigureSource | None:
    return next((s for s in sources() if s.key == key), None)

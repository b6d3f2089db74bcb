"""Every change to disclosures, one function each, in a transaction, with its audit event and
notifications. Views, the admin hooks, tasks and the demo call these. By concern:

- entering: importing, submitting for review, returning to draft;
- publishing: reviewing lines, publishing, correcting a published disclosure;
- questions: owners' questions on a line;
- common: the refusal, links, recipients and notification the others share.

Callers import from here (`from disclosures import actions`).
"""

from __future__ import annotations

from disclosures.actions.common import QUESTION_TITLE_MAX, REASON_MAX, Refused, disclosure_url
from disclosures.actions.entering import (
    import_disclosure,
    problems_of,
    return_to_draft,
    submit_for_review,
)
from disclosures.actions.publishing import correct, latest_record, publish, review_line
from disclosures.actions.questions import ask_about_line

__all__ = [
    "QUESTION_TITLE_MAX",
    "REASON_MAX",
    "Refused",
    "ask_about_line",
    "correct",
    "disclosure_url",
    "import_disclosure",
    "latest_record",
    "problems_of",
    "publish",
    "return_to_draft",
    "review_line",
    "submit_for_review",
]

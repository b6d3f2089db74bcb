from __future__ import annotations

import pytest

from disclosures import actions
from disclosures.choices import ReviewDecision
from tests.disclosures.helpers import workbook


@pytest.fixture
def draft(estate_a, property_manager):
    """A draft for 2026 Q3 imported by 锦绣花园's property manager from the good workbook."""
    return actions.import_disclosure(estate_a, property_manager, workbook(), file_name="q3.xlsx")


@pytest.fixture
def published(draft, property_manager, committee_chair):
    """The Q3 draft submitted, every line confirmed by the chair, and published."""
    actions.submit_for_review(draft, property_manager)
    for line in draft.lines.all():
        actions.review_line(line, committee_chair, decision=ReviewDecision.CONFIRMED)
    actions.publish(draft, committee_chair)
    draft.refresh_from_db()
    return draft

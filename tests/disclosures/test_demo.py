"""The demo's quarters are real imports: each passes every check of the template import."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from demo.disclosures import _last_quarters, quarter_workbook
from disclosures import actions

pytestmark = pytest.mark.django_db


def test_the_last_four_quarters_before_today():
    assert _last_quarters(date(2026, 12, 5), 4) == [
        (date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 9, 30)),
    ]


def test_every_demo_quarter_imports_and_the_fund_carries_over(estate_a, property_manager):
    opening = D("1860000.00")
    for n, (start, end) in enumerate(_last_quarters(date(2026, 12, 5), 4)):
        book, closing = quarter_workbook(start, end, n, fund_opening=opening)
        disclosure = actions.import_disclosure(estate_a, property_manager, book)
        assert disclosure.fund_opening == opening and disclosure.fund_closing == closing
        assert not actions.problems_of(disclosure).errors
        opening = closing

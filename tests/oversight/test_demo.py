"""The demo's action items are opened at their real dates: none is overdue on the day it was
opened, and the dashboard's counts of them add up."""

from __future__ import annotations

import pytest
from django.utils import timezone

from deliberation.oversight.dashboard import OversightFigures
from deliberation.oversight.models import ActionItem, local_today
from demo.district import seed
from portal.community.models import Estate
from portal.dashboard.period import Period

pytestmark = pytest.mark.django_db


def test_demo_items_are_never_overdue_on_the_day_they_were_opened_and_add_up():
    seed()
    today = local_today()
    items = list(ActionItem.objects.all())
    assert items
    opened_on = {item.pk: timezone.localtime(item.created_at).date() for item in items}
    due_before_opened = [item.title for item in items if item.due_date < opened_on[item.pk]]
    assert due_before_opened == []
    for item in items:
        days = item.days_overdue(today)
        assert days is None or days <= (today - opened_on[item.pk]).days, item.title
    roof = next(item for item in items if item.title == "3栋屋顶防水层局部维修")
    assert roof.days_overdue(today) == 7 and opened_on[roof.pk] < today
    # The dashboard's counts of them add up: opened = done + open + overdue.
    estates = list(Estate.objects.values_list("pk", flat=True))
    for row in OversightFigures().compute(estates, Period.default()).values():
        assert row["opened"] == row["done"] + row["open"] + row["overdue"]

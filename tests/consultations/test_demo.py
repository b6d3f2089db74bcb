"""The demo consultations: one open, one closed with its report published; seeding is idempotent."""

from __future__ import annotations

import pytest

from consultations.models import ConsultationPage, Opinion, Response, ResponseReport
from demo import district as demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_open_covenant_draft_and_a_closed_consultation_with_its_report(client):
    demo.seed()
    covenant = ConsultationPage.objects.get(slug="covenant-2026")
    chargers = ConsultationPage.objects.get(slug="ev-chargers-2026")
    assert covenant.is_open and covenant.sections.count() == 5
    assert chargers.is_closed
    assert ResponseReport.objects.filter(consultation=chargers).exists()
    assert not Opinion.objects.filter(consultation=chargers, handling="").exists()
    html = client.get(chargers.subpage_url("report")).content.decode()
    assert "0.1 元/度为常见水平" in html and "王*华" in html
    assert client.get(chargers.subpage_url("results")).status_code == 200

    counts = (ConsultationPage.objects.count(), Response.objects.count(), Opinion.objects.count())
    demo.seed()
    assert (
        ConsultationPage.objects.count(),
        Response.objects.count(),
        Opinion.objects.count(),
    ) == counts

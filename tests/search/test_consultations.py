"""Consultations are searchable once published, by their draft's text, under 征求意见."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from consultations.models import ConsultationIndexPage
from search import service
from search.choices import DocumentKind
from tests.consultations.conftest import make_consultation

pytestmark = pytest.mark.django_db


def test_a_published_consultation_is_found_under_its_facet(estate_a, rebuild_index):
    index = ConsultationIndexPage.objects.descendant_of(estate_a.page).get()
    make_consultation(index)
    rebuild_index()
    outcome = service.search(AnonymousUser(), "管理规约", kind=DocumentKind.CONSULTATION)
    assert [hit.document.title for hit in outcome.hits] == [
        "《锦绣花园管理规约（修订草案）》征求意见"
    ]
    assert outcome.kind_counts == {DocumentKind.CONSULTATION: 1}

"""A board takes each shared reading once, and never keeps it past the board."""

from __future__ import annotations

from unittest import mock

import pytest

from portal.dashboard import figures
from portal.dashboard.board import build_board
from portal.dashboard.period import Period

pytestmark = pytest.mark.django_db


def _period() -> Period:
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    return Period(first=today - timedelta(days=30), last=today)


def test_the_assembly_and_consultation_rows_are_read_once_per_board(estate_a, estate_b):
    from consultations.metrics import ConsultationFigures
    from voting.metrics import AssemblyFigures

    calls: list[str] = []

    def spy(cls, name):
        inner = getattr(cls, name).__wrapped__

        def counted(self, *args):
            calls.append(name)
            return inner(self, *args)

        return mock.patch.object(cls, name, figures.read_once(counted))

    with spy(AssemblyFigures, "_assemblies"), spy(ConsultationFigures, "_consultations"):
        build_board([estate_a, estate_b], _period())
        assert calls.count("_assemblies") == 1
        assert calls.count("_consultations") == 1
        build_board([estate_a, estate_b], _period())
        assert calls.count("_assemblies") == 2  # a new board reads afresh


def test_estate_page_paths_are_read_once_per_board(estate_a, estate_b):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        build_board([estate_a, estate_b], _period())
    path_reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(
            'SELECT "wagtailcore_page"."path" AS "path", "home_estatepage"."estate_id"'
        )
    ]
    assert len(path_reads) == 1


def test_outside_a_board_nothing_is_remembered(estate_a):
    first = figures.estate_page_paths([estate_a.pk])
    estate_a.page.slug = "renamed"
    estate_a.page.save_revision().publish()
    second = figures.estate_page_paths([estate_a.pk])
    assert first == second  # the path is the tree position, unchanged by a rename
    with figures.one_reading():
        inside = figures.estate_page_paths([estate_a.pk])
        assert figures.estate_page_paths([estate_a.pk]) is inside
    assert figures.estate_page_paths([estate_a.pk]) is not inside

"""Each feature app registers its dashboard tables; the dashboard only lays them out."""

from __future__ import annotations

import pytest

from portal.dashboard import registry
from portal.dashboard.figures import Column, FigureSource


def test_the_features_register_their_tables_in_the_order_officials_read_them():
    assert [source.key for source in registry.sources()] == [
        "issues",
        "issues-property",
        "evaluations",
        "issues-committee",
        "issues-community",
        "notices",
        "assemblies",
        "petitions",
        "consultations",
        "oversight",
        "proposals",
        "disclosures",
    ]


def test_a_source_is_found_by_its_key_and_an_unknown_key_finds_none():
    assert type(registry.source("assemblies")).__name__ == "AssemblyFigures"
    assert registry.source("nothing") is None


@pytest.fixture
def scratch_registry(monkeypatch):
    monkeypatch.setattr(registry, "_registered", dict(registry._registered))
    monkeypatch.setattr(registry, "_instances", None)


def test_a_registered_table_takes_its_place_by_order(scratch_registry):
    class Parcels(FigureSource):
        key = "parcels"
        columns = (Column("received", "收到"),)

    registry.register_figures(Parcels, order=55)
    keys = [source.key for source in registry.sources()]
    assert keys.index("parcels") == keys.index("notices") + 1


def test_a_source_without_a_key_is_refused(scratch_registry):
    class Nameless(FigureSource):
        pass

    with pytest.raises(ValueError):
        registry.register_figures(Nameless, order=1)

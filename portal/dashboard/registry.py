"""The dashboard's tables, in the order they are shown. Each app owns its figures.

The dashboard does not know which features exist: an app contributes a table by registering
its `FigureSource` class once, in its AppConfig.ready() (as apps register search documents in
`search/registry.py` and section pages in `portal/home/sections.py`):

    from portal.dashboard.registry import register_figures

    register_figures(NoticeFigures, order=50)

`order` places the table on the page (lower first); tables of equal order keep their key's
alphabetical order, so the layout never depends on which app happens to load first.
"""

from __future__ import annotations

from portal.dashboard.figures import FigureSource

_registered: dict[str, tuple[int, type[FigureSource]]] = {}
_instances: tuple[FigureSource, ...] | None = None


def register_figures(source_class: type[FigureSource], *, order: int) -> None:
    """Show the source's table on the dashboard (idempotent per key)."""
    global _instances
    if not source_class.key:
        raise ValueError(f"{source_class.__name__} has no key")
    _registered[source_class.key] = (order, source_class)
    _instances = None


def sources() -> tuple[FigureSource, ...]:
    """Return one instance of each registered source, in the order the dashboard shows them."""
    global _instances
    if _instances is None:
        ordered = sorted(_registered.items(), key=lambda item: (item[1][0], item[0]))
        _instances = tuple(source_class() for _key, (_order, source_class) in ordered)
    return _instances


def source(key: str) -> FigureSource | None:
    return next((s for s in sources() if s.key == key), None)

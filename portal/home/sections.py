"""The sections of an estate's hub page: each feature app registers its index page here.

The core (community, home) does not know which features exist. An app whose content sits
under each estate page declares its index page once, in its AppConfig.ready():

    from portal.home.sections import register_section

    register_section("notices.NoticeIndexPage", title="公告", slug="notices", order=10)

Creating an estate (`portal.community.actions.create_estate`) then adds one index page per
registered section, in `order`; the estate page accepts them as children, and `district=True`
also lets the district home page hold one (the district-wide knowledge base). This is the way
apps already register search documents (`search/registry.py`) and dashboard figures
(`portal/dashboard/registry.py`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    model_label: str  # "app_label.ModelName" of the index page
    title: str  # the index page's title when an estate is created (stored, not translated)
    slug: str
    order: int
    district: bool = False  # may also sit directly under the district home page


_sections: dict[str, Section] = {}


def register_section(
    model_label: str, *, title: str, slug: str, order: int, district: bool = False
) -> None:
    """Make the index page a section of every estate (idempotent per model)."""
    _sections[model_label] = Section(
        model_label=model_label, title=title, slug=slug, order=order, district=district
    )


def sections() -> list[Section]:
    """Return the registered sections in the order their pages are created and shown."""
    return sorted(_sections.values(), key=lambda section: (section.order, section.model_label))


def estate_page_types() -> list[str]:
    """Return the model labels of the index pages an estate page may hold."""
    return [section.model_label for section in sections()]


def district_page_types() -> list[str]:
    """Return the model labels of the index pages the district home page may hold."""
    return [section.model_label for section in sections() if section.district]

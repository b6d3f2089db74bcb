"""Feature apps register their estate sections; the core creates and accepts what they register."""

from __future__ import annotations

import pytest

from portal.home import sections
from portal.home.models import EstatePage, HomePage
from tests.factories import make_estate

pytestmark = pytest.mark.django_db


def test_the_four_features_register_their_sections_in_navigation_order():
    assert [(s.model_label, s.title, s.slug) for s in sections.sections()] == [
        ("notices.NoticeIndexPage", "公告", "notices"),
        ("consultations.ConsultationIndexPage", "征求意见", "consultations"),
        ("voting.AssemblyIndexPage", "业主大会", "assemblies"),
        ("knowledge.KnowledgeIndexPage", "知识库", "knowledge"),
    ]


def test_a_new_estate_gets_one_index_page_per_section_in_order(community_a):
    estate = make_estate(name="春江名苑", slug="chunjiang", community=community_a)
    children = estate.page.get_children().specific()
    assert [(type(c).__name__, c.title, c.slug) for c in children] == [
        ("NoticeIndexPage", "公告", "notices"),
        ("ConsultationIndexPage", "征求意见", "consultations"),
        ("AssemblyIndexPage", "业主大会", "assemblies"),
        ("KnowledgeIndexPage", "知识库", "knowledge"),
    ]


def test_estate_page_accepts_registered_sections_and_plain_pages_only():
    allowed = {model._meta.label for model in EstatePage.clean_subpage_models()}
    assert allowed == {
        "notices.NoticeIndexPage",
        "consultations.ConsultationIndexPage",
        "voting.AssemblyIndexPage",
        "knowledge.KnowledgeIndexPage",
        "home.StandardPage",
    }


def test_only_the_knowledge_base_is_also_a_district_section():
    allowed = {model._meta.label for model in HomePage.clean_subpage_models()}
    assert allowed == {"home.EstatePage", "knowledge.KnowledgeIndexPage", "home.StandardPage"}


def test_a_later_registration_of_the_same_page_replaces_the_first(monkeypatch):
    monkeypatch.setattr(sections, "_sections", dict(sections._sections))
    sections.register_section("notices.NoticeIndexPage", title="通知", slug="notices", order=99)
    assert [s.slug for s in sections.sections()][-1] == "notices"
    assert len(sections.sections()) == 4

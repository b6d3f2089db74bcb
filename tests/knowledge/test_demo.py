"""The demo's knowledge base (demo/knowledge.py): seeded once, whatever the number of runs."""

from __future__ import annotations

import pytest

from demo import knowledge as demo
from portal.home.models import HomePage
from portal.knowledge.models import ArticlePage, FAQPage

pytestmark = pytest.mark.django_db


def test_seeding_twice_creates_each_page_once(estate_a):
    demo.seed_knowledge(HomePage.objects.first(), estate_a)
    count = ArticlePage.objects.count()
    demo.seed_knowledge(HomePage.objects.first(), estate_a)
    assert (
        ArticlePage.objects.count()
        == count
        == len(demo.DISTRICT_ARTICLES) + len(demo.ESTATE_ARTICLES)
    )
    assert FAQPage.objects.count() == 1

"""Search test helpers: pages made and published as editors would, and an index builder."""

from __future__ import annotations

import pytest

from portal.community.choices import Visibility
from portal.knowledge.models import ArticlePage, KnowledgeIndexPage
from portal.notices.models import NoticeIndexPage, NoticePage
from search import index as search_index


def publish(page, parent):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


def make_notice(estate, title: str, *, summary: str = "", visibility=Visibility.PUBLIC, **kw):
    parent = NoticeIndexPage.objects.descendant_of(estate.page).get()
    body = kw.pop("body", [("paragraph", f"<p>{summary}</p>")] if summary else [])
    return publish(
        NoticePage(title=title, summary=summary, body=body, visibility=visibility, **kw), parent
    )


def make_article(parent, title: str, *, body: str = "", visibility=Visibility.PUBLIC, **kw):
    return publish(
        ArticlePage(
            title=title, body=[("paragraph", f"<p>{body}</p>")], visibility=visibility, **kw
        ),
        parent,
    )


@pytest.fixture
def knowledge_a(estate_a) -> KnowledgeIndexPage:
    return KnowledgeIndexPage.objects.descendant_of(estate_a.page).get()


@pytest.fixture
def knowledge_b(estate_b) -> KnowledgeIndexPage:
    return KnowledgeIndexPage.objects.descendant_of(estate_b.page).get()


@pytest.fixture
def district_knowledge(db) -> KnowledgeIndexPage:
    from portal.home.models import HomePage

    home = HomePage.objects.first()
    existing = KnowledgeIndexPage.objects.child_of(home).first()
    return existing or publish(KnowledgeIndexPage(title="法律与指南", slug="guides"), home)


@pytest.fixture
def rebuild_index():
    """Return a function that rebuilds the whole index (what search_reindex does)."""
    return search_index.rebuild

"""The one pagination include: its links change the page and keep everything else."""

from __future__ import annotations

from pathlib import Path

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

TEMPLATES = Path(__file__).resolve().parents[2] / "themes" / "templates"


def _render(query: str, page: int) -> str:
    request = RequestFactory().get(f"/list/?{query}")
    page_obj = Paginator(range(45), 20).get_page(page)
    return render_to_string("includes/pagination.html", {"page_obj": page_obj}, request=request)


def test_the_links_keep_the_filters_and_change_only_the_page():
    html = _render("kind=issue&state=pending&page=2", 2)
    assert 'href="?kind=issue&amp;state=pending&amp;page=1" rel="prev"' in html
    assert 'href="?kind=issue&amp;state=pending&amp;page=3" rel="next"' in html
    assert "第 2 / 3 页" in html


def test_chinese_search_words_survive_in_the_links():
    html = _render("q=%E7%94%B5%E6%A2%AF", 1)
    assert 'href="?q=%E7%94%B5%E6%A2%AF&amp;page=2" rel="next"' in html
    assert "上一页" not in html


def test_a_single_page_shows_no_pagination():
    request = RequestFactory().get("/list/?kind=issue")
    page_obj = Paginator(range(5), 20).get_page(1)
    html = render_to_string("includes/pagination.html", {"page_obj": page_obj}, request=request)
    assert "pagination" not in html


def test_no_template_pastes_its_own_pagination():
    pasted = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if path.name != "pagination.html" and 'class="pagination"' in path.read_text()
    ]
    assert pasted == []

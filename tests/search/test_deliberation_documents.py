"""Discussion threads are searchable by the estate's members, never by outsiders, and hidden
text leaves the index."""

from __future__ import annotations

import pytest

from deliberation import actions
from deliberation.choices import ThreadKind
from search import service
from search.models import SearchDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def roof(estate_a, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return actions.start_thread(
            estate_a,
            owner,
            kind=ThreadKind.ISSUE,
            category="repair",
            title="3栋顶楼屋面漏水",
            body="<p>502 卧室天花板渗水，下雨时滴水。</p>",
        )


def titles(user, text):
    return [hit.title for hit in service.search(user, text).hits]


def test_members_find_a_report_by_a_word_inside_its_text(roof, owner_building1):
    assert "3栋顶楼屋面漏水" in titles(owner_building1, "天花板")


def test_outsiders_and_anonymous_readers_do_not(roof, outsider):
    from django.contrib.auth.models import AnonymousUser

    assert titles(outsider, "渗水") == []
    assert titles(AnonymousUser(), "漏水") == []


def test_a_reply_joins_its_thread_document_and_leaves_when_deleted(
    roof, property_staff, owner_building1, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = actions.add_post(roof, property_staff, body="<p>已联系防水公司，周三上门勘查。</p>")
    assert titles(owner_building1, "防水公司") == ["3栋顶楼屋面漏水"]
    assert SearchDocument.objects.filter(kind="deliberation").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        actions.delete_post(post, property_staff)
    assert titles(owner_building1, "防水公司") == []

"""The index follows the content: publish, edit, unpublish, move, delete — through django-q2
tasks run after commit (Q_CLUSTER sync in tests)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone

from portal.community.choices import Visibility
from portal.knowledge.models import ArticlePage
from search import service
from search.choices import DocumentKind
from search.models import SearchDocument
from tests.search.conftest import make_article, make_notice

pytestmark = pytest.mark.django_db


def indexed_titles() -> set[str]:
    return set(SearchDocument.objects.values_list("title", flat=True))


def test_publishing_indexes_after_commit(estate_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notice = make_notice(estate_a, "3号楼电梯维修通知", summary="停运三天")
    assert callbacks, "indexing waits for the commit"
    row = SearchDocument.objects.get()
    assert (row.title, row.kind, row.estate, row.url) == (
        "3号楼电梯维修通知",
        DocumentKind.NOTICE,
        estate_a,
        notice.url,
    )
    assert "电梯" in row.segmented_title.split()
    assert row.party == notice.issuer


def test_nothing_is_indexed_when_the_transaction_rolls_back(estate_a):
    # Without the commit the on_commit callbacks never run.
    make_notice(estate_a, "3号楼电梯维修通知")
    assert not SearchDocument.objects.exists()


def test_a_draft_is_never_indexed(knowledge_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = ArticlePage(title="尚未发布的电梯指南", body=[])
        knowledge_a.add_child(instance=draft)
        draft.save_revision()
        ArticlePage.objects.filter(pk=draft.pk).update(live=False)
        draft.refresh_from_db()
        draft.save()
    assert not SearchDocument.objects.exists()


def test_editing_a_draft_keeps_the_published_text(knowledge_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(knowledge_a, "电梯维修指南")
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "草稿里的新标题"
        article.save_revision()
    assert indexed_titles() == {"电梯维修指南"}
    with django_capture_on_commit_callbacks(execute=True):
        article.get_latest_revision().publish()
    assert indexed_titles() == {"草稿里的新标题"}


def test_unpublishing_and_deleting_remove_the_document(
    knowledge_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kept = make_article(knowledge_a, "电梯维修指南")
        gone = make_article(knowledge_a, "停水应对指南")
    with django_capture_on_commit_callbacks(execute=True):
        kept.unpublish()
    assert indexed_titles() == {"停水应对指南"}
    with django_capture_on_commit_callbacks(execute=True):
        ArticlePage.objects.get(pk=gone.pk).delete()
    assert indexed_titles() == set()


def test_a_visibility_change_is_reindexed(knowledge_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(knowledge_a, "管理规约全文")
    assert service.search(AnonymousUser(), "管理规约").total == 1
    with django_capture_on_commit_callbacks(execute=True):
        article.visibility = Visibility.OWNERS
        article.save_revision().publish()
    assert SearchDocument.objects.get().visibility == Visibility.OWNERS
    assert service.search(AnonymousUser(), "管理规约").total == 0


def test_restricting_the_estate_page_reindexes_its_pages(
    estate_a, knowledge_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_article(knowledge_a, "管理规约全文")
    with django_capture_on_commit_callbacks(execute=True):
        estate_page = estate_a.page
        estate_page.visibility = Visibility.MEMBERS
        estate_page.save_revision().publish()
    assert SearchDocument.objects.get().visibility == Visibility.MEMBERS


def test_pages_behind_a_wagtail_view_restriction_are_staff_only_and_never_indexed(
    knowledge_a, rebuild_index
):
    from wagtail.models import PageViewRestriction

    article = make_article(knowledge_a, "内部电梯台账")
    PageViewRestriction.objects.create(page=article, restriction_type="login")
    assert rebuild_index() == 0


def test_a_view_restriction_added_later_takes_the_page_and_its_subtree_out_of_the_index(
    estate_a, knowledge_a, django_capture_on_commit_callbacks
):
    """Making a page private in Wagtail is not a publish: the index must follow it anyway,
    for the page itself and every page under it, and take them back when it is lifted."""
    from wagtail.models import PageViewRestriction

    with django_capture_on_commit_callbacks(execute=True):
        make_article(knowledge_a, "内部电梯台账")
        make_notice(estate_a, "3号楼电梯维修通知")
    assert service.search(AnonymousUser(), "电梯").total == 2
    with django_capture_on_commit_callbacks(execute=True):
        on_index = PageViewRestriction.objects.create(page=knowledge_a, restriction_type="login")
    assert indexed_titles() == {"3号楼电梯维修通知"}
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=estate_a.page, restriction_type="password", password="门禁"
        )
    assert indexed_titles() == set()
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.filter(page=estate_a.page).delete()
        on_index.delete()
    assert indexed_titles() == {"内部电梯台账", "3号楼电梯维修通知"}


def test_expired_pages_are_not_indexed(knowledge_a, rebuild_index):
    article = make_article(knowledge_a, "过期的电梯指南")
    ArticlePage.objects.filter(pk=article.pk).update(expired=True)
    assert rebuild_index() == 0


def test_rich_text_and_key_facts_are_indexed_as_text(estate_a, rebuild_index):
    make_notice(
        estate_a,
        "停水通知",
        body=[
            (
                "key_facts",
                {"title": "要点", "facts": [{"label": "联系电话", "value": "0571-8888"}]},
            ),
            ("paragraph", "<p>请提前<b>储水</b>&amp;关闭水龙头</p>"),
        ],
    )
    rebuild_index()
    body = SearchDocument.objects.get().body
    assert "联系电话" in body and "0571-8888" in body
    assert "储水&关闭水龙头" in body and "<b>" not in body


# --- assemblies and motions -----------------------------------------------------------------


@pytest.fixture
def assembly(estate_a, committee_chair):
    from voting.choices import Matter
    from voting.models import AssemblyIndexPage, AssemblyPage, Motion

    index = AssemblyIndexPage.objects.descendant_of(estate_a.page).get()
    now = timezone.now()
    page = AssemblyPage(
        title="2026年第一次业主大会会议",
        intro="线上投票",
        voting_opens_at=now + timedelta(days=16),
        voting_closes_at=now + timedelta(days=20),
    )
    page.motions = [
        Motion(title="关于使用专项维修资金更换电梯的议案", matter=Matter.USE_MAINTENANCE_FUND),
        Motion(title="关于修订管理规约的议案", matter=Matter.MANAGEMENT_COVENANT),
    ]
    index.add_child(instance=page)
    page.save_revision(user=committee_chair).publish(user=committee_chair)
    return AssemblyPage.objects.get(pk=page.pk)


def test_an_assembly_is_searchable_once_announced_with_its_motions(
    assembly, committee_chair, owner, django_capture_on_commit_callbacks
):
    from voting import actions

    with django_capture_on_commit_callbacks(execute=True):
        assembly.save_revision(user=committee_chair).publish(user=committee_chair)
    assert not SearchDocument.objects.exists(), "a meeting being prepared is not searchable"
    with django_capture_on_commit_callbacks(execute=True):
        actions.announce_assembly(assembly, actor=committee_chair)
    assert SearchDocument.objects.filter(kind=DocumentKind.ASSEMBLY).count() == 3
    urls = [h.document.url for h in service.search(owner, "维修资金").hits]
    motion = assembly.motions.get(title__contains="维修资金")
    assert urls == [f"{assembly.url}#motion-{motion.pk}", assembly.url]
    # Members-only by default: the public does not find it.
    assert service.search(AnonymousUser(), "维修资金").total == 0


# --- the rebuild command ----------------------------------------------------------------------


def test_search_reindex_rebuilds_everything_with_progress(estate_a, knowledge_a):
    make_notice(estate_a, "停水通知")
    make_article(knowledge_a, "电梯维修指南")
    SearchDocument.objects.create(
        content_type_id=1, object_id=999, kind="notice", visibility="public", title="陈旧", url="/"
    )
    out = StringIO()
    call_command("search_reindex", stdout=out)
    assert indexed_titles() == {"停水通知", "电梯维修指南"}
    assert "100% (2/2)" in out.getvalue()
    assert "已索引 2 个文档" in out.getvalue()

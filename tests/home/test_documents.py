"""Documents are served as the pages that use them are (issue #12.7).

A document has no visibility of its own: /documents/<id>/<filename> asks the permissions
module about every page that uses it (an attachment, a body block, a rich-text link, a
motion's papers) and serves it to whoever may open one of those pages while it is live.
Ids are sequential, so the check must not rely on the address being hard to guess.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import Resolver404, resolve
from django.utils import timezone
from wagtail.documents import get_document_model

from portal.community.choices import Visibility
from portal.home.models import StandardPage
from portal.notices.models import NoticeAttachment, NoticeIndexPage, NoticePage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Document = get_document_model()

ALLOWED, LOGIN, REFUSED = "allowed", "login", "refused"


def _document(title: str, filename: str, *, uploaded_by=None):
    return Document.objects.create(
        title=title,
        file=ContentFile(b"%PDF-1.4\n% gongzhi test document\n", name=filename),
        uploaded_by_user=uploaded_by,
    )


def _page_with_document(estate, slug, document, *, visibility, live=True):
    """A standard page whose body offers the document for download."""
    page = estate.page.add_child(
        instance=StandardPage(
            title=f"页面 {slug}",
            slug=slug,
            visibility=visibility,
            live=live,
            body=[("document", {"document": document, "caption": "附件"})],
        )
    )
    if live:
        page.save_revision().publish()
    return page


def _outcome(response) -> str:
    if response.status_code == 200:
        return ALLOWED
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    assert response.status_code in (403, 404), response.status_code
    return REFUSED


def _fetch(client, user, document) -> str:
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(document.url)
    if response.status_code == 200:
        # The file itself, not an error page.
        assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    return _outcome(response)


@pytest.fixture
def documents(estate_a, estate_b):
    """One document per visibility level, each used by one page."""
    docs = {
        "public": _document("停车收费标准", "parking-fees.pdf"),
        "members": _document("电梯维保合同", "lift-contract.pdf"),
        "owners": _document("维修资金明细", "fund-ledger.pdf"),
        "draft": _document("物业费调价方案（草稿）", "fee-draft.pdf"),
        "other_estate": _document("翠湖苑业委会会议纪要", "cuihu-minutes.pdf"),
    }
    _page_with_document(estate_a, "parking", docs["public"], visibility=Visibility.PUBLIC)
    # The members' document hangs on a notice as an attachment (a child object of the page).
    index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()
    notice = NoticePage(
        title="电梯维保合同公示",
        slug="lift-contract",
        summary="合同全文见附件。",
        visibility=Visibility.MEMBERS,
        attachments=[NoticeAttachment(document=docs["members"], caption="合同扫描件")],
    )
    index.add_child(instance=notice)
    notice.save_revision().publish()
    _page_with_document(estate_a, "fund", docs["owners"], visibility=Visibility.OWNERS)
    _page_with_document(
        estate_a, "fee-draft", docs["draft"], visibility=Visibility.PUBLIC, live=False
    )
    _page_with_document(estate_b, "minutes", docs["other_estate"], visibility=Visibility.MEMBERS)
    return docs


EXPECTED = {
    # level:          anonymous, tenant,   owner,    outsider (owner in the other estate)
    "public": (ALLOWED, ALLOWED, ALLOWED, ALLOWED),
    "members": (LOGIN, ALLOWED, ALLOWED, REFUSED),
    "owners": (LOGIN, REFUSED, ALLOWED, REFUSED),
    "draft": (LOGIN, REFUSED, REFUSED, REFUSED),
    "other_estate": (LOGIN, REFUSED, REFUSED, ALLOWED),
}


@pytest.mark.parametrize("level", list(EXPECTED))
def test_each_visibility_level_as_anonymous_tenant_owner_and_outsider(
    client, documents, tenant, owner, outsider, level
):
    readers = (None, tenant, owner, outsider)
    outcomes = tuple(_fetch(client, reader, documents[level]) for reader in readers)
    assert outcomes == EXPECTED[level]


def test_a_document_on_a_public_and_a_members_page_is_public(client, estate_a, documents):
    _page_with_document(estate_a, "fees-again", documents["members"], visibility="public")
    assert _fetch(client, None, documents["members"]) == ALLOWED


def test_a_document_linked_from_rich_text_follows_its_page(client, estate_a, tenant, owner):
    document = _document("业主大会议事规则", "rules.pdf")
    estate_a.page.add_child(
        instance=StandardPage(
            title="议事规则",
            slug="rules",
            visibility=Visibility.OWNERS,
            body=[
                (
                    "paragraph",
                    f'<p>全文见<a linktype="document" id="{document.pk}">议事规则</a>。</p>',
                )
            ],
        )
    ).save_revision().publish()
    assert _fetch(client, owner, document) == ALLOWED
    assert _fetch(client, tenant, document) == REFUSED


def test_a_motions_papers_follow_the_assembly_page(client, estate_a, owner, outsider):
    from tests.voting.conftest import make_assembly

    document = _document("电梯更换预算表", "lift-budget.pdf")
    now = timezone.now()
    assembly = make_assembly(
        estate_a,
        opens_at=now + timedelta(days=16),
        closes_at=now + timedelta(days=30),
        visibility=Visibility.MEMBERS,
    )
    assembly.save_revision().publish()
    # Written to the link table directly: the admin's way of saving a motion's papers
    # belongs to the voting app; what matters here is that a stored link is honoured.
    Motion = type(assembly.motions.first())
    Motion.documents.through.objects.create(motion=assembly.motions.first(), document=document)
    assert _fetch(client, owner, document) == ALLOWED
    assert _fetch(client, outsider, document) == REFUSED


def test_a_document_no_page_uses_is_for_its_uploader_alone(client, committee_chair, owner):
    document = _document("待用附件", "pending.pdf", uploaded_by=committee_chair)
    assert _fetch(client, None, document) == LOGIN
    assert _fetch(client, owner, document) == REFUSED
    assert _fetch(client, committee_chair, document) == ALLOWED


def test_the_estates_editors_open_a_drafts_document(
    client, documents, committee_chair, committee_chair_b
):
    assert _fetch(client, committee_chair, documents["draft"]) == ALLOWED
    assert _fetch(client, committee_chair_b, documents["draft"]) == REFUSED


def test_an_unpublished_page_stops_serving_its_document(client, estate_a, tenant):
    document = _document("临时停水安排", "water.pdf")
    page = _page_with_document(estate_a, "water", document, visibility=Visibility.MEMBERS)
    assert _fetch(client, tenant, document) == ALLOWED
    page.unpublish()
    assert _fetch(client, tenant, document) == REFUSED


def test_a_stranger_with_an_account_is_refused_a_members_document(client, documents):
    assert _fetch(client, UserFactory(), documents["members"]) == REFUSED


def test_documents_are_served_by_the_checking_view_whatever_the_storage(settings):
    # "redirect" or "direct" would hand out the storage's own address, past the check.
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"


def test_the_development_media_server_does_not_serve_documents():
    from portal.urls import public_media_urlpatterns

    patterns = public_media_urlpatterns()
    for path in ("/media/documents/fund-ledger.pdf", "/media/documents/../documents/x.pdf"):
        with pytest.raises(Resolver404):
            resolve(path, urlconf=_UrlConf(patterns))
    assert resolve("/media/original_images/gate.jpg", urlconf=_UrlConf(patterns))


class _UrlConf:
    def __init__(self, patterns):
        self.urlpatterns = patterns

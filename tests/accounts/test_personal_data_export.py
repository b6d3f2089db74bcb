"""PIPL Art. 45: the copy of one's data holds one's posts, consultation answers, ballots and
inbox too, as the person can see them on the site, and nothing of anyone else's."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from consultations import actions as consultations
from deliberation import actions as deliberation
from deliberation.choices import PostStatus
from deliberation.models import Post
from portal.notifications.models import Notification
from tests.consultations.conftest import (
    consultation_index as consultation_index,  # noqa: F401
)
from tests.consultations.conftest import make_consultation, question, section
from tests.voting.conftest import full_choices, open_assembly, right_of
from tests.voting.conftest import register as register  # noqa: F401
from voting import actions as voting
from voting.choices import AssemblyState, Channel
from voting.models import AssemblyPage

pytestmark = pytest.mark.django_db


def _download(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("accounts:data"))
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_copy_holds_own_posts_as_the_author_sees_them(client, estate_a, owner, owner_building1):
    thread = deliberation.start_thread(
        estate_a, owner, kind="topic", title="地面车位怎么分", body="<p>建议抽签。</p>"
    )
    reply = deliberation.add_post(thread, owner, body="<p>补充：每两年一轮。</p>")
    gone = deliberation.add_post(thread, owner, body="<p>这条我删了。</p>")
    deliberation.delete_post(gone, owner)
    deliberation.add_post(thread, owner_building1, body="<p>邻居李强的意见。</p>")
    Post.objects.filter(pk=reply.pk).update(status=PostStatus.HIDDEN, hidden_reason="spam")

    posts = _download(client, owner)["posts"]
    assert [(p["text"], p["status"]) for p in posts] == [
        ("建议抽签。", "published"),
        ("补充：每两年一轮。", "hidden"),  # the author may still open a hidden post's text
        ("", "deleted"),  # a deletion leaves only the tombstone, on the site and here
    ]
    assert posts[0]["thread_title"] == "地面车位怎么分" and posts[0]["opening_post"]
    assert "邻居李强的意见" not in json.dumps(posts, ensure_ascii=False)


def test_the_copy_holds_own_consultation_answers_and_opinions(
    client, consultation_index, owner, owner_building1
):
    consultation = make_consultation(consultation_index)
    parking = section(consultation, 2)
    consultations.submit_response(
        consultation,
        owner,
        answers={
            question(consultation, "single").pk: "2",
            question(consultation, "multiple").pk: ["1", "3"],
        },
        opinions={parking.anchor: "车位应抽签分配。"},
    )
    consultations.submit_response(
        consultation,
        owner_building1,
        answers={
            question(consultation, "single").pk: "1",
            question(consultation, "multiple").pk: ["2"],
        },
        opinions={"": "李强的总体意见"},
    )
    [response] = _download(client, owner)["consultation_responses"]
    assert response["consultation"] == consultation.title
    assert response["answers"] == [
        {"question": "您是否赞成修订草案？", "answer": "反对"},
        {"question": "您最关心哪些条款？", "answer": "停车"},
        {"question": "您最关心哪些条款？", "answer": "宠物"},
    ]
    assert response["opinions"] == [{"section": parking.heading, "text": "车位应抽签分配。"}]


def test_the_copy_lists_ballots_with_choices_only_where_the_ballot_is_open_and_closed(
    client, estate_a, register, owner, committee_chair
):
    named = open_assembly(estate_a, committee_chair)
    secret = open_assembly(estate_a, committee_chair, title="第二次会议", secret_ballot=True)
    for assembly in (named, secret):
        voting.cast_ballot(
            assembly,
            right_of(owner, assembly),
            full_choices(assembly),
            channel=Channel.ONLINE,
            cast_by=owner,
        )
    receipts = {b.assembly_id: b.receipt_code for b in named.ballots.all() | secret.ballots.all()}

    # While voting runs, nobody sees choices: the copy neither.
    data = _download(client, owner)
    by_assembly = {row["assembly"]: row for row in data["ballots"]}
    assert by_assembly[named.title]["receipt_code"] == receipts[named.pk]
    assert "choices" not in by_assembly[named.title]
    assert data["ballots_note"]

    AssemblyPage.objects.filter(pk__in=[named.pk, secret.pk]).update(state=AssemblyState.CLOSED)
    by_assembly = {row["assembly"]: row for row in _download(client, owner)["ballots"]}
    named_row = by_assembly[named.title]
    assert named_row["as_proxy"] is False and named_row["ledger_sequence"] == 1
    assert {"motion": "续聘锦城物业服务有限公司", "choice": "同意"} in named_row["choices"]
    # A secret ballot: that they voted, when, and the receipt code; never how.
    assert set(by_assembly[secret.title]) == {
        "assembly",
        "secret_ballot",
        "cast_at",
        "receipt_code",
    }
    assert by_assembly[secret.title]["receipt_code"] == receipts[secret.pk]


def test_the_copy_holds_the_inbox_as_the_inbox_lists_it(
    client, estate_a, owner, tenant, django_capture_on_commit_callbacks
):
    from portal.notifications.api import notify

    with django_capture_on_commit_callbacks(execute=True):
        notify([owner], category="notice", title="3 栋停水通知", body="明天 9:00–12:00 停水。")
        notify([tenant], category="notice", title="给住户的通知")
    items = _download(client, owner)["notifications"]
    assert [i["title"] for i in items] == list(
        Notification.objects.filter(user=owner)
        .order_by("-created_at", "-pk")
        .values_list("batch__title", flat=True)
    )
    assert "3 栋停水通知" in [i["title"] for i in items]
    assert "给住户的通知" not in json.dumps(items, ensure_ascii=False)

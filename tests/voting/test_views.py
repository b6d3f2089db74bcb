"""The voting pages: an owner votes with a confirmation step, gets a receipt, finds it on the
ledger; nobody else reaches pages they may not use."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.voting.conftest import full_choices, motions_of, png_scan, right_of
from voting import actions
from voting.choices import AssemblyState, Channel
from voting.models import AssemblyPage, Ballot

pytestmark = pytest.mark.django_db


def _ballot_post(assembly, **extra):
    resolution, special, election = motions_of(assembly)
    picked = [str(pk) for pk in election.candidates.values_list("pk", flat=True)[:2]]
    return {
        f"motion_{resolution.pk}": "agree",
        f"motion_{special.pk}": "",
        f"motion_{election.pk}": picked,
        **extra,
    }


def test_owner_votes_through_the_confirmation_step_and_finds_the_receipt(
    client, assembly, register, django_capture_on_commit_callbacks, notifications
):
    user = register.multi_owner
    client.force_login(user)
    url = reverse("voting:vote", args=[assembly.pk])
    page = client.get(url)
    assert "3 套房屋，合计 270.00 ㎡，计 1 人" in page.content.decode()

    review = client.post(url, _ballot_post(assembly, step="review"))
    assert review.status_code == 200
    body = review.content.decode()
    assert "请确认您的选票" in body and "不参与" in body
    assert Ballot.objects.count() == 0
    key = review.context["submission_key"]

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, _ballot_post(assembly, step="confirm", submission_key=key))
    assert done.status_code == 302 and done.url == reverse("voting:receipt", args=[assembly.pk])
    ballot = Ballot.objects.get()
    assert ballot.right == right_of(user, assembly)
    assert (
        ballot.choices.count() == 3
    )  # one resolution + two candidates; the blank is not taking part
    receipt = client.get(done.url).content.decode()
    assert ballot.receipt_code in receipt
    receipts = [n for n in notifications.sent if n["title"].startswith("投票回执")]
    assert receipts[0]["recipients"] == [user]

    # Pressing submit again (the same form) stores nothing and names the first ballot.
    client.post(url, _ballot_post(assembly, step="confirm", submission_key=key))
    assert Ballot.objects.count() == 1

    found = client.get(
        reverse("voting:ledger", args=[assembly.pk]), {"receipt": ballot.receipt_code.lower()}
    ).content.decode()
    assert "您的选票已记入账本：第 1 号" in found and ballot.hash in found


def test_too_many_candidates_in_the_form_is_refused_in_chinese(client, assembly, owner):
    client.force_login(owner)
    election = motions_of(assembly)[2]
    everyone = [str(pk) for pk in election.candidates.values_list("pk", flat=True)]
    response = client.post(
        reverse("voting:vote", args=[assembly.pk]),
        {f"motion_{election.pk}": everyone, "step": "confirm"},
    )
    html = response.content.decode()
    assert "最多只能选 5 名候选人" in html
    assert Ballot.objects.count() == 0
    # The summary links to the first box; the browser also stops a sixth tick (forms.js).
    assert f'<a href="#id_motion_{election.pk}_0">' in html
    assert 'data-max-choices="5"' in html
    assert f'aria-describedby="id_motion_{election.pk}_error"' in html
    # Every box the owner ticked is still ticked.
    assert html.count("checked") >= len(everyone)


def test_tenant_cannot_open_the_ballot(client, assembly, tenant):
    client.force_login(tenant)
    assert client.get(reverse("voting:vote", args=[assembly.pk])).status_code == 403


def test_outsider_cannot_open_the_assembly(client, assembly, outsider):
    client.force_login(outsider)
    assert client.get(reverse("voting:vote", args=[assembly.pk])).status_code == 403
    assert client.get(reverse("voting:ledger", args=[assembly.pk])).status_code == 403


def test_assembly_page_explains_the_voters_right(client, assembly, register):
    client.force_login(register.multi_owner)
    body = client.get(assembly.url).content.decode()
    assert "3 套房屋，合计 270.00 ㎡，计 1 人" in body and "去投票" in body


def test_ledger_hides_choices_until_close_and_json_recomputes(client, assembly, owner):
    actions.cast_ballot(
        assembly,
        right_of(owner, assembly),
        full_choices(assembly),
        channel=Channel.ONLINE,
        cast_by=owner,
    )
    client.force_login(owner)
    data = json.loads(client.get(reverse("voting:ledger_json", args=[assembly.pk])).content)
    # Before the close an entry carries a commitment to its choices, never the choices.
    assert "choices" not in data["entries"][0] and "nonce" not in data["entries"][0]
    assert len(data["entries"][0]["commitment"]) == 64
    assert data["head"]["sequence"] == 1
    verify = client.get(reverse("voting:ledger_verify", args=[assembly.pk])).content.decode()
    assert "账本完整" in verify


def test_committee_manages_proxies_and_paper(
    client, assembly, owner, committee_chair, committee_member
):
    client.force_login(committee_member)
    assert client.get(reverse("voting:manage", args=[assembly.pk])).status_code == 200
    response = client.post(
        reverse("voting:paper_entry", args=[assembly.pk]),
        {**_ballot_post(assembly), "building": "3栋", "unit_number": "502", "scan": png_scan()},
    )
    assert response.status_code == 302
    ballot = Ballot.objects.get(channel=Channel.PAPER)
    assert ballot.entered_by == committee_member and ballot.right == right_of(owner, assembly)
    missing = client.post(
        reverse("voting:paper_entry", args=[assembly.pk]),
        {**_ballot_post(assembly), "building": "9栋", "unit_number": "909", "scan": png_scan()},
    )
    assert "不在本次会议的选民名册上" in missing.content.decode()


def test_property_manager_cannot_run_the_assembly(client, assembly, property_manager):
    client.force_login(property_manager)
    assert client.get(reverse("voting:manage", args=[assembly.pk])).status_code == 403
    assert client.get(reverse("voting:paper_entry", args=[assembly.pk])).status_code == 403


def test_owner_registers_a_proxy_through_the_page(client, assembly, owner):
    from tests.factories import UserFactory

    UserFactory(phone="+8613900002222")
    client.force_login(owner)
    response = client.post(
        reverse("voting:proxy_register", args=[assembly.pk]),
        {"agent_phone": "13900002222", "scan": png_scan("委托书.png")},
    )
    assert response.status_code == 302
    assert assembly.proxies.count() == 1


def test_the_index_tells_an_outsider_the_meetings_are_for_members_not_that_there_are_none(
    client, assembly, outsider
):
    index_url = assembly.get_parent().url
    client.force_login(outsider)
    html = client.get(index_url).content.decode()
    assert assembly.title not in html
    assert "仅向本小区的业主或成员开放" in html and "暂无内容" not in html


def test_an_anonymous_reader_is_offered_to_log_in(client, assembly):
    html = client.get(assembly.get_parent().url).content.decode()
    assert "仅向本小区的业主或成员开放" in html and "登录后查看" in html


def test_an_empty_index_says_so(client, estate_a, outsider):
    from voting.models import AssemblyIndexPage

    index = AssemblyIndexPage.objects.descendant_of(estate_a.page).get()
    assert "暂无内容" in client.get(index.url).content.decode()


def test_an_owner_sees_a_ballot_someone_else_cast_for_their_right(
    client, assembly, owner, committee_chair
):
    """A paper ballot the committee entered (or any ballot the owner did not cast) shows on
    the owner's meeting page as 已投票 and on their receipts, to be checked on the ledger."""
    client.force_login(owner)
    assert "已投票" not in client.get(assembly.url).content.decode()
    ballot = actions.enter_paper_ballot(
        assembly,
        right_of(owner, assembly),
        full_choices(assembly),
        entered_by=committee_chair,
        scan=png_scan(),
    ).ballot
    assert "已投票" in client.get(assembly.url).content.decode()
    receipts = client.get(reverse("voting:receipt", args=[assembly.pk])).content.decode()
    assert ballot.receipt_code in receipts


def test_the_ledger_is_read_by_whoever_may_read_the_meeting(client, assembly, owner, tenant):
    from portal.community.choices import Visibility
    from voting.models import AssemblyPage

    url = reverse("voting:ledger", args=[assembly.pk])
    # A members' meeting (the default): members read it, an anonymous visitor logs in first.
    client.force_login(tenant)
    assert client.get(url).status_code == 200
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    # A public meeting: its ledger is public too, with its JSON.
    AssemblyPage.objects.filter(pk=assembly.pk).update(visibility=Visibility.PUBLIC)
    assert client.get(url).status_code == 200
    assert client.get(reverse("voting:ledger_json", args=[assembly.pk])).status_code == 200


def test_the_index_shows_each_meetings_state_and_voting_dates(client, assembly, owner):
    client.force_login(owner)
    html = client.get(assembly.get_parent().url).content.decode()
    opens = timezone.localtime(assembly.voting_opens_at).strftime("%Y-%m-%d")
    closes = timezone.localtime(assembly.voting_closes_at).strftime("%Y-%m-%d")
    assert assembly.title in html
    assert 'data-state="open">投票中</span>' in html
    assert "投票时间 <time" in html and opens in html and closes in html
    AssemblyPage.objects.filter(pk=assembly.pk).update(state=AssemblyState.CLOSED)
    html = client.get(assembly.get_parent().url).content.decode()
    assert 'data-state="closed">已结束</span>' in html

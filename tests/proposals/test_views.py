"""The proposal pages: list, propose, support with one click, answer; refusals in Chinese."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from proposals.choices import ProposalStatus, SupportTarget
from proposals.models import Proposal, Support
from tests.proposals.conftest import propose

pytestmark = pytest.mark.django_db


def test_an_owner_proposes_through_the_form(client, owner, estate_a, forty_heads):
    client.force_login(owner)
    response = client.post(
        reverse("proposals:create", args=[estate_a.slug]),
        {"title": "增设快递柜", "body": "快递常堆在门岗。\n\n建议在 3 栋旁增设快递柜。"},
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response.url == proposal.get_absolute_url()
    assert proposal.body.count("<p>") == 2
    page = client.get(proposal.get_absolute_url())
    assert "1 人支持 · 门槛 2 人" in page.content.decode()


def test_an_empty_form_shows_chinese_errors_and_saves_nothing(client, owner, estate_a):
    client.force_login(owner)
    response = client.post(
        reverse("proposals:create", args=[estate_a.slug]), {"title": "", "body": ""}
    )
    text = response.content.decode()
    assert "请填写提案标题" in text and "请写明提案内容" in text
    assert not Proposal.objects.exists()


def test_a_tenant_sees_proposals_but_may_not_propose(client, tenant, owner, estate_a):
    proposal = propose(estate_a, owner)
    client.force_login(tenant)
    assert client.get(reverse("proposals:list", args=[estate_a.slug])).status_code == 200
    assert client.get(reverse("proposals:create", args=[estate_a.slug])).status_code == 403
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "支持这个提案" not in page


def test_a_tenants_support_is_refused_with_a_message(client, tenant, owner, estate_a):
    proposal = propose(estate_a, owner)
    client.force_login(tenant)
    response = client.post(
        reverse("proposals:support", args=[estate_a.slug, proposal.pk]), follow=True
    )
    assert "只有本小区已认证的业主可以支持提案" in response.content.decode()
    assert Support.objects.count() == 1


def test_an_outsider_may_not_open_the_estates_proposals(client, outsider, owner, estate_a):
    proposal = propose(estate_a, owner)
    client.force_login(outsider)
    assert client.get(proposal.get_absolute_url()).status_code == 403
    assert (
        client.post(reverse("proposals:support", args=[estate_a.slug, proposal.pk])).status_code
        == 403
    )
    assert Support.objects.count() == 1


def test_support_to_the_threshold_then_the_committee_answers(
    client, owner, estate_a, forty_heads, committee_chair
):
    proposal = propose(estate_a, owner)
    client.force_login(forty_heads[0])
    response = client.post(
        reverse("proposals:support", args=[estate_a.slug, proposal.pk]), follow=True
    )
    assert "提案已达到支持门槛" in response.content.decode()
    client.force_login(committee_chair)
    answer_url = reverse("proposals:answer", args=[estate_a.slug, proposal.pk])
    refused = client.post(answer_url, {"kind": "rejected", "text": ""})
    assert refused.status_code == 400
    assert "不采纳时必须写明理由" in refused.content.decode()
    client.post(answer_url, {"kind": "adopted", "outcome": "consultation", "text": "同意"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ADOPTED and proposal.consultation_id


def test_the_answer_form_is_only_for_the_committee_and_property_company(
    client, owner, estate_a, forty_heads
):
    proposal = propose(estate_a, owner)
    client.force_login(owner)
    assert (
        client.post(
            reverse("proposals:answer", args=[estate_a.slug, proposal.pk]),
            {"kind": "rejected", "text": "x"},
        ).status_code
        == 403
    )


def test_supporting_a_post_once_per_member(client, owner, owner_building1, estate_a):
    proposal = propose(estate_a, owner)
    post = proposal.thread.posts.get()
    url = reverse("proposals:support_content", args=[SupportTarget.POST, post.pk])
    client.force_login(owner_building1)
    client.post(url)
    response = client.post(url, follow=True)
    assert "您已经支持过了" in response.content.decode()
    client.force_login(owner)
    response = client.post(url, follow=True)
    assert "不能支持自己的内容" in response.content.decode()
    assert Support.objects.filter(target=SupportTarget.POST).count() == 1


def test_get_on_a_support_url_changes_nothing(client, owner, estate_a):
    proposal = propose(estate_a, owner)
    client.force_login(owner)
    assert (
        client.get(reverse("proposals:support", args=[estate_a.slug, proposal.pk])).status_code
        == 405
    )


def test_members_support_opinions_in_a_published_report_once(
    client, estate_a, owner, owner_building1, committee_chair
):
    from consultations import actions as consultation_actions
    from consultations.models import ConsultationIndexPage, Opinion
    from tests.consultations.conftest import make_consultation, valid_answers

    page = make_consultation(ConsultationIndexPage.objects.descendant_of(estate_a.page).get())
    consultation_actions.submit_response(
        page, owner, answers=valid_answers(page), opinions={"": "<p>建议增加充电桩。</p>"}
    )
    opinion = Opinion.objects.get()
    url = reverse("proposals:support_content", args=[SupportTarget.OPINION, opinion.pk])
    client.force_login(owner_building1)
    assert client.post(url).status_code == 404  # no published report: not shown to members
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        consultation_actions.mark_opinions(
            page, {opinion.pk: ("adopted", "")}, actor=committee_chair
        )
        consultation_actions.publish_report(page, summary="已逐条答复。", actor=committee_chair)
        client.post(url)
        client.post(url)
        report = client.get(page.subpage_url("report")).content.decode()
    assert Support.objects.filter(target=SupportTarget.OPINION, object_id=opinion.pk).count() == 1
    assert "已支持" in report


@pytest.mark.parametrize("next_url", ["0000-00-00", "//evil.example/", "https://evil.example/"])
def test_a_support_goes_back_only_to_a_path_of_this_site(
    client, owner, owner_building1, estate_a, next_url
):
    proposal = propose(estate_a, owner)
    post = proposal.thread.posts.get()
    client.force_login(owner_building1)
    response = client.post(
        reverse("proposals:support_content", args=[SupportTarget.POST, post.pk]), {"next": next_url}
    )
    assert response.status_code == 302
    assert response.url == f"{proposal.thread.get_absolute_url()}#post-{post.pk}"

"""The petition pages: who sees what, names masked to other owners, refusals shown in Chinese."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from portal.dashboard.period import Period, local_today
from voting.petitions import actions
from voting.petitions.dashboard import PetitionFigures
from voting.petitions.models import Petition, PetitionSignature

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition(estate_a, register, owner) -> Petition:
    return actions.open_petition(
        estate_a,
        actor=owner,
        title="提议召开临时会议，增设充电棚",
        matters="增设电动自行车充电棚。",
        reason="楼道充电有火灾隐患。",
    )


def detail_url(petition) -> str:
    return reverse("petitions:detail", args=[petition.estate.slug, petition.pk])


def test_other_owners_see_signers_masked_and_the_committee_sees_them_in_full(
    client, petition, owner_building1, committee_chair
):
    client.force_login(owner_building1)
    page = client.get(detail_url(petition)).content.decode()
    assert "王*" in page and "王芳" not in page.split('class="petition-signers"')[1]
    assert "我是业主，签名提议" in page
    client.force_login(committee_chair)
    page = client.get(detail_url(petition)).content.decode()
    assert "王芳" in page.split('class="petition-signers"')[1]


def test_the_page_shows_both_bars_with_the_threshold(client, petition, owner_building1):
    client.force_login(owner_building1)
    page = client.get(detail_url(petition)).content.decode()
    assert page.count('class="bar-threshold"') == 2
    assert "门槛 20.00%" in page
    assert "按面积" in page and "按人数" in page


def test_a_tenant_sees_the_petition_but_signing_is_refused_in_chinese(client, petition, tenant):
    client.force_login(tenant)
    page = client.get(detail_url(petition)).content.decode()
    assert "我是业主，签名提议" not in page
    response = client.post(
        reverse("petitions:sign", args=[petition.estate.slug, petition.pk]), follow=True
    )
    assert "只有本小区已认证的业主" in response.content.decode()
    assert PetitionSignature.objects.filter(petition=petition).count() == 1


def test_an_outsider_may_not_open_the_petition_page(client, petition, outsider):
    client.force_login(outsider)
    assert client.get(detail_url(petition)).status_code == 403


def test_a_tenant_may_not_open_the_new_petition_form(client, estate_a, tenant):
    client.force_login(tenant)
    assert client.get(reverse("petitions:new", args=[estate_a.slug])).status_code == 403


def test_an_empty_petition_form_is_refused_with_the_error_summary(
    client, estate_a, register, owner
):
    client.force_login(owner)
    response = client.post(reverse("petitions:new", args=[estate_a.slug]), {"title": ""})
    assert response.status_code == 400
    assert "提交未成功" in response.content.decode()
    assert not Petition.objects.exists()


def test_an_owner_opens_a_petition_through_the_form(client, estate_a, register, owner):
    client.force_login(owner)
    response = client.post(
        reverse("petitions:new", args=[estate_a.slug]),
        {"title": "提议召开临时会议", "matters": "一、更换物业", "reason": "服务差"},
        follow=True,
    )
    assert "您的签名已计入" in response.content.decode()
    assert Petition.objects.get().opened_by == owner


def test_the_dashboard_counts_and_alerts_an_overdue_petition(
    estate_a, register, petition, owner_building1
):
    actions.sign_petition(petition, actor=owner_building1)
    figures = PetitionFigures()
    period = Period(first=local_today() - timedelta(days=29), last=local_today())
    assert figures.compute([estate_a.pk], period)[estate_a.pk]["waiting"] == 1
    petition = Petition.objects.prefetch_related("events").get(pk=petition.pk)
    actions.escalate_overdue(now=petition.announce_due_at + timedelta(minutes=1))
    import time_machine

    with time_machine.travel(petition.announce_due_at + timedelta(hours=1)):
        assert figures.compute([estate_a.pk], period)[estate_a.pk]["overdue"] == 1
        alerts = list(figures.alerts([estate_a.pk], period))
    assert alerts and alerts[0].severity == "danger"

"""Irreversible acts ask first: opening voting (freezes the roll), closing it and certifying
the result each go through a page saying what will happen and what cannot be undone; a POST
without that confirmation changes nothing and leads to the page. No JavaScript needed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.voting.conftest import (
    full_choices,
    inform_residents_committee,
    make_assembly,
    open_assembly,
    right_of,
)
from voting import actions
from voting.choices import AssemblyState
from voting.models import AssemblyPage, AssemblyResult, ElectoralRoll

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_to_open(estate_a, register, committee_chair) -> AssemblyPage:
    """Announced 20 days ago, the residents' committee told; the voting window has begun."""
    now = timezone.now()
    page = make_assembly(
        estate_a, opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(days=10)
    )
    actions.announce_assembly(page, actor=committee_chair, now=now - timedelta(days=20))
    inform_residents_committee(page, committee_chair, at=now - timedelta(days=20))
    return AssemblyPage.objects.get(pk=page.pk)


@pytest.fixture
def chair_client(client, committee_chair):
    client.force_login(committee_chair)
    return client


def state_of(page) -> str:
    return AssemblyPage.objects.get(pk=page.pk).state


def confirm_url(page, act: str) -> str:
    return reverse("voting:confirm", args=[page.pk, act])


def test_opening_without_confirmation_changes_nothing_and_asks_first(chair_client, due_to_open):
    manage = reverse("voting:manage", args=[due_to_open.pk])
    response = chair_client.post(manage, {"do": "open"})
    assert response.status_code == 302 and response.url == confirm_url(due_to_open, "open")
    assert state_of(due_to_open) == AssemblyState.ANNOUNCED
    assert not ElectoralRoll.objects.filter(assembly=due_to_open).exists()


def test_the_opening_page_says_what_happens_and_what_cannot_be_undone(chair_client, due_to_open):
    text = chair_client.get(confirm_url(due_to_open, "open")).content.decode()
    assert "将会发生什么" in text and "以下操作不能撤销" in text
    # The register as it is now: 1栋101, 3栋502, 3 flats of 陈志刚, 2 developer units, 2 more.
    assert "9 套房屋，6 人" in text
    assert "选民名册一经冻结不能更改" in text
    assert 'name="confirm" value="open"' in text


def test_opening_with_confirmation_freezes_the_roll(chair_client, due_to_open):
    response = chair_client.post(
        reverse("voting:manage", args=[due_to_open.pk]), {"do": "open", "confirm": "open"}
    )
    assert response.status_code == 302
    assert state_of(due_to_open) == AssemblyState.OPEN
    assert ElectoralRoll.objects.get(assembly=due_to_open).total_units == 9


def test_a_confirmation_for_another_act_does_not_count(chair_client, due_to_open):
    chair_client.post(
        reverse("voting:manage", args=[due_to_open.pk]), {"do": "open", "confirm": "close"}
    )
    assert state_of(due_to_open) == AssemblyState.ANNOUNCED


def test_the_opening_page_offers_no_button_while_the_law_says_no(
    chair_client, estate_a, register, committee_chair
):
    now = timezone.now()
    page = make_assembly(
        estate_a, opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(days=10)
    )
    actions.announce_assembly(page, actor=committee_chair, now=now - timedelta(days=20))
    text = chair_client.get(confirm_url(page, "open")).content.decode()
    assert "尚未记录告知社区居委会" in text
    assert 'name="confirm"' not in text


def test_closing_asks_first_then_closes(chair_client, committee_chair, estate_a, register, owner):
    assembly = open_assembly(estate_a, committee_chair)
    actions.cast_ballot(
        assembly, right_of(owner, assembly), full_choices(assembly), channel="online", cast_by=owner
    )
    manage = reverse("voting:manage", args=[assembly.pk])
    with time_machine.travel(assembly.voting_closes_at + timedelta(minutes=1), tick=False):
        chair_client.force_login(committee_chair)
        response = chair_client.post(manage, {"do": "close"})
        assert response.url == confirm_url(assembly, "close")
        assert state_of(assembly) == AssemblyState.OPEN
        text = chair_client.get(response.url).content.decode()
        assert "6 人中已有 1 人参与投票" in text
        assert "投票结束后不能重新开始" in text
        chair_client.post(manage, {"do": "close", "confirm": "close"})
    assert state_of(assembly) == AssemblyState.CLOSED


def test_certifying_asks_first_then_certifies(chair_client, committee_chair, estate_a, register):
    assembly = open_assembly(estate_a, committee_chair)
    actions.close_voting(assembly, now=assembly.voting_closes_at)
    certify = reverse("voting:certify", args=[assembly.pk])
    response = chair_client.post(certify)
    assert response.url == confirm_url(assembly, "certify")
    assert not AssemblyResult.objects.exists()
    text = chair_client.get(response.url).content.decode()
    assert "核定后表决结果不能修改" in text and "公示不少于 15 天" in text
    chair_client.post(certify, {"confirm": "certify"})
    assert AssemblyResult.objects.filter(assembly=assembly).exists()


def test_only_the_committee_sees_a_confirmation_page(client, due_to_open, owner, property_manager):
    for user in (owner, property_manager):
        client.force_login(user)
        assert client.get(confirm_url(due_to_open, "open")).status_code == 403
        client.post(
            reverse("voting:manage", args=[due_to_open.pk]), {"do": "open", "confirm": "open"}
        )
    assert state_of(due_to_open) == AssemblyState.ANNOUNCED


def test_an_unknown_act_has_no_page(chair_client, due_to_open):
    assert chair_client.get(confirm_url(due_to_open, "delete")).status_code == 404

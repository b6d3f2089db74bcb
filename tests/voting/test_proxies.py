"""Proxies: a written authorisation, approved by the committee, used by the agent, capped."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.community.models import AuditEvent
from tests.factories import UserFactory
from tests.voting.conftest import full_choices, open_assembly, pdf_scan, png_scan, right_of
from voting import actions, lookups
from voting.choices import Channel, ProxyStatus
from voting.models import Ballot, Proxy

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(db):
    return UserFactory(display_name="赵小红", phone="+8613900001111")


def _register(assembly, grantor, agent, scan=None):
    return actions.register_proxy(
        assembly, grantor=grantor, agent_phone="139 0000 1111", scan=scan or pdf_scan()
    )


def _cast_as_agent(assembly, grantor, agent):
    return actions.cast_ballot(
        assembly,
        right_of(grantor, assembly),
        full_choices(assembly),
        channel=Channel.PROXY,
        cast_by=agent,
    )


def test_approved_agent_votes_as_a_proxy_ballot(assembly, owner, agent, committee_chair):
    proxy = _register(assembly, owner, agent)
    assert proxy.status == ProxyStatus.PENDING and proxy.agent == agent
    actions.decide_proxy(proxy, actor=committee_chair, approve=True)
    result = _cast_as_agent(assembly, owner, agent)
    ballot = result.ballot
    assert ballot.channel == Channel.PROXY and ballot.cast_by == agent and ballot.proxy == proxy
    assert ballot.right == right_of(owner, assembly)
    assert AuditEvent.objects.filter(action="proxy.approved", object_id=str(proxy.pk)).exists()


def test_rejection_needs_a_reason_and_is_audited(assembly, owner, agent, committee_chair):
    proxy = _register(assembly, owner, agent)
    with pytest.raises(ValidationError, match="理由"):
        actions.decide_proxy(proxy, actor=committee_chair, approve=False)
    actions.decide_proxy(proxy, actor=committee_chair, approve=False, reason="委托书无业主签字")
    event = AuditEvent.objects.get(action="proxy.rejected", object_id=str(proxy.pk))
    assert event.details["reason"] == "委托书无业主签字"
    assert event.actor == committee_chair


def test_only_the_committee_decides(assembly, owner, agent, property_manager):
    proxy = _register(assembly, owner, agent)
    with pytest.raises(PermissionDenied):
        actions.decide_proxy(proxy, actor=property_manager, approve=True)
    assert Proxy.objects.get(pk=proxy.pk).status == ProxyStatus.PENDING


@pytest.mark.parametrize("decision", ["pending", "rejected"])
def test_a_pending_or_rejected_proxy_is_refused(assembly, owner, agent, committee_chair, decision):
    proxy = _register(assembly, owner, agent)
    if decision == "rejected":
        actions.decide_proxy(proxy, actor=committee_chair, approve=False, reason="签名不符")
    with pytest.raises(ValidationError, match="没有经业委会批准"):
        _cast_as_agent(assembly, owner, agent)
    assert Ballot.objects.count() == 0


def test_a_proxy_for_another_assembly_is_refused(assembly, estate_a, owner, agent, committee_chair):
    other = open_assembly(estate_a, committee_chair, title="2026年第二次业主大会会议")
    proxy = _register(other, owner, agent)
    actions.decide_proxy(proxy, actor=committee_chair, approve=True)
    with pytest.raises(ValidationError, match="没有经业委会批准"):
        _cast_as_agent(assembly, owner, agent)
    assert Ballot.objects.count() == 0


def test_an_agent_cannot_vote_for_an_owner_who_did_not_authorise_them(
    assembly, owner, owner_building1, agent, committee_chair
):
    proxy = _register(assembly, owner, agent)
    actions.decide_proxy(proxy, actor=committee_chair, approve=True)
    with pytest.raises(ValidationError, match="没有经业委会批准"):
        _cast_as_agent(assembly, owner_building1, agent)
    assert Ballot.objects.count() == 0


def test_the_cap_per_agent_is_enforced_on_approval(
    estate_a, register, owner, owner_building1, agent, committee_chair
):
    assembly = open_assembly(estate_a, committee_chair, proxy_cap_per_agent=1)
    first = _register(assembly, owner, agent)
    actions.decide_proxy(first, actor=committee_chair, approve=True)
    second = _register(assembly, owner_building1, agent)
    with pytest.raises(ValidationError, match="上限 1"):
        actions.decide_proxy(second, actor=committee_chair, approve=True)
    assert Proxy.objects.get(pk=second.pk).status == ProxyStatus.PENDING


def test_the_cap_per_agent_is_enforced_when_casting(
    estate_a, register, owner, owner_building1, agent, committee_chair
):
    # Casting checks the cap again inside its transaction, whatever was approved before.
    assembly = open_assembly(estate_a, committee_chair, proxy_cap_per_agent=1)
    for grantor in (owner, owner_building1):
        proxy = _register(assembly, grantor, agent)
        Proxy.objects.filter(pk=proxy.pk).update(status=ProxyStatus.APPROVED)
    _cast_as_agent(assembly, owner, agent)
    with pytest.raises(ValidationError, match="最多代理 1 个投票权"):
        _cast_as_agent(assembly, owner_building1, agent)
    assert Ballot.objects.filter(assembly=assembly).count() == 1


def test_owner_and_agent_share_one_current_ballot(assembly, owner, agent, committee_chair):
    proxy = _register(assembly, owner, agent)
    actions.decide_proxy(proxy, actor=committee_chair, approve=True)
    own = actions.cast_ballot(
        assembly,
        right_of(owner, assembly),
        full_choices(assembly),
        channel=Channel.ONLINE,
        cast_by=owner,
    )
    by_agent = _cast_as_agent(assembly, owner, agent)
    assert not by_agent.created and by_agent.ballot.pk == own.ballot.pk
    assert Ballot.objects.count() == 1


@pytest.mark.parametrize(
    "phone, scan, message",
    [
        ("139 0000 9999", None, "没有找到使用该手机号注册的用户"),
        ("12345", None, "手机号格式不正确"),
        ("139 0000 1111", "bad-type", "只能是 JPG、PNG 或 PDF"),
        ("139 0000 1111", "fake-png", "内容与文件类型不符"),
        ("139 0000 1111", "too-big", "不能超过 5 MB"),
    ],
)
def test_bad_registrations_are_refused(assembly, owner, agent, phone, scan, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = {
        None: png_scan(),
        "bad-type": SimpleUploadedFile("委托书.docx", b"PK\x03\x04"),
        "fake-png": SimpleUploadedFile("委托书.png", b"GIF89a......"),
        "too-big": SimpleUploadedFile("委托书.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024)),
    }
    with pytest.raises(ValidationError, match=message):
        actions.register_proxy(assembly, grantor=owner, agent_phone=phone, scan=files[scan])
    assert Proxy.objects.count() == 0


def test_a_tenant_cannot_register_a_proxy(assembly, tenant, agent):
    with pytest.raises(ValidationError, match="住户"):
        _register(assembly, tenant, agent)
    assert Proxy.objects.count() == 0


def test_one_live_proxy_per_owner(assembly, owner, agent):
    _register(assembly, owner, agent)
    with pytest.raises(ValidationError, match="已为本次会议办理了委托"):
        _register(assembly, owner, agent)
    assert Proxy.objects.count() == 1


def test_the_written_authorisation_is_private_and_shown_only_to_the_committee(
    client, assembly, owner, agent, committee_chair, outsider, settings
):
    from pathlib import Path

    from django.urls import reverse

    proxy = _register(assembly, owner, agent)
    assert Path(proxy.scan.path).is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    url = reverse("voting:proxy_scan", args=[assembly.pk, proxy.pk])
    for refused in (owner, agent, outsider):
        client.force_login(refused)
        assert client.get(url).status_code == 403
    client.force_login(committee_chair)
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert url in client.get(reverse("voting:proxy_queue", args=[assembly.pk])).content.decode()


def _rights_seen_by(user, assembly):
    return [
        (r.right, r.channel, getattr(r.proxy, "pk", None))
        for r in lookups.rights_for_voter(user, assembly)
    ]


def test_an_owner_who_is_also_an_agent_sees_their_own_right_first_then_the_authorised_one(
    assembly, owner, owner_building1, committee_chair
):
    owner_building1.phone = "+8613900001111"
    owner_building1.save(update_fields=["phone"])
    proxy = _register(assembly, owner, owner_building1)
    assert _rights_seen_by(owner_building1, assembly) == [
        (right_of(owner_building1, assembly), Channel.ONLINE, None)
    ]
    actions.decide_proxy(proxy, actor=committee_chair, approve=True)
    assert _rights_seen_by(owner_building1, assembly) == [
        (right_of(owner_building1, assembly), Channel.ONLINE, None),
        (right_of(owner, assembly), Channel.PROXY, proxy.pk),
    ]
    # The grantor keeps their own right; the authorisation adds nothing to theirs.
    assert _rights_seen_by(owner, assembly) == [(right_of(owner, assembly), Channel.ONLINE, None)]


def test_an_agent_who_owns_nothing_sees_only_the_approved_authorisation(
    assembly, owner, agent, committee_chair
):
    proxy = _register(assembly, owner, agent)
    assert _rights_seen_by(agent, assembly) == []
    actions.decide_proxy(proxy, actor=committee_chair, approve=True)
    assert _rights_seen_by(agent, assembly) == [
        (right_of(owner, assembly), Channel.PROXY, proxy.pk)
    ]
    result = actions.cast_ballot(
        assembly,
        right_of(owner, assembly),
        full_choices(assembly),
        channel=Channel.PROXY,
        cast_by=agent,
        checked=lookups.rights_for_voter(agent, assembly)[0],
    )
    assert result.ballot.proxy == proxy

"""WeChat as a channel: bound people only, by preference, urgent always, never twice."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings

from portal.notifications import actions, tasks
from portal.notifications.choices import Channel, DeliveryStatus, SkipReason
from portal.notifications.models import Delivery
from portal.notifications.wechat import (
    LocmemWeChatBackend,
    OfficialAccountBackend,
    WeChatError,
    WeChatMessage,
)
from tests import fake_wechat
from tests.factories import WeChatAccountFactory


@pytest.fixture(autouse=True)
def _empty_wechat_outbox():
    LocmemWeChatBackend.outbox = []
    yield
    LocmemWeChatBackend.outbox = []


@pytest.fixture
def bound_owner(owner):
    """王芳 has bound WeChat: her openid under the official account."""
    WeChatAccountFactory(user=owner, uid="oWangFang0001")
    return owner


def wechat_to(openid):
    return [message for message in LocmemWeChatBackend.outbox if message.openid == openid]


def wechat_delivery(batch, user):
    return Delivery.objects.get(batch=batch, user=user, channel=Channel.WECHAT)


def test_a_notice_reaches_a_wechat_bound_owner_once_even_when_the_task_runs_twice(
    send, bound_owner, world_a
):
    batch = send(
        [bound_owner], urgency="normal", estate=world_a.estate, dedupe_key="notice:7:published"
    )

    # django-q2 retries after a timeout: the dispatcher and the slice run again.
    tasks.dispatch_batch(batch.pk)
    tasks.fan_out_chunk(batch.pk, 0)
    tasks.fan_out_chunk(batch.pk, 0)

    [message] = wechat_to("oWangFang0001")
    assert message.title == "3栋停水通知"
    assert message.estate == "锦绣花园"
    assert message.url == "http://testserver/jinxiu/notices/water-off/"
    delivery = wechat_delivery(batch, bound_owner)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)


def test_people_without_wechat_get_no_wechat_message(send, owner, tenant):
    batch = send([owner, tenant], urgency="urgent")

    assert LocmemWeChatBackend.outbox == []
    assert set(
        Delivery.objects.filter(batch=batch, channel=Channel.WECHAT).values_list(
            "status", "skip_reason"
        )
    ) == {(DeliveryStatus.SKIPPED, SkipReason.NOT_BOUND)}


def test_a_category_switched_off_stays_off_for_important_notices(send, bound_owner):
    actions.save_preferences(
        bound_owner, email_mode="immediate", enabled={("notice", Channel.WECHAT): False}
    )

    batch = send([bound_owner], urgency="important")

    assert wechat_to("oWangFang0001") == []
    assert wechat_delivery(batch, bound_owner).skip_reason == SkipReason.PREFERENCE_OFF


def test_an_urgent_notice_cannot_be_silenced_on_wechat(send, bound_owner):
    actions.save_preferences(
        bound_owner, email_mode="off", enabled={("notice", Channel.WECHAT): False}
    )

    send([bound_owner], urgency="urgent", title="3栋今晚停电")

    [message] = wechat_to("oWangFang0001")
    assert message.title == "【紧急】3栋今晚停电"
    assert message.urgent


def test_another_category_switched_off_leaves_notices_on(send, bound_owner):
    actions.save_preferences(
        bound_owner, email_mode="immediate", enabled={("deliberation", Channel.WECHAT): False}
    )

    send([bound_owner], urgency="normal")

    assert len(wechat_to("oWangFang0001")) == 1


def test_a_failed_wechat_send_is_recorded_and_other_channels_still_go(
    send, bound_owner, monkeypatch
):
    def refuse(message):
        raise WeChatError("WeChat errcode 43004: require subscribe")

    monkeypatch.setattr("portal.notifications.channels.send_wechat", refuse)

    batch = send([bound_owner], urgency="urgent")

    delivery = wechat_delivery(batch, bound_owner)
    assert delivery.status == DeliveryStatus.FAILED
    assert "43004" in delivery.error
    assert Delivery.objects.get(batch=batch, channel=Channel.SMS).status == DeliveryStatus.SENT


# --- the official account's template messages, against the local fake ----------------


@pytest.fixture
def wechat_api(monkeypatch):
    cache.clear()
    fake = fake_wechat.install(monkeypatch)
    with override_settings(
        WECHAT_APP_ID=fake_wechat.APP_ID,
        WECHAT_APP_SECRET=fake_wechat.APP_SECRET,
        WECHAT_TEMPLATE_ID="tmpl-notice",
        WECHAT_TEMPLATE_ID_URGENT="tmpl-urgent",
        WECHAT_API_URL=fake_wechat.API,
    ):
        yield fake
    cache.clear()


def a_message(**overrides):
    fields = {
        "openid": "oWangFang0001",
        "category": "notice",
        "title": "关于3栋外墙维修使用专项维修资金的公示",
        "estate": "锦绣花园",
        "sent_at": "2026-11-28 09:00",
        "url": "https://gongzhi.example.cn/jinxiu/notices/1/",
    }
    return WeChatMessage(**(fields | overrides))


def test_the_official_account_sends_a_template_message_with_the_title_cut_to_twenty(
    wechat_api,
):
    OfficialAccountBackend().send(a_message())

    [sent] = wechat_api.template_messages
    assert sent["touser"] == "oWangFang0001"
    assert sent["template_id"] == "tmpl-notice"
    assert sent["url"] == "https://gongzhi.example.cn/jinxiu/notices/1/"
    assert sent["data"]["thing1"]["value"] == "关于3栋外墙维修使用专项维修资金的公示"[:20]
    assert sent["data"]["thing2"]["value"] == "锦绣花园"


def test_urgent_notices_use_the_urgent_template(wechat_api):
    OfficialAccountBackend().send(a_message(urgent=True))

    assert wechat_api.template_messages[0]["template_id"] == "tmpl-urgent"


def test_the_access_token_is_fetched_once_and_cached(wechat_api):
    backend = OfficialAccountBackend()
    backend.send(a_message())
    OfficialAccountBackend().send(a_message(openid="oLiQiang0002"))

    assert wechat_api.stable_tokens_issued == 1
    assert len(wechat_api.template_messages) == 2


def test_an_expired_token_is_replaced_and_the_message_sent_once(wechat_api):
    OfficialAccountBackend().send(a_message())
    wechat_api.expire_next_send = True

    OfficialAccountBackend().send(a_message(openid="oLiQiang0002"))

    assert wechat_api.stable_tokens_issued == 2
    assert [m["touser"] for m in wechat_api.template_messages] == [
        "oWangFang0001",
        "oLiQiang0002",
    ]


def test_a_refusal_from_wechat_raises(wechat_api):
    wechat_api.unsubscribed.add("oWangFang0001")

    with pytest.raises(WeChatError, match="43004"):
        OfficialAccountBackend().send(a_message())


def test_the_official_account_backend_refuses_to_start_without_its_keys(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.WECHAT_APP_ID = ""
    with pytest.raises(ImproperlyConfigured):
        OfficialAccountBackend()

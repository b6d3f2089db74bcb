"""The inbox, the unread count in the header, and the preferences page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.community.models import AuditEvent
from portal.notices.models import NoticeIndexPage
from portal.notifications import actions
from portal.notifications.choices import EmailMode
from portal.notifications.models import EmailSetting, Notification, NotificationPreference
from portal.notifications.preferences import preferences_of


def test_the_inbox_lists_unread_first_then_newest(client, send, owner, time_machine):
    time_machine.move_to("2026-11-20 09:00 +08:00", tick=False)
    send([owner], title="较早的未读通知")
    time_machine.move_to("2026-11-21 09:00 +08:00", tick=False)
    send([owner], title="已读的最新通知")
    actions.mark_read(Notification.objects.get(batch__title="已读的最新通知"))
    time_machine.move_to("2026-11-20 12:00 +08:00", tick=False)
    send([owner], title="较晚的未读通知")

    client.force_login(owner)
    response = client.get(reverse("notifications:inbox"))
    titles = [item.batch.title for item in response.context["page_obj"]]
    assert titles == ["较晚的未读通知", "较早的未读通知", "已读的最新通知"]
    assert "全部标为已读" in response.content.decode()


def test_the_inbox_pages_and_keeps_its_queries_fixed(
    client, send, owner, django_assert_max_num_queries
):
    for n in range(25):
        send([owner], title=f"第{n}号通知")
    client.force_login(owner)
    client.get(reverse("notifications:inbox"))  # warm the session
    # Session, user, the header's role lookup (看板 link) and unread count, then the page.
    with django_assert_max_num_queries(9):
        first = client.get(reverse("notifications:inbox"))
    assert len(first.context["page_obj"]) == 20
    second = client.get(reverse("notifications:inbox") + "?page=2")
    assert len(second.context["page_obj"]) == 5
    for n in range(25, 60):
        send([owner], title=f"第{n}号通知")
    with django_assert_max_num_queries(9):
        client.get(reverse("notifications:inbox"))


def test_opening_an_item_marks_it_read_and_follows_its_link(client, send, owner):
    send([owner], url="/jinxiu/notices/water-off/")
    item = Notification.objects.get(user=owner)
    client.force_login(owner)

    response = client.get(reverse("notifications:open", args=[item.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/jinxiu/notices/water-off/"
    item.refresh_from_db()
    assert item.read_at is not None


def test_an_item_without_a_link_leads_back_to_the_inbox(client, send, owner):
    send([owner], url="")
    client.force_login(owner)
    response = client.get(reverse("notifications:open", args=[Notification.objects.get().pk]))
    assert response["Location"] == reverse("notifications:inbox")


def test_another_persons_item_is_not_found_and_stays_unread(client, send, owner, outsider):
    send([owner])
    item = Notification.objects.get(user=owner)
    client.force_login(outsider)

    assert client.get(reverse("notifications:open", args=[item.pk])).status_code == 404
    item.refresh_from_db()
    assert item.read_at is None
    assert list(client.get(reverse("notifications:inbox")).context["page_obj"]) == []


def test_anonymous_readers_are_sent_to_sign_in(client):
    for url in (
        reverse("notifications:inbox"),
        reverse("notifications:open", args=[1]),
        reverse("notifications:preferences"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_mark_all_read_needs_a_post_and_clears_the_count(client, send, owner, tenant):
    send([owner, tenant], title="第一条")
    send([owner, tenant], title="第二条")
    client.force_login(owner)

    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    response = client.post(reverse("notifications:mark_all_read"), follow=True)

    assert "已将 2 条消息标为已读" in response.content.decode()
    assert not Notification.objects.filter(user=owner, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=tenant, read_at__isnull=True).count() == 2
    assert 'data-testid="unread-count"' not in response.content.decode()


def test_the_header_shows_the_unread_count_with_one_query(client, send, owner, estate_a):
    send([owner], title="第一条")
    send([owner], title="第二条")
    client.force_login(owner)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/jinxiu/")
    html = response.content.decode()
    assert 'data-testid="unread-count">2</span>' in html
    assert "消息，2 条未读" in html
    counts = [q["sql"] for q in queries if "notifications_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT(" in counts[0]


def test_the_header_costs_anonymous_readers_no_query(client, estate_a):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/jinxiu/")
    assert response.status_code == 200
    assert not [q for q in queries if "notifications_" in q["sql"]]
    assert 'data-testid="unread-count"' not in response.content.decode()


# --- preferences ---------------------------------------------------------------------------


def _all_on(**changes) -> dict[str, str]:
    data = {"email_mode": "immediate"}
    for category in (
        "notice",
        "assembly",
        "consultation",
        "deliberation",
        "action_item",
        "account",
    ):
        data[f"email_{category}"] = "on"
        data[f"sms_{category}"] = "on"
        data[f"wechat_{category}"] = "on"
    for key, value in changes.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    return data


def test_the_preferences_page_shows_every_category_and_a_locked_inbox(client, owner):
    client.force_login(owner)
    html = client.get(reverse("notifications:preferences")).content.decode()
    for label in ("公告", "业主大会", "征求意见", "议事", "督办事项", "账户"):
        assert label in html
    assert html.count("checked disabled") == 6
    assert "站内信无法关闭" in html
    assert "每日摘要" in html and "不接收" in html


def test_turning_sms_off_for_notices_is_explained_not_silently_accepted(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("notifications:preferences"), _all_on(sms_notice=None), follow=True
    )
    html = response.content.decode()

    assert "您关闭了「公告」的短信通知" in html
    assert "紧急通知（如停水停电等紧急公告）仍会通过短信和站内信发送给您" in html
    # The saved preference says so next to the switch, on every later visit too.
    again = client.get(reverse("notifications:preferences")).content.decode()
    assert 'data-testid="sms-off-notice"' in again
    assert "已关闭。紧急通知仍会发送短信并送到站内信。" in again
    assert 'data-testid="sms-off-assembly"' not in again

    prefs = preferences_of(owner.pk)
    assert not prefs.enabled("notice", "sms")
    assert prefs.enabled("notice", "email")
    event = AuditEvent.objects.get(action="notifications.preferences_changed")
    assert event.details["turned_off"] == ["notice:sms"]


def test_urgent_notices_still_arrive_after_sms_is_turned_off_in_the_page(client, send, owner):
    from portal.accounts.sms import LocmemSMSBackend

    client.force_login(owner)
    client.post(reverse("notifications:preferences"), _all_on(sms_notice=None))
    send([owner], title="明日紧急停水", urgency="urgent")
    send([owner], title="物业费调整说明会", urgency="important")

    assert [m.text for m in LocmemSMSBackend.outbox] == [
        "【共治】【紧急】明日紧急停水。详情：http://testserver/jinxiu/notices/water-off/"
    ]
    assert Notification.objects.filter(user=owner).count() == 2


def test_choosing_the_digest_and_no_email_are_saved(client, owner):
    client.force_login(owner)
    client.post(reverse("notifications:preferences"), _all_on(email_mode="daily"))
    assert EmailSetting.objects.get(user=owner).mode == EmailMode.DAILY_DIGEST

    response = client.post(
        reverse("notifications:preferences"), _all_on(email_mode="off"), follow=True
    )
    assert EmailSetting.objects.get(user=owner).mode == EmailMode.OFF
    assert "所有通知仍会送到站内信，紧急通知仍会发送短信" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_all_on(email_mode="sometimes"), "请选择有效的邮件接收方式"),
        (_all_on(email_mode=None), "请选择邮件接收方式"),
        (_all_on(inbox_notice=""), "站内信无法关闭"),
    ],
)
def test_bad_preferences_are_refused_in_chinese_and_change_nothing(client, owner, data, message):
    data.pop("sms_notice", None)  # would turn something off if it were accepted
    client.force_login(owner)
    response = client.post(reverse("notifications:preferences"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "通知偏好未保存" in html
    assert not NotificationPreference.objects.filter(user=owner).exists()
    assert not EmailSetting.objects.filter(user=owner).exists()


def test_the_preferences_page_has_a_checkbox_for_every_channel_in_every_category(client, owner):
    """Issue #13 item 6: the 邮件 and 短信 columns showed labels and no checkboxes."""
    client.force_login(owner)
    client.post(reverse("notifications:preferences"), _all_on(sms_notice=None))
    html = client.get(reverse("notifications:preferences")).content.decode()
    for category in (
        "notice",
        "assembly",
        "consultation",
        "deliberation",
        "action_item",
        "account",
    ):
        for channel in ("email", "sms", "wechat"):
            box = re.search(rf'<input type="checkbox" name="{channel}_{category}"[^>]*>', html)
            assert box, f"no checkbox for {channel} × {category}"
            # Each box is labelled for screen readers and shows the saved choice.
            assert f'for="id_{channel}_{category}"' in html
            turned_off = (channel, category) == ("sms", "notice")
            assert ("checked" in box.group(0)) is not turned_off


def test_acknowledging_a_notice_marks_its_inbox_items_read(
    client, estate_a, owner, property_staff, django_capture_on_commit_callbacks
):
    """Issue #13 item 6: after 已阅 the inbox still showed the notice as unread."""
    from tests.notices.conftest import make_notice

    index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()
    with django_capture_on_commit_callbacks(execute=True):
        notice = make_notice(
            index, buildings=("3栋",), publish_by=property_staff, requires_acknowledgement=True
        )
    with django_capture_on_commit_callbacks(execute=True):
        other = make_notice(index, title="电梯年检通知", publish_by=property_staff)
    item = Notification.objects.get(user=owner, batch__subject_id=notice.pk)
    assert item.is_unread

    client.force_login(owner)
    client.post(notice.url + "acknowledge/")
    item.refresh_from_db()
    assert not item.is_unread
    # Only that notice's items: the other notice is still waiting to be read.
    assert Notification.objects.get(user=owner, batch__subject_id=other.pk).is_unread
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert re.search(r'data-testid="unread-count"[^>]*>\s*1\s*<', html)


def test_turning_wechat_off_says_urgent_notices_still_come_on_wechat(client, owner):
    client.force_login(owner)

    response = client.post(
        reverse("notifications:preferences"), _all_on(wechat_notice=None), follow=True
    )

    html = response.content.decode()
    assert "您关闭了「公告」的微信通知。紧急通知仍会通过微信发送给您" in html
    assert 'data-testid="wechat-off-notice"' in html
    assert not preferences_of(owner.pk).enabled("notice", "wechat")

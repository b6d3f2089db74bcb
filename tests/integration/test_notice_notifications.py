"""Publishing a notice reaches the members in scope through the real notification path."""

from __future__ import annotations

from portal.notifications.models import Notification
from tests.notices.conftest import make_notice


def test_published_notice_lands_in_the_inbox_of_members_in_scope_only(
    estate_a, owner, owner_building1, tenant, django_capture_on_commit_callbacks
):
    from portal.notices.models import NoticeIndexPage

    index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()
    with django_capture_on_commit_callbacks(execute=True):
        notice = make_notice(
            index, title="3栋停水通知", buildings=("3栋",), requires_acknowledgement=True
        )
    recipients = set(
        Notification.objects.filter(batch__dedupe_key=f"notice:{notice.pk}:published").values_list(
            "user__display_name", flat=True
        )
    )
    assert recipients == {"王芳", "张敏"}


def test_republishing_a_notice_does_not_notify_twice(
    estate_a, owner, django_capture_on_commit_callbacks
):
    from portal.notices.models import NoticeIndexPage

    index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()
    with django_capture_on_commit_callbacks(execute=True):
        notice = make_notice(index, title="电梯维保通知")
    with django_capture_on_commit_callbacks(execute=True):
        notice.save_revision().publish()
    assert Notification.objects.filter(user=owner).count() == 1

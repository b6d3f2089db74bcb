"""Notices test helpers: the notifications sent (read from the store) and a notice maker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.community.models import Building
from portal.notices.models import NoticeIndexPage, NoticePage
from tests.stored_notifications import StoredNotifications


@pytest.fixture
def notify_calls(db) -> StoredNotifications:
    """The notifications the notices code sent through the real notify(), oldest first."""
    return StoredNotifications()


@pytest.fixture
def notice_index(estate_a) -> NoticeIndexPage:
    return NoticeIndexPage.objects.descendant_of(estate_a.page).get()


def make_notice(
    index: NoticeIndexPage,
    *,
    title: str = "3栋停水通知",
    buildings: tuple[str, ...] = (),
    publish_by=None,
    publish: bool = True,
    **fields,
) -> NoticePage:
    """Create a notice under the index and (by default) publish it, as an editor would."""
    fields.setdefault("summary", "11月28日 9:00-17:00 因管道维修暂停供水，请提前储水。")
    fields.setdefault("category", "outage")
    fields.setdefault(
        "body",
        [
            (
                "key_facts",
                {
                    "title": "要点",
                    "facts": [
                        {"label": "停水时间", "value": "11月28日 9:00-17:00"},
                        {"label": "联系电话", "value": "0571-88886666"},
                    ],
                },
            ),
            ("paragraph", "<p>因二次供水管道维修，届时将暂停供水，请提前储水。</p>"),
        ],
    )
    notice = NoticePage(title=title, **fields)
    index.add_child(instance=notice)
    if buildings:
        estate = index.page_estate
        notice.buildings.set(Building.objects.filter(estate=estate, name__in=buildings))
        notice.save()
    revision = notice.save_revision(user=publish_by)
    if publish:
        revision.publish(user=publish_by)
    return NoticePage.objects.get(pk=notice.pk)


@pytest.fixture
def water_notice(notice_index, property_staff) -> NoticePage:
    """Property staff's notice to 3栋, requiring acknowledgement, water off tomorrow."""
    start = timezone.now() + timedelta(days=1)
    return make_notice(
        notice_index,
        buildings=("3栋",),
        publish_by=property_staff,
        requires_acknowledgement=True,
        urgency="urgent",
        effective_from=start,
        effective_until=start + timedelta(hours=8),
    )

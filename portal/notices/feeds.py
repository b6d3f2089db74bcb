"""Feeds of an estate's PUBLIC notices: RSS 2.0, and an iCal calendar of effective windows.

The calendar is written by hand to RFC 5545: CRLF line endings, TEXT escaping, lines folded
at 75 octets (never inside a UTF-8 character), UTC times, a stable UID per notice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.community.choices import Visibility
from portal.links import page_full_url
from portal.notices.models import NoticePage
from portal.notices.models.pages import notice_index_views
from portal.text_checks import xml_safe

FEED_SIZE = 50


def public_notices(index: Any):
    """Return the live public notices of a notice index, newest first."""
    return (
        NoticePage.objects.child_of(index)
        .live()
        .filter(visibility=Visibility.PUBLIC)
        .order_by("-first_published_at", "-pk")
    )


class NoticeRssFeed(Feed):
    """The estate's public notices as RSS 2.0.

    Text goes through xml_safe: XML 1.0 cannot carry most control characters, and one pasted
    into a title (before the admin refused them) would otherwise break the whole feed.
    """

    def __init__(self, index: Any) -> None:
        super().__init__()
        self.index = index

    def title(self) -> str:
        estate = self.index.page_estate
        return xml_safe(_("%(estate)s · 公告") % {"estate": estate.name if estate else ""})

    def link(self) -> str:
        return self.index.url

    def description(self) -> str:
        return xml_safe(self.index.intro) or self.title()

    def items(self):
        return public_notices(self.index)[:FEED_SIZE]

    def item_title(self, item: NoticePage) -> str:
        return xml_safe(item.title)

    def item_description(self, item: NoticePage) -> str:
        return xml_safe(item.summary or item.title)

    def item_link(self, item: NoticePage) -> str:
        return item.url

    def item_pubdate(self, item: NoticePage):
        return item.first_published_at

    def item_updateddate(self, item: NoticePage):
        return item.last_published_at

    def item_categories(self, item: NoticePage):
        return [item.get_category_display()]

    def item_guid(self, item: NoticePage) -> str:
        return f"notice-{item.pk}"

    item_guid_is_permalink = False


# --- iCalendar (RFC 5545) -----------------------------------------------------------------


def ical_escape(text: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma, newlines.

    Control characters (other than the newlines escaped here) are not allowed in TEXT at all.
    """
    return (
        xml_safe(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold_line(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1) without splitting a UTF-8 character."""
    parts: list[str] = []
    current = ""
    current_octets = 0
    limit = 75
    for char in line:
        size = len(char.encode("utf-8"))
        if current_octets + size > limit:
            parts.append(current)
            # Continuation lines start with one space, which counts towards their 75 octets.
            current, current_octets, limit = char, size, 74
        else:
            current += char
            current_octets += size
    parts.append(current)
    return "\r\n ".join(parts)


def ical_datetime(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def build_calendar(notices, *, host: str, name: str, url_for) -> str:
    """Return a VCALENDAR with one VEVENT per notice that has an effective window."""
    now = ical_datetime(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Gongzhi//Notices//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ical_escape(name)}",
        "X-WR-TIMEZONE:Asia/Shanghai",
    ]
    for notice in notices:
        if notice.effective_from is None:
            continue
        lines += [
            "BEGIN:VEVENT",
            f"UID:notice-{notice.pk}@{host}",
            f"DTSTAMP:{ical_datetime(notice.last_published_at) if notice.last_published_at else now}",
            f"DTSTART:{ical_datetime(notice.effective_from)}",
        ]
        if notice.effective_until:
            lines.append(f"DTEND:{ical_datetime(notice.effective_until)}")
        lines += [
            f"SUMMARY:{ical_escape(notice.title)}",
            f"DESCRIPTION:{ical_escape(notice.summary or notice.title)}",
            f"LOCATION:{ical_escape(notice.scope_label)}",
            f"CATEGORIES:{ical_escape(notice.get_category_display())}",
            f"URL:{url_for(notice)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)


@notice_index_views.register("ical")
def ical_response(request, index: Any) -> HttpResponse:
    """Serve the estate's calendar of public notices' effective windows (outages, meetings)."""
    notices = (
        public_notices(index)
        .filter(effective_from__isnull=False)
        .prefetch_related("buildings")[:200]
    )
    estate = index.page_estate
    body = build_calendar(
        notices,
        host=request.get_host().split(":")[0],
        name=_("%(estate)s · 公告日历") % {"estate": estate.name if estate else ""},
        url_for=lambda notice: page_full_url(notice, request),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="notices.ics"'
    return response


@notice_index_views.register("rss")
def rss_response(request, index: Any) -> HttpResponse:
    """Serve the estate's public notices as RSS 2.0."""
    return NoticeRssFeed(index)(request)

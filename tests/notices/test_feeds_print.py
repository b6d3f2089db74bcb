"""RSS of public notices, the iCal calendar (RFC 5545), and the A4 print view with its QR code."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from portal.notices.feeds import fold_line, ical_escape
from portal.notices.views import qr_svg
from tests.notices.conftest import make_notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def outage(notice_index):
    start = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # 9:00 in Shanghai
    return make_notice(
        notice_index,
        title="3栋停水通知：二次供水管道维修，请提前储水；如有疑问，请联系物业服务中心",
        buildings=("3栋",),
        effective_from=start,
        effective_until=start + timedelta(hours=8),
    )


def test_rss_lists_public_notices_only(client, notice_index, outage):
    make_notice(notice_index, title="成员可见的公告", visibility="members")
    response = client.get(notice_index.url + "feed/rss/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    channel = root.find("channel")
    assert "锦绣花园" in channel.findtext("title")
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == [outage.title]
    link = channel.find("item").findtext("link")
    assert link.startswith("http://testserver/") and link.endswith(outage.url)


def test_ical_follows_rfc5545(client, notice_index, outage):
    make_notice(notice_index, title="成员会议", visibility="members", effective_from=timezone.now())
    make_notice(notice_index, title="没有时间的公告")
    response = client.get(notice_index.url + "feed/ical/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content
    text = raw.decode("utf-8")
    # Every line ends with CRLF; no bare LF anywhere.
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    physical = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in physical)
    assert any(line.startswith(b" ") for line in physical), "the long summary must be folded"
    unfolded = text.replace("\r\n ", "")
    lines = unfolded.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == 1  # members-only and undated notices are left out
    assert f"UID:notice-{outage.pk}@testserver" in lines
    assert "DTSTART:20261128T010000Z" in lines
    assert "DTEND:20261128T090000Z" in lines
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)
    summary = next(line for line in lines if line.startswith("SUMMARY:"))
    assert summary == "SUMMARY:" + ical_escape(outage.title)


def test_ical_escaping_and_folding_rules():
    assert ical_escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = fold_line("SUMMARY:" + "停水" * 40)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert (
        "".join(part[1:] if i else part for i, part in enumerate(parts)) == "SUMMARY:" + "停水" * 40
    )


def test_print_view_has_the_qr_code_key_facts_and_issuer(client, outage):
    response = client.get(outage.url + "print/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "</svg>" in html
    # The QR code encodes the online notice's absolute address.
    online_url = response.context["online_url"]
    assert online_url.startswith("http://") and online_url.endswith(outage.url)
    assert qr_svg(online_url) in html
    assert "@page" not in html  # the A4 rules live in the stylesheet
    assert "停水时间" in html and "11月28日 9:00-17:00" in html
    assert "物业服务企业" in html
    assert "扫码查看在线公告" in html


def test_print_view_of_a_members_notice_needs_login(client, notice_index):
    notice = make_notice(notice_index, title="成员可见的公告", visibility="members")
    response = client.get(notice.url + "print/")
    assert response.status_code == 302


def test_stylesheet_sets_a4_for_printing():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "themes/static/css/gongzhi.css").read_text()
    assert "@page { size: A4" in css
    assert "@media print" in css


def test_the_qr_code_and_calendar_point_at_the_configured_address_not_localhost(
    client, settings, notice_index, outage
):
    # Wagtail's Site record says "localhost" (its initial migration); the site is elsewhere.
    from wagtail.models import Site

    assert Site.objects.get(is_default_site=True).hostname == "localhost"
    settings.WAGTAILADMIN_BASE_URL = "https://gongzhi.example.cn"
    response = client.get(outage.url + "print/")
    assert response.context["online_url"] == "https://gongzhi.example.cn" + outage.url
    assert qr_svg("https://gongzhi.example.cn" + outage.url) in response.content.decode()
    calendar = client.get(notice_index.url + "feed/ical/").content.decode().replace("\r\n ", "")
    assert f"URL:https://gongzhi.example.cn{outage.url}" in calendar
    assert "localhost" not in calendar

"""Security headers (issue #12, item 11): CSP enforced, no inline script or handler on the
public pages, Permissions-Policy and Referrer-Policy on every response."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_public_pages_carry_an_enforced_csp_without_unsafe_inline(client, estate_a):
    response = client.get(estate_a.page.url)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]


def test_every_response_has_permissions_and_referrer_policies(client, estate_a):
    response = client.get(estate_a.page.url)
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_admin_gets_its_relaxations_on_its_own_paths_only(client, site_admin, settings):
    settings.GONGZHI_REQUIRE_STAFF_MFA = False
    client.force_login(site_admin)
    policy = directives(client.get("/admin/")["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'self'"]


def test_development_settings_report_only():
    from portal.settings import dev

    assert dev.CONTENT_SECURITY_POLICY is None
    assert dev.CONTENT_SECURITY_POLICY_REPORT_ONLY["DIRECTIVES"]["script-src"]


def test_a_violation_report_is_logged_and_answered_204(client, db, caplog):
    body = b'{"csp-report": {"blocked-uri": "inline", "violated-directive": "script-src"}}'
    response = client.post("/csp-report/", body, content_type="application/csp-report")
    assert response.status_code == 204
    assert any("CSP violation" in r.getMessage() for r in caplog.records)


INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>"
)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


@pytest.mark.parametrize("who", ["anonymous", "王芳", "陈建国"])
def test_public_pages_have_no_inline_script_handler_or_style(demo_district, db, who):
    from django.contrib.auth import get_user_model
    from wagtail.models import Page

    client = Client()
    if who != "anonymous":
        client.force_login(get_user_model().objects.get(display_name=who))
    urls = ["/discuss/jinxiu/", "/me/", "/search/?q=电梯", "/accounts/login/"]
    seen: set[int] = set()
    for page in Page.objects.live().filter(depth__gt=1).order_by("path"):
        if page.content_type_id not in seen:
            seen.add(page.content_type_id)
            urls.append(page.get_url())
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
        assert not INLINE_HANDLER.search(html), (url, INLINE_HANDLER.search(html).group(0))
        assert not INLINE_STYLE.search(html), (url, INLINE_STYLE.search(html).group(0))


def test_a_form_posted_to_the_report_address_is_refused_not_a_500(db):
    client = Client(raise_request_exception=False)
    response = client.post("/csp-report/", {"blocked-uri": "inline"})
    assert response.status_code == 415

"""Hostile input renders inert in a real browser: every page of the discussion area that shows
the XSS corpus (tests/fixtures/xss_payloads.txt, through every text field) runs no script.

A trap is installed before any page script: alert/confirm/prompt record their calls in
window.__xss, a `dialog` listener records any dialog, and a payload that assigns
window.__xss replaces the trap's array (also caught). Desktop width only: what runs does
not depend on the screen, and the corpus makes ~150 pages per run. Those pages are a few
templates with different hostile text: axe checks one page of each kind (`axe_only`), the
trap every page.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.deliberation.xss import seed_xss

pytestmark = pytest.mark.browser

TRAP = """
window.__xss = [];
const record = (name) => (...args) => { window.__xss.push([name, String(args[0])]); };
window.alert = record("alert");
window.confirm = record("confirm");
window.prompt = record("prompt");
"""


def test_no_payload_runs_script_on_any_page_of_the_discussion_area(
    new_page, axe_only, viewport, live_server, estate_a, owner, tenant, property_staff, moderator
):
    if viewport.name != "desktop":
        pytest.skip("script execution does not depend on the screen width")
    settings.DELIBERATION_POST_RATE_LIMIT = (10_000, 600)
    try:
        seeded = seed_xss(
            estate_a, owner=owner, tenant=tenant, property_staff=property_staff, moderator=moderator
        )
    finally:
        settings.DELIBERATION_POST_RATE_LIMIT = (5, 600)
    axe_only(seeded.representative_urls)

    client = Client()
    client.force_login(moderator)  # moderators see the most: hidden text, reports, appeals
    page = new_page()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.add_init_script(TRAP)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    fired = []
    for url in seeded.urls:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        # Open every <details> (hidden originals, reply forms) so their content renders too.
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        page.mouse.move(5, 5)
        page.mouse.move(600, 400)
        trapped = page.evaluate("() => Array.isArray(window.__xss) ? window.__xss : ['replaced']")
        if trapped:
            fired.append((url, trapped))
    assert len(seeded.urls) > 140
    assert dialogs == []
    assert fired == []
    # The payloads are on the pages as text.
    page.goto(seeded.urls[0])
    assert "<script>alert(1)</script>" in page.locator("main").inner_text()
    # Control: the trap does catch a script that runs (so the assertions above can fail).
    page.evaluate(
        "() => { const i = document.createElement('img');"
        " i.onerror = () => alert('control'); i.src = 'x:'; document.body.appendChild(i); }"
    )
    page.wait_for_function("() => window.__xss.length > 0")
    assert page.evaluate("() => window.__xss") == [["alert", "control"]]

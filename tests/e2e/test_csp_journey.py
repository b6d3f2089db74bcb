"""The Content-Security-Policy breaks nothing a person sees (issue #12, item 11).

A reader and an owner walk the main public pages in Chromium while the policy is enforced;
the browser reports no `securitypolicyviolation` and logs no CSP error in the console.
"""

from __future__ import annotations

import pytest

from demo import district as demo

pytestmark = [pytest.mark.browser, pytest.mark.presentation]

# Collect every violation the browser reports, from the first script on each page.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""

PUBLIC_PAGES = (
    "/",
    "/jinxiu/",
    "/jinxiu/notices/",
    "/jinxiu/notices/water-off-building-3/",
    "/jinxiu/notices/water-off-building-3/print/",
    "/jinxiu/consultations/",
    "/jinxiu/knowledge/",
    "/guides/faq/",
    "/search/?q=维修资金",
    "/accounts/login/",
    "/accounts/signup/",
)
MEMBER_PAGES = ("/discuss/jinxiu/", "/me/", "/inbox/", "/jinxiu/assemblies/")


def listen(page) -> list[str]:
    """Collect the CSP errors the console logs on this page from now on."""
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.add_init_script(LISTEN)
    return console


def visit_and_collect(page, urls) -> list[str]:
    problems: list[str] = []
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.status < 400, url
        assert response.headers.get("content-security-policy"), url
        page.wait_for_load_state("load")
        problems += [f"{url}: {v}" for v in page.evaluate("window.__cspViolations")]
    return problems


def test_a_reader_and_then_an_owner_raise_no_csp_violation(page, screenshot):
    """One walk (the demo is seeded once): the public pages, then an owner's pages."""
    from tests.e2e.helpers import log_in_by_sms_code

    demo.seed()
    console = listen(page)
    problems = visit_and_collect(page, PUBLIC_PAGES)
    screenshot(page, "signup")
    log_in_by_sms_code(page, "+8613800138001")
    problems += visit_and_collect(page, MEMBER_PAGES)
    screenshot(page, "assemblies")
    assert problems + console == []

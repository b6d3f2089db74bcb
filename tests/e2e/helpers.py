"""Steps several browser journeys share, written the way a person does them."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import time_machine

from portal.accounts.sms import LocmemSMSBackend

# A login code as allauth formats it: "K7QM-X2PD" by default, or plain digits when the
# project sets a numeric LOGIN_BY_CODE_FORMAT. Not glued to ASCII letters or digits.
CODE_PATTERN = re.compile(r"(?<![A-Za-z0-9])([A-Z0-9]{2,}(?:-[A-Z0-9]{2,})*)(?![A-Za-z0-9])")


def national_number(phone: str) -> str:
    """Return the number as a person in China types it: '+8613900000001' → '13900000001'."""
    return phone.removeprefix("+86")


def last_sms_code(phone: str) -> str:
    """Return the login code in the last text message sent to this phone."""
    messages = [message for message in LocmemSMSBackend.outbox if message.to == phone]
    assert messages, f"no SMS was sent to {phone}; outbox: {LocmemSMSBackend.outbox!r}"
    codes = [code for code in CODE_PATTERN.findall(messages[-1].text) if len(code) >= 4]
    assert codes, f"no code in the SMS {messages[-1].text!r}"
    return codes[0]


def log_in_by_sms_code(
    page: Any, phone: str, *, screenshot: Callable[[Any, str], Any] | None = None
) -> None:
    """Log in from the login page: ask for a code by SMS, read it, type it in.

    Selects fields by name and buttons by type, not by their wording, so the journey
    survives changes to the allauth templates' text. With `screenshot`, saves each screen.
    """
    snap = screenshot or (lambda page, step: None)
    page.goto("/accounts/login/")
    snap(page, "login")
    page.locator("a[href*='/accounts/login/code/']").first.click()
    request_form = page.locator("form:has(input[name=phone])")
    request_form.locator("input[name=phone]").fill(national_number(phone))
    snap(page, "request-code")
    request_form.locator("button[type=submit], input[type=submit]").first.click()

    code_form = page.locator("form:has(input[name=code])")
    code_form.locator("input[name=code]").fill(last_sms_code(phone))
    snap(page, "enter-code")
    # Wait for the navigation the click starts, not merely for the current page's load
    # state (already "loaded"): otherwise the next goto can cut the sign-in short on a
    # slow machine, and the test goes on signed out.
    with page.expect_navigation():
        code_form.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state()


def assert_fits_screen(page: Any) -> None:
    """Assert the page does not scroll sideways: nothing wider than the screen.

    Deliberate scrollers (the estate navigation, wide tables) scroll inside their own
    box and do not widen the document.
    """
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"page is {widths[0]}px wide on a {widths[1]}px screen"


def log_in_with_password_and_totp(
    page: Any, login: str, password: str, totp_secret: str, *, to: str = "/admin/"
) -> None:
    """Log in as staff do: email and password (no code asked), then open the staff area,
    whose door asks for the authenticator app's current code (portal.accounts.mfa).

    Needs GONGZHI_REQUIRE_STAFF_MFA on (the test settings turn it off).
    """
    page.goto("/accounts/login/")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=login]").fill(login)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():  # see log_in_by_sms_code
        form.locator("button[type=submit], input[type=submit]").first.click()
    page.goto(to)
    enter_totp_code(page, totp_secret)


def current_totp(totp_secret: str) -> str:
    """Return the number the authenticator app shows right now for this secret."""
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    return format_hotp_value(hotp_value(totp_secret, next(yield_hotp_counters_from_time())))


def enter_totp_code(page: Any, totp_secret: str) -> None:
    """Where the page asks for the authenticator app's code, type the current one and send it."""
    code_form = page.locator("form:has(input[name=code])")
    code_form.wait_for()
    # A code is good for its 30-second window only (allauth's tolerance is 0). Computed at
    # :29 and checked at :31 on a slow machine, it would be refused. The live server runs in
    # this process, so hold the clock still from computing the code until the server has
    # checked it: the same window on both sides. (Playwright's waits use the monotonic clock,
    # which time-machine leaves alone.)
    with time_machine.travel(time.time(), tick=False):
        code_form.locator("input[name=code]").fill(current_totp(totp_secret))
        with page.expect_navigation():  # see log_in_by_sms_code
            code_form.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state()


def expect_admin_message(page: Any, text: str) -> None:
    """Wait for the Wagtail admin's confirmation; if the form was refused, fail naming each
    field error, so a red run says what the editor would have seen instead of a bare timeout."""
    from playwright.sync_api import expect

    messages = page.locator(".messages")
    messages.wait_for()
    if page.locator(".messages .error, .messages [class*=error]").count() or (
        "validation" in messages.inner_text() or "错误" in messages.inner_text()
    ):
        errors = page.evaluate(
            """() => [...document.querySelectorAll('.error-message, .w-field__errors')]
                .filter((node) => node.innerText.trim())
                .map((node) => {
                    const field = node.closest('[data-field-wrapper], .w-field__wrapper, [id]');
                    const label = field && field.querySelector('label');
                    const name = label ? label.innerText.trim() : (field ? field.id : '?');
                    return `${name}: ${node.innerText.trim()}`;
                })"""
        )
        raise AssertionError(f"the admin refused the form: {errors}")
    expect(messages).to_contain_text(text)


def type_rich_text(page: Any, container: str, text: str) -> None:
    """Type into the Draftail editor inside `container`, then wait until the editor has
    written the text into its hidden input, which is what the form submits.

    Draftail saves to that input on a debounce; an editor the admin has just added (an
    inline panel's new child) can show the text well before it saves it, and a form
    submitted in between arrives with the field empty.
    """
    editor = page.locator(f"{container} .public-DraftEditor-content")
    editor.click()
    page.keyboard.type(text)
    page.wait_for_function(
        """([container, text]) => [...document.querySelectorAll(`${container} input[type=hidden]`)]
            .some((input) => input.value.includes(text))""",
        arg=[container, text],
    )


def signed_in(
    new_page: Callable[[], Any], live_server: Any, user: Any, *, language: str = ""
) -> Any:
    """Return a new page (own cookies) with the user signed in, optionally in a language.

    For the people a journey needs besides the one who logs in as a person does (the login
    journey itself is tested in test_login_journey.py).
    """
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page = new_page()
    cookies = [
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url,
        }
    ]
    if language:
        cookies.append(
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
        )
    page.context.add_cookies(cookies)
    return page


def in_english(page: Any, live_server: Any) -> None:
    """Switch the page's browser to English (the language switch's cookie) and reload."""
    from django.conf import settings

    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    page.reload()

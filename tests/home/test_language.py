"""Chinese first: the browser's language does not switch the site; the reader's choice does."""

from __future__ import annotations


def test_an_english_browser_still_gets_chinese(client, estate_a):
    response = client.get("/jinxiu/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


def test_choosing_english_switches_the_interface(client, estate_a):
    response = client.get("/lang/en/?next=/jinxiu/")
    assert response["Location"] == "/jinxiu/"
    response = client.get("/jinxiu/")
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()


def test_after_an_english_request_the_next_test_still_starts_in_chinese(db):
    """Runs right after the test above (file order): the middleware left English on the
    thread, and a test's messages must not depend on which test ran before it."""
    from django.utils import translation

    assert translation.get_language() == "zh-hans", translation.get_language()


def test_an_unknown_language_cookie_falls_back_to_chinese(client, estate_a):
    client.cookies["django_language"] = "fr"
    assert client.get("/jinxiu/")["Content-Language"] == "zh-hans"


def test_the_switch_never_redirects_off_site(client, db):
    response = client.get("/lang/en/?next=https://evil.example.com/")
    assert response["Location"] == "/"

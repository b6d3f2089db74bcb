"""A database restart (issue #12, item 12): requests during it get a 503 in Chinese, not a 500."""

from __future__ import annotations

import logging

import pytest
from django.db import InterfaceError, OperationalError, ProgrammingError
from django.db.backends import utils
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_client() -> Client:
    """A client that shows the response a person gets instead of re-raising the exception."""
    return Client(raise_request_exception=False)


def drop_connection(monkeypatch, error: type[Exception]) -> None:
    """Make every query fail as it does while the database restarts."""

    def fail(*args, **kwargs):
        raise error("server closed the connection unexpectedly")

    monkeypatch.setattr(utils.CursorWrapper, "execute", fail)
    monkeypatch.setattr(utils.CursorWrapper, "executemany", fail)


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_dropped_connection_gives_a_chinese_503_that_says_to_retry(
    browser_client, estate_a, monkeypatch, caplog, error
):
    url = estate_a.page.url
    drop_connection(monkeypatch, error)
    with caplog.at_level(logging.WARNING, logger="themes.views"):
        response = browser_client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "服务暂时不可用" in html and "秒后刷新页面重试" in html
    assert any("Database unavailable" in r.getMessage() for r in caplog.records)


def test_a_dropped_connection_while_loading_the_session_is_a_503_too(
    browser_client, owner, estate_a, monkeypatch
):
    browser_client.force_login(owner)  # the session and the user are read from the database
    drop_connection(monkeypatch, OperationalError)
    response = browser_client.post(f"/discuss/{estate_a.slug}/new/", {"title": "电梯又坏了"})
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()


def test_the_503_page_is_in_elder_mode_when_the_device_asks_for_it(
    browser_client, estate_a, monkeypatch
):
    """The person's saved choice is in the unreachable database; the device's cookie is not."""
    url = estate_a.page.url
    drop_connection(monkeypatch, OperationalError)
    assert "elder.css" not in browser_client.get(url).content.decode()
    browser_client.cookies["elder"] = "1"
    html = browser_client.get(url).content.decode()
    assert 'class="elder"' in html and "elder.css" in html and "服务暂时不可用" in html


def test_any_other_error_is_still_a_500(browser_client, estate_a, monkeypatch):
    url = estate_a.page.url
    drop_connection(monkeypatch, ProgrammingError)
    response = browser_client.get(url)
    assert response.status_code == 500
    assert "Retry-After" not in response

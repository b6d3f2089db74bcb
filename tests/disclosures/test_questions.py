"""An owner asks about a line; the question is an issue report to the property company with
the usual deadlines, and the company's answer shows beside the line."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from deliberation import actions as deliberation
from deliberation.choices import DeadlineStatus, IssueCategory
from disclosures import actions
from portal.community.choices import Party

pytestmark = pytest.mark.django_db


def test_a_question_on_a_line_is_an_issue_report_for_the_property_company(published, owner):
    line = published.lines.get(label="电梯广告")
    question = actions.ask_about_line(line, owner, body="电梯广告收入为什么比上季度少？")
    thread = question.thread
    assert question.line == line and not question.from_review
    assert thread.category == IssueCategory.INQUIRY and thread.responsible_party == Party.PROPERTY
    assert thread.estate == published.estate and "电梯广告" in thread.title
    assert thread.response_due_at == thread.created_at + timedelta(hours=24)
    assert thread.close_due_at == thread.created_at + timedelta(hours=48)


def test_the_answer_shows_beside_the_line_and_counts_as_on_time(
    client, published, owner, property_manager
):
    line = published.lines.get(label="电梯广告")
    question = actions.ask_about_line(line, owner, body="为什么少了？")
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        deliberation.add_post(
            question.thread,
            property_manager,
            body="三部电梯广告合同十月到期，正在续签。",
            official=True,
        )
    question.thread.refresh_from_db()
    assert question.thread.response_status() == DeadlineStatus.ON_TIME
    client.force_login(owner)
    page = client.get(f"/disclosures/{published.estate.slug}/{published.pk}/").content.decode()
    beside = page[page.index(f'id="line-{line.pk}"') :]
    assert "物业答复" in beside[:4000] and "正在续签" in beside[:4000]


def test_an_unanswered_question_past_24_hours_is_overdue(client, published, owner):
    line = published.lines.get(label="电梯广告")
    question = actions.ask_about_line(line, owner, body="为什么少了？")
    later = timezone.now() + timedelta(hours=25)
    assert question.thread.is_overdue(later)


def test_a_hidden_answer_is_not_copied_beside_the_line(
    client, published, owner, property_manager, moderator
):
    from deliberation.choices import PostStatus
    from deliberation.models import Post

    line = published.lines.get(label="电梯广告")
    question = actions.ask_about_line(line, owner, body="为什么少了？")
    post = deliberation.add_post(
        question.thread, property_manager, body="秘密答复内容", official=True
    )
    Post.objects.filter(pk=post.pk).update(status=PostStatus.HIDDEN)
    client.force_login(owner)
    page = client.get(f"/disclosures/{published.estate.slug}/{published.pk}/").content.decode()
    assert "秘密答复内容" not in page


def test_only_members_ask_and_only_about_published_disclosures(draft, published, outsider, owner):
    line = published.lines.first()
    with pytest.raises(PermissionDenied):
        actions.ask_about_line(line, outsider, body="?")
    with pytest.raises(ValidationError):
        actions.ask_about_line(line, owner, body="   ")


def test_the_ask_form_sends_the_owner_to_the_report(client, published, owner):
    line = published.lines.get(label="公共道路停车")
    client.force_login(owner)
    response = client.post(
        f"/disclosures/{published.estate.slug}/{published.pk}/lines/{line.pk}/ask/",
        {"body": "停车收入的成本是什么？"},
    )
    assert response.status_code == 302 and "/discuss/" in response["Location"]

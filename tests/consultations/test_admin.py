"""The committee writes consultations in the Wagtail admin; nobody else does, and answered
questions keep their meaning."""

from __future__ import annotations

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from consultations import actions
from consultations.models import ConsultationPage
from portal.community.models import AuditEvent
from tests.consultations.conftest import valid_answers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa_in_these_tests(settings):
    # MFA for staff is tested with the accounts app; here we drive the editor.
    settings.GONGZHI_REQUIRE_STAFF_MFA = False


def _form(**overrides):
    return nested_form_data(
        {
            "title": "电动车充电桩建设方案征求意见",
            "slug": "ev-charging",
            "purpose": "拟在地下车库建设充电桩，请业主提出意见。",
            "background": rich_text("<p>目前小区有电动车 120 余辆。</p>"),
            "opens_at": "2026-01-01 09:00",
            "closes_at": "2030-01-01 18:00",
            "audience": "owners",
            "participant_visibility": "committee",
            "reminder_hours": "48",
            "visibility": "public",
            "sections": inline_formset(
                [
                    {"heading": "一、建设位置", "body": rich_text("<p>地下车库 B2 层。</p>")},
                    {"heading": "二、费用分摊", "body": rich_text("<p>使用者付费。</p>")},
                ]
            ),
            "questions": inline_formset(
                [
                    {
                        "kind": "single",
                        "text": "您是否赞成建设充电桩？",
                        "help_text": "",
                        "required": "on",
                        "choices": "赞成\n反对",
                        "max_choices": "",
                    }
                ]
            ),
            "attachments": inline_formset([]),
            "follow_ups": inline_formset([]),
            **overrides,
        }
    )


def test_the_committee_chair_publishes_a_consultation_in_the_admin(
    client, consultation_index, committee_chair
):
    client.force_login(committee_chair)
    response = client.post(
        f"/admin/pages/add/consultations/consultationpage/{consultation_index.pk}/",
        {**_form(), "action-publish": "action-publish"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = ConsultationPage.objects.get(slug="ev-charging")
    assert page.live
    assert [s.heading for s in page.sections.all()] == ["一、建设位置", "二、费用分摊"]
    assert all(s.anchor for s in page.sections.all())
    assert page.questions.get().options() == ["赞成", "反对"]
    assert AuditEvent.objects.filter(action="consultation.published").exists()


def test_a_single_choice_question_needs_two_choices(client, consultation_index, committee_chair):
    client.force_login(committee_chair)
    data = _form()
    data["questions-0-choices"] = "赞成"
    response = client.post(
        f"/admin/pages/add/consultations/consultationpage/{consultation_index.pk}/",
        {**data, "action-publish": "action-publish"},
    )
    assert response.status_code == 200
    assert "单选、多选题至少需要两个选项。" in response.content.decode()
    assert not ConsultationPage.objects.filter(slug="ev-charging").exists()


def test_property_staff_may_not_write_consultations(client, consultation_index, property_staff):
    client.force_login(property_staff)
    response = client.get(
        f"/admin/pages/add/consultations/consultationpage/{consultation_index.pk}/", follow=True
    )
    assert "征求意见由本小区业主委员会发布" in response.content.decode()


def test_the_choices_of_an_answered_question_cannot_change(
    client, consultation, committee_chair, owner
):
    actions.submit_response(consultation, owner, answers=valid_answers(consultation), opinions={})
    client.force_login(committee_chair)
    edit_url = f"/admin/pages/{consultation.pk}/edit/"
    # Post the form as the editor shows it, with one answered question's choices changed.
    posted = _posted_form(client, edit_url)
    key = next(k for k, v in posted.items() if v == "赞成\n反对\n无所谓")
    posted[key] = "赞成\n反对"
    response = client.post(edit_url, {**posted, "action-publish": "action-publish"})
    assert response.status_code == 200
    assert (
        "已有人回答“您是否赞成修订草案？”，不能删除它，也不能修改题型或选项。"
        in response.content.decode()
    )
    assert consultation.questions.get(kind="single").options() == ["赞成", "反对", "无所谓"]


def _posted_form(client, url: str) -> dict:
    """Return the edit form's fields as the browser would post them unchanged."""
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        def __init__(self):
            super().__init__()
            self.data: dict = {}
            self._textarea = None
            self._select = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
                if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                    return
                default = "on" if a.get("type") in ("checkbox", "radio") else ""
                self.data[name] = a.get("value") or default
            elif tag == "textarea" and name:
                self._textarea = name
                self.data[name] = ""
            elif tag == "select" and name:
                self._select = name
            elif tag == "option" and self._select and "selected" in a:
                self.data[self._select] = a.get("value", "")

        def handle_endtag(self, tag):
            if tag == "textarea":
                self._textarea = None
            if tag == "select":
                self._select = None

        def handle_data(self, data):
            if self._textarea:
                self.data[self._textarea] += data

    parser = Fields()
    parser.feed(client.get(url).content.decode())
    return {k: v.lstrip("\n") if isinstance(v, str) else v for k, v in parser.data.items()}

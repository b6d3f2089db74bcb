"""The permission matrix over objects: role × action × own / other's object × own / other estate.

Each row is one question put to `permissions.may(user, action, obj)`, the same question the
views, actions, templates (through the `may` tag) and the admin ask. The posts and threads
are made through the discussion area's own actions, as members make them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from deliberation import actions as deliberation
from deliberation.choices import IssueCategory, ThreadKind
from deliberation.models import SensitiveWord
from deliberation.oversight import actions as oversight
from deliberation.oversight.choices import MeetingState
from portal.community import permissions
from portal.community.choices import Party
from tests.consultations.conftest import make_consultation

pytestmark = pytest.mark.django_db


def _user(request, name):
    return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)


@pytest.fixture
def things(estate_a, estate_b, owner, tenant, outsider, committee_chair, property_manager):
    """王芳 (owner) reports a leak in 锦绣花园 and writes in a topic; the outsider, an owner of
    翠湖苑, writes in their own estate; a held thread; a joint meeting; an action item."""
    roof = deliberation.start_thread(
        estate_a,
        owner,
        kind=ThreadKind.ISSUE,
        category=IssueCategory.REPAIR,  # the property company answers repairs
        title="3栋屋顶漏水",
        body="顶楼 502 卧室天花板渗水。",
    )
    topic = deliberation.start_thread(
        estate_a, owner, kind=ThreadKind.TOPIC, title="东门快递柜", body="增设快递柜好不好？"
    )
    own_post = deliberation.add_post(topic, owner, body="我赞成。")
    tenants_post = deliberation.add_post(topic, tenant, body="我也赞成。")
    SensitiveWord.objects.create(estate=estate_a, word="骗子")
    held = deliberation.start_thread(
        estate_a, tenant, kind=ThreadKind.TOPIC, title="物业是骗子", body="物业是骗子。"
    )
    other_estate_topic = deliberation.start_thread(
        estate_b, outsider, kind=ThreadKind.TOPIC, title="翠湖苑停车", body="车位不够。"
    )
    meeting = oversight.convene_meeting(
        estate_a,
        actor=committee_chair,
        title="三方联席会议",
        starts_at=timezone.now() + timedelta(days=1),
        place="会所",
        participants=[property_manager],
    )
    item = oversight.create_action_item(
        estate_a,
        actor=committee_chair,
        title="3栋屋顶防水层维修",
        responsible_party=Party.PROPERTY,
        responsible_person=property_manager,
        due_date=timezone.localdate() + timedelta(days=7),
    )
    progress = oversight.post_update(
        item, actor=property_manager, note="已联系防水公司。", progress=10, state="in_progress"
    )
    from proposals import actions as proposals

    proposal = proposals.submit_proposal(
        estate_a, owner, title="东门增设快递柜", body="<p>快递常堆在门岗。</p>"
    )
    # The same proposal as the property company's answer leaves it (only what the rule reads;
    # adopted through the real action in tests/proposals/test_adoption_copies.py).
    answered_by_property = type(proposal).objects.get(pk=proposal.pk)
    answered_by_property.answering_party = Party.PROPERTY
    return {
        "proposal": proposal,
        "answered_by_property": answered_by_property,
        "roof": roof,
        "roof_report": roof.posts.get(),
        "progress": progress,
        "topic": topic,
        "own_post": own_post,
        "tenants_post": tenants_post,
        "held": held,
        "other_estate_post": other_estate_topic.posts.get(),
        "meeting": meeting,
        "item": item,
        "own_item_party": permissions.PartyTarget(estate_a, Party.PROPERTY),
        "committee_party": permissions.PartyTarget(estate_a, Party.COMMITTEE),
    }


# (who, action, object, allowed). "own_post" is the owner's, "tenants_post" the tenant's.
MATRIX = [
    # A post: its author edits, deletes and appeals; nobody else does, not even a moderator.
    ("owner", "edit_post", "own_post", True),
    ("owner", "delete_post", "own_post", True),
    ("owner", "appeal_post", "own_post", True),
    ("owner", "edit_post", "tenants_post", False),
    ("owner", "delete_post", "tenants_post", False),
    ("moderator", "edit_post", "own_post", False),
    ("moderator", "appeal_post", "own_post", False),
    ("anonymous", "edit_post", "own_post", False),
    # Reporting: another member's post, never one's own; an outsider reports nothing here.
    ("owner", "report_post", "tenants_post", True),
    ("owner", "report_post", "own_post", False),
    ("outsider", "report_post", "own_post", False),
    ("anonymous", "report_post", "own_post", False),
    # Words withheld (a hidden original, earlier versions): the author and the moderators.
    ("owner", "read_withheld_post", "own_post", True),
    ("tenant", "read_withheld_post", "own_post", False),
    ("moderator", "read_withheld_post", "own_post", True),
    ("committee_chair", "read_withheld_post", "own_post", True),
    ("property_staff", "read_withheld_post", "own_post", False),
    # A proposal (王芳's): its hidden words for its author and the moderators; reporting is
    # for other members; asking the moderators to review a hiding is for its author.
    ("owner", "read_withheld_proposal", "proposal", True),
    ("moderator", "read_withheld_proposal", "proposal", True),
    ("committee_chair", "read_withheld_proposal", "proposal", True),
    ("tenant", "read_withheld_proposal", "proposal", False),
    ("property_staff", "read_withheld_proposal", "proposal", False),
    ("outsider", "read_withheld_proposal", "proposal", False),
    ("anonymous", "read_withheld_proposal", "proposal", False),
    ("tenant", "report_proposal", "proposal", True),
    ("owner", "report_proposal", "proposal", False),
    ("moderator", "report_proposal", "proposal", True),
    ("outsider", "report_proposal", "proposal", False),
    ("anonymous", "report_proposal", "proposal", False),
    ("owner", "request_proposal_review", "proposal", True),
    ("moderator", "request_proposal_review", "proposal", False),
    ("tenant", "request_proposal_review", "proposal", False),
    # Keeping it hidden on review: a moderator, never its author (nor the one who hid it:
    # tests/proposals/test_moderation_copies.py).
    ("moderator", "decide_proposal_review", "proposal", True),
    ("committee_chair", "decide_proposal_review", "proposal", True),
    ("owner", "decide_proposal_review", "proposal", False),
    ("tenant", "decide_proposal_review", "proposal", False),
    ("outsider", "decide_proposal_review", "proposal", False),
    # The documents made from a hidden adopted proposal, with links to edit them: the
    # moderators (the committee among them) and the party that answered.
    ("moderator", "tend_adoption_copies", "answered_by_property", True),
    ("committee_chair", "tend_adoption_copies", "answered_by_property", True),
    ("property_manager", "tend_adoption_copies", "answered_by_property", True),
    ("property_staff", "tend_adoption_copies", "answered_by_property", True),
    ("property_manager", "tend_adoption_copies", "proposal", False),
    ("owner", "tend_adoption_copies", "answered_by_property", False),
    ("tenant", "tend_adoption_copies", "answered_by_property", False),
    ("outsider", "tend_adoption_copies", "answered_by_property", False),
    ("anonymous", "tend_adoption_copies", "answered_by_property", False),
    # Blocking an author: a moderator of the post's own estate, never of another estate.
    ("moderator", "block_author", "tenants_post", True),
    ("owner", "block_author", "tenants_post", False),
    ("moderator", "block_author", "other_estate_post", False),
    ("site_admin", "block_author", "other_estate_post", True),
    # Marking one's own post as the party's official answer: party members, their own post.
    ("owner", "mark_own_official", "own_post", False),
    ("property_staff", "mark_own_official", "own_post", False),
    # A thread held for review: its author and the moderators.
    ("tenant", "view_held_thread", "held", True),
    ("moderator", "view_held_thread", "held", True),
    ("owner", "view_held_thread", "held", False),
    ("outsider", "view_held_thread", "held", False),
    # An issue report: the reporter confirms and rates; the responsible party resolves;
    # any party over the estate or a moderator reassigns.
    ("owner", "act_as_reporter", "roof", True),
    ("tenant", "act_as_reporter", "roof", False),
    ("property_staff", "act_as_reporter", "roof", False),
    ("property_staff", "resolve_issue", "roof", True),
    ("property_manager", "resolve_issue", "roof", True),
    ("committee_chair", "resolve_issue", "roof", False),
    ("owner", "resolve_issue", "roof", False),
    ("committee_chair", "assign_issue", "roof", True),
    ("community_official", "assign_issue", "roof", True),
    ("moderator", "assign_issue", "roof", True),
    ("owner", "assign_issue", "roof", False),
    ("subdistrict_official", "assign_issue", "roof", True),
    # A topic has no responsible party: nobody resolves or reassigns it.
    ("committee_chair", "assign_issue", "topic", False),
    ("property_staff", "resolve_issue", "topic", False),
    # Photos of an issue report and of a progress update: whoever may read what they came
    # with, in the estate; a hidden or held post's photos follow its words (tested below).
    ("owner", "view_photos", "roof_report", True),
    ("tenant", "view_photos", "roof_report", True),
    ("property_staff", "view_photos", "roof_report", True),
    ("community_official", "view_photos", "roof_report", True),
    ("outsider", "view_photos", "roof_report", False),
    ("anonymous", "view_photos", "roof_report", False),
    ("tenant", "view_photos", "progress", True),
    ("committee_chair", "view_photos", "progress", True),
    ("outsider", "view_photos", "progress", False),
    ("anonymous", "view_photos", "progress", False),
    # A joint meeting in preparation: its participants, the estate's staff, officials.
    ("committee_chair", "view_meeting", "meeting", True),
    ("property_manager", "view_meeting", "meeting", True),
    ("community_official", "view_meeting", "meeting", True),
    ("owner", "view_meeting", "meeting", False),
    ("outsider", "view_meeting", "meeting", False),
    ("committee_chair", "run_meeting", "meeting", True),
    ("property_manager", "run_meeting", "meeting", False),
    # An action item: its responsible person and party report progress; whoever may hold
    # its party to account moves it.
    ("property_manager", "report_progress", "item", True),
    ("property_staff", "report_progress", "item", True),
    ("committee_chair", "report_progress", "item", False),
    ("owner", "report_progress", "item", False),
    ("committee_chair", "adjust_item", "item", True),
    ("property_staff", "adjust_item", "item", True),
    ("owner", "adjust_item", "item", False),
    ("outsider", "adjust_item", "item", False),
    # Opening items for a party: the committee for anyone, the property company for itself.
    ("property_staff", "open_items_for", "own_item_party", True),
    ("property_staff", "open_items_for", "committee_party", False),
    ("committee_chair", "open_items_for", "committee_party", True),
    ("community_official", "open_items_for", "own_item_party", True),
    ("owner", "open_items_for", "own_item_party", False),
    # Speaking for a party: its members over the estate only.
    ("property_staff", "speak_for", "own_item_party", True),
    ("committee_chair", "speak_for", "own_item_party", False),
    ("committee_chair", "speak_for", "committee_party", True),
    ("owner", "speak_for", "committee_party", False),
]


@pytest.mark.parametrize(("name", "action", "obj", "allowed"), MATRIX)
def test_each_object_question_has_its_answer(request, things, name, action, obj, allowed):
    assert permissions.may(_user(request, name), action, things[obj]) is allowed


@pytest.fixture
def withheld_things(estate_a, owner):
    """王芳's opinion and text answer in a consultation, and the petition she opened (the rule reads only who
    wrote them and where, so they need not be saved)."""
    from consultations.models import Answer, ConsultationIndexPage, Opinion, Response
    from voting.petitions.models import Petition

    consultation = make_consultation(
        ConsultationIndexPage.objects.descendant_of(estate_a.page).get()
    )
    response = Response(consultation=consultation, user=owner)
    return {
        "opinion": Opinion(consultation=consultation, response=response, body="<p>车位抽签。</p>"),
        "answer": Answer(response=response, text="希望增加电动车充电桩。"),
        "petition": Petition(estate=estate_a, opened_by=owner, title="提议召开临时会议"),
    }


# Withheld words (held or hidden by a moderator): who still reads them, marked.
WITHHELD_MATRIX = [
    # An opinion: its author, the moderators, and the committee that must still handle it.
    ("owner", "read_withheld_opinion", "opinion", True),
    ("moderator", "read_withheld_opinion", "opinion", True),
    ("committee_chair", "read_withheld_opinion", "opinion", True),
    ("owner_building1", "read_withheld_opinion", "opinion", False),
    ("tenant", "read_withheld_opinion", "opinion", False),
    ("property_manager", "read_withheld_opinion", "opinion", False),
    ("community_official", "read_withheld_opinion", "opinion", False),
    ("outsider", "read_withheld_opinion", "opinion", False),
    ("committee_chair_b", "read_withheld_opinion", "opinion", False),
    ("anonymous", "read_withheld_opinion", "opinion", False),
    # A text answer of the questionnaire: its author and the moderators (the committee is
    # among them); nobody else, and no export.
    ("owner", "read_withheld_answer", "answer", True),
    ("moderator", "read_withheld_answer", "answer", True),
    ("committee_chair", "read_withheld_answer", "answer", True),
    ("owner_building1", "read_withheld_answer", "answer", False),
    ("tenant", "read_withheld_answer", "answer", False),
    ("property_manager", "read_withheld_answer", "answer", False),
    ("community_official", "read_withheld_answer", "answer", False),
    ("outsider", "read_withheld_answer", "answer", False),
    ("committee_chair_b", "read_withheld_answer", "answer", False),
    ("anonymous", "read_withheld_answer", "answer", False),
    # A petition: its initiator, the committee and moderators (its addressee), and the
    # officials who moderate petitions.
    ("owner", "read_withheld_petition", "petition", True),
    ("moderator", "read_withheld_petition", "petition", True),
    ("committee_chair", "read_withheld_petition", "petition", True),
    ("owner_building1", "read_withheld_petition", "petition", False),
    ("property_manager", "read_withheld_petition", "petition", False),
    ("community_official", "read_withheld_petition", "petition", True),
    ("subdistrict_official", "read_withheld_petition", "petition", True),
    # Hiding a petition's words: the officials over the estate, never the committee, the
    # moderators it appoints or the property company (a petition is addressed to the committee).
    ("community_official", "moderate_petition", "petition", True),
    ("subdistrict_official", "moderate_petition", "petition", True),
    ("site_admin", "moderate_petition", "petition", True),
    ("committee_chair", "moderate_petition", "petition", False),
    ("committee_member", "moderate_petition", "petition", False),
    ("moderator", "moderate_petition", "petition", False),
    ("property_manager", "moderate_petition", "petition", False),
    ("owner", "moderate_petition", "petition", False),
    ("committee_chair_b", "moderate_petition", "petition", False),
    ("anonymous", "moderate_petition", "petition", False),
    ("committee_chair_b", "read_withheld_petition", "petition", False),
    ("anonymous", "read_withheld_petition", "petition", False),
]


@pytest.mark.parametrize(("name", "action", "obj", "allowed"), WITHHELD_MATRIX)
def test_who_reads_withheld_words(request, withheld_things, name, action, obj, allowed):
    assert permissions.may(_user(request, name), action, withheld_things[obj]) is allowed


def test_every_object_action_is_in_the_matrix():
    assert {action for _, action, _, _ in MATRIX + WITHHELD_MATRIX} | {
        "list_post",
        "decide_appeal",
        "view_consultation_results",
        "quote_post",
        "respond_to_consultation",
        "confirm_paper_ballot",
        # tested beside their features: tests/voting/test_petitions.py, test_roll_objections.py
        "withdraw_petition",
        "see_objection_evidence",
        "support_item",  # tests/proposals (no support for one's own post or opinion)
    } == set(permissions.OBJECT_ACTIONS)


def test_a_party_member_may_mark_their_own_post_official_but_not_anothers(things, property_staff):
    staff_post = deliberation.add_post(things["roof"], property_staff, body="明天上午派人维修。")
    assert permissions.may(property_staff, "mark_own_official", staff_post)
    assert not permissions.may(property_staff, "mark_own_official", things["own_post"])


def test_a_held_post_is_listed_for_its_author_and_the_moderators_only(
    things, tenant, owner, moderator
):
    held_post = things["held"].posts.get()
    assert permissions.may(tenant, "list_post", held_post)
    assert permissions.may(moderator, "list_post", held_post)
    assert not permissions.may(owner, "list_post", held_post)
    assert permissions.may(tenant, "quote_post", held_post)
    assert not permissions.may(moderator, "quote_post", held_post)
    assert permissions.may(owner, "quote_post", things["tenants_post"])
    assert permissions.may(AnonymousUser(), "list_post", things["own_post"])


def test_a_posts_photos_follow_its_moderation_like_its_words(
    things, owner, tenant, moderator, outsider
):
    report = things["roof_report"]
    deliberation.hide_post(report, moderator, reason="personal_info")
    report.refresh_from_db()
    assert not permissions.may(tenant, "view_photos", report)
    assert permissions.may(owner, "view_photos", report)  # its author, as with the words
    assert permissions.may(moderator, "view_photos", report)
    assert not permissions.may(outsider, "view_photos", report)
    held_report = things["held"].posts.get()
    assert permissions.may(tenant, "view_photos", held_report)  # the held thread's author
    assert permissions.may(moderator, "view_photos", held_report)
    assert not permissions.may(owner, "view_photos", held_report)


def test_published_minutes_are_for_every_member(things, owner, outsider):
    meeting = things["meeting"]
    meeting.state = MeetingState.PUBLISHED
    assert permissions.may(owner, "view_meeting", meeting)
    assert not permissions.may(outsider, "view_meeting", meeting)


def test_an_appeal_is_decided_by_another_moderator_than_the_one_who_hid_the_post(
    things, moderator, committee_chair, tenant
):
    post = things["tenants_post"]
    deliberation.hide_post(post, moderator, reason="abuse")
    appeal = deliberation.appeal(post, tenant, text="我没有骂人。")
    assert not permissions.may(moderator, "decide_appeal", appeal)
    assert permissions.may(committee_chair, "decide_appeal", appeal)
    assert not permissions.may(tenant, "decide_appeal", appeal)


@pytest.mark.parametrize(
    ("name", "before_close", "after_close"),
    [
        ("committee_chair", True, True),  # the committee follows its consultation live
        ("owner", False, True),
        ("tenant", False, True),
        ("anonymous", False, True),  # the page's own visibility is checked where it is served
        ("property_manager", False, True),
    ],
)
def test_consultation_results_wait_for_the_close_except_for_the_committee(
    request, estate_a, name, before_close, after_close
):
    from consultations.models import ConsultationIndexPage

    index = ConsultationIndexPage.objects.descendant_of(estate_a.page).get()
    running = make_consultation(index)
    closed = make_consultation(
        index,
        title="停车管理办法征求意见",
        opens_in=timedelta(days=-9),
        closes_in=timedelta(days=-1),
    )
    user = _user(request, name)
    assert permissions.may(user, "view_consultation_results", running) is before_close
    assert permissions.may(user, "view_consultation_results", closed) is after_close


def test_estate_actions_asked_of_an_object_answer_for_its_estate(things, moderator, outsider):
    assert permissions.may(moderator, "moderate", things["own_post"])
    assert not permissions.may(moderator, "moderate", things["other_estate_post"])
    assert permissions.may(outsider, "deliberate", things["other_estate_post"])
    assert not permissions.may(outsider, "deliberate", things["roof"])


def test_an_unknown_action_is_an_error_not_a_refusal(owner, estate_a):
    with pytest.raises(ValueError, match="Unknown action"):
        permissions.may(owner, "edit_everything", estate_a)


def test_object_questions_read_no_roles_twice(things, owner, django_assert_num_queries):
    permissions.forget_roles(owner)
    permissions.may(owner, "moderate", things["topic"].estate)
    post = things["tenants_post"]
    post.thread = things["topic"]
    with django_assert_num_queries(0):
        for action in ("edit_post", "report_post", "block_author", "read_withheld_post"):
            permissions.may(owner, action, post)


def test_the_template_tag_asks_the_same_question(rf: RequestFactory, things, owner, tenant):
    template = Template('{% load gongzhi %}{% may "edit_post" post as ok %}{{ ok }}')
    request = rf.get("/")
    request.user = owner
    assert template.render(Context({"request": request, "post": things["own_post"]})) == "True"
    request.user = tenant
    assert template.render(Context({"request": request, "post": things["own_post"]})) == "False"


def test_a_consultation_asks_owners_and_residents_only_when_it_says_so(
    estate_a, owner, tenant, outsider, committee_chair
):
    from consultations.choices import Audience
    from consultations.models import ConsultationIndexPage

    index = ConsultationIndexPage.objects.descendant_of(estate_a.page).get()
    owners_only = make_consultation(index, audience=Audience.OWNERS)
    everyone = make_consultation(index, title="垃圾分类征求意见", audience=Audience.RESIDENTS)
    assert permissions.may(owner, "respond_to_consultation", owners_only)
    assert not permissions.may(tenant, "respond_to_consultation", owners_only)
    assert permissions.may(tenant, "respond_to_consultation", everyone)
    assert not permissions.may(outsider, "respond_to_consultation", everyone)
    # Running it is not being asked: the chair owns no flat here.
    assert not permissions.may(committee_chair, "respond_to_consultation", everyone)


def test_a_paper_ballot_is_confirmed_by_another_committee_member_than_who_entered_it(
    estate_a, estate_b, committee_chair, committee_member, property_manager
):
    from types import SimpleNamespace

    # Only the rule's inputs: the ballot's assembly (its estate) and who entered it.
    entered_by_chair = SimpleNamespace(
        assembly=SimpleNamespace(page_estate=estate_a), entered_by_id=committee_chair.pk
    )
    assert not permissions.may(committee_chair, "confirm_paper_ballot", entered_by_chair)
    assert permissions.may(committee_member, "confirm_paper_ballot", entered_by_chair)
    assert not permissions.may(property_manager, "confirm_paper_ballot", entered_by_chair)
    elsewhere = SimpleNamespace(
        assembly=SimpleNamespace(page_estate=estate_b), entered_by_id=committee_chair.pk
    )
    assert not permissions.may(committee_member, "confirm_paper_ballot", elsewhere)

"""Threads and posts: who may read and write, replies, history, tombstones, badges, follows."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from deliberation import actions
from deliberation.actions import posting
from deliberation.choices import PostStatus, ThreadKind, ThreadState
from deliberation.models import Assignment, PostRevision, Thread
from portal.community.choices import Party
from portal.community.models import AuditEvent
from tests.deliberation.conftest import notified, report_issue

pytestmark = pytest.mark.django_db


def list_url(estate):
    return reverse("deliberation:thread_list", args=[estate.slug])


def detail_url(thread):
    return reverse("deliberation:thread_detail", args=[thread.estate.slug, thread.pk])


# --- who may read ------------------------------------------------------------------------


def test_the_outsider_gets_403_on_the_estate_discussion_area(client, outsider, roof):
    client.force_login(outsider)
    assert client.get(list_url(roof.estate)).status_code == 403
    assert client.get(detail_url(roof)).status_code == 403


def test_anonymous_readers_are_sent_to_log_in(client, roof):
    response = client.get(detail_url(roof))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["owner", "tenant", "property_staff", "community_official"])
def test_members_and_officials_over_the_estate_read_threads(client, request, name, roof):
    client.force_login(request.getfixturevalue(name))
    response = client.get(detail_url(roof))
    assert response.status_code == 200
    assert "3栋屋顶漏水" in response.content.decode()


def test_the_outsider_may_not_post_in_another_estate(estate_a, outsider):
    with pytest.raises(PermissionDenied):
        report_issue(estate_a, outsider)


# --- starting threads ----------------------------------------------------------------------


def test_an_issue_report_gets_the_default_party_deadlines_and_an_assignment(roof, owner):
    assert roof.state == ThreadState.PENDING
    assert roof.responsible_party == Party.PROPERTY
    assert (roof.response_due_at - roof.created_at).total_seconds() == 24 * 3600
    assert (roof.close_due_at - roof.created_at).total_seconds() == 48 * 3600
    (assignment,) = Assignment.objects.filter(thread=roof)
    assert assignment.party == Party.PROPERTY and assignment.assigned_by is None
    assert roof.follows.filter(user=owner).exists()
    assert AuditEvent.objects.filter(action="deliberation.thread_started").count() == 1


def test_a_suggestion_goes_to_the_committee_by_default(estate_a, owner):
    thread = report_issue(estate_a, owner, title="建议增加儿童游乐设施", category="suggestion")
    assert thread.responsible_party == Party.COMMITTEE


def test_the_responsible_party_is_notified_of_a_new_report(property_manager, property_staff, roof):
    assert notified(f"deliberation:thread:{roof.pk}:assigned:property") == {
        property_manager.pk,
        property_staff.pk,
    }


def test_an_issue_report_without_a_category_is_refused(estate_a, owner):
    with pytest.raises(ValidationError) as error:
        report_issue(estate_a, owner, category="")
    assert "category" in error.value.message_dict


def test_a_topic_has_no_category_and_stays_open(topic):
    assert topic.category == "" and topic.state == ThreadState.OPEN
    assert topic.responsible_party == ""


def test_an_empty_title_or_body_is_refused_with_a_message(estate_a, owner):
    with pytest.raises(ValidationError) as error:
        actions.start_thread(estate_a, owner, kind=ThreadKind.TOPIC, title="  ", body="<p> </p>")
    assert set(error.value.message_dict) == {"title"}
    with pytest.raises(ValidationError) as error:
        actions.start_thread(estate_a, owner, kind=ThreadKind.TOPIC, title="t", body="<b></b>")
    assert error.value.message_dict["body"] == ["请填写内容。"]


def test_tags_are_kept_per_estate_without_duplicates(estate_a, owner):
    thread = actions.start_thread(
        estate_a, owner, kind="topic", title="电梯", body="电梯老化", tags=["电梯", "#电梯", "3栋"]
    )
    assert sorted(t.name for t in thread.tags.all()) == ["3栋", "电梯"]


def test_a_thread_attaches_only_to_a_page_of_its_own_estate(estate_a, estate_b, owner):
    with pytest.raises(ValidationError):
        actions.start_thread(estate_a, owner, kind="topic", title="t", body="b", page=estate_b.page)
    thread = actions.start_thread(
        estate_a, owner, kind="topic", title="t", body="b", page=estate_a.page
    )
    assert thread.page_id == estate_a.page.pk


# --- posts -------------------------------------------------------------------------------


def test_the_tenant_may_post_but_not_answer_officially(roof, tenant):
    post = actions.add_post(roof, tenant, body="楼上也在漏。")
    assert post.author_badge == "住户 · 3栋"
    with pytest.raises(PermissionDenied):
        actions.add_post(roof, tenant, body="我来答复", official=True)
    with pytest.raises(PermissionDenied):
        actions.mark_official(post, tenant)


def test_badges_are_taken_from_roles_at_posting_time(
    roof,
    owner,
    owner_building1,
    property_staff,
    committee_member,
    community_official,
    subdistrict_official,
):
    badges = {
        user: actions.add_post(roof, user, body="…").author_badge
        for user in (owner, owner_building1, property_staff, committee_member)
    }
    assert badges == {
        owner: "业主 · 3栋",
        owner_building1: "业主 · 1栋",
        property_staff: "物业",
        committee_member: "业委会",
    }
    assert actions.add_post(roof, community_official, body="…").author_badge == "居委会"
    assert actions.add_post(roof, subdistrict_official, body="…").author_badge == "街道"


def test_a_badge_stays_as_it_was_when_the_role_changes_later(roof, property_staff):
    from portal.community import actions as community_actions
    from portal.community.models import Role

    post = actions.add_post(roof, property_staff, body="已派维修工上门。")
    community_actions.revoke_role(Role.objects.get(user=property_staff))
    post.refresh_from_db()
    assert post.author_badge == "物业"


def test_replies_nest_two_levels_and_a_deeper_reply_joins_the_second_level(roof, owner, tenant):
    opening = roof.posts.get(is_opening=True)
    reply = actions.add_post(roof, tenant, body="回复", parent=opening)
    deeper = actions.add_post(roof, owner, body="再回复", parent=reply)
    deepest = actions.add_post(roof, tenant, body="还要回复", parent=deeper)
    assert (reply.depth, deeper.depth, deepest.depth) == (1, 2, 2)
    assert deepest.parent_id == reply.pk


def test_a_reply_to_a_post_of_another_thread_is_refused(roof, topic, owner):
    with pytest.raises(ValidationError):
        actions.add_post(roof, owner, body="x", parent=topic.posts.first())


def test_an_edit_keeps_the_earlier_text_as_a_revision(roof, owner):
    post = roof.posts.get(is_opening=True)
    actions.edit_post(post, owner, body="<p>补充：下雨时滴水严重。</p>")
    post.refresh_from_db()
    assert post.body == "<p>补充：下雨时滴水严重。</p>" and post.edited_at is not None
    (revision,) = PostRevision.objects.filter(post=post)
    assert "天花板渗水" in revision.body


def test_only_the_author_edits_and_history_shows_to_the_author_and_moderators(
    client, roof, owner, tenant, moderator
):
    post = roof.posts.get(is_opening=True)
    with pytest.raises(PermissionDenied):
        actions.edit_post(post, tenant, body="改别人的")
    actions.edit_post(post, owner, body="新内容")
    url = reverse("deliberation:post_history", args=["jinxiu", post.pk])
    client.force_login(tenant)
    assert client.get(url).status_code == 403
    client.force_login(moderator)
    assert "天花板渗水" in client.get(url).content.decode()


def test_a_deleted_post_leaves_a_tombstone_and_keeps_its_text(client, roof, owner, tenant):
    post = actions.add_post(roof, tenant, body="这条我说错了")
    actions.delete_post(post, tenant)
    post.refresh_from_db()
    assert post.status == PostStatus.DELETED and post.body == "这条我说错了"
    client.force_login(owner)
    page = client.get(detail_url(roof)).content.decode()
    assert "该内容已被作者删除" in page and "这条我说错了" not in page


def test_followers_hear_of_new_posts_but_not_of_their_own(roof, owner, tenant, committee_member):
    actions.follow(roof, committee_member)
    post = actions.add_post(roof, tenant, body="同样的问题")
    assert notified(f"deliberation:post:{post.pk}:new") == {owner.pk, committee_member.pk}
    actions.unfollow(roof, committee_member)
    second = actions.add_post(roof, owner, body="谢谢")
    assert notified(f"deliberation:post:{second.pk}:new") == {tenant.pk}


def test_follow_and_unfollow_through_the_page(client, roof, tenant):
    client.force_login(tenant)
    url = reverse("deliberation:thread_follow", args=["jinxiu", roof.pk])
    client.post(url, {"follow": "1"})
    assert roof.follows.filter(user=tenant).exists()
    client.post(url, {"follow": "0"})
    assert not roof.follows.filter(user=tenant).exists()


# --- pages ---------------------------------------------------------------------------------


def test_posting_a_thread_through_the_form(client, tenant, estate_a):
    client.force_login(tenant)
    response = client.post(
        reverse("deliberation:thread_create", args=["jinxiu"]),
        {
            "kind": "issue",
            "category": "repair",
            "title": "2号电梯故障",
            "body": "电梯停在 5 楼",
            "tags": "电梯",
        },
    )
    thread = Thread.objects.get(title="2号电梯故障")
    assert response.status_code == 302 and response["Location"].startswith(detail_url(thread))


def test_the_form_shows_the_category_error_in_chinese(client, tenant, estate_a):
    client.force_login(tenant)
    response = client.post(
        reverse("deliberation:thread_create", args=["jinxiu"]),
        {"kind": "issue", "category": "", "title": "t", "body": "b"},
    )
    assert response.status_code == 200
    assert "问题反映请选择类别" in response.content.decode()


def test_the_outsider_gets_403_on_the_new_thread_form(client, outsider, estate_a):
    client.force_login(outsider)
    assert client.get(reverse("deliberation:thread_create", args=["jinxiu"])).status_code == 403


def test_listing_filters_by_kind_state_party_and_mine(client, estate_a, roof, topic, tenant):
    mine = report_issue(estate_a, tenant, title="垃圾清运不及时", category="complaint")
    client.force_login(tenant)
    url = list_url(estate_a)
    page = lambda **q: client.get(url, q).content.decode()  # noqa: E731
    assert "快递柜" in page(kind="topic") and "屋顶漏水" not in page(kind="topic")
    assert "屋顶漏水" in page(state="pending") and "快递柜" not in page(state="pending")
    assert "快递柜" not in page(party="property")
    assert "垃圾清运" in page(show="mine") and "屋顶漏水" not in page(show="mine")
    assert mine.title in page(show="following") and "屋顶漏水" not in page(show="following")


def test_the_listing_takes_a_fixed_number_of_queries(
    client, settings, estate_a, owner, tenant, django_assert_max_num_queries
):
    settings.DELIBERATION_POST_RATE_LIMIT = (1000, 600)
    for i in range(30):
        thread = report_issue(estate_a, owner if i % 2 else tenant, title=f"问题 {i}")
        thread.tags.set(posting.resolve_tags(estate_a, [f"标签{i}"]))
    client.force_login(tenant)
    with django_assert_max_num_queries(40):
        response = client.get(list_url(estate_a), {"kind": "issue"})
    assert response.status_code == 200
    assert response.content.decode().count('class="dlb-thread"') == 20


def test_a_page_shows_its_discussion_to_members_only(client, estate_a, owner, outsider):
    from portal.notices.models import NoticeIndexPage, NoticePage

    index = NoticeIndexPage.objects.descendant_of(estate_a.page).get()
    notice = index.add_child(instance=NoticePage(title="3栋停水通知", summary="停水"))
    notice.save_revision().publish()
    actions.start_thread(
        estate_a, owner, kind="question", title="停水到几点", body="几点来水？", page=notice
    )
    client.force_login(owner)
    page = client.get(notice.url).content.decode()
    assert "停水到几点" in page and "发起讨论" in page
    client.force_login(outsider)
    page = client.get(notice.url).content.decode()
    assert "停水到几点" not in page


def test_the_page_2_link_keeps_the_filters(client, settings, estate_a, owner, tenant, topic):
    settings.DELIBERATION_POST_RATE_LIMIT = (1000, 600)
    for i in range(21):
        report_issue(estate_a, tenant, title=f"问题 {i}")
    client.force_login(tenant)
    first = client.get(list_url(estate_a), {"kind": "issue", "show": "mine"}).content.decode()
    assert 'href="?kind=issue&amp;show=mine&amp;page=2" rel="next"' in first
    second = client.get(list_url(estate_a), {"kind": "issue", "show": "mine", "page": 2})
    html = second.content.decode()
    assert 'href="?kind=issue&amp;show=mine&amp;page=1" rel="prev"' in html
    assert html.count('class="dlb-thread"') == 1 and "快递柜" not in html

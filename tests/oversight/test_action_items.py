"""Action items: progress rules, the overdue rule at the day's edge, append-only updates, evidence."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from deliberation.oversight import actions
from deliberation.oversight.choices import ActionStatus
from deliberation.oversight.models import ActionItem, ActionItemUpdate, AppendOnlyError, local_today
from portal.community.models import AuditEvent
from tests.oversight.conftest import assert_database_refuses_changes, make_item, photo, png_bytes

# --- progress ------------------------------------------------------------------------------


@pytest.mark.parametrize("progress", [-1, 101, 250])
def test_progress_outside_0_to_100_is_refused(item, property_manager, progress):
    with pytest.raises(ValidationError, match="0 到 100"):
        actions.post_update(
            item, actor=property_manager, note="进度", progress=progress, state="in_progress"
        )
    assert item.updates.count() == 0


@pytest.mark.parametrize("progress", [0, 100])
def test_progress_at_the_bounds_is_accepted(item, property_manager, progress):
    actions.post_update(
        item, actor=property_manager, note="已进场", progress=progress, state="in_progress"
    )
    item.refresh_from_db()
    assert item.progress == progress


def test_the_form_refuses_101_with_a_clear_message(client, estate_a, item, property_manager):
    client.force_login(property_manager)
    response = client.post(
        reverse("oversight:item_progress", args=(estate_a.slug, item.pk)),
        {"state": "in_progress", "progress": 101, "note": "超额完成"},
    )
    assert response.status_code == 400
    assert "完成进度须在 0 到 100 之间" in response.content.decode()


def test_marking_done_completes_the_progress(item, property_manager):
    actions.post_update(
        item, actor=property_manager, note="维修完毕，已验收。", progress=80, state="done"
    )
    item.refresh_from_db()
    assert (item.state, item.progress) == ("done", 100)
    assert item.completed_at is not None


def test_a_started_item_cannot_be_reported_as_not_started(item, property_manager):
    with pytest.raises(ValidationError, match="进行中"):
        actions.post_update(
            item, actor=property_manager, note="?", progress=20, state="not_started"
        )


def test_the_database_refuses_progress_over_100(item):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.filter(pk=item.pk).update(progress=101)


def test_the_database_refuses_done_below_100(item):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.filter(pk=item.pk).update(state="done", progress=90)


def test_every_update_records_who_and_when_and_is_audited(item, property_manager):
    update = actions.post_update(
        item, actor=property_manager, note="已进场施工。", progress=40, state="in_progress"
    )
    assert update.author == property_manager and update.author_party == "property"
    assert update.created_at is not None
    event = AuditEvent.objects.get(action="oversight.action_item.progress_reported")
    assert event.actor == property_manager and event.details["progress"] == 40


# --- append-only -------------------------------------------------------------------------


def test_an_update_cannot_be_changed_or_deleted_through_the_model(item, property_manager):
    update = actions.post_update(
        item, actor=property_manager, note="已进场施工。", progress=40, state="in_progress"
    )
    update.note = "改写历史"
    with pytest.raises(AppendOnlyError):
        update.save()
    with pytest.raises(AppendOnlyError):
        update.delete()


def test_the_database_refuses_to_change_or_delete_an_update(item, property_manager):
    actions.post_update(
        item, actor=property_manager, note="已进场施工。", progress=40, state="in_progress"
    )
    assert_database_refuses_changes(ActionItemUpdate, note="改写历史")
    assert ActionItemUpdate.objects.get().note == "已进场施工。"


# --- overdue, at the edge of the day in Asia/Shanghai ------------------------------------


def test_due_today_is_not_overdue_due_yesterday_is(estate_a, committee_chair, time_machine):
    time_machine.move_to("2026-11-27 09:00 +08:00", tick=False)
    today_item = make_item(estate_a, committee_chair, due=date(2026, 11, 27), title="今天到期")
    later_item = make_item(estate_a, committee_chair, due=date(2026, 11, 28), title="明天到期")
    # The next morning in Beijing: the first is now a day late, the second due today.
    time_machine.move_to("2026-11-28 00:01 +08:00", tick=False)
    assert local_today() == date(2026, 11, 28)
    by_sql = dict(ActionItem.objects.with_status().values_list("title", "current_status"))
    assert by_sql == {"今天到期": ActionStatus.OVERDUE, "明天到期": ActionStatus.NOT_STARTED}
    today_item.refresh_from_db()
    later_item.refresh_from_db()
    assert today_item.status == ActionStatus.OVERDUE
    assert later_item.status == ActionStatus.NOT_STARTED
    assert list(ActionItem.objects.overdue().values_list("title", flat=True)) == ["今天到期"]


def test_the_day_turns_at_midnight_in_shanghai_not_utc(estate_a, committee_chair, time_machine):
    time_machine.move_to("2026-11-27 09:00 +08:00", tick=False)
    make_item(estate_a, committee_chair, due=date(2026, 11, 27))
    # 23:59 in Beijing is 15:59 UTC: still the due day, not overdue.
    time_machine.move_to("2026-11-27 23:59 +08:00", tick=False)
    assert not ActionItem.objects.overdue().exists()
    # 00:00 in Beijing is 16:00 UTC of the 27th: already the 28th here, overdue.
    time_machine.move_to("2026-11-28 00:00 +08:00", tick=False)
    assert ActionItem.objects.overdue().count() == 1


def test_a_done_item_is_never_overdue(estate_a, committee_chair, property_manager, time_machine):
    time_machine.move_to("2026-11-27 09:00 +08:00", tick=False)
    item = make_item(estate_a, committee_chair, due=date(2026, 11, 27))
    actions.post_update(item, actor=property_manager, note="完成", progress=100, state="done")
    time_machine.move_to("2026-12-15 09:00 +08:00", tick=False)
    assert not ActionItem.objects.overdue().exists()
    assert ActionItem.objects.with_status().get().current_status == ActionStatus.DONE


def test_filtering_by_status_is_one_sql_rule_that_matches_python(
    estate_a, committee_chair, property_manager, time_machine
):
    time_machine.move_to("2026-11-20 09:00 +08:00", tick=False)
    late = make_item(estate_a, committee_chair, due=date(2026, 11, 21), title="逾期")
    started = make_item(estate_a, committee_chair, due=date(2026, 12, 30), title="进行中")
    actions.post_update(
        started, actor=property_manager, note="开始", progress=10, state="in_progress"
    )
    make_item(estate_a, committee_chair, due=date(2026, 12, 30), title="未开始")
    done = make_item(estate_a, committee_chair, due=date(2026, 11, 21), title="完成")
    actions.post_update(done, actor=property_manager, note="完成", progress=100, state="done")
    actions.post_update(late, actor=property_manager, note="开始", progress=10, state="in_progress")
    time_machine.move_to("2026-11-27 09:00 +08:00", tick=False)
    today = local_today()
    for status in ActionStatus.values:
        in_sql = set(ActionItem.objects.with_status_in(status).values_list("title", flat=True))
        in_python = {i.title for i in ActionItem.objects.all() if i.status_on(today) == status}
        assert in_sql == in_python, status
    assert set(ActionItem.objects.with_status_in("overdue").values_list("title", flat=True)) == {
        "逾期"
    }


def test_an_item_cannot_be_opened_already_late(estate_a, committee_chair):
    with pytest.raises(ValidationError, match="不能早于今天"):
        make_item(estate_a, committee_chair, due=date(2020, 1, 1))


# --- evidence ----------------------------------------------------------------------------


def _report(client, estate, item, upload):
    return client.post(
        reverse("oversight:item_progress", args=(estate.slug, item.pk)),
        {"state": "in_progress", "progress": 50, "note": "现场已施工一半。", "evidence": upload},
    )


def test_a_photo_is_accepted_and_shown_to_members_only(
    client, estate_a, item, property_manager, owner, outsider
):
    client.force_login(property_manager)
    assert _report(client, estate_a, item, photo("屋顶.png")).status_code == 302
    update = item.updates.get()
    # A photo is kept as people see it: re-encoded as JPEG without EXIF (no GPS position).
    assert update.evidence_kind == "photo" and update.evidence_name == "屋顶.jpg"
    assert "屋顶" not in update.evidence.name  # stored under a random name
    url = reverse("oversight:evidence", args=(estate_a.slug, item.pk, update.pk))
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def test_a_pdf_document_is_accepted(client, estate_a, item, property_manager):
    client.force_login(property_manager)
    pdf = SimpleUploadedFile("验收单.pdf", b"%PDF-1.4\n% signed acceptance\n", "application/pdf")
    assert _report(client, estate_a, item, pdf).status_code == 302
    assert item.updates.get().evidence_kind == "document"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<script>alert(1)</script>", "只能是照片"),
        ("run.exe", b"MZ\x90\x00", "只能是照片"),
        ("photo.png", b"<svg onload=alert(1)>", "内容与扩展名不符"),
        ("photo.jpg", png_bytes(), "内容与扩展名不符"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "内容与扩展名不符"),
        ("report.pdf", b"GIF89a", "内容与扩展名不符"),
    ],
)
def test_evidence_of_the_wrong_type_or_content_is_refused(
    client, estate_a, item, property_manager, name, content, message
):
    client.force_login(property_manager)
    response = _report(client, estate_a, item, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert item.updates.count() == 0


def test_evidence_over_10_mb_is_refused(client, estate_a, item, property_manager):
    client.force_login(property_manager)
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))
    response = _report(client, estate_a, item, big)
    assert response.status_code == 400
    assert "不能超过 10 MB" in response.content.decode()


def test_the_action_refuses_bad_evidence_even_without_the_form(item, property_manager):
    with pytest.raises(ValidationError):
        actions.post_update(
            item,
            actor=property_manager,
            note="绕过表单",
            progress=10,
            state="in_progress",
            evidence=SimpleUploadedFile("x.png", b"not an image"),
        )
    assert item.updates.count() == 0


def test_user_text_is_escaped_on_the_pages(
    client, estate_a, committee_chair, property_manager, owner
):
    item = make_item(
        estate_a,
        committee_chair,
        title='<img src=x onerror="alert(1)">屋顶',
        description="<script>alert('d')</script>说明",
    )
    actions.post_update(
        item,
        actor=property_manager,
        note='<a href="javascript:alert(1)">点我</a>',
        progress=10,
        state="in_progress",
    )
    client.force_login(owner)
    for url in (item.get_absolute_url(), reverse("oversight:item_list", args=(estate_a.slug,))):
        html = client.get(url).content.decode()
        assert "<img src=x" not in html and "<script>alert('d')" not in html
        assert 'href="javascript:' not in html
    assert "&lt;img src=x" in client.get(item.get_absolute_url()).content.decode()

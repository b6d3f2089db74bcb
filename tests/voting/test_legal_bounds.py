"""The law's numbers cannot be configured away: each bound holds in the admin form, the model
and the database (a raw UPDATE), at the boundary, and voting opens only once the residents'
committee is recorded as informed (物业管理条例 Art. 14)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from portal.community import legal
from tests.voting.conftest import inform_residents_committee, make_assembly
from voting import actions
from voting.choices import AssemblyState
from voting.models import AssemblyPage

pytestmark = pytest.mark.django_db

# (field, refused value, accepted value) at each boundary of every bounded assembly setting.
BOUNDARIES = [
    ("min_notice_days", 14, 15),
    ("result_display_days", 14, 15),
    ("result_display_days", 366, 365),
    ("result_due_days", 4, 3),
    ("result_due_days", 0, 1),
    ("proxy_cap_per_agent", 0, 1),
]


def admin_form(page, **changes):
    """Return the Wagtail edit form of the page, bound to its own values with `changes`."""
    form_class = AssemblyPage.get_edit_handler().get_form_class()
    initial = form_class(instance=page, for_user=None).initial
    data = {k: v for k, v in initial.items() if v is not None and not isinstance(v, list | dict)}
    for name in ("voting_opens_at", "voting_closes_at"):
        data[name] = timezone.localtime(getattr(page, name)).strftime("%Y-%m-%d %H:%M")
    data.update({k: str(v) for k, v in changes.items()})
    form = form_class(data=data, instance=page, for_user=None)
    form.is_valid()
    return form


def raw_update(page, field: str, value) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE voting_assemblypage SET {field} = %s WHERE page_ptr_id = %s", [value, page.pk]
        )


def stored(page, field: str):
    return AssemblyPage.objects.values_list(field, flat=True).get(pk=page.pk)


@pytest.mark.parametrize(("field", "refused", "accepted"), BOUNDARIES)
def test_the_admin_form_refuses_a_setting_beyond_the_law(draft_assembly, field, refused, accepted):
    assert field in admin_form(draft_assembly, **{field: refused}).errors
    assert field not in admin_form(draft_assembly, **{field: accepted}).errors


@pytest.mark.parametrize(("field", "refused", "accepted"), BOUNDARIES)
def test_the_model_refuses_a_setting_beyond_the_law(draft_assembly, field, refused, accepted):
    page = AssemblyPage.objects.get(pk=draft_assembly.pk)
    setattr(page, field, refused)
    with pytest.raises(ValidationError) as refusal:
        page.full_clean()
    assert field in refusal.value.message_dict
    setattr(page, field, accepted)
    page.full_clean()


@pytest.mark.parametrize(("field", "refused", "accepted"), BOUNDARIES)
def test_the_database_refuses_a_raw_update_beyond_the_law(draft_assembly, field, refused, accepted):
    before = stored(draft_assembly, field)
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_update(draft_assembly, field, refused)
    assert stored(draft_assembly, field) == before
    raw_update(draft_assembly, field, accepted)
    assert stored(draft_assembly, field) == accepted


def test_the_database_refuses_a_notice_period_of_zero(draft_assembly):
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_update(draft_assembly, "min_notice_days", 0)
    assert stored(draft_assembly, "min_notice_days") == 15


def test_no_proxy_cap_stays_allowed(draft_assembly):
    raw_update(draft_assembly, "proxy_cap_per_agent", None)
    page = AssemblyPage.objects.get(pk=draft_assembly.pk)
    page.full_clean()
    assert page.proxy_cap_per_agent is None


def test_a_longer_notice_period_from_the_rules_of_procedure_stays_allowed(draft_assembly):
    form = admin_form(
        draft_assembly,
        min_notice_days=30,
        voting_opens_at=timezone.localtime(timezone.now() + timedelta(days=31)).strftime(
            "%Y-%m-%d %H:%M"
        ),
        voting_closes_at=timezone.localtime(timezone.now() + timedelta(days=45)).strftime(
            "%Y-%m-%d %H:%M"
        ),
    )
    assert "min_notice_days" not in form.errors and "voting_opens_at" not in form.errors


def test_the_refusal_says_why_in_the_users_language(draft_assembly):
    errors = admin_form(draft_assembly, min_notice_days=0).errors["min_notice_days"]
    assert any("不得少于 15 日" in e and "物业管理条例" in e for e in errors)


def test_the_english_refusal_counts_in_singular_and_plural():
    from django.utils import translation

    from portal.community.legal_checks import too_low_message

    with translation.override("en"):
        assert str(too_low_message(legal.PROXY_CAP)).startswith("Must be at least 1 voting right.")
        assert str(too_low_message(legal.NOTICE_DAYS)).startswith("Must be at least 15 days.")


def test_an_assembly_with_a_notice_period_of_zero_cannot_be_created(estate_a, register):
    now = timezone.now()
    with pytest.raises(ValidationError):
        make_assembly(
            estate_a,
            opens_at=now + timedelta(minutes=5),
            closes_at=now + timedelta(days=14),
            min_notice_days=0,
        )
    assert not AssemblyPage.objects.exists()


def test_help_texts_read_the_numbers_from_the_legal_bounds():
    fields = {f.name: f for f in AssemblyPage._meta.get_fields() if hasattr(f, "help_text")}
    assert f"法定最少 {legal.NOTICE_DAYS.minimum} 日" in str(fields["min_notice_days"].help_text)
    assert f"不少于 {legal.RESULT_DISPLAY_DAYS.minimum} 日" in str(
        fields["result_display_days"].help_text
    )
    assert f"最长 {legal.RESULT_DUE_DAYS.maximum} 日" in str(fields["result_due_days"].help_text)
    assert f"至少为 {legal.PROXY_CAP.minimum}" in str(fields["proxy_cap_per_agent"].help_text)


# --- the residents' committee -----------------------------------------------------------------


def _announced_and_due(estate, chair):
    """Return an assembly announced 20 days ago whose voting window has begun."""
    now = timezone.now()
    page = make_assembly(
        estate, opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(days=10)
    )
    actions.announce_assembly(page, actor=chair, now=now - timedelta(days=20))
    return AssemblyPage.objects.get(pk=page.pk)


def test_voting_does_not_open_while_informing_the_residents_committee_is_unrecorded(
    estate_a, register, committee_chair
):
    page = _announced_and_due(estate_a, committee_chair)
    with pytest.raises(ValidationError, match="尚未记录告知社区居委会"):
        actions.open_voting(page, actor=committee_chair)
    page.refresh_from_db()
    assert page.state == AssemblyState.ANNOUNCED and not hasattr(page, "roll")
    inform_residents_committee(page, committee_chair)
    actions.open_voting(page, actor=committee_chair)
    assert AssemblyPage.objects.get(pk=page.pk).state == AssemblyState.OPEN


def test_the_scheduled_opening_is_refused_and_the_committee_told(
    estate_a, register, committee_chair, notifications
):
    from voting import tasks

    page = _announced_and_due(estate_a, committee_chair)
    assert tasks.open_assembly_voting(page.pk) == "refused"
    assert AssemblyPage.objects.get(pk=page.pk).state == AssemblyState.ANNOUNCED
    (told,) = [n for n in notifications.sent if n["dedupe_key"].endswith(":open_refused")]
    assert committee_chair in told["recipients"] and "居委会" in told["body"]

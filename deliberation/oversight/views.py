"""Views of joint meetings and action items: read input, look up with checks, call an action.

Long because: one view per URL of joint meetings and action items. Their form -> action ->
message code already goes through portal.views.run_action (#14 item 6), and the module is
still over, so it is the next to split, by meetings and items.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliberation.oversight import actions, lookups, references
from deliberation.oversight.choices import MeetingState, WorkState
from deliberation.oversight.forms import (
    ActionItemForm,
    AdjustForm,
    AgendaItemForm,
    CancelForm,
    DecisionForm,
    ItemFilterForm,
    MeetingForm,
    MinutesForm,
    ProgressForm,
    RescheduleForm,
)
from deliberation.oversight.models import ActionItem, Decision, JointMeeting, local_today, overdue_q
from portal.community import membership, permissions
from portal.community.lookups import get_estate
from portal.community.storage import private_file_response
from portal.views import run_action

PER_PAGE = 20


# --- action items --------------------------------------------------------------------------


def item_list(request, estate_slug: str):
    """List the estate's action items with filters, in a fixed number of queries."""
    estate = get_estate(request, estate_slug, action="view_members")
    today = local_today()
    items = ActionItem.objects.filter(estate=estate)
    counts = items.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=overdue_q(today)),
        done=Count("pk", filter=Q(state="done")),
    )
    counts["open"] = counts["total"] - counts["overdue"] - counts["done"]
    form = ItemFilterForm(request.GET or None)
    if form.is_valid():
        if status := form.cleaned_data["status"]:
            items = items.with_status_in(status, today)
        if party := form.cleaned_data["party"]:
            items = items.filter(responsible_party=party)
    items = (
        items.with_status(today)
        .annotate(
            extensions=Count(
                "changes", filter=Q(changes__to_due_date__gt=F("changes__from_due_date"))
            )
        )
        .select_related("responsible_person")
        .order_by("state", "due_date", "pk")
    )
    page_obj = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    for item in page_obj.object_list:
        item.estate = estate
    return render(
        request,
        "oversight/action_item_list.html",
        {
            "estate": estate,
            "filter_form": form,
            "items": page_obj,
            "counts": counts,
            "today": today,
            "may_create": permissions.may(request.user, "create_action_items", estate),
        },
    )


def item_detail(request, estate_slug: str, pk: int):
    return _render_item(request, lookups.get_item(request, estate_slug, pk))


def _render_item(request, item: ActionItem, *, progress_form=None, adjust_form=None, status=200):
    """The item page: facts, its deadline and responsibility changes, and its progress."""
    updates = list(
        item.updates.select_related("author")
        .prefetch_related("photos")
        .order_by("-created_at", "-pk")
    )
    for update in updates:
        update.item = item  # the permission below reads the estate through it: no query
        update.photo_list = (
            list(update.photos.all())
            if permissions.may(request.user, "view_photos", update)
            else []
        )
    changes = list(
        item.changes.select_related("changed_by", "from_person", "to_person").order_by(
            "-changed_at", "-pk"
        )
    )
    may_report = permissions.may(request.user, "report_progress", item)
    may_adjust = item.state != WorkState.DONE and permissions.may(request.user, "adjust_item", item)
    source = None
    if item.source_content_type_id:
        obj = item.source
        source = references.describe_for(obj, request.user) if obj is not None else None
    if may_report and progress_form is None:
        progress_form = ProgressForm(initial={"state": item.state, "progress": item.progress})
    if may_adjust and adjust_form is None:
        adjust_form = AdjustForm(item=item)
    return render(
        request,
        "oversight/action_item.html",
        {
            "estate": item.estate,
            "item": item,
            "updates": updates,
            "changes": changes,
            "extensions": sum(1 for c in changes if c.to_due_date > c.from_due_date),
            "original_due_date": changes[-1].from_due_date if changes else None,
            "source": source,
            "may_report": may_report,
            "progress_form": progress_form if may_report else None,
            "adjust_form": adjust_form if may_adjust else None,
        },
        status=status,
    )


@login_required
def item_new(request, estate_slug: str):
    """Open an action item; from a meeting decision when `?decision=` names one."""
    estate = get_estate(request, estate_slug, action="create_action_items")
    decision = None
    if decision_id := request.GET.get("decision"):
        decision = get_object_or_404(
            Decision.objects.select_related("meeting__estate"),
            pk=decision_id,
            meeting__estate=estate,
        )
    form = ActionItemForm(
        request.POST or None,
        estate=estate,
        with_source_link=decision is None,
        initial={"title": decision.text[:120]} if decision else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = run_action(
            request,
            lambda: actions.create_action_item(
                estate,
                actor=request.user,
                title=data["title"],
                description=data["description"],
                responsible_party=data["responsible_party"],
                responsible_person=data["responsible_person"],
                due_date=data["due_date"],
                source=decision or data.get("source_link"),
            ),
            form=form,
            success=_("督办事项已设立，责任方会收到通知。"),
            denied_as_message=True,
        )
        if created:
            return redirect(created.value.get_absolute_url())
    return render(
        request,
        "oversight/action_item_form.html",
        {"estate": estate, "form": form, "decision": decision},
    )


@login_required
@require_POST
def item_progress(request, estate_slug: str, pk: int):
    item = lookups.get_item_for_reporter(request, estate_slug, pk)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid() and run_action(
        request,
        lambda: actions.post_update(
            item,
            actor=request.user,
            note=form.cleaned_data["note"],
            progress=form.cleaned_data["progress"],
            state=form.cleaned_data["state"],
            evidence=form.cleaned_data["evidence"],
            photos=form.cleaned_data["photos"],
        ),
        success=_("进展已记录。"),
        denied_as_message=True,
    ):
        return redirect(item.get_absolute_url())
    return _render_item(request, item, progress_form=form, status=400)


@login_required
@require_POST
def item_adjust(request, estate_slug: str, pk: int):
    """Extend the deadline or reassign; the change and its reason stay on the item."""
    item = lookups.get_item_for_adjuster(request, estate_slug, pk)
    form = AdjustForm(request.POST, item=item)
    if form.is_valid() and run_action(
        request,
        lambda: actions.adjust_action_item(
            item,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            due_date=form.cleaned_data["due_date"],
            responsible_party=form.cleaned_data["responsible_party"],
            responsible_person=form.cleaned_data["responsible_person"],
        ),
        form=form,
        success=_("督办事项已调整。"),
        denied_as_message=True,
    ):
        return redirect(item.get_absolute_url())
    return _render_item(request, item, adjust_form=form, status=400)


def evidence(request, estate_slug: str, pk: int, update_id: int):
    """Stream evidence to the estate's members only; only photos and PDFs open inline."""
    update = lookups.get_update_with_evidence(request, estate_slug, pk, update_id)
    return private_file_response(update.evidence, filename=update.evidence_name or None)


def update_photo(
    request, estate_slug: str, pk: int, update_id: int, photo_id: int, *, thumbnail: bool = False
):
    """Stream a progress update's photo (or its thumbnail) to those who may see the update."""
    photo = lookups.get_update_photo(request, estate_slug, pk, update_id, photo_id)
    return private_file_response(photo.thumbnail if thumbnail else photo.image)


# --- joint meetings ------------------------------------------------------------------------


def meeting_list(request, estate_slug: str):
    estate = lookups.estate_for_meetings(request, estate_slug)
    staff = permissions.may(request.user, "see_meetings_in_preparation", estate)
    meetings = (
        JointMeeting.objects.filter(estate=estate)
        .visible_to(request.user, estate, staff=staff)
        .annotate(decision_count=Count("decisions", distinct=True))
        .order_by("-starts_at", "-pk")
    )
    page_obj = Paginator(meetings, PER_PAGE).get_page(request.GET.get("page"))
    for meeting in page_obj.object_list:
        meeting.estate = estate
    return render(
        request,
        "oversight/joint_meeting_list.html",
        {
            "estate": estate,
            "meetings": page_obj,
            "may_convene": permissions.may(request.user, "convene_meetings", estate),
        },
    )


@login_required
def meeting_new(request, estate_slug: str):
    estate = get_estate(request, estate_slug, action="convene_meetings")
    form = MeetingForm(request.POST or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        convened = run_action(
            request,
            lambda: actions.convene_meeting(
                estate,
                actor=request.user,
                title=data["title"],
                starts_at=data["starts_at"],
                place=data["place"],
                participants=list(data["participants"]),
                attendees=data["attendees"],
                agenda=data["agenda"],
            ),
            form=form,
            success=_("会议已召集，参会人员会收到通知。"),
            denied_as_message=True,
        )
        if convened:
            return redirect(convened.value.get_absolute_url())
    return render(request, "oversight/joint_meeting_form.html", {"estate": estate, "form": form})


def _meeting_context(request, meeting: JointMeeting, **forms: Any) -> dict[str, Any]:
    agenda = list(meeting.agenda_items.prefetch_related("ref").order_by("position"))
    for entry in agenda:
        entry.reference = references.describe_for(entry.ref, request.user) if entry.ref else None
    decisions = list(meeting.decisions.select_related("agenda_item").order_by("position"))
    spawned: dict[int, list[ActionItem]] = {}
    if decisions:
        decision_type = ContentType.objects.get_for_model(Decision)
        for item in ActionItem.objects.filter(
            source_content_type=decision_type,
            source_object_id__in=[d.pk for d in decisions],
        ).with_status():
            item.estate = meeting.estate
            spawned.setdefault(item.source_object_id, []).append(item)
    for decision in decisions:
        decision.action_items = spawned.get(decision.pk, [])
    may_run = permissions.may(request.user, "run_meeting", meeting)
    editable = may_run and meeting.state not in (MeetingState.PUBLISHED, MeetingState.CANCELLED)
    context = {
        "estate": meeting.estate,
        "meeting": meeting,
        "changes": list(meeting.changes.select_related("changed_by").order_by("-changed_at")),
        "participants": sorted(meeting.participants.all(), key=_seat_order),
        "agenda": agenda,
        "decisions": decisions,
        "may_run": may_run,
        "may_create_items": permissions.may(request.user, "create_action_items", meeting.estate),
        "editable": editable,
    }
    if editable:
        context.update(
            minutes_form=forms.get("minutes_form")
            or MinutesForm(initial={"text": actions.minutes_as_text(meeting.minutes)}),
            agenda_form=forms.get("agenda_form") or AgendaItemForm(estate=meeting.estate),
        )
        if meeting.state == MeetingState.HELD:
            context["decision_form"] = forms.get("decision_form") or DecisionForm(meeting=meeting)
        if meeting.state == MeetingState.PLANNED:
            context["reschedule_form"] = forms.get("reschedule_form") or RescheduleForm(
                initial={
                    "starts_at": timezone.localtime(meeting.starts_at),
                    "place": meeting.place,
                }
            )
            context["cancel_form"] = forms.get("cancel_form") or CancelForm(prefix="cancel")
    return context


def _seat_order(participant) -> tuple[int, int]:
    """Officials first, then the committee, the property company, and people without accounts."""
    order = [*membership.PARTY_ORDER, ""]
    return (
        order.index(participant.party) if participant.party in order else len(order),
        participant.pk,
    )


def meeting_detail(request, estate_slug: str, pk: int):
    meeting = lookups.get_meeting(request, estate_slug, pk)
    return render(request, "oversight/joint_meeting.html", _meeting_context(request, meeting))


def _run_step(request, meeting: JointMeeting, form_name: str, form, step, success: str) -> Any:
    """Validate a form, run the action, and go back to the meeting (or show the errors)."""
    if form.is_valid() and run_action(
        request,
        lambda: step(form.cleaned_data),
        form=form,
        success=success,
        denied_as_message=True,
    ):
        return redirect(meeting.get_absolute_url())
    context = _meeting_context(request, meeting, **{form_name: form})
    return render(request, "oversight/joint_meeting.html", context, status=400)


@login_required
@require_POST
def meeting_minutes(request, estate_slug: str, pk: int):
    meeting = lookups.get_meeting_for_convener(request, estate_slug, pk)
    return _run_step(
        request,
        meeting,
        "minutes_form",
        MinutesForm(request.POST),
        lambda data: actions.record_minutes(meeting, actor=request.user, text=data["text"]),
        _("会议纪要已保存，可以继续记录会议决定。"),
    )


@login_required
@require_POST
def meeting_reschedule(request, estate_slug: str, pk: int):
    meeting = lookups.get_meeting_for_convener(request, estate_slug, pk)
    return _run_step(
        request,
        meeting,
        "reschedule_form",
        RescheduleForm(request.POST),
        lambda data: actions.reschedule_meeting(
            meeting,
            actor=request.user,
            starts_at=data["starts_at"],
            place=data["place"],
            reason=data["reason"],
        ),
        _("会议已改期，参会人员会收到通知。"),
    )


@login_required
@require_POST
def meeting_cancel(request, estate_slug: str, pk: int):
    meeting = lookups.get_meeting_for_convener(request, estate_slug, pk)
    return _run_step(
        request,
        meeting,
        "cancel_form",
        CancelForm(request.POST, prefix="cancel"),
        lambda data: actions.cancel_meeting(meeting, actor=request.user, reason=data["reason"]),
        _("会议已取消，参会人员会收到通知。"),
    )


@login_required
@require_POST
def meeting_agenda(request, estate_slug: str, pk: int):
    meeting = lookups.get_meeting_for_convener(request, estate_slug, pk)
    return _run_step(
        request,
        meeting,
        "agenda_form",
        AgendaItemForm(request.POST, estate=meeting.estate),
        lambda data: actions.add_agenda_item(
            meeting, actions.AgendaEntry(title=data["title"], link=data["link"]), actor=request.user
        ),
        _("议程已添加。"),
    )


@login_required
@require_POST
def meeting_decision(request, estate_slug: str, pk: int):
    meeting = lookups.get_meeting_for_convener(request, estate_slug, pk)
    return _run_step(
        request,
        meeting,
        "decision_form",
        DecisionForm(request.POST, meeting=meeting),
        lambda data: actions.add_decision(
            meeting, actor=request.user, text=data["text"], agenda_item=data["agenda_item"]
        ),
        _("会议决定已记录。"),
    )


@login_required
@require_POST
def meeting_publish(request, estate_slug: str, pk: int):
    meeting = lookups.get_meeting_for_convener(request, estate_slug, pk)
    run_action(
        request,
        lambda: actions.publish_minutes(meeting, actor=request.user),
        success=_("会议纪要已公开，本小区成员均可查看。"),
        denied_as_message=True,
    )
    return redirect(meeting.get_absolute_url())

"""Permission-checked lookups: the oversight views fetch meetings and items only through these."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from deliberation.oversight.models import (
    ActionItem,
    ActionItemPhoto,
    ActionItemUpdate,
    JointMeeting,
)
from portal.community import permissions
from portal.community.lookups import get_estate
from portal.community.models import Estate


def estate_for_meetings(request, slug: str) -> Estate:
    """Return the estate if the reader may see any of its meetings (members and officials)."""
    return get_estate(request, slug, action="view_members")


def get_meeting(request, slug: str, pk: int) -> JointMeeting:
    meeting = get_object_or_404(
        JointMeeting.objects.select_related("estate__community", "convened_by"),
        estate__slug=slug,
        pk=pk,
    )
    permissions.require(request.user, permissions.may(request.user, "view_meeting", meeting))
    request.current_estate = meeting.estate
    return meeting


def get_meeting_for_convener(request, slug: str, pk: int) -> JointMeeting:
    meeting = get_meeting(request, slug, pk)
    permissions.require(request.user, permissions.may(request.user, "run_meeting", meeting))
    return meeting


def get_item(request, slug: str, pk: int) -> ActionItem:
    """Return the action item if the reader is a member of its estate (or an official)."""
    estate = get_estate(request, slug, action="view_members")
    item = get_object_or_404(
        ActionItem.objects.with_status().select_related(
            "estate", "responsible_person", "created_by", "source_content_type"
        ),
        estate=estate,
        pk=pk,
    )
    item.estate = estate
    return item


def get_item_for_reporter(request, slug: str, pk: int) -> ActionItem:
    item = get_item(request, slug, pk)
    permissions.require(request.user, permissions.may(request.user, "report_progress", item))
    return item


def get_item_for_adjuster(request, slug: str, pk: int) -> ActionItem:
    item = get_item(request, slug, pk)
    permissions.require(request.user, permissions.may(request.user, "adjust_item", item))
    return item


def get_update_with_evidence(request, slug: str, pk: int, update_id: int) -> ActionItemUpdate:
    item = get_item(request, slug, pk)
    update = get_object_or_404(ActionItemUpdate, item=item, pk=update_id)
    update.item = item
    return update


def get_update_photo(request, slug: str, pk: int, update_id: int, photo_id: int) -> ActionItemPhoto:
    """Return a photo of a progress update if the reader may see the update's photos."""
    item = get_item(request, slug, pk)
    photo = get_object_or_404(
        ActionItemPhoto.objects.select_related("update"),
        pk=photo_id,
        update_id=update_id,
        update__item=item,
    )
    photo.update.item = item
    permissions.require(request.user, permissions.may(request.user, "view_photos", photo.update))
    return photo

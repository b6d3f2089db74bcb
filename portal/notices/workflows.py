"""The committee's notices need the chair's approval: one Wagtail workflow per estate.

Wagtail workflows apply to a page subtree, not to a user, so the rule rests on page rights
(portal/community/groups.py): committee members may add and edit pages but not publish, so
their only way to publication is "submit for moderation" into this workflow, where the
estate's committee_chair group approves (which publishes). Property staff, the property
manager and the chair hold publish rights and may publish directly; Wagtail offers
publishers the Publish button even under a workflow.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

from portal.community.choices import RoleKind
from portal.community.groups import group_name
from portal.community.models import Estate
from portal.community.permissions import EDITOR_KINDS
from portal.notices.models import NoticeIndexPage

TEMPLATE_PERMISSIONS = ("add_noticetemplate", "change_noticetemplate", "delete_noticetemplate")


@transaction.atomic
def ensure_estate_workflow(estate: Estate) -> Workflow | None:
    """Create (idempotently) the estate's "业委会公告审批" workflow on its notice index.

    Return None while the estate has no notice index page yet.
    """
    estate_page = getattr(estate, "page", None)
    if estate_page is None:
        return None
    index = NoticeIndexPage.objects.descendant_of(estate_page).first()
    if index is None:
        return None
    existing = WorkflowPage.objects.filter(page=index).select_related("workflow").first()
    if existing is not None:
        return existing.workflow
    chair_group, _created = Group.objects.get_or_create(
        name=group_name(estate, RoleKind.COMMITTEE_CHAIR)
    )
    task = GroupApprovalTask.objects.create(
        name=_("业委会主任审批（%(estate)s）") % {"estate": estate.name}
    )
    task.groups.set([chair_group])
    workflow = Workflow.objects.create(
        name=_("业委会公告审批（%(estate)s）") % {"estate": estate.name}
    )
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=index)
    return workflow


def ensure_template_permissions(estate: Estate) -> None:
    """Let the estate's committee and property groups maintain notice templates.

    Which templates they may touch (their own estate's only) is decided per instance by
    wagtail_hooks.template_policy through the permissions module; the groups granted here are
    the editors of the estate's content (permissions.EDITOR_KINDS), named once there.
    """
    permissions = list(
        Permission.objects.filter(
            content_type__app_label="notices", codename__in=TEMPLATE_PERMISSIONS
        )
    )
    for kind in sorted(EDITOR_KINDS):
        group, _created = Group.objects.get_or_create(name=group_name(estate, kind))
        group.permissions.add(*permissions)


def ensure_estate_notices(estate: Estate) -> Workflow | None:
    """Set up everything the notices app needs for an estate (idempotent)."""
    ensure_template_permissions(estate)
    return ensure_estate_workflow(estate)

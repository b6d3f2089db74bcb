"""What the voting actions share: the committee check, fresh reads of the assembly row, its
record fields, and the voter check (Civil Code Art. 278: owners vote, residents do not)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.community import permissions
from voting.models import AssemblyPage

if TYPE_CHECKING:
    from portal.accounts.types import User


def local_time(value: datetime) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def require_runner(actor: User, assembly: AssemblyPage) -> None:
    if not permissions.may(actor, "run_assembly", assembly.page_estate):
        raise PermissionDenied(_("只有本小区业主委员会成员可以办理此事项。"))


def reload_assembly(assembly: AssemblyPage, *, lock: bool = False) -> AssemblyPage:
    queryset = AssemblyPage.objects.select_for_update() if lock else AssemblyPage.objects
    fresh = queryset.get(pk=assembly.pk)
    return fresh


def set_record_fields(assembly: AssemblyPage, **values: Any) -> None:
    # A queryset update, not page.save(): record fields are not part of a page revision.
    AssemblyPage.objects.filter(pk=assembly.pk).update(**values)
    for name, value in values.items():
        setattr(assembly, name, value)


def refuse_non_voter(user: User, estate) -> None:
    if permissions.may(user, "vote", estate):
        return
    if permissions.standing_in(user, estate) == "resident":
        raise ValidationError(_("住户（物业使用人）不享有投票权，只有业主才能投票。"))
    raise ValidationError(
        _("您的账户尚未认证为本小区业主，不能投票。请先在“我的”页面完成业主认证。")
    )

"""Who is asked in a consultation, whether one may answer now, and an owner's weights
(units and exclusive area).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.choices import Audience, Phase
from consultations.models import ConsultationPage
from consultations.models.responses import AREA_SCALE, UNIT_SCALE
from portal.community import permissions
from portal.community.membership import users_of_units
from portal.community.models import Ownership, Unit

if TYPE_CHECKING:
    from portal.accounts.types import AnyUser, User


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def audience_users(consultation: ConsultationPage) -> QuerySet:
    """Return the accounts the consultation asks: the estate's owners (and residents)."""
    units = Unit.objects.filter(building__estate=consultation.page_estate)
    return users_of_units(units, owners_only=consultation.audience == Audience.OWNERS)


def is_in_audience(user: AnyUser, consultation: ConsultationPage) -> bool:
    """Return whether the user is among those the consultation asks (permissions decides)."""
    return permissions.may(user, "respond_to_consultation", consultation)


def refusal(user: AnyUser, consultation: ConsultationPage, now=None) -> str | None:
    """Return why the user may not respond (or edit their response) now, or None."""
    if not consultation.live:
        return _("该征求意见尚未发布或已撤下。")
    phase = consultation.phase(now)
    if phase == Phase.UPCOMING:
        return _("征求意见尚未开始，将于 %(at)s 开始。") % {"at": local(consultation.opens_at)}
    if phase == Phase.CLOSED:
        return _("征求意见已于 %(at)s 截止，不能再提交或修改意见。") % {
            "at": local(consultation.closes_at)
        }
    if not is_in_audience(user, consultation):
        if consultation.audience == Audience.OWNERS:
            return _("本次征求意见仅面向本小区的认证业主。")
        return _("本次征求意见仅面向本小区的业主和住户。")
    return None


def owner_weights(user: User, estate: Any) -> tuple[int, int]:
    """Return the user's units and exclusive area in the register, as exact integer weights
    (ten-thousandths of a unit, millionths of a m²), counting co-owned units by share."""
    unit_weight = 0
    area_weight = 0
    rows = Ownership.objects.filter(
        identity__user=user, identity__estate=estate, ended_at__isnull=True
    ).values_list("share", "unit__exclusive_area")
    for share, area in rows:
        unit_weight += int(Decimal(share).scaleb(UNIT_SCALE))
        area_weight += int((Decimal(share) * Decimal(area)).scaleb(AREA_SCALE))
    return unit_weight, area_weight

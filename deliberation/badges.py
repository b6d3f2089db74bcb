"""The badge shown beside an author's name: their standing in the estate when they posted."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from portal.community import permissions
from portal.community.choices import Party
from portal.community.membership import member_units
from portal.community.models import Estate

PARTY_BADGES = {
    Party.PROPERTY: lambda: _("物业"),
    Party.COMMITTEE: lambda: _("业委会"),
    Party.COMMUNITY: lambda: _("居委会"),
    Party.SUBDISTRICT: lambda: _("街道"),
}


def party_badge(party: str) -> str:
    return PARTY_BADGES[party]() if party in PARTY_BADGES else ""


def badge_for(user: Any, estate: Estate) -> str:
    """Return e.g. "业委会", "物业", "业主 · 3栋" or "住户 · 3栋" for the user in the estate.

    A party the user speaks for comes first (a committee member who owns a flat posts as
    业委会); otherwise their standing as owner or resident, with the building they live in.
    """
    parties = permissions.parties_of(user, estate)
    # Badge order: the committee before the property company, then the government.
    for party in (Party.COMMITTEE, Party.PROPERTY, Party.COMMUNITY, Party.SUBDISTRICT):
        if party in parties:
            return party_badge(party)
    standing = permissions.standing_in(user, estate)
    if standing == "owner":
        label = _("业主")
    elif standing == "resident":
        label = _("住户")
    elif standing == "moderator":
        return _("版主")
    else:
        return ""
    unit = member_units(user, estate).first()
    return f"{label} · {unit.building.name}" if unit else label

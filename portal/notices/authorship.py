"""Who is writing a notice decides its defaults: the issuer it is signed by, and its urgency.

One place for both, asked by the page editor (a blank notice) and by "从模板新建公告". The
parties a person speaks for come from the permissions module (`parties_of`).
"""

from __future__ import annotations

from typing import Any

from portal.community import permissions
from portal.notices.choices import Issuer, Urgency


def issuers_of(user: Any, estate: Any) -> list[str]:
    """Return the issuers the user speaks for in this estate, in the order of Issuer."""
    if estate is None:
        return []
    parties = permissions.parties_of(user, estate)
    return [issuer for issuer in Issuer.values if issuer in parties]


def default_issuer(user: Any, estate: Any) -> str:
    """Return the issuer a new notice is signed by: the writer's own party.

    A committee chair's draft is the committee's, property staff's the property company's.
    Someone who speaks for no party (a site administrator) gets the property company, the
    party that issues most notices.
    """
    mine = issuers_of(user, estate)
    return mine[0] if mine else Issuer.PROPERTY


def default_urgency(user: Any, estate: Any, template: Any = None) -> str:
    """Return the urgency a new notice starts with.

    A blank notice is 普通. A template suggests its own urgency, but 紧急 (an SMS nobody can
    silence, see portal.notifications.channels) is the default only for the property
    company, who run the outages the urgent templates are for (停水, 停电). Anyone else
    starting such a template gets 重要 and may still choose 紧急 deliberately.
    """
    if template is None:
        return Urgency.NORMAL
    urgency = template.urgency if template.urgency in Urgency.values else Urgency.NORMAL
    if urgency == Urgency.URGENT and Issuer.PROPERTY not in issuers_of(user, estate):
        return Urgency.IMPORTANT
    return urgency

"""Notices as notification subjects (see portal.notifications.subjects).

A notice's notification carries its own title and summary (the issuer's words, not a
member's); referring to the notice lets acknowledging it mark its inbox items read, and
says so in the inbox when a notice has since been withdrawn.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from portal.notices.models import NoticePage
from portal.notifications.subjects import SubjectText, register


def describe_notices(ids: list[int]) -> dict[int, SubjectText]:
    live = set(NoticePage.objects.filter(pk__in=ids, live=True).values_list("pk", flat=True))
    return {
        pk: SubjectText(shown=True)
        if pk in live
        else SubjectText(shown=False, withheld=_("该公告已撤下"))
        for pk in ids
    }


register(NoticePage, describe_notices)

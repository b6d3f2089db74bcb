"""Petitions as notification subjects (see portal.notifications.subjects).

What a notification shows of a petition is asked of voting.petitions.visibility each time it
is shown in the inbox or sent by email, digest or SMS: its title while it is shown, the
placeholder with the reason while a moderator has hidden it, never its words as they were
when it was sent. Petitions are members-only: each text names its estate.
"""

from __future__ import annotations

from portal.notifications.subjects import SubjectText, register
from voting.petitions import visibility
from voting.petitions.models import Petition


def describe_petitions(ids: list[int]) -> dict[int, SubjectText]:
    """Return each petition's title, or its placeholder while it is hidden, as it stands."""
    texts = {}
    for petition in Petition.objects.filter(pk__in=ids).with_moderation():
        if visibility.is_shown(petition):
            texts[petition.pk] = SubjectText(
                shown=True, heading=petition.title, estate_id=petition.estate_id
            )
        else:
            texts[petition.pk] = SubjectText(
                shown=False,
                withheld=visibility.withheld_line(petition),
                estate_id=petition.estate_id,
            )
    return texts


register(Petition, describe_petitions)

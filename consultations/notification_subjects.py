"""Consultation opinions and text answers as notification subjects (see
portal.notifications.subjects).

A notification about an opinion or a text answer (held, hidden, restored) never copies its words: it is
headed by the consultation's title (the committee's text) and shows the opinion's state as
it stands, asked of consultations.visibility each time it is shown or sent.
"""

from __future__ import annotations

from consultations import visibility
from consultations.models import Answer, Opinion
from portal.notifications.subjects import SubjectText, register


def describe_opinions(ids: list[int]) -> dict[int, SubjectText]:
    """Return each opinion's consultation title, with its placeholder while not shown."""
    texts = {}
    for opinion in Opinion.objects.filter(pk__in=ids).select_related("consultation"):
        texts[opinion.pk] = SubjectText(
            shown=visibility.is_shown(opinion),
            heading=opinion.consultation.title,
            withheld=visibility.withheld_line(opinion),
        )
    return texts


def describe_answers(ids: list[int]) -> dict[int, SubjectText]:
    """Return each text answer's consultation title, with its placeholder while not shown."""
    return {
        answer.pk: SubjectText(
            shown=visibility.is_shown(answer),
            heading=answer.response.consultation.title,
            withheld=visibility.answer_withheld_line(answer),
        )
        for answer in Answer.objects.filter(pk__in=ids).select_related("response__consultation")
    }


register(Opinion, describe_opinions)
register(Answer, describe_answers)

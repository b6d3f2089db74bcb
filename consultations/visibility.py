"""Can an opinion's words be shown? The one answer for every copy of an opinion (意见).

An opinion is held for a moderator when it was written with a sensitive word or in an
estate with pre-moderation (the same screening as posts, deliberation.actions.hold_reason),
and a moderator may hide it with a reason from the posts' list (consultations.actions).

Only the words are withheld. The opinion still counts in the consultation's figures, the
committee still handles it, and its handling and reason (the committee's words) are still
published, so the response report keeps one row per opinion. Every copy of the words asks
here at the moment it is read: the results page and the report (a placeholder; the text,
marked, only to `may(user, "read_withheld_opinion", opinion)`), the committee's handling
screen (the text, marked), the exports (the placeholder: a file leaves the site), the
inbox (consultations.notification_subjects), and supports (refused while not shown).

A text answer of the questionnaire is moderated the same way (the same fields, the same
screening, the same moderators): the response still counts in every figure, only the words
are withheld. `answer_text_for_others` is the one copy of an answer's words anyone but a
reader allowed by `may(user, "read_withheld_answer", answer)` gets: the results page, the
exports and the inbox; the author's own data copy keeps the words and says what others read.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from deliberation.choices import ReportReason
from portal.community import permissions


def is_held(opinion: Any) -> bool:
    """Return whether the opinion (or text answer) waits for a moderator, not hidden besides."""
    return opinion.hidden_at is None and bool(opinion.held_reason)


def is_shown(opinion: Any) -> bool:
    """Return whether the opinion's (or text answer's) words may be shown to others."""
    return opinion.hidden_at is None and not opinion.held_reason


def shown_opinions(opinions: QuerySet) -> QuerySet:
    """Narrow an Opinion queryset to the opinions whose words may be shown (the same rule)."""
    return opinions.filter(hidden_at__isnull=True, held_reason="")


def withheld_line(opinion: Any) -> str:
    """Return the placeholder of an opinion not shown: hidden (and why), or held; else ""."""
    if is_shown(opinion):
        return ""
    if is_held(opinion):
        return _("该意见待版主审核")
    if opinion.hidden_reason:
        return _("该意见已被版主隐藏（%(reason)s）") % {
            "reason": ReportReason(opinion.hidden_reason).label
        }
    return _("该意见已被版主隐藏")


def mark_for_reader(opinions: list[Any], reader: Any, consultation: Any) -> None:
    """Set `withheld` (the placeholder, or "") and `readable` (whether this reader may read
    the words, marked as withheld) on each opinion of the consultation."""
    for opinion in opinions:
        opinion.withheld = withheld_line(opinion)
        if opinion.withheld:
            opinion.consultation = consultation  # the estate is asked of it; no query
            opinion.readable = permissions.may(reader, "read_withheld_opinion", opinion)
        else:
            opinion.readable = True


def answer_withheld_line(answer: Any) -> str:
    """Return the placeholder of a text answer not shown: hidden (and why), or held; else ""."""
    if is_shown(answer):
        return ""
    if is_held(answer):
        return _("该回答待版主审核")
    if answer.hidden_reason:
        return _("该回答已被版主隐藏（%(reason)s）") % {
            "reason": ReportReason(answer.hidden_reason).label
        }
    return _("该回答已被版主隐藏")


def answer_text_for_others(answer: Any) -> str:
    """Return what anyone but its author and the moderators reads of a text answer: its
    words while shown, else the placeholder. Every copy that leaves the page uses this."""
    return answer_withheld_line(answer) or answer.text


def mark_answers_for_reader(answers: list[Any], reader: Any, consultation: Any) -> None:
    """Set `withheld` (the placeholder, or "") and `readable` (whether this reader may read
    the words, marked as withheld) on each text answer of the consultation."""
    for answer in answers:
        answer.withheld = answer_withheld_line(answer)
        if answer.withheld:
            answer.consultation = consultation  # the estate is asked of it; no query
            answer.readable = permissions.may(reader, "read_withheld_answer", answer)
        else:
            answer.readable = True

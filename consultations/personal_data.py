"""The member's consultation responses, for the copy of their data (portal/accounts/export.py).

Their answers and opinions as they last saved them (their own words even where a moderator
withheld them from others, with what others read instead), and how the committee handled each
opinion once the response report is published (before that the marks are the committee's
working notes): the same things the consultation page shows them.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from consultations import visibility
from consultations.models import Response, ResponseReport
from themes.sanitiser import plain_text


def _when(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _answer_text(answer: Any) -> str:
    if answer.choice is not None:
        options = answer.question.options()
        return options[answer.choice - 1] if 0 < answer.choice <= len(options) else ""
    if answer.scale is not None:
        return str(answer.scale)
    return answer.text


def sections(user: Any) -> dict[str, list[dict[str, Any]]]:
    """Return {"consultation_responses": [...]}: one entry per consultation answered."""
    responses = (
        Response.objects.filter(user=user)
        .select_related("consultation")
        .prefetch_related("answers__question", "opinions")
        .order_by("created_at", "pk")
    )
    reported = set(
        ResponseReport.objects.filter(
            consultation_id__in=[r.consultation_id for r in responses]
        ).values_list("consultation_id", flat=True)
    )
    return {
        "consultation_responses": [
            {
                "consultation": response.consultation.title,
                "submitted_at": _when(response.created_at),
                "updated_at": _when(response.updated_at),
                "answers": [
                    {
                        "question": answer.question.text,
                        "answer": _answer_text(answer),
                        # Their own words stay theirs; what others read instead is said.
                        **(
                            {"shown_to_others_as": visibility.answer_withheld_line(answer)}
                            if not visibility.is_shown(answer)
                            else {}
                        ),
                    }
                    for answer in sorted(
                        response.answers.all(),
                        key=lambda a: (a.question.sort_order, a.question_id, a.pk),
                    )
                ],
                "opinions": [
                    {
                        "section": opinion.section_heading,
                        "text": plain_text(opinion.body),
                        # Their own words stay theirs; what others read instead is said.
                        **(
                            {"shown_to_others_as": visibility.withheld_line(opinion)}
                            if not visibility.is_shown(opinion)
                            else {}
                        ),
                        **(
                            {
                                "handling": str(opinion.get_handling_display()),
                                "reason": opinion.reason,
                            }
                            if response.consultation_id in reported and opinion.handling
                            else {}
                        ),
                    }
                    for opinion in sorted(response.opinions.all(), key=lambda o: o.pk)
                ],
            }
            for response in responses
        ]
    }

"""django-q2 tasks of the consultations app: thin wrappers around actions."""

from __future__ import annotations

from consultations import actions
from consultations.models import ConsultationPage


def send_opening_notice(consultation_id: int) -> int:
    consultation = ConsultationPage.objects.filter(pk=consultation_id).first()
    return actions.send_opening_notice(consultation) if consultation else 0


def send_closing_reminder(consultation_id: int) -> int:
    consultation = ConsultationPage.objects.filter(pk=consultation_id).first()
    return actions.send_closing_reminder(consultation) if consultation else 0

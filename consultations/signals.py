"""Signal receivers: thin, each hands over to one action."""

from __future__ import annotations

from django.dispatch import receiver
from wagtail.signals import page_published

from consultations import actions
from consultations.models import ConsultationPage


@receiver(page_published, sender=ConsultationPage)
def consultation_published(sender, instance: ConsultationPage, revision=None, **kwargs) -> None:
    actor = getattr(revision, "user", None) if revision is not None else None
    actions.on_consultation_published(instance, actor=actor)

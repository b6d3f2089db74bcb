"""Signal receivers: thin, each hands over to one function."""

from __future__ import annotations

from django.dispatch import receiver
from wagtail.signals import page_published

from voting.choices import AssemblyState
from voting.lifecycle import sync_schedules
from voting.models import AssemblyPage


@receiver(page_published, sender=AssemblyPage)
def assembly_published(sender, instance: AssemblyPage, **kwargs) -> None:
    # A re-published announced page may carry new reminder days: move the schedules.
    if instance.state in (AssemblyState.ANNOUNCED, AssemblyState.OPEN):
        sync_schedules(AssemblyPage.objects.get(pk=instance.pk))

from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    label = "deliberation"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("议事")

    def ready(self) -> None:
        # Imported in ready(): models and registries can be read only once the apps are loaded.
        from deliberation import dashboard, personal_data
        from deliberation.models import Thread
        from deliberation.schedules import ensure_schedules
        from deliberation.todo import reports_to_confirm
        from portal.accounts.export import register_personal_data
        from portal.community import audit
        from portal.dashboard.registry import register_figures
        from portal.home.todo import register_todo

        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="deliberation.schedules")
        _describe_threads_in_references()
        # The audit log names a thread by its title as readers may see it, never by its words.
        audit.register_label(Thread, lambda thread: thread.shown_title)
        # The issue-report tables lead the dashboard: they are what officials act on daily.
        register_figures(dashboard.IssueReportFigures, order=10)
        register_figures(dashboard.PropertyResponseFigures, order=20)
        register_figures(dashboard.CommitteeResponseFigures, order=30)
        register_figures(dashboard.CommunityResponseFigures, order=40)
        register_personal_data(personal_data.sections, order=10)
        register_todo(reports_to_confirm, order=60)


def _describe_threads_in_references() -> None:
    """Agenda items and action items that link a thread show its title as readers may see it."""
    # Imported in ready(): models and registries can be read only once the apps are loaded.
    from deliberation.oversight import references

    def describe(thread):
        return references.Reference(
            thread.shown_title, thread.get_absolute_url(), str(thread._meta.verbose_name)
        )

    references.register("deliberation.thread", describe)

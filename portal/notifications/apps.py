from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NotificationsConfig(AppConfig):
    name = "portal.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported in ready(): models and registries can be read only once the apps are loaded.
        from django.utils.module_loading import autodiscover_modules

        from portal.accounts.export import register_personal_data
        from portal.notifications import personal_data
        from portal.notifications.schedules import ensure_schedules

        # Each app that notifies about its content says how to show it, in
        # <app>/notification_subjects.py (see portal.notifications.subjects).
        autodiscover_modules("notification_subjects")
        register_personal_data(personal_data.sections, order=40)

        # Sent once per migrate run, after the whole plan; the function checks django_q is done.
        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="notifications.schedules")

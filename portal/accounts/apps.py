from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        # Imported in ready(): the signal handler's module reads settings of loaded apps.
        from portal.accounts import elder

        user_logged_in.connect(elder.copy_saved_choice_at_login, dispatch_uid="elder-mode-login")

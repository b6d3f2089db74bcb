from __future__ import annotations

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in

from portal.accounts import elder


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # At sign-in the person's saved 长辈模式 goes to the device's cookie.
        user_logged_in.connect(elder.copy_saved_choice_at_login, dispatch_uid="elder-mode-login")

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo sub-district (`seed_demo`, `demo_accounts`): development data, kept apart.

    Like Wagtail's bakerydemo, the demo is an app of its own that uses the feature apps'
    public actions; no feature app and nothing in the core imports it.
    """

    name = "demo"
    label = "demo"
    verbose_name = _("演示数据")

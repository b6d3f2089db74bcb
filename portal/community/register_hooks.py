"""Wagtail admin hooks of the register import: its URLs and its menu item.

Imported from portal/community/wagtail_hooks.py so Wagtail finds them.
"""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from portal.community import register_views


class RegisterImportMenuItem(MenuItem):
    """Shown only to people who may import the register of at least one estate."""

    def is_shown(self, request) -> bool:
        return bool(register_views.manageable_estates(request.user))


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path("register-import/", register_views.upload, name="community_register_import"),
        path(
            "register-import/jobs/<int:pk>/",
            register_views.job_detail,
            name="community_register_job",
        ),
        path(
            "register-import/jobs/<int:pk>/status/",
            register_views.job_status,
            name="community_register_job_status",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return RegisterImportMenuItem(
        _("业主名册导入"),
        reverse("community_register_import"),
        name="register-import",
        icon_name="upload",
        order=850,
    )

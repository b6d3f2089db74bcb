from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal import security
from portal.accounts import views as account_views
from portal.dashboard import views as dashboard_views
from portal.dashboard.api import api_router
from themes import views as theme_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    # Before allauth's own: setting up the app counts as the staff step-up.
    path(
        "accounts/2fa/totp/activate/",
        account_views.activate_totp,
        name="mfa_activate_totp",
    ),
    path("accounts/", include("allauth.urls")),
    path("inbox/", include("portal.notifications.urls")),
    path("me/", include("portal.accounts.urls")),
    path("community/", include("portal.community.urls")),
    path("discuss/", include("deliberation.urls")),
    path("oversight/", include("deliberation.oversight.urls")),
    path("proposals/", include("proposals.urls")),
    path("knowledge/", include("portal.knowledge.urls")),
    path("assemblies/", include("voting.urls")),
    path("disclosures/", include("disclosures.urls")),
    path("petitions/", include("voting.petitions.urls")),
    path("dashboard/", include("portal.dashboard.urls")),
    path("api/v2/", api_router.urls),
    path("api/open/estates.json", dashboard_views.open_data, name="open_data_estates"),
    path("search/", include("search.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("lang/<str:code>/", theme_views.switch_language, name="switch_language"),
    path("healthz", theme_views.healthz, name="healthz"),
    path("csp-report/", security.csp_report, name="csp_report"),
    path("favicon.ico", theme_views.favicon, name="favicon"),
]


def public_media_urlpatterns() -> list:
    """Serve uploaded images (and admin avatars) under MEDIA_URL in development, nothing else.

    Documents live under MEDIA_ROOT/documents/ but are served only by /documents/<id>/,
    which checks the pages that use them; a production proxy must not map them either.
    """
    from django.urls import re_path
    from django.views.static import serve

    prefix = settings.MEDIA_URL.lstrip("/")
    return [
        re_path(
            rf"^{prefix}(?P<path>(?:original_images|images|avatar_images)/[^/]+)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]


if settings.DEBUG:
    urlpatterns += public_media_urlpatterns()

urlpatterns += [path("", include(wagtail_urls))]

handler400 = "themes.views.bad_request"
handler403 = "themes.views.permission_denied"
handler404 = "themes.views.page_not_found"
handler500 = "themes.views.server_error"
# allauth answers its rate limits with ROOT_URLCONF.handler429 when there is one.
handler429 = "themes.views.too_many_requests"

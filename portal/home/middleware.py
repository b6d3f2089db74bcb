"""Site-wide middleware: Chinese first, and the admins' writes as one transaction each.

Chinese first: the interface is in Chinese unless the reader chose another language.

Django's LocaleMiddleware follows the browser's Accept-Language, so an owner whose phone is
set to English would get a half-translated site by surprise. Here only an explicit choice
(the language switch, which sets the language cookie) changes the language.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChineseFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


ADMIN_PREFIXES = ("/admin/", "/django-admin/")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class AtomicAdminWritesMiddleware:
    """Run each write request of the admins (Wagtail's and Django's) as one transaction.

    Wagtail's page edit view saves the page live and then sends page_published, whose
    receivers write the audit record and the notification batch; should a receiver fail,
    the page would stay published without them. As with ATOMIC_REQUESTS, but only here: a
    request that raises leaves nothing behind. The view is called inside the transaction
    from process_view, the way Django's own ATOMIC_REQUESTS wraps a view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS or not request.path.startswith(ADMIN_PREFIXES):
            return None
        with transaction.atomic():
            return view_func(request, *view_args, **view_kwargs)

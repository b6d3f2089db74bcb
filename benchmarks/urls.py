"""The site's URLs plus a trivial view, so a page can be compared with the cheapest response."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as site_urlpatterns


def trivial(request):
    return HttpResponse("ok")


urlpatterns = [path("__bench__/trivial/", trivial), *site_urlpatterns]

from __future__ import annotations

from django.urls import path

from portal.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("export/<slug:source_key>.<str:fmt>", views.export, name="export"),
    path("<slug:estate_slug>/<slug:source_key>/<slug:column>/", views.drill, name="drill"),
]

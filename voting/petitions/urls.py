from __future__ import annotations

from django.urls import path

from voting.petitions import views

app_name = "petitions"
urlpatterns = [
    path("<slug:estate_slug>/", views.petition_list, name="list"),
    path("<slug:estate_slug>/new/", views.petition_new, name="new"),
    path("<slug:estate_slug>/<int:pk>/", views.petition_detail, name="detail"),
    path("<slug:estate_slug>/<int:pk>/sign/", views.petition_sign, name="sign"),
    path("<slug:estate_slug>/<int:pk>/unsign/", views.petition_unsign, name="unsign"),
    path("<slug:estate_slug>/<int:pk>/withdraw/", views.petition_withdraw, name="withdraw"),
    path("<slug:estate_slug>/<int:pk>/paper/", views.petition_paper, name="paper"),
    path("<slug:estate_slug>/<int:pk>/meeting/", views.petition_meeting, name="meeting"),
    path("<slug:estate_slug>/<int:pk>/hide/", views.petition_hide, name="hide"),
    path("<slug:estate_slug>/<int:pk>/restore/", views.petition_restore, name="restore"),
    path(
        "<slug:estate_slug>/<int:pk>/signatures/<int:signature_id>/scan/",
        views.signature_scan,
        name="scan",
    ),
]

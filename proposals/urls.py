from __future__ import annotations

from django.urls import path

from proposals import views

app_name = "proposals"
urlpatterns = [
    path("support/<str:target>/<int:pk>/", views.support_content, name="support_content"),
    path("<slug:estate_slug>/", views.proposal_list, name="list"),
    path("<slug:estate_slug>/new/", views.proposal_create, name="create"),
    path("<slug:estate_slug>/<int:pk>/", views.proposal_detail, name="detail"),
    path("<slug:estate_slug>/<int:pk>/support/", views.proposal_support, name="support"),
    path("<slug:estate_slug>/<int:pk>/answer/", views.proposal_answer, name="answer"),
    path("<slug:estate_slug>/<int:pk>/hide/", views.proposal_hide, name="hide"),
    path("<slug:estate_slug>/<int:pk>/restore/", views.proposal_restore, name="restore"),
    path("<slug:estate_slug>/<int:pk>/report/", views.proposal_report, name="report"),
    path("<slug:estate_slug>/<int:pk>/review/", views.proposal_review, name="review"),
]

from __future__ import annotations

from django.urls import path

from portal.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("guides/", views.district_guides, name="guides"),
    path("<int:page_id>/feedback/", views.feedback, name="feedback"),
]

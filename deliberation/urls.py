from __future__ import annotations

from django.urls import path

from deliberation import views

app_name = "deliberation"
urlpatterns = [path("<slug:estate_slug>/", views.thread_list, name="thread_list")]

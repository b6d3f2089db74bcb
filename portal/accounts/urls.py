from __future__ import annotations

from django.urls import path

from portal.accounts import views

app_name = "accounts"
urlpatterns = [path("", views.profile, name="profile")]
urlpatterns += [path("privacy/", views.privacy, name="privacy")]

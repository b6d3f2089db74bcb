from __future__ import annotations

from django.urls import path

from portal.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("elder/", views.elder_mode, name="elder_mode"),
    path("privacy/", views.privacy, name="privacy"),
    path("verify/", views.staff_verify, name="staff_verify"),
    path("claims/new/", views.claim_new, name="claim_new"),
    path("invitations/", views.invitations, name="invitations"),
    path("join/", views.join, name="join"),
    path("data/", views.data_download, name="data"),
    path("close/", views.close_account, name="close"),
    path("close/code/", views.close_account_code, name="close_code"),
]

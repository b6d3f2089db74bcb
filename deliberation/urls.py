from __future__ import annotations

from django.urls import path

from deliberation import views

app_name = "deliberation"
urlpatterns = [
    path("<slug:estate_slug>/", views.thread_list, name="thread_list"),
    path("<slug:estate_slug>/new/", views.thread_create, name="thread_create"),
    path("<slug:estate_slug>/t/<int:pk>/", views.thread_detail, name="thread_detail"),
    path("<slug:estate_slug>/t/<int:pk>/reply/", views.post_reply, name="post_reply"),
    path("<slug:estate_slug>/t/<int:pk>/follow/", views.thread_follow, name="thread_follow"),
    path("<slug:estate_slug>/t/<int:pk>/assign/", views.thread_assign, name="thread_assign"),
    path("<slug:estate_slug>/t/<int:pk>/resolve/", views.thread_resolve, name="thread_resolve"),
    path(
        "<slug:estate_slug>/t/<int:pk>/photos/<int:photo_id>/",
        views.post_photo,
        name="post_photo",
    ),
    path(
        "<slug:estate_slug>/t/<int:pk>/photos/<int:photo_id>/thumbnail/",
        views.post_photo,
        {"thumbnail": True},
        name="post_photo_thumbnail",
    ),
    path(
        "<slug:estate_slug>/t/<int:pk>/resolutions/<int:resolution_id>/photo/",
        views.resolution_photo,
        name="resolution_photo",
    ),
    path("<slug:estate_slug>/t/<int:pk>/confirm/", views.thread_confirm, name="thread_confirm"),
    path("<slug:estate_slug>/t/<int:pk>/reopen/", views.thread_reopen, name="thread_reopen"),
    path("<slug:estate_slug>/t/<int:pk>/rate/", views.thread_rate, name="thread_rate"),
    path("<slug:estate_slug>/p/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("<slug:estate_slug>/p/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("<slug:estate_slug>/p/<int:pk>/official/", views.post_official, name="post_official"),
    path("<slug:estate_slug>/p/<int:pk>/report/", views.post_report, name="post_report"),
    path("<slug:estate_slug>/p/<int:pk>/appeal/", views.post_appeal, name="post_appeal"),
    path("<slug:estate_slug>/p/<int:pk>/history/", views.post_history, name="post_history"),
    path("<slug:estate_slug>/moderation/", views.moderation_queue, name="moderation_queue"),
    path(
        "<slug:estate_slug>/moderation/appeals/<int:pk>/",
        views.appeal_decide,
        name="appeal_decide",
    ),
    path(
        "<slug:estate_slug>/moderation/block/<int:user_id>/",
        views.block_user,
        name="block_user",
    ),
    path(
        "<slug:estate_slug>/moderation/blocks/<int:pk>/lift/",
        views.block_lift,
        name="block_lift",
    ),
]

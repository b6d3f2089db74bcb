from __future__ import annotations

from django.urls import path

from deliberation.oversight import views

app_name = "oversight"
urlpatterns = [
    path("<slug:estate_slug>/items/", views.item_list, name="item_list"),
    path("<slug:estate_slug>/items/new/", views.item_new, name="item_new"),
    path("<slug:estate_slug>/items/<int:pk>/", views.item_detail, name="item_detail"),
    path("<slug:estate_slug>/items/<int:pk>/progress/", views.item_progress, name="item_progress"),
    path("<slug:estate_slug>/items/<int:pk>/adjust/", views.item_adjust, name="item_adjust"),
    path(
        "<slug:estate_slug>/items/<int:pk>/updates/<int:update_id>/evidence/",
        views.evidence,
        name="evidence",
    ),
    path(
        "<slug:estate_slug>/items/<int:pk>/updates/<int:update_id>/photos/<int:photo_id>/",
        views.update_photo,
        name="update_photo",
    ),
    path(
        "<slug:estate_slug>/items/<int:pk>/updates/<int:update_id>/photos/<int:photo_id>/thumbnail/",
        views.update_photo,
        {"thumbnail": True},
        name="update_photo_thumbnail",
    ),
    path("<slug:estate_slug>/meetings/", views.meeting_list, name="meeting_list"),
    path("<slug:estate_slug>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<slug:estate_slug>/meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path(
        "<slug:estate_slug>/meetings/<int:pk>/minutes/",
        views.meeting_minutes,
        name="meeting_minutes",
    ),
    path(
        "<slug:estate_slug>/meetings/<int:pk>/agenda/", views.meeting_agenda, name="meeting_agenda"
    ),
    path(
        "<slug:estate_slug>/meetings/<int:pk>/reschedule/",
        views.meeting_reschedule,
        name="meeting_reschedule",
    ),
    path(
        "<slug:estate_slug>/meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"
    ),
    path(
        "<slug:estate_slug>/meetings/<int:pk>/decisions/",
        views.meeting_decision,
        name="meeting_decision",
    ),
    path(
        "<slug:estate_slug>/meetings/<int:pk>/publish/",
        views.meeting_publish,
        name="meeting_publish",
    ),
]

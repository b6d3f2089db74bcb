from __future__ import annotations

from django.urls import path

from disclosures import evaluation_views, views

app_name = "disclosures"
urlpatterns = [
    path("<slug:estate_slug>/", views.estate_index, name="estate_index"),
    path("<slug:estate_slug>/template.xlsx", views.template_download, name="template"),
    path("<slug:estate_slug>/import/", views.import_view, name="import"),
    path("<slug:estate_slug>/<int:pk>/", views.detail, name="detail"),
    path("<slug:estate_slug>/<int:pk>/submit/", views.submit, name="submit"),
    path("<slug:estate_slug>/<int:pk>/review/", views.review, name="review"),
    path("<slug:estate_slug>/<int:pk>/publish/", views.publish, name="publish"),
    path("<slug:estate_slug>/<int:pk>/return/", views.return_to_draft, name="return"),
    path("<slug:estate_slug>/<int:pk>/correct/", views.correct, name="correct"),
    path("<slug:estate_slug>/<int:pk>/lines/<int:line_id>/ask/", views.ask, name="ask"),
    path("<slug:estate_slug>/<int:pk>.<str:fmt>", views.download, name="download"),
    path("<slug:estate_slug>/evaluations/", evaluation_views.index, name="evaluations"),
    path(
        "<slug:estate_slug>/evaluations/open/",
        evaluation_views.open_evaluation,
        name="evaluation_open",
    ),
    path("<slug:estate_slug>/evaluations/<int:pk>/", evaluation_views.detail, name="evaluation"),
    path(
        "<slug:estate_slug>/evaluations/<int:pk>/publish/",
        evaluation_views.publish,
        name="evaluation_publish",
    ),
    path(
        "<slug:estate_slug>/evaluations/<int:pk>/reply/",
        evaluation_views.reply,
        name="evaluation_reply",
    ),
    path(
        "<slug:estate_slug>/evaluations/<int:pk>/items/<int:item_id>/action/",
        evaluation_views.make_action_item,
        name="evaluation_action_item",
    ),
]

from __future__ import annotations

from django.urls import path

from voting import result_views, roll_views, views

app_name = "voting"
urlpatterns = [
    path("<int:page_id>/vote/", views.vote, name="vote"),
    path("<int:page_id>/receipt/", views.receipt, name="receipt"),
    path("<int:page_id>/proxy/", views.proxy_register, name="proxy_register"),
    path("<int:page_id>/proxies/", views.proxy_queue, name="proxy_queue"),
    path("<int:page_id>/proxies/<int:proxy_id>/decide/", views.proxy_decide, name="proxy_decide"),
    path("<int:page_id>/proxies/<int:proxy_id>/scan/", views.proxy_scan, name="proxy_scan"),
    path("<int:page_id>/paper/", views.paper_entry, name="paper_entry"),
    path("<int:page_id>/paper/<int:ballot_id>/scan/", views.paper_scan, name="paper_scan"),
    path("<int:page_id>/paper/<int:ballot_id>/confirm/", views.paper_confirm, name="paper_confirm"),
    path("<int:page_id>/manage/", views.manage, name="manage"),
    path("<int:page_id>/confirm/<slug:act>/", views.confirm, name="confirm"),
    path("<int:page_id>/ledger/", views.ledger_page, name="ledger"),
    path("<int:page_id>/ledger.json", views.ledger_json, name="ledger_json"),
    path("<int:page_id>/ledger/verify/", views.ledger_verify, name="ledger_verify"),
    path("<int:page_id>/results/", result_views.results_page, name="results"),
    path("<int:page_id>/results.<str:kind>", result_views.results_file, name="results_file"),
    path("<int:page_id>/certify/", result_views.certify, name="certify"),
    path("<int:page_id>/turnout/", result_views.turnout_page, name="turnout"),
    path("<int:page_id>/roll/", roll_views.roll_check, name="roll"),
    path("<int:page_id>/roll/object/", roll_views.roll_object, name="roll_object"),
    path("<int:page_id>/roll/objections/", roll_views.roll_objections, name="roll_objections"),
    path(
        "<int:page_id>/roll/objections/<int:objection_id>/decide/",
        roll_views.roll_decide,
        name="roll_decide",
    ),
    path("<int:page_id>/roll/override/", roll_views.roll_override, name="roll_override"),
    path(
        "<int:page_id>/roll/objections/<int:objection_id>/evidence/",
        roll_views.roll_evidence,
        name="roll_evidence",
    ),
]

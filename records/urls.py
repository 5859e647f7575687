from django.urls import path

from records import views

app_name = "records"
urlpatterns = [
    path("", views.record_list, name="list"),
    path("export.csv", views.record_export, name="export"),
    path("new/", views.record_new, name="new"),
    path("new/procedures/", views.procedure_options, name="procedure-options"),
    path("new/due-preview/", views.due_preview, name="due-preview"),
    path("submissions/", views.submission_list, name="submissions"),
    path("submissions/<uuid:public_id>/", views.submission_detail, name="submission"),
    path(
        "submissions/<uuid:public_id>/act/<str:action>/",
        views.submission_act,
        name="submission-act",
    ),
    path(
        "submissions/<uuid:public_id>/slips/<str:kind>/",
        views.submission_slip,
        name="submission-slip",
    ),
    path("<str:code>/", views.record_detail, name="detail"),
    path("<str:code>/act/<str:action>/", views.record_act, name="act"),
    path("<str:code>/scans/", views.record_scan_upload, name="scan-upload"),
    path("<str:code>/scans/<int:scan_id>/", views.record_scan_file, name="scan"),
    path("<str:code>/receipt/", views.record_slip, {"kind": "receipt"}, name="receipt-slip"),
    path("<str:code>/control/", views.record_slip, {"kind": "control"}, name="control-slip"),
    path("<str:code>/slips/<str:kind>/", views.record_slip, name="slip"),
]

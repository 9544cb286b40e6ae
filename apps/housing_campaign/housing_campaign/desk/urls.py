from django.urls import path

from . import exports, views

app_name = "desk"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("export.xlsx", exports.export_cases, name="export_cases"),
    path("export/commune-list.xlsx", exports.export_commune_list, name="export_commune_list"),
    path("filters/save/", views.save_filter, name="save_filter"),
    path("filters/<int:pk>/delete/", views.delete_filter, name="delete_filter"),
    path("bulk/", views.bulk, name="bulk"),
    path("cases/new/", views.case_new, name="case_new"),
    path("drafts/", views.save_draft, name="save_draft"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/transition/", views.case_transition, name="case_transition"),
    path("cases/<int:pk>/forms/<slug:name>/", views.case_form, name="case_form"),
    path("cases/<int:pk>/print/<slug:code>/", views.case_print, name="case_print"),
    path("cases/<int:pk>/files/<int:attachment_pk>/", views.attachment_file, name="attachment_file"),
    path("cases/<int:pk>/issue/<slug:code>/", views.case_issue, name="case_issue"),
    path("cases/<int:pk>/documents/<int:document_pk>/", views.issued_pdf, name="issued_pdf"),
    path("cases/<int:pk>/certificates/<int:cert_pk>/", views.certificate_action, name="certificate_action"),
    path("print/", views.batch_print, name="batch_print"),
    path("print/jobs/<int:pk>/", views.batch_job, name="batch_job"),
    path("print/jobs/<int:pk>/download/", views.batch_download, name="batch_download"),
    path("notifications/", views.notifications, name="notifications"),
    path("reports/time-in-stage/", views.report_time_in_stage, name="report_time_in_stage"),
]

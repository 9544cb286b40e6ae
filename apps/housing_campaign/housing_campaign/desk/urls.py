from django.urls import include, path

from .views import case, documents, exports, queue, reports, survey

app_name = "desk"
urlpatterns = [
    path("", queue.queue, name="queue"),
    path("export.xlsx", exports.export_cases, name="export_cases"),
    path("export/commune-list.xlsx", exports.export_commune_list, name="export_commune_list"),
    path("filters/save/", queue.save_filter, name="save_filter"),
    path("filters/<int:pk>/delete/", queue.delete_filter, name="delete_filter"),
    path("bulk/", queue.bulk, name="bulk"),
    path("cases/new/", survey.case_new, name="case_new"),
    path("drafts/", survey.save_draft, name="save_draft"),
    path("cases/<int:pk>/", case.case_detail, name="case"),
    path("cases/<int:pk>/transition/", case.case_transition, name="case_transition"),
    path("cases/<int:pk>/forms/<slug:name>/", case.case_form, name="case_form"),
    path("cases/<int:pk>/print/<slug:code>/", documents.case_print, name="case_print"),
    path("cases/<int:pk>/files/<int:attachment_pk>/", documents.attachment_file, name="attachment_file"),
    path("cases/<int:pk>/issue/<slug:code>/", documents.case_issue, name="case_issue"),
    path("cases/<int:pk>/documents/<int:document_pk>/", documents.issued_pdf, name="issued_pdf"),
    path("cases/<int:pk>/certificates/<int:cert_pk>/", case.certificate_action, name="certificate_action"),
    path("print/", documents.batch_print, name="batch_print"),
    path("print/jobs/<int:pk>/", documents.batch_job, name="batch_job"),
    path("print/jobs/<int:pk>/download/", documents.batch_download, name="batch_download"),
    path("notifications/", queue.notifications, name="notifications"),
    path("reports/time-in-stage/", reports.report_time_in_stage, name="report_time_in_stage"),
    path("thi-dua/", include("housing_campaign.desk.urls_commendations")),
]

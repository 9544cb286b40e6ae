"""Periodic reports on the desk (issue 14): the territory's reports, composing one, its page, its PDF
(draft or as issued), issuing it with a number and its figures as Excel."""
from django.urls import path

from .views import report_docs

app_name = "reportdocs"
urlpatterns = [
    path("", report_docs.report_list, name="list"),
    path("moi/", report_docs.report_new, name="new"),
    path("<int:pk>/", report_docs.report_detail, name="detail"),
    path("<int:pk>/pdf/", report_docs.report_pdf, name="pdf"),
    path("<int:pk>/ban-hanh/", report_docs.report_issue, name="issue"),
    path("<int:pk>/excel/", report_docs.report_xlsx, name="xlsx"),
]

"""Public postings on the desk (issue 13): the territory's postings, recording one with its checklist of
waiting cases, its page (entries, feedback, the numbered printed list, cancelling) and its photo."""
from django.urls import path

from .views import postings

app_name = "postings"
urlpatterns = [
    path("", postings.posting_list, name="list"),
    path("moi/", postings.posting_new, name="new"),
    path("<int:pk>/", postings.posting_detail, name="detail"),
    path("<int:pk>/huy/", postings.posting_cancel, name="cancel"),
    path("<int:pk>/in/", postings.posting_print, name="print"),
    path("<int:pk>/van-ban/<int:document_pk>/", postings.posting_issued_pdf, name="issued_pdf"),
    path("<int:pk>/anh/", postings.posting_photo, name="photo"),
]

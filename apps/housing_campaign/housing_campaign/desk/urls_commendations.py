"""The "Thi đua - Khen thưởng" section's own pages (issue 15), under /desk/thi-dua/ in the desk's namespace: the
section's index, nominations (list, new, page, steps, council votes), the documents of the process (council
minutes, decisions, proposals sent up, the higher level's decisions) and the certificates. The movement's pages
(participants, registration, suggestions, late units) are ``desk/urls_emulation.py``, mounted at the same prefix."""
from django.urls import path

from .views import commendations as views

urlpatterns = [
    path("", views.emulation_home, name="emulation_home"),
    path("de-nghi/", views.nomination_list, name="nominations"),
    path("de-nghi/moi/", views.nomination_new, name="nomination_new"),
    path("de-nghi/<int:pk>/", views.nomination_detail, name="nomination"),
    path("de-nghi/<int:pk>/thao-tac/", views.nomination_act, name="nomination_act"),
    path("de-nghi/<int:pk>/bieu-quyet/", views.nomination_vote, name="nomination_vote"),
    path("de-nghi/<int:pk>/sua/", views.nomination_edit, name="nomination_edit"),
    path("de-nghi/<int:pk>/bang-khen/", views.nomination_certificate, name="nomination_certificate"),
    path("van-ban/", views.award_document_list, name="award_documents"),
    path("van-ban/lap/<slug:kind>/", views.award_document_new, name="award_document_new"),
    path("van-ban/<int:pk>/", views.award_document_pdf, name="award_document_pdf"),
]

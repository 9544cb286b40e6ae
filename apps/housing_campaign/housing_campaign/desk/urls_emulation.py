"""The emulation movement on the desk (issue 15), under /desk/thi-dua/: participants and their evidence, a unit's
registration, plan and reports, who is late, the office's deadlines and criteria, initiatives, and the
secretariat's suggestions with the one-click nomination. The section's index (/desk/thi-dua/) and the nominations
are the commendations' pages."""
from django.urls import path

from .views import emulation

app_name = "emulation"
urlpatterns = [
    path("doi-tuong/", emulation.participant_list, name="participants"),
    path("doi-tuong/moi/", emulation.participant_new, name="participant_new"),
    path("doi-tuong/<int:pk>/", emulation.participant_detail, name="participant"),
    path("doi-tuong/<int:pk>/sua/", emulation.participant_edit, name="participant_edit"),
    path("doi-tuong/<int:pk>/dang-ky/", emulation.participant_register, name="register"),
    path("doi-tuong/<int:pk>/nop-bao-cao/", emulation.participant_submit, name="submit"),
    path("doi-tuong/<int:pk>/minh-chung/", emulation.participant_evidence, name="evidence_add"),
    path("doi-tuong/<int:pk>/tep/<slug:kind>/<int:file_pk>/", emulation.participant_file, name="file"),
    path("don-vi/", emulation.my_units, name="my_units"),
    path("don-vi-cham/", emulation.late_units, name="late"),
    path("han-nop/", emulation.deadline_list, name="deadlines"),
    path("han-nop/<int:pk>/", emulation.deadline_edit, name="deadline"),
    path("tieu-chi/", emulation.criterion_list, name="criteria"),
    path("tieu-chi/<int:pk>/", emulation.criterion_edit, name="criterion"),
    path("sang-kien/", emulation.initiative_list, name="initiatives"),
    path("sang-kien/<int:pk>/", emulation.initiative_detail, name="initiative"),
    path("goi-y/", emulation.suggestion_list, name="suggestions"),
    path("goi-y/de-nghi/", emulation.suggestion_nominate, name="nominate"),
]

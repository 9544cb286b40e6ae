"""/api/v1/ (namespace "api"). Every pattern has its rule in accounts/permissions.py URL_RULES."""
from django.urls import path

from .views import cases, docs, documents, records, reference

app_name = "api"

urlpatterns = [
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(), name="docs"),
    path("cases/", cases.CaseList.as_view(), name="cases"),
    path("cases/actions/<slug:action>/", cases.BulkAction.as_view(), name="cases_bulk_action"),
    path("cases/<str:code>/", cases.CaseDetailView.as_view(), name="case"),
    path("cases/<str:code>/events/", cases.CaseEvents.as_view(), name="case_events"),
    path("cases/<str:code>/progress/", cases.CaseProgress.as_view(), name="case_progress"),
    path("cases/<str:code>/attachments/", cases.CaseAttachments.as_view(), name="case_attachments"),
    path("cases/<str:code>/acceptance/", cases.CaseAcceptance.as_view(), name="case_acceptance"),
    path("cases/<str:code>/actions/<slug:action>/", cases.CaseAction.as_view(), name="case_action"),
    path("households/", records.HouseholdList.as_view(), name="households"),
    path("households/<str:code>/", records.HouseholdDetail.as_view(), name="household"),
    path("contributions/", records.ContributionList.as_view(), name="contributions"),
    path("contributions/<int:pk>/", records.ContributionDetail.as_view(), name="contribution"),
    path("postings/", records.PostingList.as_view(), name="postings"),
    path("postings/<str:code>/", records.PostingDetail.as_view(), name="posting"),
    path("feedback/", records.FeedbackList.as_view(), name="feedback"),
    path("feedback/<str:code>/", documents.FeedbackItem.as_view(), name="feedback_item"),
    path("feedback/<str:code>/events/", records.FeedbackEvents.as_view(), name="feedback_events"),
    path("feedback/<str:code>/actions/<slug:action>/", documents.FeedbackAction.as_view(), name="feedback_action"),
    path("nominations/", documents.Nominations.as_view(), name="nominations"),
    path("nominations/<str:code>/", records.NominationDetail.as_view(), name="nomination"),
    path("nominations/<str:code>/events/", records.NominationEvents.as_view(), name="nomination_events"),
    path("nominations/<str:code>/actions/<slug:action>/", documents.NominationAction.as_view(),
         name="nomination_action"),
    path("nominations/<str:code>/vote/", documents.NominationVote.as_view(), name="nomination_vote"),
    path("units/", reference.UnitList.as_view(), name="units"),
    path("units/<int:pk>/", reference.UnitDetail.as_view(), name="unit"),
    path("campaigns/", reference.CampaignList.as_view(), name="campaigns"),
    path("campaigns/<str:code>/", reference.CampaignDetail.as_view(), name="campaign"),
    path("norms/", reference.NormList.as_view(), name="norms"),
    path("workflows/", reference.WorkflowList.as_view(), name="workflows"),
    path("workflows/<str:doctype>/", reference.WorkflowDetail.as_view(), name="workflow"),
]

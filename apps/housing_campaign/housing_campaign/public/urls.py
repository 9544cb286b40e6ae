from django.urls import path

from . import communes, feedback, honours, money, postings, views

app_name = "public"
urlpatterns = [
    path("verify/<str:code>", views.verify, name="verify"),
    path("cong-khai/", communes.communes, name="communes"),
    path("cong-khai/<str:code>/", money.territory, name="territory"),
    path("cong-khai/<str:code>/niem-yet/<str:posting>/", postings.posting_print, name="posting_print"),
    path("cong-khai/<str:code>/phan-anh/", feedback.feedback_form, name="feedback_form"),
    path("phan-anh/", feedback.feedback_lookup, name="feedback_lookup"),
    path("phan-anh/<str:code>/", feedback.feedback_track, name="feedback_track"),
    path("bien-nhan/<str:code>", money.receipt, name="receipt"),
    path("vinh-danh/<str:code>/", honours.honour_roll_page, name="honour_roll"),
]

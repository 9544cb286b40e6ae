from django.urls import path

from . import communes, feedback, honours, money, postings, views
from .views import vietnamese_page

app_name = "public"
# The residents' pages of a commune are notices, in Vietnamese whatever the switch says (README, "Languages"); the
# verification page and the honour roll follow the reader's language.
urlpatterns = [
    path("verify/<str:code>", views.verify, name="verify"),
    path("cong-khai/", vietnamese_page(communes.communes), name="communes"),
    path("cong-khai/<str:code>/", vietnamese_page(money.territory), name="territory"),
    path("cong-khai/<str:code>/niem-yet/<str:posting>/", vietnamese_page(postings.posting_print), name="posting_print"),
    path("cong-khai/<str:code>/phan-anh/", vietnamese_page(feedback.feedback_form), name="feedback_form"),
    path("phan-anh/", vietnamese_page(feedback.feedback_lookup), name="feedback_lookup"),
    path("phan-anh/<str:code>/", vietnamese_page(feedback.feedback_track), name="feedback_track"),
    path("bien-nhan/<str:code>", vietnamese_page(money.receipt), name="receipt"),
    path("vinh-danh/<str:code>/", honours.honour_roll_page, name="honour_roll"),
]

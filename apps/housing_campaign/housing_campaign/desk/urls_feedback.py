"""Residents' feedback on the desk (issue 13): the list with its report and export, one feedback's page, its
actions and its photo."""
from django.urls import path

from .views import feedback

app_name = "feedback"
urlpatterns = [
    path("", feedback.feedback_list, name="list"),
    path("phan-anh.xlsx", feedback.feedback_export, name="export"),
    path("<int:pk>/", feedback.feedback_detail, name="detail"),
    path("<int:pk>/xu-ly/", feedback.feedback_act, name="act"),
    path("<int:pk>/anh/", feedback.feedback_photo, name="photo"),
]

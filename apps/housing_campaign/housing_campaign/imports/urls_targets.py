from django.urls import path

from . import views_targets as views

app_name = "targets"
urlpatterns = [
    path("", views.target_list, name="list"),
    path("kiem-tra/", views.target_check, name="check"),
    path("nhap/", views.target_confirm, name="confirm"),
    path("ket-qua.xlsx", views.target_report, name="report"),
    path("mau.xlsx", views.target_template, name="template"),
]

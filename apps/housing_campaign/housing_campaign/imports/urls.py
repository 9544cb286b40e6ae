from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/mapping/", views.mapping, name="mapping"),
    path("<int:pk>/", views.batch, name="batch"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/report.xlsx", views.report, name="report"),
]

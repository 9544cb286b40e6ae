"""The dashboard and the campaign's reports (issue 14)."""
from django.urls import path

from .views import dashboard

app_name = "reports"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
]

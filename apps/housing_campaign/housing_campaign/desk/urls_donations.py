"""The Fatherland Front's contributions desk (issue 12): donors and their history, pledges, receipts of
cash, materials and workdays with a printed, QR-verified receipt, and allocation of general money."""
from django.urls import path

from .views import donations

app_name = "donations"
urlpatterns = [
    path("", donations.home, name="home"),
    path("donors/", donations.donors, name="donors"),
    path("donors/new/", donations.donor_new, name="donor_new"),
    path("donors/<int:pk>/", donations.donor, name="donor"),
    path("donors/<int:pk>/edit/", donations.donor_edit, name="donor_edit"),
    path("pledges/new/", donations.pledge_new, name="pledge_new"),
    path("receipts/new/", donations.receipt_new, name="receipt_new"),
    path("receipts/<int:pk>/", donations.receipt, name="receipt"),
    path("receipts/<int:pk>/pdf/", donations.receipt_pdf, name="receipt_pdf"),
    path("allocate/", donations.allocate, name="allocate"),
]

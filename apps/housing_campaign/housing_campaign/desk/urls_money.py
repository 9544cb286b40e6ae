"""Money pages of the desk (issue 12): pools, ledgers, reconciliation, and a case's allocations,
inspections and releases (posted from the case page's “Kinh phí” panel)."""
from django.urls import path

from .views import money

app_name = "money"
urlpatterns = [
    path("", money.pools, name="pools"),
    path("pools/new/", money.pool_create, name="pool_create"),
    path("pools/<int:pk>/", money.pool_detail, name="pool"),
    path("pools/<int:pk>/receive/", money.pool_receive, name="pool_receive"),
    path("pools/<int:pk>/ledger.xlsx", money.pool_ledger, name="pool_ledger"),
    path("ledger.xlsx", money.territory_ledger, name="territory_ledger"),
    path("reconciliation/", money.reconciliation, name="reconciliation"),
    path("reconciliation.xlsx", money.reconciliation_xlsx, name="reconciliation_xlsx"),
    path("cases/<int:pk>/allocate/", money.allocate, name="allocate"),
    path("allocations/<int:pk>/cancel/", money.allocation_cancel, name="allocation_cancel"),
    path("cases/<int:pk>/inspections/", money.inspect, name="inspect"),
    path("cases/<int:pk>/release/", money.release, name="release"),
]

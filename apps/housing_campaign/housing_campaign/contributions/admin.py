"""Contributions in the admin: records of the Fatherland Front's desk, read-only (a receipt is written with
its pool line and numbered receipt by ``contributions.services``, never by hand), limited to the
territory (``hooks.territory_scopes``)."""
from django.contrib import admin

from housing_campaign.accounts.admin_base import ReadOnlyAdmin

from .models import Contribution, Donor, Pledge


@admin.register(Donor)
class DonorAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "unit")
    list_filter = ("kind",)
    search_fields = ("name",)
    list_select_related = ("unit",)


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    list_display = ("donor", "kind", "amount", "pledged_on", "commune", "earmarked_case")
    list_filter = ("kind",)
    search_fields = ("donor__name",)
    list_select_related = ("donor", "commune", "earmarked_case")


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ("number_text", "donor_name", "donor_kind", "kind", "received_amount", "received_on", "commune",
                    "earmarked_case")
    list_filter = ("donor_kind", "kind")
    search_fields = ("donor_name", "number_text")
    list_select_related = ("commune", "earmarked_case")

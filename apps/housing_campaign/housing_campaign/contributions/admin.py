from django.contrib import admin

from housing_campaign.accounts.admin_base import BaseAdmin

from .models import Contribution


@admin.register(Contribution)
class ContributionAdmin(BaseAdmin):
    list_display = ("donor_name", "donor_kind", "kind", "pledged_amount", "received_amount", "commune", "pledged_on")
    list_filter = ("donor_kind", "kind")
    search_fields = ("donor_name",)
    raw_id_fields = ("commune", "earmarked_case")
    list_select_related = ("commune",)

    # The list and every choice are scoped by hooks.territory_scopes (contributions_visible): those to a
    # commune inside the territory, and province-wide ones.

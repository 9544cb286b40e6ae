from django.contrib import admin

from .models import Contribution


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ("donor_name", "donor_kind", "kind", "pledged_amount", "received_amount", "commune", "pledged_on")
    list_filter = ("donor_kind", "kind")
    search_fields = ("donor_name",)
    raw_id_fields = ("commune", "earmarked_case")
    list_select_related = ("commune",)

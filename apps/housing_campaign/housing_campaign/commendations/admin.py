from django.contrib import admin

from housing_campaign.core.admin_base import TerritoryScopedAdmin

from .models import AwardForm, Nomination


@admin.register(AwardForm)
class AwardFormAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "decided_by")


@admin.register(Nomination)
class NominationAdmin(TerritoryScopedAdmin):
    list_display = ("code", "nominee_name", "award_form", "state", "stage")
    list_filter = ("state", "award_form")
    search_fields = ("code", "nominee_name")
    raw_id_fields = ("commune", "cases", "contributions")
    readonly_fields = ("workflow", "state", "stage", "state_since", "state_entry", "lock_version", "last_actor",
                       "unit_path", "unit_2025_path")

"""Targets are data administrators enter (or import from Excel on the desk); the aggregates are kept by the
engine and never shown or edited here."""
from django.contrib import admin

from housing_campaign.accounts.admin_base import TerritoryScopedAdmin

from .models import Target


@admin.register(Target)
class TargetAdmin(TerritoryScopedAdmin):
    territory_fields = {"legacy_field": "unit_path", "current_field": "unit_path"}
    list_display = ("unit", "campaign", "category", "support_type", "houses", "note")
    list_filter = ("campaign", "category", "support_type")
    search_fields = ("unit__name", "unit__code")
    list_select_related = ("unit", "campaign")
    raw_id_fields = ("unit",)

    def save_model(self, request, obj, form, change):
        obj.unit_path = obj.unit.path
        super().save_model(request, obj, form, change)

from django.contrib import admin

from housing_campaign.core.admin_base import BaseAdmin, ReadOnlyAdmin

from .models import AdminUnit, Village


@admin.register(AdminUnit)
class AdminUnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "system", "parent", "successor")
    list_filter = ("system", "level")
    search_fields = ("code", "name", "short_name")
    raw_id_fields = ("parent", "successor")
    list_select_related = ("parent", "successor")
    # Reference data from the national dataset, loaded by `manage.py sync`: read-only here.


@admin.register(Village)
class VillageAdmin(BaseAdmin):
    list_display = ("name", "commune")
    search_fields = ("name", "commune__name")
    raw_id_fields = ("commune",)
    list_select_related = ("commune",)

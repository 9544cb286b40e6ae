from django.contrib import admin

from .models import AdminUnit, Village


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "system", "parent", "successor")
    list_filter = ("system", "level")
    search_fields = ("code", "name", "short_name")
    raw_id_fields = ("parent", "successor")
    list_select_related = ("parent", "successor")


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ("name", "commune")
    search_fields = ("name", "commune__name")
    raw_id_fields = ("commune",)
    list_select_related = ("commune",)

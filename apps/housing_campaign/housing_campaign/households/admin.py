from django.contrib import admin

from housing_campaign.core.admin_base import TerritoryScopedAdmin

from .models import Household, Member


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0


@admin.register(Household)
class HouseholdAdmin(TerritoryScopedAdmin):
    territory_fields = {"legacy_field": "commune__path", "current_field": "commune__successor__path"}
    list_display = ("code", "head_name", "category", "commune", "village")
    list_filter = ("category", "is_ethnic_minority", "land_status")
    search_fields = ("code", "head_name", "national_id")
    raw_id_fields = ("commune", "village")
    list_select_related = ("commune", "village")
    inlines = [MemberInline]

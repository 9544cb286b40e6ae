from django.contrib import admin

from housing_campaign.accounts.admin_base import BaseAdmin

from .models import Campaign, CategoryDeadline, Strand, SupportNorm, SurveyRound


class StrandInline(admin.TabularInline):
    model = Strand
    extra = 0


class DeadlineInline(admin.TabularInline):
    model = CategoryDeadline
    extra = 0


class RoundInline(admin.TabularInline):
    model = SurveyRound
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False  # a re-survey adds a round; the first list is never overwritten


@admin.register(Campaign)
class CampaignAdmin(BaseAdmin):
    list_display = ("code", "name", "starts_on", "ends_on", "is_active")
    inlines = [StrandInline, DeadlineInline, RoundInline]
    raw_id_fields = ("province", "province_2025")


@admin.register(SupportNorm)
class SupportNormAdmin(BaseAdmin):
    list_display = ("strand", "support_type", "amount", "valid_from", "basis")
    list_filter = ("strand__campaign", "support_type")

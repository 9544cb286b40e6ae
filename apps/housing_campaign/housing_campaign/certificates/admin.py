from django.contrib import admin

from housing_campaign.accounts.admin_base import TerritoryScopedAdmin

from .models import Certificate


@admin.register(Certificate)
class CertificateAdmin(TerritoryScopedAdmin):
    territory_fields = {"legacy_field": "case__unit_path", "current_field": "case__unit_2025_path"}
    list_display = ("number_text", "code", "case", "status", "issued_at", "public_commune")
    list_filter = ("status",)
    search_fields = ("code", "number_text", "case__code")
    readonly_fields = [f.name for f in Certificate._meta.fields]
    list_select_related = ("case",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # revoked or reissued from the desk, never edited

    def has_delete_permission(self, request, obj=None):
        return False

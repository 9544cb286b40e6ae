"""Admin bases: territory scoping (an administrator or auditor sees only their territory) and read-only
lists of reference data and logs."""
from __future__ import annotations

from django.contrib import admin

from housing_campaign.accounts.selectors import actor_for, scope


class TerritoryScopedAdmin(admin.ModelAdmin):
    territory_fields: dict[str, str] = {"legacy_field": "unit_path", "current_field": "unit_2025_path"}

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return scope(qs, actor_for(request.user), **self.territory_fields)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

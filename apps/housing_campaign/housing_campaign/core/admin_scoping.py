"""Territory scoping for the admin: an administrator or auditor sees only their territory."""
from __future__ import annotations

from django.contrib import admin

from housing_campaign.accounts.selectors import actor_for, scope


class TerritoryScopedAdmin(admin.ModelAdmin):
    territory_fields: dict[str, str] = {"legacy_field": "unit_path", "current_field": "unit_2025_path"}

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return scope(qs, actor_for(request.user), **self.territory_fields)

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import Delegation, Role, UserTerritory


class TerritoryInline(admin.TabularInline):
    model = UserTerritory
    extra = 1
    raw_id_fields = ("unit",)
    verbose_name = "địa bàn phụ trách"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [TerritoryInline]
    list_display = ("username", "last_name", "first_name", "is_staff", "is_active", "roles")
    list_filter = ("groups", "is_staff", "is_active")

    @admin.display(description="vai trò")
    def roles(self, obj):
        return ", ".join(g.name for g in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "name_en", "read_only", "is_active")
    readonly_fields = ("code",)


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ("delegator", "delegate", "starts_on", "ends_on", "is_active", "reason")
    list_filter = ("is_active",)
    raw_id_fields = ("delegator", "delegate")

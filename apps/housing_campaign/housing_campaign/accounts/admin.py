"""Users, roles, territories and delegations in the admin.

Administrators are trusted with data, not with power over other administrators. A non-superuser
administrator sees and edits only the users of their own territory who are not superusers or
administrators; never sees ``is_superuser``, ``user_permissions`` or ``is_staff`` (which follows the
roles: staff exactly when holding a role that uses the admin site); grants only the roles of
``permissions.GRANTABLE_BY_ADMINISTRATOR`` (every role but their own) and only territories inside
their own; delegates only between users they manage. Groups, permissions and roles are for
superusers (``permissions.MODEL_ACCESS``). Superusers keep Django's full user admin."""
from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from housing_campaign.accounts.admin_base import BaseAdmin, GuardedAdminMixin

from .models import Delegation, Role, UserTerritory
from .permissions import GRANTABLE_BY_ADMINISTRATOR, STAFF_ROLES
from .selectors import actor_for, unit_is_inside, users_manageable


def _limited(request) -> bool:
    """Whether the request's user manages users under the administrator's limits."""
    return not request.user.is_superuser


class TerritoryFormSet(BaseInlineFormSet):
    actor = None  # set per request by TerritoryInline.get_formset

    def clean(self):
        super().clean()
        if self.actor is None or any(self.errors):
            return
        kept = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        for row in kept:
            if row.get("unit") is not None and not unit_is_inside(self.actor, row["unit"]):
                raise forms.ValidationError(gettext("%(unit)s nằm ngoài địa bàn bạn phụ trách; chỉ được giao "
                                                    "địa bàn thuộc địa bàn của mình.") % {"unit": row["unit"].name})
        if not kept:
            raise forms.ValidationError(gettext("Hãy giao ít nhất một địa bàn phụ trách (thuộc địa bàn của bạn)."))


class TerritoryInline(GuardedAdminMixin, admin.TabularInline):
    model = UserTerritory
    formset = TerritoryFormSet
    extra = 1
    raw_id_fields = ("unit",)
    verbose_name = _("địa bàn phụ trách")
    verbose_name_plural = pgettext_lazy("plural", "địa bàn phụ trách")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if _limited(request):
            formset = type("LimitedTerritoryFormSet", (formset,), {"actor": actor_for(request.user)})
        return formset


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(GuardedAdminMixin, DjangoGroupAdmin):
    """Django's group admin; its permissions are for superusers only (permissions.MODEL_ACCESS)."""


@admin.register(User)
class StaffUserAdmin(GuardedAdminMixin, UserAdmin):
    inlines = [TerritoryInline]
    list_display = ("username", "last_name", "first_name", "is_staff", "is_active", "roles")
    list_filter = ("groups", "is_staff", "is_active")
    limited_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("first_name", "last_name", "email")}),
        (_("Vai trò"), {"fields": ("is_active", "groups")}),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )

    @admin.display(description=_("vai trò"))
    def roles(self, obj):
        from housing_campaign.core.i18n import localized_label

        return ", ".join(localized_label(g.role) if hasattr(g, "role") else g.name for g in obj.groups.all())

    def get_queryset(self, request):
        qs = super().get_queryset(request).prefetch_related("groups__role")
        return qs if not _limited(request) else users_manageable(actor_for(request.user), qs)

    def get_fieldsets(self, request, obj=None):
        if obj is None or not _limited(request):
            return super().get_fieldsets(request, obj)
        return self.limited_fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "last_login", "date_joined") if obj is not None and _limited(request) else fields

    def get_list_filter(self, request):
        return self.list_filter if not _limited(request) else ("is_active",)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and _limited(request):
            kwargs["queryset"] = Group.objects.filter(role__code__in=GRANTABLE_BY_ADMINISTRATOR)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if _limited(request):
            user = form.instance
            is_staff = Role.objects.filter(group__user=user, code__in=STAFF_ROLES, is_active=True).exists()
            if user.is_staff != is_staff:
                User.objects.filter(pk=user.pk).update(is_staff=is_staff)


@admin.register(Role)
class RoleAdmin(BaseAdmin):
    list_display = ("code", "name_vi", "name_en", "read_only", "is_active")
    readonly_fields = ("code",)


class DelegationForm(forms.ModelForm):
    manageable = None  # users the request's user may manage, set per request

    class Meta:
        model = Delegation
        fields = ("delegator", "delegate", "starts_on", "ends_on", "reason", "is_active")

    def clean(self):
        cleaned = super().clean()
        if self.manageable is not None:
            for name in ("delegator", "delegate"):
                user = cleaned.get(name)
                if user is not None and not self.manageable.filter(pk=user.pk).exists():
                    self.add_error(name, gettext("%(user)s không thuộc những người dùng bạn quản lý (trong địa bàn "
                                                 "của bạn, không phải quản trị).") % {"user": user})
        return cleaned


@admin.register(Delegation)
class DelegationAdmin(BaseAdmin):
    form = DelegationForm
    list_display = ("delegator", "delegate", "starts_on", "ends_on", "is_active", "reason")
    list_filter = ("is_active",)
    raw_id_fields = ("delegator", "delegate")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if not _limited(request):
            return qs
        manageable = users_manageable(actor_for(request.user)).values("pk")
        return qs.filter(delegator__in=manageable, delegate__in=manageable)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if _limited(request):
            form = type("LimitedDelegationForm", (form,), {"manageable": users_manageable(actor_for(request.user))})
        return form

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from housing_campaign.accounts.admin_base import BaseAdmin
from housing_campaign.core import hookspec

from .models import ExtraField
from .services import extra_field_definition_errors, extra_field_retire


class ExtraFieldForm(forms.ModelForm):
    class Meta:
        model = ExtraField
        exclude = ("retired_at",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doctype"] = forms.ChoiceField(
            label=_("loại hồ sơ"), choices=[(d, hookspec.doctype_label(d)) for d in hookspec.doctype_models()])
        if self.instance.pk:
            # Changing the code or type of a field in use would orphan stored values (a view-only
            # user's form has no editable fields at all).
            for name in ("code", "field_type"):
                if name in self.fields:
                    self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        probe = ExtraField(**{k: v for k, v in cleaned.items() if k in {f.name for f in ExtraField._meta.fields}})
        for field, errors in extra_field_definition_errors(probe).items():
            for error in errors:
                self.add_error(field if field in self.fields else None, error)
        return cleaned


@admin.register(ExtraField)
class ExtraFieldAdmin(BaseAdmin):
    form = ExtraFieldForm
    list_display = ("label_vi", "code", "doctype", "field_type", "required", "is_active", "order")
    list_filter = ("doctype", "is_active", "field_type")
    actions = ["retire_fields"]

    def has_delete_permission(self, request, obj=None):
        return False  # removing a field retires it, stored values are kept

    def save_model(self, request, obj, form, change):
        if not obj.is_active and obj.retired_at is None:
            obj.retired_at = timezone.now()
        if obj.is_active:
            obj.retired_at = None
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Ngừng dùng các trường đã chọn (giữ nguyên dữ liệu đã nhập)"), permissions=["change"])
    def retire_fields(self, request, queryset):
        for field in queryset:
            extra_field_retire(field=field)
        messages.success(request, gettext("Đã ngừng dùng %(count)s trường; dữ liệu đã nhập được giữ nguyên.")
                         % {"count": queryset.count()})

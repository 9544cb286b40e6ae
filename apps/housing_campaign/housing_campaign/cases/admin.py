from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from housing_campaign.accounts.admin_base import TerritoryScopedAdmin
from housing_campaign.accounts.selectors import actor_for
from housing_campaign.core.errors import ServiceError
from housing_campaign.extrafields.forms import extra_values_from, form_fields_for
from housing_campaign.extrafields.services import extra_values_clean
from housing_campaign.workflow.labels import document_state_label, state_list_filter

from . import services
from .models import Acceptance, Attachment, HousingCase, ProgressEntry


class ProgressInline(admin.TabularInline):
    model = ProgressEntry
    extra = 0
    can_delete = False
    readonly_fields = ("date", "stage", "percent", "note", "recorded_by")

    def has_add_permission(self, request, obj=None):
        return False


class RefusedEdit(Exception):
    """A service refused the save after the form was valid (e.g. the state no longer allows the edit)."""

    def __init__(self, error: ServiceError):
        super().__init__(error.message)
        self.error = error


class CaseAdminForm(forms.ModelForm):
    """Built-in fields change through the desk's stage forms (services); here administrators fill in
    administrator-defined fields, validated like any other field."""

    class Meta:
        model = HousingCase
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(form_fields_for(HousingCase.DOCTYPE, self.instance.extra if self.instance.pk else {}))

    def clean(self):
        cleaned = super().clean()
        try:
            extra_values_clean(doctype=HousingCase.DOCTYPE, values=extra_values_from(cleaned),
                                        existing=self.instance.extra)
        except ServiceError as exc:
            for key, errors in exc.errors.items():
                for error in errors:
                    self.add_error(key if key in self.fields else None, ValidationError(error))
        return cleaned


@admin.register(HousingCase)
class HousingCaseAdmin(TerritoryScopedAdmin):
    form = CaseAdminForm
    list_display = ("code", "head_name", "commune", "state_name", "stage", "support_type", "support_amount",
                    "state_since")
    list_filter = ("stage", state_list_filter("housing_case"), "support_type", "strand", "campaign", "priority",
                   "is_eligible")
    search_fields = ("code", "household__head_name", "household__national_id")
    list_select_related = ("household", "commune")
    # The state by its name (state_name), never its code.
    readonly_fields = [("state_name" if f.name == "state" else f.name) for f in HousingCase._meta.fields
                       if f.name not in ("id", "extra")]
    inlines = [ProgressInline]  # allocations, inspections and releases: funding admin and the desk
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        return [*self.readonly_fields, *form_fields_for(HousingCase.DOCTYPE)]

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The extra fields are added by CaseAdminForm itself, not by the model form factory.
        kwargs["fields"] = []
        return super().get_form(request, obj, change, **kwargs)

    def has_add_permission(self, request):
        return False  # cases are opened from the desk's survey form

    def has_delete_permission(self, request, obj=None):
        return False  # nothing an audit may need is deleted

    @admin.display(description=_("chủ hộ"), ordering="household__head_name")
    def head_name(self, obj):
        return obj.household.head_name

    @admin.display(description=_("trạng thái"), ordering="state")
    def state_name(self, obj):
        return document_state_label(obj)

    def save_model(self, request, obj, form, change):
        try:
            services.case_update_extra(actor=actor_for(request.user), case_id=obj.pk,
                                       values=extra_values_from(form.cleaned_data))
        except ServiceError as exc:
            raise RefusedEdit(exc) from None  # leaves the admin's atomic block: nothing is saved

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RefusedEdit as refused:
            messages.error(request, gettext("Chưa lưu: %(reason)s") % {"reason": refused.error.message})
            return HttpResponseRedirect(request.path)

    def save_formset(self, request, form, formset, change):
        pass  # inlines are read-only

    def save_related(self, request, form, formsets, change):
        pass


@admin.register(Attachment)
class AttachmentAdmin(TerritoryScopedAdmin):
    territory_fields = {"legacy_field": "case__unit_path", "current_field": "case__unit_2025_path"}
    list_display = ("original_name", "case", "kind", "stage", "taken_at", "latitude", "longitude", "uploaded_by")
    exclude = ("file",)  # opened from the desk, which checks the territory
    readonly_fields = [f.name for f in Attachment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a record of what was uploaded

    def has_delete_permission(self, request, obj=None):
        return False  # nothing an audit may need is deleted


@admin.register(Acceptance)
class AcceptanceAdmin(TerritoryScopedAdmin):
    territory_fields = {"legacy_field": "case__unit_path", "current_field": "case__unit_2025_path"}
    list_display = ("case", "result", "usable_area", "lifespan_years", "accepted_on", "inspector")
    readonly_fields = [f.name for f in Acceptance._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # recorded by the inspector through the desk

    def has_delete_permission(self, request, obj=None):
        return False  # nothing an audit may need is deleted

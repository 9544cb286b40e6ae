from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from housing_campaign.accounts.admin_base import BaseAdmin, TerritoryScopedAdmin
from housing_campaign.accounts.selectors import actor_for
from housing_campaign.core.errors import ServiceError
from housing_campaign.workflow.labels import document_state_label, state_list_filter

from . import services
from .models import AwardForm, Nomination


@admin.register(AwardForm)
class AwardFormAdmin(BaseAdmin):
    list_display = ("code", "name", "level", "decided_by")


@admin.register(Nomination)
class NominationAdmin(TerritoryScopedAdmin):
    list_display = ("code", "nominee_name", "award_form", "state_name", "stage")
    list_filter = (state_list_filter("commendation"), "award_form")
    search_fields = ("code", "nominee_name")
    raw_id_fields = ("commune", "cases", "contributions")
    exclude = ("state",)  # the engine's: shown by its name (state_name)
    readonly_fields = ("workflow", "state_name", "stage", "state_since", "state_entry", "lock_version", "last_actor",
                       "unit_path", "unit_2025_path", "created_by")

    @admin.display(description=_("trạng thái"), ordering="state")
    def state_name(self, obj):
        return document_state_label(obj) if obj.pk else ""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        actor = actor_for(request.user)

        class NominationForm(form):
            def clean(self):
                cleaned = super().clean()
                commune = cleaned.get("commune")
                if commune is not None and not self.errors:
                    probe = self.instance
                    probe.commune = commune
                    probe.unit_path, probe.unit_2025_path = services.nomination_unit_paths(commune)
                    try:
                        services.nomination_check_actor(actor, probe)
                    except ServiceError as exc:
                        self.add_error("commune" if exc.field else None, ValidationError(exc.message))
                return cleaned

        return NominationForm

    def save_model(self, request, obj, form, change):
        # The workflow fields are the engine's: a new nomination starts the active workflow.
        services.nomination_save(actor=actor_for(request.user), nomination=obj)

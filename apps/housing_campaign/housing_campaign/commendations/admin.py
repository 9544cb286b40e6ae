"""Award forms (their competence is data an administrator may correct) and, read-only, the nominations
and the documents of the commendation process: nominations are made and moved on the desk ("Thi đua -
Khen thưởng"), where the services check competence, territory and duplicates."""
from django import forms
from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from housing_campaign.accounts.admin_base import BaseAdmin, ReadOnlyAdmin, TerritoryScopedAdmin
from housing_campaign.workflow.labels import document_state_label, state_list_filter

from .models import AUTHORITY_LEVELS, Authority, AwardDocument, AwardForm, Nomination, Proposer


def participant_kind_choices():
    """The kinds of emulation participants (the model lives above this layer: read from the registry)."""
    return apps.get_model("emulation", "Participant").Kind.choices


class AwardFormForm(forms.ModelForm):
    proposer_kinds = forms.TypedMultipleChoiceField(
        label=_("đơn vị được đề nghị"), choices=Proposer.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("“%(value)s” không phải là loại đơn vị đề nghị.")})
    recipient_kinds = forms.TypedMultipleChoiceField(
        label=_("đối tượng được tặng"), required=False, choices=participant_kind_choices,
        widget=forms.CheckboxSelectMultiple, help_text=_("Để trống: mọi loại đối tượng."),
        error_messages={"invalid_choice": _("“%(value)s” không phải là loại đối tượng.")})

    class Meta:
        model = AwardForm
        fields = ("code", "name", "level", "authority", "decided_by", "national", "proposer_kinds",
                  "recipient_kinds", "legal_basis", "print_format")

    def clean(self):
        cleaned = super().clean()
        national, authority = cleaned.get("national"), cleaned.get("authority")
        if national and authority in AUTHORITY_LEVELS:
            self.add_error("national", _("Khen thưởng do Chủ tịch Ủy ban nhân dân các cấp trong tỉnh quyết định không "
                                         "phải trình cấp trên."))
        if not national and authority in (Authority.STATE_PRESIDENT, Authority.PRIME_MINISTER):
            self.add_error("national", _("Khen thưởng do Chủ tịch nước, Thủ tướng Chính phủ quyết định: tỉnh chỉ đề "
                                         "nghị lên cấp trên."))
        if national and set(cleaned.get("proposer_kinds") or ()) - {Proposer.PROVINCE}:
            self.add_error("proposer_kinds", _("Khen thưởng cấp Nhà nước chỉ do Ủy ban nhân dân tỉnh đề nghị."))
        return cleaned


@admin.register(AwardForm)
class AwardFormAdmin(BaseAdmin):
    form = AwardFormForm
    list_display = ("code", "name", "level", "authority", "national")


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin, TerritoryScopedAdmin):
    list_display = ("code", "nominee_name", "award_form", "state_name", "decision_number")
    list_filter = (state_list_filter("commendation"), "award_form")
    list_select_related = ("award_form",)
    search_fields = ("code", "nominee_name", "decision_number")
    exclude = ("state", "evidence", "cases", "contributions", "extra")

    @admin.display(description=_("trạng thái"), ordering="state")
    def state_name(self, obj):
        return document_state_label(obj) if obj.pk else ""


@admin.register(AwardDocument)
class AwardDocumentAdmin(ReadOnlyAdmin, TerritoryScopedAdmin):
    list_display = ("number", "kind", "award_form", "issued_on", "issuing_body", "awarded")
    list_filter = ("kind", "award_form")
    list_select_related = ("award_form",)
    search_fields = ("number",)

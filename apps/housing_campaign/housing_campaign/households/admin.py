from django import forms
from django.contrib import admin

from housing_campaign.accounts.admin_base import TerritoryScopedAdmin
from housing_campaign.core import hookspec, validators

from .models import Household, Member
from .selectors import DUPLICATE_NATIONAL_ID, household_by_national_id


class HouseholdAdminForm(forms.ModelForm):
    """The same reading of the CCCD as the desk (core.validators): full-width digits become ASCII,
    other scripts' digits are refused, and one CCCD belongs to one household."""

    class Meta:
        model = Household
        fields = "__all__"

    def clean_national_id(self):
        try:
            number = validators.parse_national_id(self.cleaned_data.get("national_id"))
        except validators.InputError as exc:
            raise forms.ValidationError(exc.message) from None
        if household_by_national_id(national_id=number, exclude_pk=self.instance.pk):
            raise forms.ValidationError(DUPLICATE_NATIONAL_ID)
        return number


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = "__all__"

    def clean_national_id(self):
        try:
            return validators.parse_national_id(self.cleaned_data.get("national_id"))
        except validators.InputError as exc:
            raise forms.ValidationError(exc.message) from None


class MemberInline(admin.TabularInline):
    model = Member
    form = MemberForm
    extra = 0


@admin.register(Household)
class HouseholdAdmin(TerritoryScopedAdmin):
    form = HouseholdAdminForm
    territory_fields = {"legacy_field": "commune__path", "current_field": "commune__successor__path"}
    list_display = ("code", "head_name", "category", "commune", "village")
    list_filter = ("category", "is_ethnic_minority", "land_status")
    search_fields = ("code", "head_name", "national_id")
    raw_id_fields = ("commune", "village")
    list_select_related = ("commune", "village")
    inlines = [MemberInline]

    def save_model(self, request, obj, form, change):
        old_category = form.initial.get("category") if change else None
        super().save_model(request, obj, form, change)
        counter = hookspec.doc_counter("housing_case", "rekeyed")
        if change and old_category != obj.category and counter is not None:
            # The dashboards' counts are grouped by category: the household's cases move with it.
            counter(changes=[(pk, old_category, support) for pk, support in
                             obj.cases.values_list("pk", "support_type")])

"""Form fields for administrator-defined fields, shared by the admin and the desk forms.
Parsing here is lenient (text inputs); validation is the service's, so both places agree."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext

from housing_campaign.core.i18n import localized_label

from .models import ExtraField
from .services import FORM_PREFIX, extra_fields_for


def form_fields_for(doctype: str, values: dict | None = None) -> dict[str, forms.Field]:
    values = values or {}
    result: dict[str, forms.Field] = {}
    for field in extra_fields_for(doctype):
        common = {"label": localized_label(field), "required": False, "help_text": field.help_vi,
                  "initial": values.get(field.code)}
        if field.field_type == ExtraField.FieldType.CHOICE:
            form_field = forms.ChoiceField(choices=[("", "—")] + [(str(c[0]), c[1]) for c in field.choices], **common)
        elif field.field_type == ExtraField.FieldType.BOOLEAN:
            yes_no = [("", "—"), ("true", gettext("Có")), ("false", gettext("Không"))]
            form_field = forms.ChoiceField(choices=yes_no, **{
                **common, "initial": {True: "true", False: "false"}.get(values.get(field.code), "")})
        elif field.field_type == ExtraField.FieldType.DATE:
            form_field = forms.CharField(widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy",
                                                                       "inputmode": "numeric"}), **common)
        elif field.field_type in (ExtraField.FieldType.INTEGER, ExtraField.FieldType.DECIMAL):
            form_field = forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
        else:
            form_field = forms.CharField(max_length=field.max_length or None, **common)
        if field.required:
            form_field.widget.attrs["required"] = True
            form_field.label = f"{form_field.label} *"
        result[FORM_PREFIX + field.code] = form_field
    return result


def extra_values_from(data) -> dict:
    """Raw extra values from submitted form data, keyed by field code."""
    return {key[len(FORM_PREFIX):]: value for key, value in data.items() if key.startswith(FORM_PREFIX)}

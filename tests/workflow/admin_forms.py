"""Build the POST data of an admin change form (with its inline formsets) from the page's own
forms, so tests edit a workflow exactly as an administrator's browser would submit it."""
from __future__ import annotations


def _value(field, value):
    from django import forms

    if isinstance(field, forms.MultipleChoiceField):
        return list(value or [])
    if isinstance(value, (list, tuple)):
        return ", ".join(value)
    if isinstance(field, forms.BooleanField):
        return "on" if value else None
    if value is None:
        return ""
    return value


def _form_data(form, prefix: str) -> dict:
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "pk"):
            value = value.pk
        v = _value(field, value)
        if v is None:
            continue
        data[f"{prefix}{name}"] = v
    return data


def change_form_data(response) -> tuple[dict, dict[str, dict]]:
    """(data, formsets) where formsets maps a formset prefix to {'forms': [dicts], 'prefix': p}."""
    context = response.context
    data = _form_data(context["adminform"].form, "")
    formsets = {}
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        rows = []
        for form in formset.initial_forms:
            row = _form_data(form, "")
            row["id"] = form.instance.pk
            row["definition"] = form.instance.definition_id
            rows.append(row)
        formsets[formset.prefix] = {"rows": rows, "initial": len(rows)}
    return data, formsets


def encode(data: dict, formsets: dict[str, dict]) -> dict:
    out = dict(data)
    for prefix, spec in formsets.items():
        rows = spec["rows"]
        out[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        out[f"{prefix}-INITIAL_FORMS"] = str(spec["initial"])
        out[f"{prefix}-MIN_NUM_FORMS"] = "0"
        out[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for i, row in enumerate(rows):
            for key, value in row.items():
                if value is None:
                    continue
                out[f"{prefix}-{i}-{key}"] = value
    return out

"""Document types the engine drives and the names their conditions may use, resolved from
``hooks.doctypes`` and ``hooks.computed_fields`` (no engine change to add one)."""
from __future__ import annotations

from functools import cache

from django.apps import apps
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from housing_campaign.core import hookspec, limits
from housing_campaign.core.errors import ErrorCode, ServiceError


def bounded_round(number, ndigits=None):
    """``round(x, -10**9)`` would compute 10**(10**9): the number of digits is bounded."""
    limits.ensure_width(ndigits, "số chữ số của round")
    return round(number, ndigits)


FUNCTIONS = {"len": len, "abs": abs, "min": min, "max": max, "round": bounded_round}
HIDDEN_FIELDS = {"extra", "lock_version", "state_entry", "workflow"}


def model_for(doctype: str) -> type[models.Model]:
    try:
        return apps.get_model(hookspec.doctype_models()[doctype])
    except KeyError:
        raise ServiceError(f"Loại hồ sơ không tồn tại: {doctype}", code=ErrorCode.NOT_FOUND) from None


@cache
def model_field_names(doctype: str) -> frozenset[str]:
    model = model_for(doctype)
    names = set()
    for f in model._meta.concrete_fields:
        if f.name in HIDDEN_FIELDS:
            continue
        names.add(f.attname if f.is_relation else f.name)
        if f.is_relation:
            names.add(f.name + "_id")
    return frozenset(names)


def known_names(doctype: str) -> set[str]:
    from housing_campaign.extrafields.services import extra_fields_for

    return (set(model_field_names(doctype)) | set(hookspec.computed_fields(doctype))
            | {f.code for f in extra_fields_for(doctype, include_retired=True)} | {"True", "False", "None"})


# Kept by the engine, never typed by people: not offered as fields a state requires.
TECHNICAL_FIELDS = {"id", "state", "stage", "state_since", "last_actor_id", "unit_path", "unit_2025_path", "created_at",
                    "created_by_id"}
FIELD_GROUPS = {"model": _("Trường của hồ sơ"), "extra": _("Trường bổ sung"), "computed": _("Trường tính toán")}


def field_choices(doctype: str, *, for_required: bool = False) -> list[tuple[str, str, str]]:
    """(name, Vietnamese label, group: a key of ``FIELD_GROUPS``) of every name a condition or a state's
    required fields may use: the model's own fields with their verbose names, the administrator's extra
    fields (retired ones marked) and the computed fields of ``hooks.computed_fields``."""
    from housing_campaign.extrafields.services import extra_fields_for

    model = model_for(doctype)
    out = []
    for f in model._meta.concrete_fields:
        name = f.attname if f.is_relation else f.name
        if f.name in HIDDEN_FIELDS or (for_required and name in TECHNICAL_FIELDS):
            continue
        label = str(f.verbose_name)
        out.append((name, label[:1].upper() + label[1:], "model"))
    out.sort(key=lambda row: row[1].lower())
    for f in extra_fields_for(doctype, include_retired=True):
        out.append((f.code, f.label_vi if f.is_active else gettext("%(label)s (ngừng dùng)") % {"label": f.label_vi},
                    "extra"))
    for name, spec in sorted(hookspec.computed_fields(doctype).items()):
        label = str(spec["label"])
        out.append((name, label[:1].upper() + label[1:], "computed"))
    return out


def computed_value(doctype: str, document, name: str):
    spec = hookspec.computed_fields(doctype).get(name)
    if spec is None:
        raise KeyError(name)
    return hookspec.get_attr(spec["path"])(document)


def document_value(doctype: str, document, name: str):
    """Value of ``name`` for conditions and required-field checks: fields, extra fields, computed."""
    if name in model_field_names(doctype):
        value = getattr(document, name)
        return value
    if name in hookspec.computed_fields(doctype):
        return computed_value(doctype, document, name)
    extra = getattr(document, "extra", None) or {}
    if name in extra:
        return extra[name]
    from housing_campaign.extrafields.services import extra_fields_for

    if any(f.code == name for f in extra_fields_for(doctype, include_retired=True)):
        return None
    raise KeyError(name)


def field_label(doctype: str, name: str) -> str:
    model = model_for(doctype)
    try:
        return str(model._meta.get_field(name.removesuffix("_id")).verbose_name)
    except Exception:  # noqa: BLE001 - fall back to extra fields and computed names
        pass
    computed = hookspec.computed_fields(doctype)
    if name in computed:
        return computed[name]["label"]
    from housing_campaign.extrafields.models import ExtraField

    field = ExtraField.objects.filter(doctype=doctype, code=name).first()
    return field.label_vi if field else name

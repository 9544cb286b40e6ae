"""Validation of administrator-defined field values, with the same rigour as built-in fields."""
from __future__ import annotations

import re
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.core import hookspec, validators
from housing_campaign.core.errors import validation_error
from housing_campaign.core.i18n import localized_label

from .models import ExtraField

FORM_PREFIX = "extra__"


def extra_fields_for(doctype: str, *, include_retired: bool = False) -> list[ExtraField]:
    qs = ExtraField.objects.filter(doctype=doctype)
    if not include_retired:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("order", "id"))


def extra_fields_known(doctype: str) -> tuple[list[ExtraField], set[str]]:
    """The active fields, and the codes of every field ever defined (retired ones included)."""
    return extra_fields_for(doctype), {f.code for f in extra_fields_for(doctype, include_retired=True)}


# The column behind min_value/max_value holds 14 digits with 2 decimals: values are bounded to it.
NUMBER_MAX_DIGITS = 14
NUMBER_LIMIT = Decimal("999999999999.99")


def _clean_one(field: ExtraField, raw) -> object:
    label = localized_label(field)
    quoted = f"“{label}”"
    if raw is None or (isinstance(raw, str) and validators.normalize_text(raw) == ""):
        if field.required:
            raise ValueError(gettext("Trường “%(label)s” là bắt buộc.") % {"label": label})
        return None
    kind = field.field_type
    if kind == ExtraField.FieldType.TEXT:
        value = validators.normalize_text(raw, multiline=True)
        if field.max_length and len(value) > field.max_length:
            raise ValueError(gettext("“%(label)s” dài tối đa %(max)s ký tự (đang có %(length)s).") % {
                "label": label, "max": field.max_length, "length": len(value)})
        if field.pattern and not validators.matches_pattern(field.pattern, value):
            raise ValueError(gettext("“%(label)s” không đúng định dạng yêu cầu.") % {"label": label})
        return value
    if kind in (ExtraField.FieldType.INTEGER, ExtraField.FieldType.DECIMAL):
        try:
            if kind == ExtraField.FieldType.INTEGER:
                if isinstance(raw, float) and raw.is_integer():
                    raw = int(raw)
                number = Decimal(validators.parse_int(raw, quoted, minimum=-10**12, maximum=10**12))
            else:
                number = validators.parse_decimal(raw, quoted, max_digits=NUMBER_MAX_DIGITS,
                                                  decimal_places=2, minimum=-NUMBER_LIMIT, maximum=NUMBER_LIMIT)
        except validators.InputError as exc:
            raise ValueError(exc.message) from None
        if field.min_value is not None and number < field.min_value:
            raise ValueError(gettext("“%(label)s” không được nhỏ hơn %(min)s.") % {
                "label": label, "min": f"{field.min_value.normalize():f}"})
        if field.max_value is not None and number > field.max_value:
            raise ValueError(gettext("“%(label)s” không được lớn hơn %(max)s.") % {
                "label": label, "max": f"{field.max_value.normalize():f}"})
        return int(number) if kind == ExtraField.FieldType.INTEGER else float(number)
    if kind == ExtraField.FieldType.DATE:
        try:
            return validators.parse_date(raw, quoted, earliest=validators.EARLIEST_LIFE_DATE,
                                         allow_future=True).isoformat()
        except validators.InputError as exc:
            raise ValueError(exc.message) from None
    if kind == ExtraField.FieldType.CHOICE:
        allowed = [str(c[0]) for c in field.choices]
        value = validators.normalize_text(raw)
        if value not in allowed:
            raise ValueError(gettext("“%(label)s”: giá trị “%(value)s” không có trong danh sách chọn.") % {
                "label": label, "value": value[:40]})
        return value
    if kind == ExtraField.FieldType.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        text = validators.normalize_text(raw).lower()
        if text in ("1", "true", "on", "yes", "có", "co"):
            return True
        if text in ("0", "false", "off", "no", "không", "khong"):
            return False
        raise ValueError(gettext("“%(label)s” phải là Có hoặc Không.") % {"label": label})
    raise ValueError(gettext("Kiểu trường không hỗ trợ: %(kind)s") % {"kind": kind})


def extra_values_clean(*, doctype: str, values: dict, existing: dict | None = None,
                       fields: tuple[list[ExtraField], set[str]] | None = None) -> dict:
    """Validate every active field; return the merged ``extra`` dict. Retired fields keep their values.
    Raises one ServiceError naming each bad field (form keys ``extra__<code>``). ``fields`` (from
    ``extra_fields_known``) spares a bulk import two queries per row."""
    active, known = fields or extra_fields_known(doctype)
    result = dict(existing or {})
    errors: dict[str, list[str]] = {}
    for field in active:
        raw = values.get(field.code, result.get(field.code))
        try:
            cleaned = _clean_one(field, raw)
        except ValueError as exc:
            errors[FORM_PREFIX + field.code] = [str(exc)]
            continue
        if cleaned is None:
            result.pop(field.code, None)
        else:
            result[field.code] = cleaned
    unknown = set(values) - known
    for code in sorted(unknown):
        errors[FORM_PREFIX + code] = [gettext("Trường bổ sung “%(code)s” không tồn tại.") % {"code": code}]
    if errors:
        raise validation_error(errors)
    return result


def extra_field_definition_errors(field: ExtraField) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not re.fullmatch(r"[a-z][a-z0-9_]*", field.code or ""):
        errors["code"] = [gettext("Mã trường chỉ gồm chữ thường không dấu, số và gạch dưới, bắt đầu bằng chữ.")]
    if field.field_type == ExtraField.FieldType.CHOICE:
        ok = isinstance(field.choices, list) and field.choices and all(
            isinstance(c, (list, tuple)) and len(c) == 2 and str(c[0]) for c in field.choices)
        if not ok:
            errors["choices"] = [gettext('Danh sách chọn phải có dạng [["ma", "Nhãn"], ...] và không rỗng.')]
    if field.min_value is not None and field.max_value is not None and field.min_value > field.max_value:
        errors["max_value"] = [gettext("Giá trị lớn nhất phải lớn hơn hoặc bằng giá trị nhỏ nhất.")]
    if field.pattern:
        try:
            validators.compile_pattern(field.pattern)
        except validators.InputError as exc:
            errors["pattern"] = [exc.message]
    if field.doctype not in hookspec.doctype_models():
        errors["doctype"] = [gettext("Loại hồ sơ “%(doctype)s” không tồn tại.") % {"doctype": field.doctype}]
    return errors


@transaction.atomic
def extra_field_retire(*, field: ExtraField) -> ExtraField:
    """Removing a field retires it; stored values stay in each document's ``extra``."""
    if field.is_active:
        field.is_active = False
        field.retired_at = timezone.now()
        field.save(update_fields=["is_active", "retired_at"])
    return field


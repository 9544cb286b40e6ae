"""The interface language, applied to what code and data say.

Source strings are Vietnamese (gettext msgids); English comes from ``locale/en``. Two things gettext
alone does not cover, each with one helper here:

- **Labels written by administrators** (workflow states and actions, roles, extra fields, print
  formats) are data with a Vietnamese and an optional English column. ``localized_label(obj)`` picks the
  English one when the active language is English and it is filled in, else the Vietnamese one. Every
  page and selector uses it (templates: ``{{ obj|localized_label }}`` from ``{% load hc_i18n %}``).
- **Messages stored in rows** (notifications, eligibility results, timeline notes) are read later, by
  people who may have chosen another language than the writer's. They are stored as a *message*: the
  Vietnamese msgid and its parameters, ``{"msg": "Tách hộ %(years)s năm", "params": {"years": 2}}``,
  and rendered in the reader's language by ``render_message``. A parameter is a plain value, a nested
  message, or a bilingual label ``{"vi": ..., "en": ...}`` (for administrator-written names, frozen as
  they were when the message was written). Rendering never fails: an unknown shape shows as text.

Mark msgids of stored messages with ``gettext_noop`` so ``make messages`` extracts them.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import get_language, gettext

# Pairs of (Vietnamese, English) attributes that administrator-written rows use.
LABEL_PAIRS = (("label_vi", "label_en"), ("name_vi", "name_en"), ("name", "name_en"))


def is_english() -> bool:
    return (get_language() or "vi").lower().startswith("en")


def _get(obj, key: str):
    if isinstance(obj, Mapping):
        return obj.get(key)
    return getattr(obj, key, None)


def localized(vi: str, en: str | None) -> str:
    """Administrator-written text with an optional English version (``condition_message``/``_en``)."""
    return en if en and is_english() else vi


def localized_label(obj) -> str:
    """The label of a workflow state or transition (model row, compiled spec or dict), a role, an extra
    field or a print format, in the active language: English when chosen and filled in, else Vietnamese.
    A plain string (or None) is returned as it is."""
    if obj is None:
        return ""
    if isinstance(obj, str):
        return obj
    for vi_key, en_key in LABEL_PAIRS:
        vi = _get(obj, vi_key)
        if vi is None:
            continue
        if is_english():
            en = _get(obj, en_key)
            if en:
                return str(en)
        return str(vi)
    return str(obj)


def bilingual(obj) -> dict:
    """An administrator-written label frozen in both languages, as a message parameter."""
    for vi_key, en_key in LABEL_PAIRS:
        vi = _get(obj, vi_key)
        if vi is not None:
            return {"vi": str(vi), "en": str(_get(obj, en_key) or "")}
    return {"vi": str(obj), "en": ""}


def message(msgid: str, **params) -> dict:
    """A message to store: rendered later in the reader's language by ``render_message``."""
    return {"msg": str(msgid), "params": {k: _param(v) for k, v in params.items()}}


def joined(messages: list, separator: str = " ") -> dict:
    """Several stored messages read as one, each in the reader's language."""
    return {"msg": separator.replace("%", "%%").join(f"%(m{i})s" for i in range(len(messages))),
            "params": {f"m{i}": _param(m) for i, m in enumerate(messages)}}


def _param(value):
    if isinstance(value, Decimal):
        return {"num": format(value.normalize(), "f")}
    if isinstance(value, float):
        return {"num": repr(value)}
    if value is None or isinstance(value, (str, int, bool, dict)):
        return value
    return str(value)


def render_message(value, *, source: bool = False) -> str:
    """A stored message (or parameter) as text in the active language; ``source=True``: in Vietnamese, the
    language of the msgids, without a catalog lookup (for the Vietnamese copy kept beside a message)."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        if "msg" in value:
            text = value["msg"] if source else (gettext(value["msg"]) if value["msg"] else "")
            params = value.get("params") or {}
            if not params:
                return text
            try:
                return text % {k: render_message(v, source=source) for k, v in params.items()}
            except (KeyError, ValueError, TypeError):
                return value["msg"]
        if "vi" in value:
            return str(value.get("en") or value["vi"]) if is_english() and not source else str(value["vi"])
        if "num" in value:
            return str(value["num"]) if is_english() and not source else str(value["num"]).replace(".", ",")
        return str(value)
    if isinstance(value, bool):
        if source:
            return "Có" if value else "Không"
        return gettext("Có") if value else gettext("Không")
    return str(value)


def msgid(label) -> str:
    """The Vietnamese msgid behind a lazy label (a choice's ``label``), to store in a message."""
    from django.utils import translation

    with translation.override("vi"):
        return str(label)


def translate_stored(text: str) -> str:
    """Text stored by older code as a whole Vietnamese msgid (no parameters): translated if it is one."""
    return gettext(text) if text else ""

"""Turning a spreadsheet cell into a typed value, as communes type them.

Each function takes the raw cell (str, int, float, date, datetime or None) and returns the value, or
raises ``CellError`` with the reason (in the importer's language). Repairs (a value changed so it can be
used) come back as
a warning string next to the value. Only what is particular to spreadsheets is here (cells typed as
numbers, "60.000.000" and "1.234,5", Excel serial dates, d-m-yyyy); the text is then read by
``core.validators`` (NFKC, ASCII digits, no NaN/Infinity, bounded numbers, plausible dates) and the row is
checked by the same services as the survey form (``cases.services.household_clean`` / ``survey_clean``):
one implementation of each rule.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import gettext

from housing_campaign.core import validators

EXCEL_EPOCH = dt.date(1899, 12, 30)
_SPACES = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


class CellError(ValueError):
    pass


def is_blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip())


def fold(text) -> str:
    """Lower case, no diacritics, đ→d, single spaces: "Xã Đắk  Tơ Lung" → "xa dak to lung"."""
    return _fold(text if isinstance(text, str) else str(text))


@lru_cache(maxsize=65536)  # a list repeats its communes, categories and support types on every row
def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _SPACES.sub(" ", _NON_ALNUM.sub(" ", text)).strip()


def compact(text) -> str:
    return fold(text).replace(" ", "")


def text(value) -> str:
    """The cell as clean text (NFKC, single spaces); a whole float such as 3.0 as "3"."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%d/%m/%Y")
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", str(value))).strip()


def label(value) -> str:
    """A header cell as the user typed it (no compatibility folding: "m²" stays "m²")."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def shown(value) -> str:
    """How a cell is quoted back in a message."""
    return text(value)[:80]


def national_id(value) -> tuple[str, str | None]:
    """A CCCD as 12 ASCII digits where it can be: spaces and dots removed; a number that lost its
    leading zeros (the cell was typed as a number) gets them back, with a warning."""
    if is_blank(value):
        return "", None
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(gettext("Số CCCD không được có phần thập phân."))
        raw = str(int(value))
    elif isinstance(value, int):
        raw = str(value)
    else:
        raw = validators.normalize_national_id(value)
    if raw.isascii() and raw.isdigit() and 9 <= len(raw) < 12:
        fixed = raw.zfill(12)
        return fixed, gettext("Số CCCD %(raw)s thiếu số 0 ở đầu (ô kiểu số): đã sửa thành %(fixed)s.") % {
            "raw": raw, "fixed": fixed}
    return raw, None


def _number_text(raw: str) -> str:
    """Vietnamese number text to Python's: "60.000.000" → "60000000", "16,5" → "16.5",
    "1.234,5" → "1234.5", "16.5" → "16.5" (a single dot followed by other than 3 digits is a decimal point)."""
    raw = raw.replace(" ", "").replace("\u00a0", "")
    raw = re.sub(r"(m2|m²|đồng|đ|vnd|%|năm|người)$", "", raw, flags=re.IGNORECASE)
    if "," in raw and "." in raw:
        return raw.replace(".", "").replace(",", ".") if raw.rfind(",") > raw.rfind(".") else raw.replace(",", "")
    if "," in raw:
        parts = raw.split(",")
        if len(parts) > 2 or (len(parts) == 2 and len(parts[1]) == 3 and len(parts[0]) > 3):
            return raw.replace(",", "")
        return raw.replace(",", ".")
    if raw.count(".") > 1 or (raw.count(".") == 1 and len(raw.split(".")[1]) == 3):
        return raw.replace(".", "")
    return raw


def decimal(value) -> Decimal | None:
    """A number cell: numeric cells as they are; text in the Vietnamese way ("60.000.000", "16,5",
    "1.234,5", a unit after it) turned into plain digits, then read by ``validators.parse_decimal``."""
    if is_blank(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        raise CellError(gettext("phải là số, không phải ngày."))
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        value = int(value)
    elif isinstance(value, str):
        value = _number_text(unicodedata.normalize("NFKC", value).strip())
    label = gettext("Giá trị")
    try:
        return validators.parse_decimal(value, label, max_digits=20, decimal_places=2)
    except validators.InputError as exc:
        raise CellError(exc.message.removeprefix(label + " ")) from None


def integer(value) -> int | None:
    number = decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(gettext("phải là số nguyên."))
    return int(number)


def date(value) -> dt.date | None:
    """dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd) or an Excel date or serial number.
    Only the calendar is checked here; each field's plausible window is the form's rule."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value) or not 1 <= value < 2958466:
            raise CellError(gettext("không phải ngày hợp lệ."))
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    raw = unicodedata.normalize("NFKC", str(value)).strip()
    if re.fullmatch(r"\d{5}", raw):
        return date(int(raw))
    match = re.fullmatch(r"(\d{1,2})[.\-](\d{1,2})[.\-](\d{4})", raw)
    if match:
        raw = f"{match[1]}/{match[2]}/{match[3]}"
    if not re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{1,2}-\d{1,2}", raw):
        raise CellError(gettext("phải là ngày theo dạng dd/mm/yyyy."))
    try:
        return validators.parse_date(raw, gettext("Ngày"), earliest=dt.date(1, 1, 1), allow_future=True)
    except validators.InputError:
        raise CellError(gettext("không phải ngày có thật.")) from None


def choice(value, table: dict[str, str], what: str) -> str | None:
    """A code from a table of folded names {"ho ngheo": "poor", ...}."""
    if is_blank(value):
        return None
    key = fold(value)
    if key in table:
        return table[key]
    raise CellError(gettext("không phải %(what)s.") % {"what": what})


def boolean(value) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    key = fold(value)
    if key in ("x", "co", "1", "yes", "true", "dung", "c") or str(value).strip() in ("✓", "✔", "v"):
        return True
    if key in ("khong", "0", "no", "false", "k", "sai"):
        return False
    raise CellError(gettext("phải là Có/Không (hoặc đánh dấu x)."))


def cached_lookup(cache: dict, key, find):
    """``find()`` once per ``key`` for a whole file: its answer, or the same CellError, every time asked."""
    found = cache.get(key)
    if found is None:
        try:
            found = find()
        except CellError as exc:
            found = exc
        cache[key] = found
    if isinstance(found, CellError):
        raise found
    return found

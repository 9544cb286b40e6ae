"""Turning a spreadsheet cell into a typed value, as communes type them.

Each function takes the raw cell (str, int, float, date, datetime or None) and returns the value, or
raises ``CellError`` with a Vietnamese reason. Repairs (a value changed so it can be used) come back as
a warning string next to the value. The business rules themselves (12 digits, ranges, no future
dates ...) are not here: the import hands the typed values to the same checks as the survey form
(``cases.services.household_errors`` / ``survey_errors``), so there is one implementation of each rule.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

EXCEL_EPOCH = dt.date(1899, 12, 30)
EARLIEST_DATE = dt.date(1900, 1, 1)
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
            raise CellError("Số CCCD không được có phần thập phân.")
        raw = str(int(value))
    elif isinstance(value, int):
        raw = str(value)
    else:
        raw = re.sub(r"[\s.\-]", "", unicodedata.normalize("NFKC", str(value)))
    if raw.isascii() and raw.isdigit() and 9 <= len(raw) < 12:
        fixed = raw.zfill(12)
        return fixed, f"Số CCCD {raw} thiếu số 0 ở đầu (ô kiểu số): đã sửa thành {fixed}."
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
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("phải là số.")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError("phải là số (không nhận NaN hay vô cực).")
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return number.quantize(Decimal("0.01")) if isinstance(value, float) else number
    if isinstance(value, (dt.date, dt.datetime)):
        raise CellError("phải là số, không phải ngày.")
    raw = _number_text(unicodedata.normalize("NFKC", str(value)).strip())
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CellError("phải là số.") from None
    if not number.is_finite():
        raise CellError("phải là số (không nhận NaN hay vô cực).")
    return number


def integer(value) -> int | None:
    number = decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError("phải là số nguyên.")
    return int(number)


def date(value) -> dt.date | None:
    """dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd) or an Excel date or serial."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value) or not 1 <= value < 2958466:
            raise CellError("không phải ngày hợp lệ.")
        result = EXCEL_EPOCH + dt.timedelta(days=int(value))
    else:
        raw = unicodedata.normalize("NFKC", str(value)).strip()
        match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", raw)
        iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw)
        try:
            if match:
                result = dt.date(int(match[3]), int(match[2]), int(match[1]))
            elif iso:
                result = dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
            elif re.fullmatch(r"\d{5}", raw):
                return date(int(raw))
            else:
                raise CellError("phải là ngày theo dạng dd/mm/yyyy.")
        except ValueError as exc:
            if isinstance(exc, CellError):
                raise
            raise CellError("không phải ngày có thật.") from None
    if result < EARLIEST_DATE:
        raise CellError("không phải ngày hợp lệ (trước năm 1900).")
    return result


def choice(value, table: dict[str, str], what: str) -> str | None:
    """A code from a table of folded names {"ho ngheo": "poor", ...}."""
    if is_blank(value):
        return None
    key = fold(value)
    if key in table:
        return table[key]
    raise CellError(f"không phải {what} đã biết.")


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
    raise CellError("phải là Có/Không (hoặc đánh dấu x).")

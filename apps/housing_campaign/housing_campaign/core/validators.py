"""Input normalisation in one place.

Every form, import and API reads numbers, national IDs, dates, free text and uploads through these
helpers, so the same input means the same thing everywhere and bad input ends as a clear message in
the user's language (gettext; labels are passed already translated), never as a server error or as a value
the database refuses.

Two families:
- ``parse_*`` for values a person typed: return the normalised value (``None``/``""`` when empty) or
  raise :class:`InputError` (a ``ValueError``) whose message names the field.
- ``query_*`` for query parameters, hidden inputs and other machine-made values: never raise; return
  ``None`` (or the given default) for anything unusable.

Rules kept here:
- Numbers and IDs are NFKC-normalised first (full-width ``０１２`` becomes ``012``), then must be made of
  ASCII digits only: Arabic-Indic or other scripts' digits are refused rather than silently converted,
  so what is stored is what a search with the ASCII number finds.
- No exponent notation, NaN or Infinity: only ``[+-]digits[,.digits]``; magnitudes bounded by the
  caller (usually the database column's range).
- Text loses control characters (NUL included: PostgreSQL refuses it in text and JSON).
- Dates fall in a plausible window (by default not before 2000 and not after today).
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import re
import struct
import unicodedata
import warnings
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

# Column ranges of the strictest backend (PostgreSQL).
SMALLINT_MAX = 32_767
INT_MAX = 2_147_483_647
BIGINT_MAX = 9_223_372_036_854_775_807
ID_MAX = BIGINT_MAX  # BigAutoField primary keys

EARLIEST_EVENT_DATE = dt.date(2000, 1, 1)  # surveys, meetings, decisions, construction, handover
EARLIEST_LIFE_DATE = dt.date(1900, 1, 1)   # births, household splits, administrator-defined dates
LATEST_ANY_DATE = dt.date(2100, 12, 31)

NATIONAL_ID_LENGTH = 12
_MAX_NUMBER_TEXT = 40  # longer than any number the product stores; keeps parsing cheap
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_SINGLE_LINE_RE = re.compile(r"[\x00-\x1f\x7f]")
_INT_RE = re.compile(r"[+-]?[0-9]+")
_DECIMAL_RE = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
_SPACES_RE = re.compile(r"\s+")


class InputError(ValueError):
    """A value a person typed that cannot be used; ``message`` is shown to them as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------- text
def normalize_text(value, *, max_length: int | None = None, multiline: bool = False) -> str:
    """Free text: NFC (one encoding of each Vietnamese letter), control characters removed, trimmed.
    NFKC is not applied to free text: it would turn “m²” into “m2”."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = (_CONTROL_RE if multiline else _CONTROL_SINGLE_LINE_RE).sub("", text).strip()
    return text[:max_length] if max_length is not None else text


_CODE_JUNK_RE = re.compile(r"[^a-z0-9]+")


def code_from_label(label, *, taken=(), max_length: int = 60, fallback: str = "ma") -> str:
    """A machine code made from a Vietnamese name, so people never type codes: no diacritics (đ→d),
    lower case, words joined by ``_``, at most ``max_length`` characters, unique among ``taken``
    (``kiem_tra_hien_truong``, then ``kiem_tra_hien_truong_2`` …)."""
    text = unicodedata.normalize("NFKD", normalize_text(label).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    base = _CODE_JUNK_RE.sub("_", text).strip("_")[:max_length].strip("_") or fallback
    if base[0].isdigit():
        base = f"{fallback}_{base}"[:max_length]
    taken = set(taken)
    code, n = base, 1
    while code in taken:
        n += 1
        suffix = f"_{n}"
        code = base[: max_length - len(suffix)] + suffix
    return code


def _compact(value) -> str:
    """NFKC, control characters and all white space removed: the form in which numbers are read."""
    text = unicodedata.normalize("NFKC", str(value))
    return _SPACES_RE.sub("", _CONTROL_RE.sub("", text))


def _shown(value, limit: int = 30) -> str:
    """A value echoed back in a message: printable and short."""
    text = _CONTROL_SINGLE_LINE_RE.sub("", str(value))
    return text if len(text) <= limit else text[:limit] + "…"


# ---------------------------------------------------------------------------- national ID (CCCD)
def normalize_national_id(value) -> str:
    """The CCCD as it is stored and searched: NFKC (full-width digits become ASCII), spaces, dots and
    dashes people type as separators removed. Not checked: see :func:`parse_national_id`."""
    if value is None:
        return ""
    return _compact(value).replace(".", "").replace("-", "")


def national_id_error(value) -> str | None:
    """Why ``value`` (already normalised) is not a CCCD, or None. Empty is not an error here."""
    if not value:
        return None
    if len(value) != NATIONAL_ID_LENGTH:
        return gettext("Số CCCD phải gồm đúng 12 chữ số (đang nhập “%(value)s”, %(length)s ký tự).") % {
            "value": _shown(value), "length": len(value)}
    if not value.isascii() or not value.isdigit():
        return gettext("Số CCCD phải gồm đúng 12 chữ số 0–9 (đang nhập “%(value)s”, có ký tự không phải chữ số "
                       "0–9).") % {"value": _shown(value)}
    return None


def parse_national_id(value) -> str:
    """The normalised CCCD (``""`` when empty), or InputError."""
    number = normalize_national_id(value)
    if message := national_id_error(number):
        raise InputError(message)
    return number


def validate_national_id(value) -> None:
    """Model-field validator: what is stored is exactly 12 ASCII digits (or empty)."""
    if message := national_id_error(value or ""):
        raise ValidationError(message, code="national_id")


# ---------------------------------------------------------------------------- numbers
def _missing(label: str) -> InputError:
    return InputError(gettext("Chưa nhập %(label)s.") % {"label": label.lower()})


def _not_a_number(label: str, value=None, *, integer: bool = False) -> InputError:
    if value is None:
        text = gettext("%(label)s phải là số nguyên.") if integer else gettext("%(label)s phải là số.")
        return InputError(text % {"label": label})
    text = (gettext("%(label)s phải là số nguyên (đang nhập “%(value)s”).") if integer
            else gettext("%(label)s phải là số (đang nhập “%(value)s”)."))
    return InputError(text % {"label": label, "value": _shown(value)})


def _too_big(label: str, value) -> InputError:
    return InputError(gettext("%(label)s quá lớn (%(value)s).") % {"label": label, "value": _shown(value)})


def parse_int(value, label: str, *, minimum: int | None = None, maximum: int | None = None,
              required: bool = True) -> int | None:
    """An integer typed by a person, bounded (by default to the PostgreSQL ``integer`` range)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _missing(label)
        return None
    if isinstance(value, bool):
        raise _not_a_number(label, integer=True)
    if isinstance(value, int):
        number = value
    elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        number = int(value)
    else:
        text = _compact(value)
        if len(text) > _MAX_NUMBER_TEXT or not _INT_RE.fullmatch(text):
            raise _not_a_number(label, value, integer=True)
        number = int(text)
    low = -INT_MAX - 1 if minimum is None else minimum
    high = INT_MAX if maximum is None else maximum
    if number < low:
        raise InputError(gettext("%(label)s phải từ %(min)s trở lên (đang nhập %(value)s).") % {
            "label": label, "min": low, "value": number})
    if number > high:
        raise InputError(gettext("%(label)s không được quá %(max)s (đang nhập %(value)s).") % {
            "label": label, "max": high, "value": _shown(number)})
    return number


def parse_decimal(value, label: str, *, max_digits: int = 14, decimal_places: int = 2,
                  minimum: Decimal | int | None = None, maximum: Decimal | int | None = None,
                  required: bool = True) -> Decimal | None:
    """A decimal typed by a person: “14,5” and “14.5” both read 14.5; NaN, Infinity and exponents refused;
    rounded to ``decimal_places``; at most ``max_digits`` digits in all (the column's precision)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _missing(label)
        return None
    if isinstance(value, bool):
        raise _not_a_number(label)
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        number = Decimal(value)
        if not number.is_finite():
            raise _not_a_number(label)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _not_a_number(label)
        number = Decimal(str(value))
    else:
        text = _compact(value)
        if len(text) > _MAX_NUMBER_TEXT or not _DECIMAL_RE.fullmatch(text):
            raise _not_a_number(label, value)
        number = Decimal(text.replace(",", "."))
    try:
        number = number.quantize(Decimal(1).scaleb(-decimal_places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise _too_big(label, value) from None
    if number.adjusted() + 1 > max_digits - decimal_places:
        raise _too_big(label, value)
    if minimum is not None and number < minimum:
        raise InputError(gettext("%(label)s không được nhỏ hơn %(min)s (đang nhập %(value)s).") % {
            "label": label, "min": f"{Decimal(minimum).normalize():f}", "value": _shown(value)})
    if maximum is not None and number > maximum:
        raise InputError(gettext("%(label)s không được lớn hơn %(max)s (đang nhập %(value)s).") % {
            "label": label, "max": f"{Decimal(maximum).normalize():f}", "value": _shown(value)})
    return number


_MONEY_RE = re.compile(r"[0-9]{1,3}(?:([.,])[0-9]{3})?(?:\1[0-9]{3})*|[0-9]+")


def parse_money(value, label: str, *, minimum: int = 0, maximum: int = BIGINT_MAX,
                required: bool = True) -> int | None:
    """An amount in đồng: whole numbers, thousands grouped by dots (Vietnamese) or commas, spaces
    ignored, an “đ”/“đồng”/“VND” suffix allowed. “1.5” is refused rather than read as 15."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return parse_int(value, label, minimum=minimum, maximum=maximum, required=required)
    if value is None or (isinstance(value, str) and not value.strip()):
        return parse_int(None, label, required=required)
    text = _compact(value).lower()
    for suffix in ("đồng", "vnđ", "vnd", "đ"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    if len(text) > _MAX_NUMBER_TEXT or not _MONEY_RE.fullmatch(text):
        raise InputError(gettext("%(label)s phải là số đồng, ví dụ 40.000.000 (đang nhập “%(value)s”).") % {
            "label": label, "value": _shown(value)})
    return parse_int(text.replace(".", "").replace(",", ""), label, minimum=minimum, maximum=maximum)


# One amount is at most a million billion đồng: far above any budget, and sums of many stay in bigint.
MONEY_MAX = 10**15


def parse_amount(value, label: str, *, maximum: int = MONEY_MAX) -> int:
    """A positive amount of đồng (money received, allocated, released, promised): empty, zero and
    negative amounts are refused with a message naming the field."""
    if isinstance(value, str) and _compact(value).startswith(("-", "−")) and len(value) <= _MAX_NUMBER_TEXT:
        raise InputError(gettext("%(label)s phải lớn hơn 0 đồng, không được âm (đang nhập “%(value)s”).") % {
            "label": label, "value": _shown(value)})
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and value < 0:
        raise InputError(gettext("%(label)s phải lớn hơn 0 đồng, không được âm (đang nhập %(value)s).") % {
            "label": label, "value": value})
    number = parse_money(value, label, minimum=0, maximum=10**40)
    if number == 0:
        raise InputError(gettext("%(label)s phải lớn hơn 0 đồng.") % {"label": label})
    if number > maximum:
        raise InputError(gettext("%(label)s quá lớn: tối đa %(max)s đồng (đang nhập %(value)s).") % {
            "label": label, "max": f"{maximum:,}".replace(",", "."), "value": _shown(value)})
    return number


def parse_text(value, label: str, *, max_length: int, required: bool = False, multiline: bool = False) -> str:
    """Free text bounded by its column: too long is refused with the lengths (never cut silently)."""
    text = normalize_text(value, multiline=multiline)
    if required and not text:
        raise InputError(gettext("Chưa nhập %(label)s.") % {"label": label.lower()})
    if len(text) > max_length:
        raise InputError(gettext("%(label)s dài tối đa %(max)s ký tự (đang có %(length)s).") % {
            "label": label, "max": max_length, "length": len(text)})
    return text


# ---------------------------------------------------------------------------- dates
def _day(value: dt.date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"  # strftime drops the zeros of year 1


def date_range_error(value: dt.date | None, label: str, *, earliest: dt.date = EARLIEST_EVENT_DATE,
                     latest: dt.date | None = None, allow_future: bool = False) -> str | None:
    """Why a date is implausible, or None. ``latest`` defaults to today unless ``allow_future``."""
    if value is None:
        return None
    if latest is None:
        latest = LATEST_ANY_DATE if allow_future else timezone.localdate()
    if value < earliest:
        return gettext("%(label)s không được trước ngày %(earliest)s (đang nhập %(value)s).") % {
            "label": label, "earliest": _day(earliest), "value": _day(value)}
    if value > latest:
        if latest == timezone.localdate():
            return gettext("%(label)s không được sau ngày hôm nay.") % {"label": label}
        return gettext("%(label)s không được sau ngày %(latest)s (đang nhập %(value)s).") % {
            "label": label, "latest": _day(latest), "value": _day(value)}
    return None


_DATE_SHAPES = (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"))


def date_shape_without_day(text: str) -> bool:
    """Whether ``text`` is written as a date (dd/mm/yyyy or yyyy-mm-dd) that is not in the calendar (31/02/2025,
    2025-13-01): such a value deserves "this day does not exist", not "write it as dd/mm/yyyy"."""
    text = str(text).strip()
    return any(shape.match(text) for shape in _DATE_SHAPES)


def date_error_message(label: str, text) -> str:
    if date_shape_without_day(text):
        return gettext("%(label)s: ngày %(value)s không có trong lịch.") % {"label": label, "value": str(text).strip()}
    return gettext("%(label)s phải là ngày theo dạng dd/mm/yyyy.") % {"label": label}


def parse_date(value, label: str, *, earliest: dt.date = EARLIEST_EVENT_DATE, latest: dt.date | None = None,
               allow_future: bool = False, required: bool = True) -> dt.date | None:
    """A date typed as dd/mm/yyyy (or ISO yyyy-mm-dd), within a plausible window."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _missing(label)
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        text = _compact(value)
        value = None
        if text.isascii() and len(text) <= 10:
            for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
                try:
                    value = dt.datetime.strptime(text, fmt).date()
                    break
                except ValueError:
                    continue
        if value is None:
            raise InputError(date_error_message(label, text))
    if message := date_range_error(value, label, earliest=earliest, latest=latest, allow_future=allow_future):
        raise InputError(message)
    return value


# ---------------------------------------------------------------------------- query parameters (never raise)
def query_id(value) -> int | None:
    """A database id from a query parameter or hidden input: ASCII digits, 1 … BIGINT_MAX, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= ID_MAX else None
    if not isinstance(value, str) or not value or len(value) > 19 or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 1 <= number <= ID_MAX else None


def query_ids(values) -> tuple[list[int], int]:
    """Ids from a list of query values: (the usable ones in order without repeats, how many were unusable)."""
    ids: dict[int, None] = {}
    bad = 0
    for value in values or ():
        number = query_id(value.strip() if isinstance(value, str) else value)
        if number is None:
            bad += 1
        else:
            ids[number] = None
    return list(ids), bad


def query_int(value, default: int | None = None, *, minimum: int = -INT_MAX - 1, maximum: int = INT_MAX) -> int | None:
    """An integer from a query parameter or hidden input, within bounds, else ``default``."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and 0 < len(value) <= 20 and value.isascii() and _INT_RE.fullmatch(value.strip()):
        number = int(value)
    else:
        return default
    return number if minimum <= number <= maximum else default


def query_text(value, *, max_length: int = 100) -> str:
    """A text query parameter: a string, NFKC (what users type on phones), control characters removed."""
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFKC", value[: max_length * 4])
    return _CONTROL_SINGLE_LINE_RE.sub("", text).strip()[:max_length]


# ---------------------------------------------------------------------------- uploads
MAX_IMAGE_PIXELS = 50_000_000   # a 50-megapixel phone photo; decoding it needs at most ~200 MB
MAX_IMAGE_SIDE = 12_000
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
IMAGE_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}
PDF_MAGIC = b"%PDF-"
MAX_PDF_PAGES = 2_000


# Every spelling of an extension that names a type; the first is the one a file of that type is given.
TYPE_EXTENSIONS = {
    "image/jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"), "image/png": (".png",), "image/webp": (".webp",),
    "application/pdf": (".pdf",), "application/msword": (".doc",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
}


UPLOAD_NAME_MAX = 200


def name_for_type(name: str, content_type: str) -> str:
    """An uploaded file's name with the extension of what its content is (checked by the caller): “kh.exe”
    holding a PDF is “kh.pdf”, “scan” holding a JPEG is “scan.jpg”; a name already ending in one of the type's
    spellings (“Ảnh.JPEG”) is kept. The name is what downloads are saved under, so it never claims another
    type than the content served with it."""
    extensions = TYPE_EXTENSIONS.get(content_type)
    name = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].strip()
    if not extensions:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and f".{extension.lower()}" in extensions:
        kept = f".{extension}"
    else:
        # Another extension (“.exe”, “.txt”) is replaced; what only looks like one (“Báo cáo 12.2024”) is kept.
        replaced = dot and len(extension) <= 5 and extension.isalnum() and not extension.isdigit()
        stem, kept = (stem if replaced else name), extensions[0]
    # Bounded as the records store it (200 characters), the extension kept whatever the length.
    stem = stem.strip().rstrip(".")[:UPLOAD_NAME_MAX - len(kept)] or "tep"
    return f"{stem}{kept}"


def _pillow():
    from PIL import Image

    # Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that; both are caught below, and the
    # size is checked on the header before any pixel is decoded.
    if Image.MAX_IMAGE_PIXELS is None or Image.MAX_IMAGE_PIXELS > MAX_IMAGE_PIXELS:
        Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    return Image


def image_inspect(data: bytes, name: str) -> dict | None:
    """Check an image by its content. Returns {"content_type", "size": (w, h), "image"} with the opened
    (verified, decoded) image for metadata, None when the data is not an image of an allowed type, and
    raises InputError when it is an image that must be refused (too large, broken)."""
    Image = _pillow()
    from PIL import UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            header = Image.open(io.BytesIO(data))  # lazy: reads the header only
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError):
            return None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise InputError(_too_large(name)) from None
        fmt = header.format
        width, height = header.size
        header.close()
        if fmt not in IMAGE_TYPES:
            return None
        if width <= 0 or height <= 0:
            raise InputError(_broken_image(name))
        if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
            raise InputError(_too_large(name, width, height))
        try:
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            image = Image.open(io.BytesIO(data))
            if fmt == "JPEG":
                image.draft("RGB", (2048, 2048))  # decode at a reduced scale: enough to prove it is a photo
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise InputError(_too_large(name, width, height)) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError, EOFError,
                IndexError, struct.error):
            raise InputError(_broken_image(name)) from None
    return {"content_type": IMAGE_TYPES[fmt], "size": (width, height), "image": image}


def _broken_image(name: str) -> str:
    return gettext("Tệp “%(name)s” là ảnh hỏng, không đọc được.") % {"name": _shown(name, 80)}


def _too_large(name: str, width: int | None = None, height: int | None = None) -> str:
    params = {"name": _shown(name, 80), "width": width, "height": height,
              "megapixels": MAX_IMAGE_PIXELS // 1_000_000, "side": MAX_IMAGE_SIDE}
    if width:
        return gettext("Ảnh “%(name)s” quá lớn (%(width)s×%(height)s điểm ảnh); tối đa %(megapixels)s triệu điểm "
                       "ảnh và mỗi chiều %(side)s điểm ảnh.") % params
    return gettext("Ảnh “%(name)s” quá lớn; tối đa %(megapixels)s triệu điểm ảnh và mỗi chiều %(side)s điểm "
                   "ảnh.") % params


def pdf_inspect(data: bytes, name: str) -> dict | None:
    """None when the data does not claim to be a PDF; InputError when it claims to and is not one."""
    if not data.startswith(PDF_MAGIC):
        return None
    from pypdf import PdfReader

    try:
        pages = len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # noqa: BLE001 - pypdf raises many kinds of errors on broken files; all mean "not a PDF"
        pages = 0
    if pages < 1:
        raise InputError(gettext("Tệp “%(name)s” không phải tệp PDF hợp lệ (không đọc được trang nào).") % {
            "name": _shown(name, 80)})
    if pages > MAX_PDF_PAGES:
        raise InputError(gettext("Tệp “%(name)s” có %(pages)s trang; tối đa %(max)s trang.") % {
            "name": _shown(name, 80), "pages": pages, "max": MAX_PDF_PAGES})
    return {"content_type": "application/pdf", "pages": pages}


def upload_inspect(data: bytes, name: str, *, max_bytes: int, images_only: bool = False,
                   size: int | None = None) -> dict:
    """What an uploaded file really is, by its content: an image of an allowed type (decodable, within
    the pixel limits) or, unless ``images_only``, a PDF that opens. Anything else raises InputError.
    Returns {"content_type", "extension", ...} plus "image" (opened) for images."""
    size = max(size or 0, len(data))
    if size > max_bytes:
        raise InputError(gettext("Tệp “%(name)s” quá lớn (%(size)s MB); tối đa %(max)s MB.") % {
            "name": _shown(name, 80), "size": f"{size / 1024 / 1024:.1f}", "max": max_bytes // 1024 // 1024})
    info = image_inspect(data, name)
    if info is None and not images_only:
        info = pdf_inspect(data, name)
    if info is None:
        if images_only:
            raise InputError(gettext("Tệp “%(name)s” không phải ảnh JPEG, PNG hoặc WEBP hợp lệ.") % {
                "name": _shown(name, 80)})
        raise InputError(gettext("Tệp “%(name)s” không phải ảnh JPEG, PNG, WEBP hoặc tệp PDF hợp lệ.") % {
            "name": _shown(name, 80)})
    return {**info, "extension": IMAGE_EXTENSIONS[info["content_type"]],
            "name": name_for_type(name, info["content_type"])}


# ---------------------------------------------------------------------------- administrator-written patterns
# Patterns that administrators write (extra fields) run on RE2, which matches in linear time: a pattern
# such as (a+)+$ cannot freeze the server (no backtracking). RE2 has no back-references or look-arounds;
# such a pattern is refused when it is saved.
_RE2_OPTIONS = None


def _re2_options():
    global _RE2_OPTIONS
    if _RE2_OPTIONS is None:
        import re2

        _RE2_OPTIONS = re2.Options()
        _RE2_OPTIONS.log_errors = False
    return _RE2_OPTIONS


@functools.lru_cache(maxsize=256)
def compile_pattern(pattern: str):
    """The compiled RE2 pattern; raises InputError in Vietnamese when it is not one."""
    import re2

    try:
        return re2.compile(pattern, _re2_options())
    except re2.error as exc:
        detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise InputError(gettext("Biểu thức chính quy không hợp lệ hoặc không được hỗ trợ (không dùng tham chiếu "
                                 "ngược \\1 hay nhìn trước/nhìn sau): %(detail)s") % {"detail": detail}) from None


def matches_pattern(pattern: str, value: str) -> bool:
    return compile_pattern(pattern).fullmatch(value) is not None

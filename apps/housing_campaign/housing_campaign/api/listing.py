"""Lists of the API: keyset cursors (stable under inserts, never a COUNT(*)), ordering and sparse fields.

A cursor holds the ordering and the last row's (ordering value, id), signed so that a client cannot forge a
value of another type; the next page is the rows strictly after that pair in the chosen order. A row inserted
meanwhile appears on a later page when it sorts after the cursor, and nothing is ever skipped or repeated."""
from __future__ import annotations

from collections.abc import Iterable

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from housing_campaign.core.errors import ErrorCode
from housing_campaign.core.validators import query_text

from .errors import ApiError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
_SALT = "housing_campaign.api.cursor"


def _bad(field: str, message: str) -> ApiError:
    return ApiError(message, code=ErrorCode.VALIDATION, field=field)


def page_size(params) -> int:
    raw = params.get("page_size")
    if raw in (None, ""):
        return DEFAULT_PAGE_SIZE
    text = query_text(raw, max_length=10)
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE_SIZE:
        raise _bad("page_size", gettext("page_size phải là số nguyên từ 1 đến %(max)s.") % {"max": MAX_PAGE_SIZE})
    return int(text)


def ordering(params, allowed: Iterable[str], default: str) -> str:
    value = query_text(params.get("ordering", ""), max_length=40) or default
    allowed = list(allowed)
    if value.lstrip("-") not in allowed:
        raise _bad("ordering", gettext("Không sắp xếp được theo “%(value)s”; dùng một trong: %(allowed)s (thêm “-” "
                                       "để giảm dần).") % {"value": value, "allowed": ", ".join(allowed)})
    return value


def keyset_page(queryset: QuerySet, params, *, allowed: Iterable[str], default: str) -> tuple[list, str | None]:
    """(the rows of the page, the cursor of the next page or None). ``queryset`` may be a ``values()`` query:
    it must then include ``id`` and the ordering field."""
    order = ordering(params, allowed, default)
    size = page_size(params)
    name = order.lstrip("-")
    descending = order.startswith("-")
    raw = params.get("cursor")
    if raw not in (None, ""):
        try:
            payload = signing.loads(query_text(raw, max_length=500), salt=_SALT)
            cursor_order, value, last_id = payload["o"], payload["v"], int(payload["i"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise _bad("cursor", gettext("Con trỏ trang (cursor) không hợp lệ; hãy dùng đúng giá trị “next_cursor” "
                                         "của trang trước.")) from None
        if cursor_order != order:
            raise _bad("cursor", gettext("Con trỏ trang thuộc cách sắp xếp khác (%(cursor)s); hãy giữ nguyên "
                                         "“ordering” khi sang trang.") % {"cursor": cursor_order})
        field = queryset.model._meta.get_field(name)
        value = field.to_python(value) if name != "id" else int(value)
        op = "lt" if descending else "gt"
        queryset = queryset.filter(Q(**{f"{name}__{op}": value}) | Q(**{name: value, f"id__{op}": last_id}))
    queryset = queryset.order_by(order, "-id" if descending else "id")
    rows = list(queryset[:size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        value = last[name] if isinstance(last, dict) else getattr(last, name)
        last_id = last["id"] if isinstance(last, dict) else last.pk
        value = value.isoformat() if hasattr(value, "isoformat") else value
        next_cursor = signing.dumps({"o": order, "v": value, "i": last_id}, salt=_SALT, compress=True)
    return rows, next_cursor


def sparse(params, available: Iterable[str]) -> list[str] | None:
    """The fields asked for with ``?fields=a,b`` (None: all), refusing unknown names."""
    raw = query_text(params.get("fields", ""), max_length=1000)
    if not raw:
        return None
    wanted = [f.strip() for f in raw.split(",") if f.strip()]
    available = list(available)
    unknown = [f for f in wanted if f not in available]
    if unknown or not wanted:
        raise _bad("fields", gettext("Trường không có: %(unknown)s. Các trường có: %(available)s.") % {
            "unknown": ", ".join(unknown) or "—", "available": ", ".join(available)})
    return list(dict.fromkeys(wanted))


def pick(item: dict, fields: list[str] | None) -> dict:
    return item if fields is None else {k: item[k] for k in fields}


def page_response(request, rows: list[dict], next_cursor: str | None) -> dict:
    next_url = None
    if next_cursor:
        params = request.query_params.copy()
        params["cursor"] = next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    return {"results": rows, "next_cursor": next_cursor, "next": next_url}

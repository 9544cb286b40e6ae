"""Helpers of the API views: query parameters checked like the desk's (never a 500 for what a client sends),
fetches that answer 404 outside the territory, and service refusals renamed to the API's field names."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter

from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.validators import query_text
from housing_campaign.workflow import engine

from ..errors import ApiError


def bad(field: str, message: str) -> ApiError:
    return ApiError(message, code=ErrorCode.VALIDATION, field=field)


def path_text(value, max_length: int) -> str:
    """An identifier from the URL, cleaned like a query parameter (no control characters: PostgreSQL refuses NUL)."""
    return query_text(value, max_length=max_length)


def text_param(params, name: str, max_length: int = 100) -> str:
    return query_text(params.get(name, ""), max_length=max_length)


def choice_param(params, name: str, choices) -> str:
    value = text_param(params, name, 60)
    allowed = [str(c) for c in choices]
    if value and value not in allowed:
        raise bad(name, gettext("“%(value)s” không hợp lệ cho %(name)s; dùng một trong: %(allowed)s.") % {
            "value": value, "name": name, "allowed": ", ".join(allowed)})
    return value


def bool_param(params, name: str) -> bool | None:
    value = text_param(params, name, 10).lower()
    if not value:
        return None
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise bad(name, gettext("%(name)s phải là true hoặc false.") % {"name": name})


def since_param(params, name: str) -> dt.datetime | None:
    """An ISO 8601 date or datetime (a date means its midnight in the site's time zone)."""
    value = text_param(params, name, 40)
    if not value:
        return None
    try:
        moment = parse_datetime(value)
        day = None if moment else parse_date(value)
    except ValueError:
        moment = day = None
    if moment is None and day is None:
        raise bad(name, gettext("%(name)s phải là ngày YYYY-MM-DD hoặc thời điểm ISO 8601, ví dụ "
                                "2025-07-01T08:00:00+07:00.") % {"name": name})
    if moment is None:
        moment = dt.datetime.combine(day, dt.time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def renamed(exc: ServiceError, names: dict[str, str] | None = None, *, prefix: str = "") -> ServiceError:
    """The service's refusal with its field names as the API's body names them (``extra__code`` -> ``extra.code``,
    ``head_name`` -> ``household.head_name``)."""
    names = names or {}

    def name(key: str) -> str:
        if key.startswith("extra__"):
            return "extra." + key[len("extra__"):]
        if key in names:
            return names[key]
        return f"{prefix}{key}" if prefix and key else key

    errors = {name(k): v for k, v in exc.errors.items()}
    field = name(exc.field) if exc.field else (next(iter(errors)) if errors else None)
    renamed_exc = ServiceError(exc.message, code=exc.code, field=field, errors=errors, details=exc.details)
    return renamed_exc


def not_found(message: str | None = None) -> ServiceError:
    return ServiceError(message or gettext("Không tìm thấy trong địa bàn bạn phụ trách."), code=ErrorCode.NOT_FOUND)


def refuse_role_first(actor, document=None, action: str = "") -> None:
    """A role that may not do this is told so (403) before anything about the document's state or version (409):
    a read-only actor (the auditor), or one holding none of the roles that may take ``action`` in the document's
    workflow (whatever its state). The services check again, with the territory, in their transaction."""
    if actor.read_only:
        raise ServiceError(gettext("Tài khoản của bạn chỉ có quyền xem."), code=ErrorCode.PERMISSION_DENIED)
    if document is None or not action:
        return
    spec = engine.compiled(document.workflow_id)
    roles = sorted({r for t in spec.transitions.values() if t.action == action for r in t.roles})
    if roles and not any(a.roles & set(roles) for a in actor.all_authorities):
        raise ServiceError(gettext("Chỉ %(roles)s được thực hiện thao tác này.") % {
            "roles": engine.role_labels(roles)}, code=ErrorCode.PERMISSION_DENIED)


# The parameters every list takes (documented once).
LIST_PARAMETERS = [
    OpenApiParameter("cursor", str, description="Giá trị next_cursor của trang trước."),
    OpenApiParameter("page_size", int, description="Số dòng mỗi trang (1–200, mặc định 50)."),
    OpenApiParameter("fields", str, description="Chỉ trả các trường này, cách nhau bởi dấu phẩy."),
]


def ordering_parameter(allowed: list[str], default: str) -> OpenApiParameter:
    return OpenApiParameter("ordering", str, enum=[*allowed, *(f"-{a}" for a in allowed)],
                            description=f"Sắp xếp (mặc định {default}); “-” để giảm dần.")

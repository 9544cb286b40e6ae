"""One error shape for every answer of the API:

    {"error": {"code": <core.errors.ErrorCode value>, "message": <text in the reader's language, Vietnamese by
     default>, "field": <the first field concerned, or null>, "errors": {field: [messages]}, "details": [...]}}

Refusals of the services (``ServiceError``) keep their code; DRF's own refusals (parse errors, validation,
authentication, permissions, throttling, 404, 405, 406, 415) and Django's (a body over the size limit) are
mapped onto the same shape. The HTTP status follows the code (``STATUS_BY_CODE``)."""
from __future__ import annotations

import functools
import logging
import re

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from housing_campaign.core.errors import ErrorCode, ServiceError, incident_reference

logger = logging.getLogger(__name__)

STATUS_BY_CODE: dict[str, int] = {
    ErrorCode.VALIDATION: 400,
    ErrorCode.COMMENT_REQUIRED: 400,
    ErrorCode.UPLOAD_REJECTED: 400,
    ErrorCode.LIMIT_EXCEEDED: 400,
    ErrorCode.INVALID_DEFINITION: 400,
    ErrorCode.TEMPLATE_ERROR: 400,
    ErrorCode.TEMPLATE_SECURITY: 400,
    ErrorCode.MALFORMED_REQUEST: 400,
    ErrorCode.NOT_AUTHENTICATED: 401,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.OUT_OF_TERRITORY: 403,
    ErrorCode.PREVIOUS_ACTOR: 403,
    ErrorCode.FIELD_LOCKED: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.NOT_ACCEPTABLE: 406,
    # The document's current state refuses the request: a stale expected state or version above all.
    ErrorCode.STALE_STATE: 409,
    ErrorCode.STALE_REVISION: 409,
    ErrorCode.VERSION_LOCKED: 409,
    ErrorCode.TRANSITION_NOT_ALLOWED: 409,
    ErrorCode.CONDITION_FAILED: 409,
    ErrorCode.REQUIRED_FIELDS_MISSING: 409,
    ErrorCode.ALREADY_APPROVED: 409,
    ErrorCode.ALREADY_RELEASED: 409,
    ErrorCode.INSPECTION_REQUIRED: 409,
    ErrorCode.INSUFFICIENT_BALANCE: 409,
    ErrorCode.DUPLICATE: 409,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.INTERNAL: 500,
}


class ApiError(exceptions.APIException):
    """A refusal raised by the API layer itself, with its stable code."""

    def __init__(self, message: str, *, code: str, field: str | None = None, status_code: int | None = None,
                 errors: dict | None = None):
        self.status_code = status_code or STATUS_BY_CODE.get(code, 400)
        self.error_code = code
        self.field = field
        self.errors = errors or ({field: [message]} if field else {})
        super().__init__(message)


class PayloadTooLarge(ApiError):
    def __init__(self, limit_bytes: int):
        super().__init__(gettext("Nội dung gửi lên quá lớn (tối đa %(size)s MB); không có gì được ghi.") % {
            "size": f"{limit_bytes / 1024 / 1024:g}"}, code=ErrorCode.PAYLOAD_TOO_LARGE)


def error_body(code: str, message: str, *, field: str | None = None, errors: dict | None = None,
               details: list | None = None) -> dict:
    return {"error": {"code": str(code), "message": str(message), "field": field,
                      "errors": {k: [str(m) for m in v] for k, v in (errors or {}).items()},
                      "details": [str(d) for d in (details or [])]}}


def error_response(code: str, message: str, *, status_code: int | None = None, **kwargs) -> Response:
    return Response(error_body(code, message, **kwargs), status=status_code or STATUS_BY_CODE.get(code, 400))


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation detail as {"field" or "parent.child" or "items.2.code": [messages]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", api_settings.NON_FIELD_ERRORS_KEY) else str(key)
            flat_key = f"{prefix}.{name}" if prefix and name else (prefix or name)
            for k, v in _flatten(value, flat_key).items():
                flat.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            flat.setdefault(prefix, []).extend(vietnamese(item) for item in detail)
        else:
            for index, item in enumerate(detail):
                if item:
                    for k, v in _flatten(item, f"{prefix}.{index}" if prefix else str(index)).items():
                        flat.setdefault(k, []).extend(v)
    else:
        flat.setdefault(prefix, []).append(vietnamese(detail))
    return flat


def _drf_classes():
    from rest_framework import fields, serializers

    seen, todo = [], [fields.Field]
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.append(cls)
        todo.extend(cls.__subclasses__())
    return [c for c in seen if c.__module__.startswith("rest_framework.")] + [serializers.Serializer,
                                                                              serializers.ListSerializer]


@functools.lru_cache(maxsize=1)
def _drf_english() -> list[tuple[re.Pattern, type, str]]:
    """(pattern, field class, code) of every message DRF writes itself, in English (DRF has no Vietnamese): the
    longest first, so that a specific message is recognised before a general one."""
    from django.utils import translation

    found = []
    with translation.override("en"):
        for cls in _drf_classes():
            for code, message in vars(cls).get("default_error_messages", {}).items():
                parts = re.split(r"\{(\w+)\}", str(message))
                pattern = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)"
                                  for i, part in enumerate(parts))
                found.append((len(str(message)), re.compile(f"^{pattern}$", re.S), cls, code))
    found.sort(key=lambda item: -item[0])
    return [(pattern, cls, code) for _, pattern, cls, code in found]


def vietnamese(detail) -> str:
    """DRF's own English message (a field's, or "No data provided" for a body that is ``null``) in the product's
    language; any other message as it is."""
    from .serializers import vietnamese_message

    text = str(detail)
    if text == "No data provided":
        return gettext("Không có dữ liệu gửi lên: nội dung phải là một đối tượng JSON.")
    english = False
    for pattern, cls, code in _drf_english():
        match = pattern.match(text)
        if match is None:
            continue
        english = True
        template = vietnamese_message(cls, code)
        if template is not None:
            try:
                return str(template).format(**match.groupdict())
            except (KeyError, IndexError, ValueError):
                continue
    return gettext("Dữ liệu không hợp lệ.") if english else text


def service_error_response(exc: ServiceError) -> Response:
    field = exc.field or (next(iter(exc.errors)) if exc.errors else None)
    return error_response(exc.code, exc.message, field=field, errors=exc.errors, details=exc.details)


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every refusal in the one shape, in the reader's language."""
    if isinstance(exc, ServiceError):
        if exc.code == ErrorCode.INTERNAL:
            logger.error("API internal refusal: %s", exc.message)
        return service_error_response(exc)
    if isinstance(exc, ApiError):
        response = error_response(exc.error_code, exc.detail, status_code=exc.status_code, field=exc.field,
                                  errors=exc.errors)
    elif isinstance(exc, RequestDataTooBig):
        response = error_response(ErrorCode.PAYLOAD_TOO_LARGE,
                                  gettext("Nội dung gửi lên quá lớn; không có gì được ghi."))
    elif isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        field = next((k for k in errors if k), None)
        messages = [f"{k}: {m}" if k else m for k, v in errors.items() for m in v]
        response = error_response(ErrorCode.VALIDATION, " ".join(messages) or gettext("Dữ liệu không hợp lệ."),
                                  field=field, errors={k: v for k, v in errors.items() if k})
    elif isinstance(exc, exceptions.ParseError):
        response = error_response(ErrorCode.MALFORMED_REQUEST, gettext(
            "Nội dung gửi lên không đọc được (JSON sai cú pháp hoặc dữ liệu biểu mẫu hỏng); không có gì được ghi."))
    elif isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        message = exc.detail if isinstance(exc, exceptions.AuthenticationFailed) and getattr(
            exc, "hc_message", False) else gettext(
            "Chưa xác thực: hãy gửi khóa API trong tiêu đề “Authorization: Bearer <khóa>” hoặc đăng nhập.")
        response = error_response(ErrorCode.NOT_AUTHENTICATED, message, status_code=401)
    elif isinstance(exc, (exceptions.PermissionDenied, DjangoPermissionDenied)):
        detail = getattr(exc, "detail", None)
        message = detail if getattr(exc, "hc_message", False) else gettext("Bạn không có quyền thực hiện thao tác này.")
        response = error_response(ErrorCode.PERMISSION_DENIED, message)
    elif isinstance(exc, (exceptions.NotFound, Http404)):
        response = error_response(ErrorCode.NOT_FOUND, gettext("Không tìm thấy trong địa bàn bạn phụ trách."))
    elif isinstance(exc, exceptions.MethodNotAllowed):
        response = error_response(ErrorCode.METHOD_NOT_ALLOWED, gettext("Phương thức %(method)s không dùng được ở "
                                                                        "địa chỉ này.") % {
            "method": context["request"].method})
    elif isinstance(exc, exceptions.NotAcceptable):
        response = error_response(ErrorCode.NOT_ACCEPTABLE, gettext("API chỉ trả lời dạng application/json."))
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        response = error_response(ErrorCode.UNSUPPORTED_MEDIA_TYPE, gettext(
            "Kiểu nội dung không được hỗ trợ: hãy gửi application/json (hoặc multipart/form-data khi kèm tệp)."))
    elif isinstance(exc, exceptions.Throttled):
        wait = max(1, int(exc.wait or 1))
        response = error_response(ErrorCode.RATE_LIMITED, gettext(
            "Quá nhiều yêu cầu với khóa này; hãy thử lại sau %(seconds)s giây.") % {"seconds": wait})
        response["Retry-After"] = str(wait)
    elif isinstance(exc, exceptions.APIException):
        english = isinstance(exc.detail, str) and str(exc.detail) == str(type(exc).default_detail)
        response = error_response(ErrorCode.VALIDATION, gettext("Dữ liệu không hợp lệ.") if english else
                                  vietnamese(exc.detail), status_code=exc.status_code)
    else:
        reference = incident_reference()
        logger.exception("API error [incident %s]", reference, exc_info=exc)
        response = error_response(ErrorCode.INTERNAL, gettext("Lỗi hệ thống, chưa áp dụng gì. Mã sự cố: "
                                                              "%(reference)s.") % {"reference": reference},
                                  status_code=status.HTTP_500_INTERNAL_SERVER_ERROR)
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        authenticator = context.get("request") and context["request"].authenticators
        if authenticator:
            header = authenticator[0].authenticate_header(context["request"])
            if header:
                response["WWW-Authenticate"] = header
    return response

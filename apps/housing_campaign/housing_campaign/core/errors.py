"""Errors raised by services: a stable code for the UI, the API and tests, and a message in the user's language."""
from __future__ import annotations

import logging
import uuid
from enum import StrEnum

from django.core.exceptions import BadRequest
from django.utils.translation import gettext


class ErrorCode(StrEnum):
    """Stable codes: the UI, the API and the tests rely on them, never on the message text."""

    VALIDATION = "validation"
    PERMISSION_DENIED = "permission_denied"
    OUT_OF_TERRITORY = "out_of_territory"
    NOT_FOUND = "not_found"
    STALE_STATE = "stale_state"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    CONDITION_FAILED = "condition_failed"
    COMMENT_REQUIRED = "comment_required"
    REQUIRED_FIELDS_MISSING = "required_fields_missing"
    PREVIOUS_ACTOR = "previous_actor"
    ALREADY_APPROVED = "already_approved"
    DUPLICATE = "duplicate"
    INVALID_DEFINITION = "invalid_definition"
    FIELD_LOCKED = "field_locked"
    TEMPLATE_ERROR = "template_error"
    TEMPLATE_SECURITY = "template_security"
    UPLOAD_REJECTED = "upload_rejected"
    INTERNAL = "internal_error"
    LIMIT_EXCEEDED = "limit_exceeded"  # a template or condition went past a size, loop or time bound
    VERSION_LOCKED = "version_locked"  # a workflow version that is no longer a draft (active, piloted, used)
    STALE_REVISION = "stale_revision"  # a draft edited by someone else since the form was opened
    INSUFFICIENT_BALANCE = "insufficient_balance"  # an allocation above a pool's balance
    INSPECTION_REQUIRED = "inspection_required"  # a tranche whose stage inspection has not passed
    ALREADY_RELEASED = "already_released"  # a tranche released twice
    # The REST API's own refusals (api/errors.py maps every answer of the API onto one of these codes).
    NOT_AUTHENTICATED = "not_authenticated"  # no credentials, or a token unknown, expired or revoked (401)
    MALFORMED_REQUEST = "malformed_request"  # a body that is not valid JSON or form data (400)
    METHOD_NOT_ALLOWED = "method_not_allowed"  # 405
    NOT_ACCEPTABLE = "not_acceptable"  # 406
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"  # 415
    PAYLOAD_TOO_LARGE = "payload_too_large"  # 413
    RATE_LIMITED = "rate_limited"  # too many requests for one token in the window (429)


class RefusedRequest(BadRequest):
    """A view's 400 with a message written for the user (in their language), which the 400 page shows. Django's own
    ``BadRequest`` (a non-UTF-8 form body, a forged admin edit) carries English meant for developers: never shown."""


class ServiceError(Exception):
    """A refusal a user can understand. ``errors`` maps field names to messages when there are several."""

    def __init__(self, message: str, *, code: str = ErrorCode.VALIDATION, field: str | None = None,
                 errors: dict[str, list[str]] | None = None, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.errors = errors or ({field: [message]} if field else {})
        self.details = details or []

    def __str__(self) -> str:
        return self.message


def incident_reference() -> str:
    """A short reference shown to the user for an unexpected error; the log carries it with the trace."""
    return uuid.uuid4().hex[:8].upper()


def unexpected_error(logger: logging.Logger, what: str) -> ServiceError:
    """Log the exception being handled with a reference and return the refusal to show instead of
    its text (database errors and tracebacks are for the log, not for users)."""
    reference = incident_reference()
    logger.exception("%s [incident %s]", what, reference)
    return ServiceError(gettext("Lỗi hệ thống, chưa áp dụng gì. Mã sự cố: %(reference)s.") % {"reference": reference},
                        code=ErrorCode.INTERNAL)


def validation_error(errors: dict[str, list[str]]) -> ServiceError:
    """One error carrying every field's messages, so forms can show them all at once."""
    first = next(iter(errors.values()))[0] if errors else gettext("Dữ liệu không hợp lệ.")
    parts = [m for msgs in errors.values() for m in msgs]
    # Whole sentences are read one after the other; fragments are separated by semicolons.
    separator = " " if all(m.rstrip().endswith((".", "!", "?", "…")) for m in parts) else "; "
    return ServiceError(separator.join(parts) or first, code=ErrorCode.VALIDATION, errors=errors)

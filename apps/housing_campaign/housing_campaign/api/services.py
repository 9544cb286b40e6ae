"""Writes of API tokens: create (the secret is returned once, only its hash is kept), revoke, and the
lookup of a presented token (which records when it was last used)."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import string

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext

from housing_campaign.core import validators
from housing_campaign.core.errors import ErrorCode, ServiceError, validation_error

from .models import ApiToken

logger = logging.getLogger(__name__)
TOKEN_PREFIX = "hc_"
DEFAULT_DAYS = 90
MAX_DAYS = 366
MAX_ACTIVE_PER_USER = 20
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)  # at most one write per token per minute, not one per request
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(*, user, label: str, days: int | None = DEFAULT_DAYS, read_only: bool = False,
                 created_by=None) -> tuple[ApiToken, str]:
    """A new token for ``user``: (the row, the token in clear, which is never stored nor shown again)."""
    errors: dict[str, list[str]] = {}
    label = validators.normalize_text(label, max_length=200)
    if not label:
        errors["label"] = [gettext("Hãy đặt tên gợi nhớ cho khóa (ví dụ: “Đồng bộ với phần mềm của Sở”).")]
    elif len(label) > 100:
        errors["label"] = [gettext("Tên gợi nhớ dài tối đa 100 ký tự (đang có %(length)s).") % {"length": len(label)}]
    try:
        days = validators.parse_int(days if days not in (None, "") else DEFAULT_DAYS, gettext("Số ngày hiệu lực"),
                                    minimum=1, maximum=MAX_DAYS)
    except validators.InputError as exc:
        errors["days"] = [exc.message]
    if user is None or not user.is_active:
        errors["user"] = [gettext("Tài khoản không tồn tại hoặc đã bị khóa.")]
    if errors:
        raise validation_error(errors)
    with transaction.atomic():
        active = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True,
                                                             expires_at__gt=timezone.now())
        if len(active) >= MAX_ACTIVE_PER_USER:
            raise ServiceError(gettext("Mỗi tài khoản có tối đa %(max)s khóa còn hiệu lực; hãy thu hồi khóa không dùng "
                                       "nữa.") % {"max": MAX_ACTIVE_PER_USER}, code=ErrorCode.LIMIT_EXCEEDED)
        prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(10))
        token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        row = ApiToken.objects.create(user=user, label=label, prefix=prefix, secret_hash=_hash(token),
                                      read_only=bool(read_only), expires_at=timezone.now() + dt.timedelta(days=days),
                                      created_by=created_by or user)
    logger.info("API token %s created for %s by %s (read_only=%s, %s days)", prefix, user.username,
                (created_by or user).username, read_only, days)
    return row, token


def token_revoke(*, user, token_id) -> ApiToken:
    """Revoke one of ``user``'s own tokens (at once: the next request with it is refused)."""
    row = ApiToken.objects.filter(user=user, pk=validators.query_id(token_id) or 0).first()
    if row is None:
        raise ServiceError(gettext("Không tìm thấy khóa API này."), code=ErrorCode.NOT_FOUND)
    if row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        logger.info("API token %s of %s revoked", row.prefix, user.username)
    return row


def token_authenticate(raw: str) -> ApiToken:
    """The live token presented as ``raw``, with its user; refuses unknown, malformed, expired and revoked
    tokens and inactive users, each with its own message (never whether a prefix exists)."""
    raw = (raw or "").strip()
    invalid = ServiceError(gettext("Khóa API không hợp lệ."), code=ErrorCode.NOT_AUTHENTICATED)
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200 or not raw.isascii():
        raise invalid
    prefix, _, secret = raw[len(TOKEN_PREFIX):].partition("_")
    if not prefix or not secret:
        raise invalid
    row = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if row is None or not constant_time_compare(row.secret_hash, _hash(raw)):
        raise invalid
    now = timezone.now()
    if row.revoked_at is not None:
        raise ServiceError(gettext("Khóa API đã bị thu hồi."), code=ErrorCode.NOT_AUTHENTICATED)
    if row.expires_at <= now:
        raise ServiceError(gettext("Khóa API đã hết hạn ngày %(date)s; hãy tạo khóa mới.") % {
            "date": timezone.localtime(row.expires_at).strftime("%d/%m/%Y")}, code=ErrorCode.NOT_AUTHENTICATED)
    if not row.user.is_active:
        raise ServiceError(gettext("Tài khoản của khóa API đã bị khóa."), code=ErrorCode.NOT_AUTHENTICATED)
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row

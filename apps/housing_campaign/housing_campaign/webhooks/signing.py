"""Signing webhook deliveries, and checking a signature on the receiving side (standard library only, so a
receiver can copy this file as it is).

Every delivery carries the header::

    X-HC-Signature: t=<unix time of sending>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the webhook's secret>

A receiver recomputes the HMAC over the exact bytes it received, compares it in constant time, and refuses a
timestamp further than ``tolerance`` seconds (the replay window, 300 s by default) from its own clock, so a
delivery captured on the way cannot be sent again later. Every attempt of a delivery is signed anew (a retry
has a fresh timestamp; its body and its ``id`` are the same, for idempotency)::

    from housing_campaign.webhooks.signing import verify_signature, SignatureError

    try:
        verify_signature(secret=SECRET, body=request_body_bytes, header=headers["X-HC-Signature"])
    except SignatureError as exc:
        return 400, str(exc)
"""
from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "X-HC-Signature"
SCHEME = "v1"
DEFAULT_TOLERANCE = 300  # seconds: the replay window


class SignatureError(ValueError):
    """The delivery must be refused: the reason says why (no header, bad format, stale, wrong signature)."""


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(*, secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The value of the ``X-HC-Signature`` header for ``body`` sent at ``timestamp`` (now by default)."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={timestamp},{SCHEME}={_digest(secret, timestamp, body)}"


def parse_header(header: str) -> tuple[int, list[str]]:
    """(timestamp, signatures) of a header value; several ``v1=`` are allowed (a secret being rotated)."""
    timestamp, signatures = None, []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == SCHEME and value:
            signatures.append(value.strip().lower())
    if timestamp is None or not signatures:
        raise SignatureError(f"{HEADER} header missing or malformed (expected t=<unix>,{SCHEME}=<hex>)")
    return timestamp, signatures


def verify_signature(*, secret: str, body: bytes, header: str, tolerance: int = DEFAULT_TOLERANCE,
                     now: float | None = None) -> int:
    """Check a delivery; returns its timestamp, or raises ``SignatureError`` saying why it must be refused.
    ``body``: the raw bytes received (before any JSON parsing); ``header``: the ``X-HC-Signature`` value."""
    timestamp, signatures = parse_header(header)
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError(f"timestamp {timestamp} is outside the replay window of {tolerance} s")
    expected = _digest(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise SignatureError("signature does not match")
    return timestamp

"""The signed token in a certificate's (and a contribution receipt's) QR code (django.core.signing,
compared in constant time by the verification service): no database id in clear, a forged or altered
code never verifies."""
from __future__ import annotations

from django.conf import settings
from django.core import signing

SALT = "housing_campaign.certificate.verify"


def token_for(code: str, *, salt: str = SALT) -> str:
    """The signature of a public code; other documents with a QR code (receipts) pass their own salt, so
    a certificate's token never verifies a receipt and the other way round."""
    return signing.Signer(salt=salt).signature(code)


def verify_url(certificate) -> str:
    return f"{settings.SITE_BASE_URL}/verify/{certificate.code}?t={token_for(certificate.code)}"

"""The signed token in a receipt's QR code: the certificates' mechanism (``certificates/tokens.py``)
with the receipts' own salt, so a certificate's token never verifies a receipt."""
from __future__ import annotations

from django.conf import settings

from housing_campaign.certificates.tokens import token_for

RECEIPT_SALT = "housing_campaign.contribution.receipt"


def receipt_token(code: str) -> str:
    return token_for(code, salt=RECEIPT_SALT)


def receipt_url(code: str) -> str:
    return f"{settings.SITE_BASE_URL}/bien-nhan/{code}?t={receipt_token(code)}"

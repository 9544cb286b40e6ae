"""Helpers for the plain-data contexts of print templates. Templates never see model instances, so no
ORM method is reachable from a template. Each document type builds its own context in its domain
(``<domain>/documents.py``), registered in ``hooks.print_doctypes``."""
from __future__ import annotations

import base64
import functools
import io

import qrcode
from django.utils import translation
from django.utils.functional import Promise


def _plain(value):
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def in_vietnamese(func):
    """Official documents are in Vietnamese whatever language the user's interface is in; labels are
    turned into plain strings so the context can be stored with an issued document."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override("vi"):
            return _plain(func(*args, **kwargs))
    return wrapper


def qr_data_uri(text: str) -> str:
    """PNG QR code as a data URI. A fixed mask pattern skips the search over all eight masks (an
    8x saving in batch printing); any mask is valid for decoders."""
    code = qrcode.QRCode(box_size=6, border=2, error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=2)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def legal_basis_lines(text: str) -> list[str]:
    """The campaign's legal basis, one act per item, as a document cites them ("Căn cứ <item>;")."""
    return [line.strip().rstrip(";.").strip() for line in (text or "").splitlines() if line.strip()]


def campaign_context(campaign) -> dict:
    """The campaign as print templates see it. ``issuing_body`` and ``place`` are the campaign-wide (provincial)
    body of older format versions; documents of a unit name their issuing body from ``printing.issuers``."""
    return {"name": campaign.name, "code": campaign.code, "issuing_body": campaign.issuing_body,
            "place": campaign.issuing_place, "legal_basis": campaign.legal_basis,
            "legal_basis_lines": legal_basis_lines(campaign.legal_basis),
            "criteria": {"new_build": {"min_area": float(campaign.finished_min_area),
                                       "min_lifespan": campaign.finished_min_lifespan},
                         "repair": {"min_area": float(campaign.repaired_min_area),
                                    "min_lifespan": campaign.repaired_min_lifespan}}}

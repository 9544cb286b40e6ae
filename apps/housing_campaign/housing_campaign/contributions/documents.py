"""What a print template sees of a receipt (``contribution_receipt``), its QR code, and how a print format
finds one (``hooks.print_doctypes``).

The QR holds ``<base URL>/bien-nhan/<code>?t=<token>``: a random code (no database id) and its signature
by the site (``certificates/tokens.py``'s mechanism with the receipts' own salt), checked on the public
page in constant time.
"""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.formatting import format_number, mask_name
from housing_campaign.printing.contexts import campaign_context, in_vietnamese, qr_data_uri
from housing_campaign.printing.issuers import issuer_context
from housing_campaign.printing.models import Organ

from .models import Contribution, DonorKind
from .selectors import contributions_visible
from .tokens import receipt_token, receipt_url  # noqa: F401 - the receipt's QR, part of this module's API

FORMAT_CODE = "contribution_receipt"


def public_donor_name(contribution) -> str:
    """Businesses and organisations are named in full; a person or a household by initials past the first word."""
    if contribution.donor_kind in (DonorKind.INDIVIDUAL, DonorKind.HOUSEHOLD):
        return mask_name(contribution.donor_name)
    return contribution.donor_name


def earmark_text(contribution) -> str:
    """For whom, as a receipt may print it: a house by its code, village and masked name, never more."""
    case = contribution.earmarked_case
    if case is not None:
        village = f", {case.village.name}" if case.village_id else ""
        return f"Hồ sơ {case.code} (hộ {mask_name(case.household.head_name)}{village}, {case.commune.name})"
    if contribution.commune_id:
        return f"{contribution.commune.name} (chưa chỉ định hộ)"
    return "Quỹ chung của phong trào (phân bổ sau)"


def _front_unit(contribution):
    """The Front committee's unit: the one recorded, else the campaign's province (old rows)."""
    return contribution.front_unit or contribution.campaign.province


@in_vietnamese
def contribution_context(contribution) -> dict:
    quantity = contribution.quantity
    context = {
        "document_date": contribution.received_on,
        "contribution": {
            "donor_name": contribution.donor_name, "donor_kind": contribution.get_donor_kind_display(),
            "kind": contribution.get_kind_display(), "kind_code": contribution.kind,
            "received_amount": contribution.received_amount,
            "item": contribution.item, "quantity": format_number(quantity) if quantity is not None else "",
            "unit": contribution.unit, "value_per_day": contribution.value_per_day,
            "description": contribution.description, "received_on": contribution.received_on,
            "earmark": earmark_text(contribution), "number": contribution.number_text,
            "code": contribution.public_code, "own_share": contribution.own_share},
        # The Front committee that received it, as in force on the day of receipt (legacy until 30/06/2025, the
        # 2025 unit after), with its standing committee's signer then.
        "issuer": issuer_context(unit=_front_unit(contribution), on=contribution.received_on,
                                 organ=Organ.FATHERLAND_FRONT),
        "campaign": campaign_context(contribution.campaign), "today": timezone.localdate(),
        "receipt": None,
    }
    # A receipt format an administrator edited before issue 17 (kept as edited by the sync) names "front".
    context["front"] = {"name": context["issuer"]["name"]}
    if contribution.public_code:
        url = receipt_url(contribution.public_code)
        context["receipt"] = {"code": contribution.public_code, "verify_url": url, "qr": qr_data_uri(url)}
    return context


def contribution_by_reference(*, actor: Actor, reference: str) -> tuple[dict, str]:
    contribution = None
    if reference.isdigit() and len(reference) <= 18:
        contribution = contributions_visible(actor).filter(pk=int(reference)).first()
    if contribution is None:
        raise ServiceError(gettext("Không tìm thấy khoản đóng góp số “%(number)s” trong địa bàn của bạn.") % {
            "number": reference}, code=ErrorCode.NOT_FOUND)
    context = contribution_context(contribution)
    return {**context, "document_number": contribution.number_text or f"……/BN-{context['issuer']['symbol']}"}, \
        reference


def contribution_sample() -> dict | None:
    contribution = Contribution.objects.order_by("id").first()
    return contribution_context(contribution) if contribution else None


def contribution_example(*, actor: Actor) -> str:
    contribution = contributions_visible(actor).order_by("id").first()
    return str(contribution.pk) if contribution else ""

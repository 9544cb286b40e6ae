"""What a print template sees of a contribution, and how a print format finds one (``hooks.print_doctypes``)."""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.printing.contexts import campaign_context, in_vietnamese

from .models import Contribution
from .selectors import contributions_visible


@in_vietnamese
def contribution_context(contribution) -> dict:
    return {"contribution": {"donor_name": contribution.donor_name,
                             "donor_kind": contribution.get_donor_kind_display(),
                             "kind": contribution.get_kind_display(), "pledged_amount": contribution.pledged_amount,
                             "received_amount": contribution.received_amount,
                             "quantity": float(contribution.quantity) if contribution.quantity is not None else None,
                             "unit": contribution.unit, "description": contribution.description,
                             "received_on": contribution.received_on, "pledged_on": contribution.pledged_on},
            "campaign": campaign_context(contribution.campaign), "today": timezone.localdate()}


def contribution_by_reference(*, actor: Actor, reference: str) -> tuple[dict, str]:
    contribution = None
    if reference.isdigit() and len(reference) <= 18:
        contribution = contributions_visible(actor).filter(pk=int(reference)).first()
    if contribution is None:
        raise ServiceError(gettext("Không tìm thấy khoản đóng góp số “%(number)s” trong địa bàn của bạn.") % {
            "number": reference}, code=ErrorCode.NOT_FOUND)
    return {**contribution_context(contribution), "document_number": "……/BN-MTTQ"}, reference


def contribution_sample() -> dict | None:
    contribution = Contribution.objects.order_by("id").first()
    return contribution_context(contribution) if contribution else None


def contribution_example(*, actor: Actor) -> str:
    contribution = contributions_visible(actor).order_by("id").first()
    return str(contribution.pk) if contribution else ""

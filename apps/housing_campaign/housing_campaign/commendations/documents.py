"""What a print template sees of a nomination, and how a print format finds one (``hooks.print_doctypes``)."""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor, scope
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.printing.contexts import campaign_context, in_vietnamese

from .models import Nomination


@in_vietnamese
def nomination_context(nomination) -> dict:
    return {"nomination": {"code": nomination.code, "nominee_name": nomination.nominee_name,
                           "nominee_kind": nomination.get_nominee_kind_display(),
                           "award_form": nomination.award_form.name, "achievement": nomination.achievement,
                           "decision_number": nomination.decision_number,
                           "commune": nomination.proposing_unit.name},
            "campaign": campaign_context(nomination.campaign), "today": timezone.localdate()}


def nomination_by_reference(*, actor: Actor, reference: str) -> tuple[dict, str]:
    nomination = scope(Nomination.objects.all(), actor).filter(code=reference).first()
    if nomination is None:
        raise ServiceError(gettext("Không tìm thấy đề nghị “%(code)s” trong địa bàn của bạn.") % {"code": reference},
                           code=ErrorCode.NOT_FOUND)
    return {**nomination_context(nomination), "document_number": "……/QĐ-UBND"}, nomination.code


def nomination_sample() -> dict | None:
    nomination = Nomination.objects.order_by("id").first()
    return nomination_context(nomination) if nomination else None


def nomination_example(*, actor: Actor) -> str:
    nomination = scope(Nomination.objects.all(), actor).order_by("id").first()
    return nomination.code if nomination else ""

"""Side effects a workflow transition may trigger on housing cases (named in hooks.side_effects; each
run is a recorded job, see core/sideeffects.py)."""
from __future__ import annotations

from django.utils import timezone

from housing_campaign.campaigns.models import SupportNorm

from .models import HousingCase
from .services import eligibility_for


def case_side_effect_evaluate_eligibility(*, doctype: str, ids: list[int], actor_id: int) -> None:
    cases = list(HousingCase.objects.filter(pk__in=ids).select_related("campaign", "household"))
    for case in cases:
        case.eligibility, case.is_eligible = eligibility_for(case)
    HousingCase.objects.bulk_update(cases, ["eligibility", "is_eligible"], batch_size=500)


def case_side_effect_apply_norm(*, doctype: str, ids: list[int], actor_id: int) -> None:
    """Set the support level from the campaign's norms (the latest valid today): one UPDATE per norm."""
    today = timezone.localdate()
    norms = {}
    for norm in SupportNorm.objects.filter(valid_from__lte=today).order_by("valid_from"):
        norms[(norm.strand_id, norm.support_type)] = norm.amount
    for (strand_id, support_type), amount in norms.items():
        (HousingCase.objects.filter(pk__in=ids, strand_id=strand_id, support_type=support_type)
         .exclude(support_amount=amount).update(support_amount=amount))

"""Names a workflow condition may use on a housing case about its money (declared in
``hooks.computed_fields``): the funding stage's condition checks that the state support of the norm is
fully allocated, whatever the community and the household add on top of it."""
from __future__ import annotations

from django.db.models import Sum

from .models import LOAN_SOURCES, Allocation, Portion
from .selectors import portion_totals, released_total


def state_support_allocated(case) -> int:
    """The state support allocated to the case against its norm (the 40/20 top-up not included)."""
    return portion_totals(case.pk).get(Portion.STATE, 0)


def topup_allocated(case) -> int:
    return portion_totals(case.pk).get(Portion.TOPUP, 0)


def community_allocated(case) -> int:
    """What the community and the household give on top of the state support."""
    totals = portion_totals(case.pk)
    return totals.get(Portion.COMMUNITY, 0) + totals.get(Portion.HOUSEHOLD, 0)


def funded_total(case) -> int:
    """Everything allocated to the case (state, top-up, community, household), loans excepted."""
    return (Allocation.objects.filter(case_id=case.pk, cancelled_at__isnull=True).exclude(source__in=LOAN_SOURCES)
            .aggregate(total=Sum("amount"))["total"] or 0)


def released(case) -> int:
    return released_total(case.pk)

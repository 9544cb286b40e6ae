"""Reads of the aggregates for other layers (the desk's queue): what a filter made only of territory, unit
and (workflow, state) pairs counts, summed from ``StateCount`` instead of the case rows."""
from __future__ import annotations

from django.db.models import Q, Sum

from housing_campaign.accounts.selectors import Actor, territory_q

from .models import StateCount


def stage_totals(*, actor: Actor, unit: str = "", states: Q | None = None) -> dict[str, int]:
    """{stage: cases now} of the cases the actor may see, under ``unit`` (a legacy or 2025 path, "": all)
    and, when given, in ``states`` (a filter over ``workflow_id`` and ``state``, e.g. the actionable pairs
    of the desk's "my queue"). One query over the aggregates, whatever the number of cases."""
    qs = StateCount.objects.filter(territory_q(actor))
    if states is not None:
        qs = qs.filter(states)
    if unit:
        qs = qs.filter(Q(unit_path__startswith=unit) | Q(unit_2025_path__startswith=unit))
    return {stage: n for stage, n in qs.values_list("stage").annotate(n=Sum("count")).order_by()
            .values_list("stage", "n") if n}

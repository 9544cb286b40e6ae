"""Reads of the reports domain: periodic reports a user may read (those about a territory inside theirs,
legacy or 2025 unit, and their own), and the aggregates other layers read (the desk's queue counts: what a
filter made only of territory, unit and (workflow, state) pairs counts, summed from ``StateCount`` instead of
the case rows)."""
from __future__ import annotations

from django.db.models import Q, QuerySet, Sum

from housing_campaign.accounts.selectors import Actor, territory_q

from .models import PeriodicReport, StateCount


def reports_visible(actor: Actor) -> QuerySet[PeriodicReport]:
    if any(a.everywhere for a in actor.all_authorities):
        return PeriodicReport.objects.all()  # (an empty Q() would vanish in the "or" below)
    return PeriodicReport.objects.filter(territory_q(actor) | Q(created_by_id=actor.id))


def reports_list(actor: Actor, *, limit: int = 200) -> list[PeriodicReport]:
    return list(reports_visible(actor).select_related("campaign", "unit", "created_by").order_by(
        "-created_at", "-pk")[:limit])


def report_get(actor: Actor, pk) -> PeriodicReport | None:
    from housing_campaign.core.validators import query_id

    pk = query_id(pk)
    if pk is None:
        return None
    return reports_visible(actor).select_related("campaign", "unit", "unit__parent", "created_by").filter(
        pk=pk).first()


def report_campaigns():
    from housing_campaign.campaigns.models import Campaign

    return list(Campaign.objects.order_by("-is_active", "-starts_on", "code"))


def territory_choices(actor: Actor, *, campaign, units: str) -> list:
    """The territories the actor may report on in a system of units: their own (or the province) and the
    units under it (two levels), each as (code, indented name)."""
    from housing_campaign.core.errors import ServiceError
    from housing_campaign.geography.models import AdminUnit

    from . import figures

    try:
        root = figures.resolve_territory(campaign=campaign, code=None, units=units, actor=actor)
    except ServiceError:
        return []
    found = [(root.code, root.name)]
    for child in AdminUnit.objects.filter(parent=root).order_by("name"):
        found.append((child.code, f"— {child.name}"))
        if child.level != AdminUnit.Level.COMMUNE:
            found.extend((c.code, f"—— {c.name}") for c in AdminUnit.objects.filter(parent=child).order_by("name"))
    return [(code, name) for code, name in found]


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

"""Reading targets (issue 14): the targets of the reader's territory, each with the houses finished so far
against it, from the aggregates (``MilestoneDay``): three queries whatever the number of cases.

Entering targets: the admin (``reports.admin``) and the Excel import (``imports.targets``)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, Sum

from housing_campaign.accounts.selectors import Actor, territory_q
from housing_campaign.campaigns.models import Campaign
from housing_campaign.core.formatting import format_number
from housing_campaign.geography.models import AdminUnit

from .models import Milestone, MilestoneDay, Target


@dataclass
class TargetLine:
    target: Target
    finished: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.finished / self.target.houses, 1) if self.target.houses else None

    @property
    def behind(self) -> int:
        return max(0, self.target.houses - self.finished)

    @property
    def percent_text(self) -> str:
        return "" if self.percent is None else f"{format_number(self.percent, 1)}%"


def _covered(actor: Actor, targets: list[Target]) -> list[Target]:
    """Targets whose whole unit lies in the reader's territory (a 2025 unit: every legacy part of it)."""
    if any(a.everywhere for a in actor.all_authorities):
        return targets
    paths = [p for a in actor.all_authorities for p in a.paths]
    current = [t.unit_id for t in targets if t.unit.system == AdminUnit.System.CURRENT]
    parts: dict[int, list[str]] = defaultdict(list)
    for successor_id, path in AdminUnit.objects.filter(successor_id__in=current).values_list("successor_id", "path"):
        parts[successor_id].append(path)

    def inside(path: str) -> bool:
        return any(path.startswith(p) for p in paths)
    return [t for t in targets if inside(t.unit_path) or (
        t.unit.system == AdminUnit.System.CURRENT and parts.get(t.unit_id)
        and all(inside(p) for p in parts[t.unit_id]))]


def targets_for_reader(*, actor: Actor, campaign: Campaign) -> list[TargetLine]:
    """The campaign's targets the reader may see, ordered by unit, with houses finished (accepted) so far
    within each target's unit, category and support type."""
    roots = [campaign.province.path] + ([campaign.province_2025.path] if campaign.province_2025_id else [])
    in_campaign = Q()
    for root in roots:
        in_campaign |= Q(unit_path__startswith=root)
    scope = territory_q(actor, legacy_field="unit_path", current_field="unit_path")
    if campaign.province_2025_id:  # 2025 units are judged by their legacy parts below
        scope |= Q(unit_path__startswith=campaign.province_2025.path)
    targets = list(Target.objects.filter(in_campaign, scope, campaign=campaign).select_related("unit", "unit__parent")
                   .order_by("unit__system", "unit_path", "category", "support_type"))
    targets = _covered(actor, targets)
    if not targets:
        return []
    finished = list(MilestoneDay.objects.filter(territory_q(actor), campaign_id=campaign.pk,
                                                milestone=Milestone.FINISHED)
                    .values_list("unit_path", "unit_2025_path", "category", "support_type")
                    .annotate(n=Sum("count")).order_by())
    lines = []
    for target in targets:
        current = target.unit.system == AdminUnit.System.CURRENT
        total = sum(n for legacy_path, path_2025, category, support, n in finished
                    if (path_2025 if current else legacy_path).startswith(target.unit_path)
                    and (not target.category or category == target.category)
                    and (not target.support_type or support == target.support_type))
        lines.append(TargetLine(target, total))
    return lines

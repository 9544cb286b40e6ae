"""Reads of the workflow's rollout: which version is active, which is piloted where, and which units an
administrator may choose for a pilot or a migration (their own territory)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from housing_campaign.accounts.models import UserTerritory
from housing_campaign.accounts.selectors import Actor, units_inside_q
from housing_campaign.geography.models import AdminUnit

from .models import WorkflowDefinition, WorkflowPilot

ROLLOUT_LEVELS = (AdminUnit.Level.DISTRICT, AdminUnit.Level.COMMUNE)


def _province_prefix(path: str) -> str:
    """"L.62.610.23344." -> "L.62.": the province a territory lies in."""
    parts = path.split(".")
    return ".".join(parts[:2]) + "." if len(parts) >= 3 else path


def rollout_units(actor: Actor) -> QuerySet:
    """Communes and districts (legacy and 2025) the actor may pilot a version in or limit a migration to:
    those inside their own territory (delegations grant no power over workflows). A superuser works
    everywhere; they are offered the provinces where the site's users work, not the whole country."""
    units = AdminUnit.objects.filter(level__in=ROLLOUT_LEVELS)
    if actor.own.everywhere:
        prefixes = {_province_prefix(p) for p in UserTerritory.objects.values_list("unit__path", flat=True)}
        where = Q(pk__in=[])
        for prefix in prefixes:
            where |= Q(path__startswith=prefix)
            if prefix.startswith("L."):
                where |= Q(pk__in=AdminUnit.objects.filter(system=AdminUnit.System.CURRENT,
                                                           predecessors__path__startswith=prefix).values("pk"))
        units = units.filter(where)
    else:
        units = units.filter(units_inside_q(actor))
    return units.select_related("parent__parent").order_by("-system", "path")  # legacy units first


@dataclass(frozen=True)
class UnitOption:
    id: int
    label: str    # what the list shows in its group: "Xã Đăk Blô"
    name: str     # the unit said in full: "Xã Đăk Blô, Huyện Đắk Glei"
    search: str   # the words a search matches (the page folds diacritics away)


def unit_label(unit: AdminUnit) -> str:
    if unit.level == AdminUnit.Level.COMMUNE and unit.parent_id and unit.parent.level == AdminUnit.Level.DISTRICT:
        return f"{unit.name}, {unit.parent.name}"
    if unit.system == AdminUnit.System.CURRENT:
        return gettext("%(unit)s (từ 01/07/2025)") % {"unit": unit.name}
    return unit.name


def rollout_unit_groups(actor: Actor) -> list[tuple[str, list[UnitOption]]]:
    """The units of ``rollout_units`` grouped as people look for them: each legacy district with its
    communes, then the 2025 communes of each province."""
    groups: dict[str, list[UnitOption]] = defaultdict(list)
    order: list[str] = []
    for unit in rollout_units(actor):
        if unit.system == AdminUnit.System.LEGACY:
            district = unit if unit.level == AdminUnit.Level.DISTRICT else unit.parent
            title = gettext("%(district)s (trước 01/07/2025)") % {"district": district.name} if district \
                else gettext("Khác")
        else:
            province = unit.parent if unit.parent_id else None
            title = gettext("%(province)s – đơn vị từ 01/07/2025") % {"province": province.name if province else ""}
        if title not in groups:
            order.append(title)
        # In its group a unit needs no more than its name (the group says the district or the system).
        label = gettext("%(unit)s (cả huyện)") % {"unit": unit.name} if unit.level == AdminUnit.Level.DISTRICT \
            else unit.name
        groups[title].append(UnitOption(unit.pk, label, unit_label(unit), f"{unit_label(unit)} {title}"))
    return [(title, groups[title]) for title in order]


def pilots_by_definition(doctype: str | None = None) -> dict[int, list[WorkflowPilot]]:
    """{definition id: its pilot rows with their units}, in one query."""
    qs = WorkflowPilot.objects.select_related("unit__parent").order_by("unit__path")
    if doctype:
        qs = qs.filter(definition__doctype=doctype)
    found: dict[int, list[WorkflowPilot]] = defaultdict(list)
    for pilot in qs:
        found[pilot.definition_id].append(pilot)
    return found


def rollout_status(definition: WorkflowDefinition, pilots: list[WorkflowPilot] | None = None) -> str:
    """Where the version applies to new documents, in words: the whole province, a pilot's units, or nowhere."""
    pilots = list(definition.pilots.select_related("unit__parent")) if pilots is None else pilots
    if definition.is_active:
        return gettext("Đang áp dụng cho toàn tỉnh")
    if pilots:
        return gettext("Đang thí điểm tại %(units)s") % {"units": ", ".join(unit_label(p.unit) for p in pilots)}
    if definition.retired_at:
        return gettext("Đã ngừng áp dụng")
    return gettext("Chưa áp dụng")

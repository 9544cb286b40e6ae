"""The campaign's figures per territory, read from the aggregates (``reports.aggregates``) and the money
records, scoped to the reader: what the dashboard, the periodic reports, their Excel files and
``manage.py report progress`` show. A fixed number of queries whatever the number of cases.

Territories: a legacy province breaks into its districts, a district into its communes; a 2025 province into
its communes (no districts since 01/07/2025); a commune is a leaf (its row is itself). ``units`` chooses the
system: "legacy" (until 30/06/2025) or "2025"; the same cases are summed either way.

"As of" a date: houses that had reached each milestone by the end of that day (``MilestoneDay``), money
allocated by then and not cancelled by then, money released by then. Without a date: now.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor, territory_q
from housing_campaign.campaigns.models import Campaign
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.formatting import format_date
from housing_campaign.funding.models import Allocation, Release
from housing_campaign.funding.selectors import LOAN_SOURCES, active_allocations_q
from housing_campaign.geography.models import AdminUnit

from .models import Milestone, MilestoneDay, StateCount, Target

UNITS = ("legacy", "2025")
HOUSE_COLUMNS = ("target", "surveyed", "approved", "started", "finished", "handed_over")
MONEY_COLUMNS = ("allocated", "released")
COLUMNS = ("territory_code", "territory", *HOUSE_COLUMNS, *MONEY_COLUMNS)


@dataclass
class Row:
    unit: AdminUnit | None
    code: str
    name: str
    target: int = 0
    surveyed: int = 0
    approved: int = 0
    started: int = 0
    finished: int = 0
    handed_over: int = 0
    allocated: int = 0
    released: int = 0
    by_category: dict[str, dict[str, int]] = field(default_factory=dict)
    by_support_type: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def percent_done(self) -> float | None:
        """Houses finished against the target (None without a target)."""
        return round(100 * self.finished / self.target, 1) if self.target else None

    def as_dict(self) -> dict:
        return {"territory_code": self.code, "territory": self.name,
                **{c: getattr(self, c) for c in (*HOUSE_COLUMNS, *MONEY_COLUMNS)}}


@dataclass
class Progress:
    campaign: Campaign
    root: AdminUnit
    units: str
    as_of: dt.date | None
    rows: list[Row]
    total: Row


def _system(units: str) -> str:
    if units not in UNITS:
        raise ServiceError(gettext("Hệ đơn vị phải là “legacy” (trước 01/07/2025) hoặc “2025”."), field="units")
    return AdminUnit.System.LEGACY if units == "legacy" else AdminUnit.System.CURRENT


def campaign_root(campaign: Campaign, units: str) -> AdminUnit:
    if units == "2025":
        if not campaign.province_2025_id:
            raise ServiceError(gettext("Chương trình chưa có tỉnh theo đơn vị hành chính từ 01/07/2025."),
                               field="units")
        return campaign.province_2025
    return campaign.province


def default_units(actor: Actor | None) -> str:
    """The system of units a reader's territory is written in: "2025" for someone whose territories are all
    units from 01/07/2025, else "legacy" (pages open in it unless the reader switches)."""
    paths = [p for a in (actor.all_authorities if actor else ()) for p in a.paths]
    return "2025" if paths and all(not p.startswith("L.") for p in paths) else "legacy"


def check_as_of(campaign: Campaign, as_of: dt.date | None) -> None:
    """A date before the campaign or in the future is refused (a report is of what has happened)."""
    if as_of is None:
        return
    if as_of > timezone.localdate():
        raise ServiceError(gettext("Ngày báo cáo %(day)s ở tương lai; chọn ngày hôm nay hoặc trước đó.") % {
            "day": format_date(as_of)}, field="as_of")
    if as_of < campaign.starts_on:
        raise ServiceError(gettext("Ngày báo cáo %(day)s trước khi chương trình bắt đầu (%(start)s).") % {
            "day": format_date(as_of), "start": format_date(campaign.starts_on)}, field="as_of")


def resolve_territory(*, campaign: Campaign, code: str | None, units: str, actor: Actor | None) -> AdminUnit:
    """The territory a reader asks for by code (None: the campaign's province, or the reader's own territory
    when that is smaller): it must lie in the campaign's province and within the reader's territory."""
    system = _system(units)
    root = campaign_root(campaign, units)
    if code:
        unit = AdminUnit.objects.filter(system=system, code=str(code).strip()[:12],
                                        path__startswith=root.path).first()
        if unit is None:
            raise ServiceError(gettext("Không có địa bàn mã “%(code)s” trong %(root)s (%(system)s).") % {
                "code": str(code)[:12], "root": root.name, "system": system_label(units)},
                code=ErrorCode.NOT_FOUND, field="territory")
    else:
        unit = root
        if actor is not None and not any(a.everywhere for a in actor.all_authorities):
            own = [p for a in actor.all_authorities for p in a.paths if p.startswith(root.path[:2])]
            if own and not any(root.path.startswith(p) for p in own):
                unit = AdminUnit.objects.filter(path=min(own, key=len), system=system).first() or root
    if actor is not None and not covers(actor, unit):
        raise ServiceError(gettext("%(unit)s nằm ngoài địa bàn bạn phụ trách.") % {"unit": unit.name},
                           code=ErrorCode.OUT_OF_TERRITORY, field="territory")
    return unit


def covers(actor: Actor, unit: AdminUnit) -> bool:
    """Whether the reader's territory contains the whole unit (a 2025 unit: every legacy part of it, or a
    2025 territory of theirs containing it)."""
    if any(a.everywhere for a in actor.all_authorities):
        return True
    paths = [p for a in actor.all_authorities for p in a.paths]
    if any(unit.path.startswith(p) for p in paths):
        return True
    if unit.system == AdminUnit.System.CURRENT:
        parts = list(unit.predecessors.values_list("path", flat=True))
        return bool(parts) and all(any(part.startswith(p) for p in paths) for part in parts)
    return False


def system_label(units: str) -> str:
    return gettext("đơn vị hành chính trước 01/07/2025") if units == "legacy" else \
        gettext("đơn vị hành chính từ 01/07/2025")


def children(root: AdminUnit) -> list[AdminUnit]:
    if root.level == AdminUnit.Level.COMMUNE:
        return [root]
    return list(AdminUnit.objects.filter(parent=root).order_by("name"))


def _child_finder(kids: list[AdminUnit]):
    by_path = sorted(((c.path, c) for c in kids), key=lambda pc: -len(pc[0]))

    def find(path: str) -> AdminUnit | None:
        for prefix, unit in by_path:
            if path and path.startswith(prefix):
                return unit
        return None
    return find


def _scope(actor: Actor | None) -> Q:
    return territory_q(actor) if actor is not None else Q()


def progress(*, campaign: Campaign, root: AdminUnit, units: str = "legacy", as_of: dt.date | None = None,
             actor: Actor | None = None) -> Progress:
    """One row per territory under ``root`` (and the total): targets, houses surveyed, approved, started,
    finished and handed over (by category and support type too), money allocated and released, as of
    ``as_of`` (None: now). Scoped to ``actor`` when given. Six queries."""
    _system(units)
    check_as_of(campaign, as_of)
    column = "unit_path" if units == "legacy" else "unit_2025_path"
    kids = children(root)
    find = _child_finder(kids)
    rows = {k.pk: Row(k, k.code, k.name) for k in kids}
    total = Row(root, root.code, root.name)
    days = MilestoneDay.objects.filter(_scope(actor), campaign_id=campaign.pk, **{f"{column}__startswith": root.path})
    if as_of is not None:
        days = days.filter(day__lte=as_of)
    for path, category, support, milestone, n in (days.values_list(column, "category", "support_type", "milestone")
                                                  .annotate(n=Sum("count")).order_by()):
        child = find(path)
        if child is None or milestone not in Milestone.values:
            continue
        for row in (rows[child.pk], total):
            setattr(row, milestone, getattr(row, milestone) + n)
            row.by_category.setdefault(category, dict.fromkeys(HOUSE_COLUMNS, 0))[milestone] += n
            row.by_support_type.setdefault(support, dict.fromkeys(HOUSE_COLUMNS, 0))[milestone] += n
    _targets(campaign, root, kids, find, rows, total)
    _money(campaign, root, column, find, rows, total, as_of, actor)
    return Progress(campaign, root, units, as_of, [rows[k.pk] for k in kids], total)


def _targets(campaign, root, kids, find, rows, total) -> None:
    """A territory's target: its own (all categories and types) if entered, else the sum of the targets
    entered for the units inside it; by category and support type likewise."""
    entered = list(Target.objects.filter(campaign=campaign).filter(
        Q(unit_path__startswith=root.path) | Q(unit__in=[root, *kids])).values_list(
        "unit_id", "unit_path", "category", "support_type", "houses"))
    own = {(u, c, s): h for u, _p, c, s, h in entered}
    # In 2025 units, a commune's target may have been entered for the legacy communes merged into it.
    merged: dict[int, list[tuple[str, str, str, int]]] = {}
    if root.system == AdminUnit.System.CURRENT:
        for successor, path, c, s, h in Target.objects.filter(campaign=campaign, unit__successor__in=kids).values_list(
                "unit__successor_id", "unit_path", "category", "support_type", "houses"):
            merged.setdefault(successor, []).append((path, c, s, h))
    for row in (*rows.values(), total):
        if row.unit is None:
            continue
        whole = own.get((row.unit.pk, "", ""))
        inside = [(p, c, s, h) for u, p, c, s, h in entered if p.startswith(row.unit.path) and u != row.unit.pk]
        if not inside and row is not total:
            inside = merged.get(row.unit.pk, [])
        if row is total and whole is None:
            # Without a target of its own, the whole is its parts (each its own target or the sum of its parts).
            row.target = sum(r.target for r in rows.values())
        else:
            row.target = whole if whole is not None else sum(h for _p, c, s, h in inside if not c and not s)
        for _p, c, s, h in [(row.unit.path, c, s, h) for (u, c, s), h in own.items() if u == row.unit.pk] + inside:
            if c and not s:
                row.by_category.setdefault(c, dict.fromkeys(HOUSE_COLUMNS, 0))["target"] += h
            if s and not c:
                row.by_support_type.setdefault(s, dict.fromkeys(HOUSE_COLUMNS, 0))["target"] += h


def money_records(*, campaign, root: AdminUnit, column: str, actor: Actor | None, as_of: dt.date | None):
    """(allocations, releases) of the cases of ``campaign`` under ``root`` that the reader sees, as they stood
    at the end of ``as_of`` (None: now): allocations made by then and not cancelled by then (loans included:
    callers exclude ``LOAN_SOURCES`` where support is meant), releases made by then."""
    case_scope = Q(**{f"case__{column}__startswith": root.path}, case__campaign_id=campaign.pk)
    if actor is not None:
        case_scope &= territory_q(actor, legacy_field="case__unit_path", current_field="case__unit_2025_path")
    allocations = Allocation.objects.filter(case_scope, active_allocations_q(as_of))
    releases = Release.objects.filter(case_scope)
    if as_of is not None:
        releases = releases.filter(released_on__lte=as_of)
    return allocations, releases


def _money(campaign, root, column, find, rows, total, as_of, actor) -> None:
    allocations, releases = money_records(campaign=campaign, root=root, column=column, actor=actor, as_of=as_of)
    allocations = allocations.exclude(source__in=LOAN_SOURCES)
    for key, queryset in (("allocated", allocations), ("released", releases)):
        for path, amount in queryset.values_list(f"case__{column}").annotate(t=Sum("amount")).order_by():
            child = find(path)
            if child is None:
                continue
            for row in (rows[child.pk], total):
                setattr(row, key, getattr(row, key) + (amount or 0))


def state_counts(*, campaign: Campaign | None = None, root: AdminUnit, units: str = "legacy",
                 actor: Actor | None = None) -> dict[int, dict[str, int]]:
    """{child territory id: {stage: cases now}} and the same per state under key ``"states"`` of each, from
    StateCount: one query."""
    column = "unit_path" if units == "legacy" else "unit_2025_path"
    kids = children(root)
    find = _child_finder(kids)
    found: dict[int, dict] = {k.pk: {"stages": {}, "states": {}, "total": 0} for k in kids}
    qs = StateCount.objects.filter(_scope(actor), **{f"{column}__startswith": root.path})
    if campaign is not None:
        qs = qs.filter(campaign_id=campaign.pk)
    for path, workflow_id, state, stage, n in (qs.values_list(column, "workflow_id", "state", "stage")
                                               .annotate(n=Sum("count")).order_by()):
        child = find(path)
        if child is None or not n:
            continue
        entry = found[child.pk]
        entry["stages"][stage] = entry["stages"].get(stage, 0) + n
        entry["states"][(workflow_id, state)] = entry["states"].get((workflow_id, state), 0) + n
        entry["total"] += n
    return found

"""What the dashboard (``/desk/bao-cao/``) shows for one territory, scoped to the reader: a fixed number of
queries whatever the number of cases (the aggregates of ``reports.aggregates``, the money tables grouped,
the ten oldest cases through an index), except the time in stage, which reads the event log and is
therefore computed only for a district or a commune (``TIME_IN_STAGE_LEVELS``) and cached briefly.

Every house figure is the one the queue shows for the same filter: stage counts are ``StateCount`` (the
queue's tabs count the same cases), milestones are ``MilestoneDay`` (``figures.progress``).
"""
from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor, territory_q
from housing_campaign.campaigns.models import Campaign, Category, CategoryDeadline, SupportNorm
from housing_campaign.cases.models import HousingCase
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.models import DocumentEvent
from housing_campaign.core.validators import InputError, parse_date, query_text
from housing_campaign.funding.models import Portion
from housing_campaign.funding.selectors import LOAN_SOURCES, source_label
from housing_campaign.geography.models import AdminUnit
from housing_campaign.workflow.models import Stage, WorkflowState

from . import figures
from .models import Milestone, MilestoneDay

WEEKS = 26
RECENT_WEEKS = 4          # a territory's pace: houses finished per week over the last four weeks
OLDEST = 10
TIME_IN_STAGE_LEVELS = (AdminUnit.Level.DISTRICT, AdminUnit.Level.COMMUNE)
TIME_IN_STAGE_TTL = 600
STAGES = [s for s in Stage.values if s not in (Stage.COMMENDATION, Stage.FEEDBACK)]


@dataclass
class Pace:
    deadline: CategoryDeadline
    label: str
    weeks_left: float
    remaining: int            # houses still to finish (total row)
    needed: float | None      # houses per week (None: no target for these categories)


@dataclass
class TerritoryLine:
    row: figures.Row
    stages: dict[str, int]
    cases: int
    recent_pace: float
    needed: dict[int, float | None] = field(default_factory=dict)   # deadline id → houses per week
    behind: bool = False
    money: dict = field(default_factory=dict)
    is_leaf: bool = False


@dataclass
class Dashboard:
    campaign: Campaign
    campaigns: list[Campaign]
    root: AdminUnit
    units: str
    as_of: dt.date | None
    today: dt.date
    crumbs: list[AdminUnit]
    lines: list[TerritoryLine]
    total: TerritoryLine
    weeks: list[tuple[dt.date, int]]
    paces: list[Pace]
    sources: list[tuple[str, str]]
    norms: list[dict]
    contributions: dict
    oldest: list[HousingCase]
    time_in_stage: list[dict] | None
    stages: list[tuple[str, str]]


def parse_request(data, *, actor: Actor | None = None) -> dict:
    """The dashboard's query parameters, or ServiceError with a message naming what is wrong:
    ``ct`` campaign code, ``dv`` territory code, ``he`` legacy|2025 (default: the system the reader's territory
    is written in), ``ngay`` dd/mm/yyyy."""
    units = query_text(data.get("he", ""), max_length=20) or figures.default_units(actor)
    if units not in figures.UNITS:
        raise ServiceError(gettext("Không có hệ đơn vị “%(value)s”: chọn đơn vị hành chính trước 01/07/2025 hoặc "
                                   "từ 01/07/2025.") % {"value": units}, field="he")
    raw_day = query_text(data.get("ngay", ""), max_length=20)
    try:
        as_of = parse_date(raw_day, gettext("Ngày báo cáo"), required=False)
    except InputError as exc:
        raise ServiceError(str(exc), field="ngay") from None
    return {"campaign": query_text(data.get("ct", ""), max_length=40),
            "code": query_text(data.get("dv", ""), max_length=12), "units": units, "as_of": as_of}


def campaigns_list() -> list[Campaign]:
    return list(Campaign.objects.order_by("-is_active", "-starts_on", "pk"))


def pick_campaign(campaigns: list[Campaign], code: str) -> Campaign:
    if code:
        for campaign in campaigns:
            if campaign.code == code:
                return campaign
        raise ServiceError(gettext("Không có chương trình mã “%(code)s”.") % {"code": code}, field="ct")
    if not campaigns:
        raise ServiceError(gettext("Chưa có chương trình nào."))
    return campaigns[0]


def dashboard_figures(*, actor: Actor, campaign: str = "", code: str = "", units: str = "legacy",
                      as_of: dt.date | None = None) -> Dashboard:
    """Everything the dashboard shows for the territory ``code`` (default: the reader's own), or
    ServiceError (unknown or foreign territory, a date before the campaign or in the future)."""
    campaigns = campaigns_list()
    chosen = pick_campaign(campaigns, campaign)
    figures.check_as_of(chosen, as_of)
    try:
        root = figures.resolve_territory(campaign=chosen, code=code, units=units, actor=actor)
        partial = False
    except ServiceError as exc:
        # A reader of a legacy province (or district) looking at 2025 units: the 2025 province also holds
        # units outside their territory; they see it limited to the 2025 communes wholly inside theirs.
        if code or units != "2025" or exc.code != ErrorCode.OUT_OF_TERRITORY:
            raise
        root, partial = figures.campaign_root(chosen, units), True
    today = as_of or timezone.localdate()
    progress = figures.progress(campaign=chosen, root=root, units=units, as_of=as_of, actor=actor)
    if partial:
        progress.rows = _covered(actor, progress.rows)
        if not progress.rows:
            raise ServiceError(gettext("Không có xã nào (đơn vị hành chính từ 01/07/2025) nằm trọn trong địa bàn "
                                       "bạn phụ trách."), code=ErrorCode.OUT_OF_TERRITORY, field="territory")
        progress.total = _sum_rows(root, progress.rows)
    counts = figures.state_counts(campaign=chosen, root=root, units=units, actor=actor)
    column = "unit_path" if units == "legacy" else "unit_2025_path"
    weekly, recent = _finished_by_week(chosen, root, column, progress.rows, today, actor)
    lines = []
    for row in progress.rows:
        found = counts.get(row.unit.pk, {"stages": {}, "total": 0})
        lines.append(TerritoryLine(row=row, stages=found["stages"], cases=found["total"],
                                   recent_pace=round(recent.get(row.unit.pk, 0) / RECENT_WEEKS, 1),
                                   is_leaf=row.unit.level == AdminUnit.Level.COMMUNE))
    stage_total: dict[str, int] = defaultdict(int)
    for line in lines:
        for stage, n in line.stages.items():
            stage_total[stage] += n
    total = TerritoryLine(row=progress.total, stages=dict(stage_total), cases=sum(x.cases for x in lines),
                          recent_pace=round(sum(recent.values()) / RECENT_WEEKS, 1))
    paces = _paces(chosen, lines, total, today)
    sources, norms = _money(chosen, root, column, lines, total, as_of, actor)
    from housing_campaign.contributions.selectors import contribution_figures

    contributions = contribution_figures(unit=root, actor=actor, campaign_id=chosen.pk, as_of=as_of)
    oldest = list(HousingCase.objects.filter(territory_q(actor), campaign_id=chosen.pk,
                                             **{f"{column}__startswith": root.path})
                  .exclude(stage=Stage.CLOSED).select_related("household", "commune", "commune_2025")
                  .order_by("state_since", "pk")[:OLDEST])
    stage_labels = dict(Stage.choices)
    return Dashboard(campaign=chosen, campaigns=campaigns, root=root, units=units, as_of=as_of, today=today,
                     crumbs=_crumbs(chosen, root, units), lines=lines, total=total, weeks=weekly, paces=paces,
                     sources=sources, norms=norms, contributions=contributions, oldest=oldest,
                     time_in_stage=time_in_stage_rows(campaign=chosen, root=root, units=units, actor=actor)
                     if root.level in TIME_IN_STAGE_LEVELS else None,
                     stages=[(s, str(stage_labels[s])) for s in STAGES])


def _covered(actor: Actor, rows: list[figures.Row]) -> list[figures.Row]:
    """The rows of the 2025 units wholly inside the reader's territory (one query)."""
    if any(a.everywhere for a in actor.all_authorities):
        return rows
    paths = [p for a in actor.all_authorities for p in a.paths]
    inside = {r.unit.pk for r in rows if any(r.unit.path.startswith(p) for p in paths)}
    parts: dict[int, list[str]] = defaultdict(list)
    for successor_id, path in AdminUnit.objects.filter(successor__in=[r.unit for r in rows]).values_list(
            "successor_id", "path"):
        parts[successor_id].append(path)
    inside |= {pk for pk, found in parts.items() if all(any(x.startswith(p) for p in paths) for x in found)}
    return [r for r in rows if r.unit.pk in inside]


def _sum_rows(root: AdminUnit, rows: list[figures.Row]) -> figures.Row:
    total = figures.Row(root, root.code, root.name)
    for row in rows:
        for name in (*figures.HOUSE_COLUMNS, *figures.MONEY_COLUMNS):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        for mine, theirs in ((total.by_category, row.by_category), (total.by_support_type, row.by_support_type)):
            for key, values in theirs.items():
                entry = mine.setdefault(key, dict.fromkeys(figures.HOUSE_COLUMNS, 0))
                for column, n in values.items():
                    entry[column] += n
    return total


def _crumbs(campaign: Campaign, root: AdminUnit, units: str) -> list[AdminUnit]:
    """The territories above ``root`` up to the campaign's province, top first (one query)."""
    top = figures.campaign_root(campaign, units)
    parts = root.path.rstrip(".").split(".")
    prefixes = [".".join(parts[:i]) + "." for i in range(2, len(parts))]
    found = {u.path: u for u in AdminUnit.objects.filter(system=root.system, path__in=prefixes)}
    return [found[p] for p in prefixes if p in found and p.startswith(top.path)]


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _finished_by_week(campaign, root, column, rows, today, actor):
    """Houses finished per ISO week over the last ``WEEKS`` weeks up to ``today`` (the total), and per
    child territory over the last ``RECENT_WEEKS`` weeks: one grouped query."""
    first = _week_start(today) - dt.timedelta(weeks=WEEKS - 1)
    recent_from = today - dt.timedelta(days=7 * RECENT_WEEKS - 1)
    days = MilestoneDay.objects.filter(campaign_id=campaign.pk, milestone=Milestone.FINISHED,
                                       day__gte=min(first, recent_from), day__lte=today,
                                       **{f"{column}__startswith": root.path})
    if actor is not None:
        days = days.filter(territory_q(actor))
    find = figures._child_finder([r.unit for r in rows])
    per_week: dict[dt.date, int] = defaultdict(int)
    recent: dict[int, int] = defaultdict(int)
    for path, day, n in days.values_list(column, "day").annotate(n=Sum("count")).order_by():
        child = find(path)
        if child is None:
            continue
        if day >= first:
            per_week[_week_start(day)] += n
        if day >= recent_from:
            recent[child.pk] += n
    weeks = [first + dt.timedelta(weeks=i) for i in range(WEEKS)]
    return [(w, per_week.get(w, 0)) for w in weeks], recent


def _deadline_figures(deadline, own_categories, row) -> tuple[int, int] | None:
    """(target, finished) of ``row`` for the categories a deadline covers, or None without a target."""
    if deadline.category:
        entry = row.by_category.get(deadline.category)
        if not entry or not entry["target"]:
            return None
        return entry["target"], entry["finished"]
    target = row.target - sum(row.by_category.get(c, {}).get("target", 0) for c in own_categories)
    finished = row.finished - sum(row.by_category.get(c, {}).get("finished", 0) for c in own_categories)
    return (target, finished) if target > 0 else None


def _paces(campaign, lines, total, today) -> list[Pace]:
    """For each deadline, the houses per week each territory must finish from ``today`` to meet it; a
    territory finishing fewer than that over the last four weeks is behind."""
    deadlines = list(CategoryDeadline.objects.filter(campaign=campaign).order_by("deadline", "category"))
    own = {d.category for d in deadlines if d.category}
    labels = dict(Category.choices)
    paces = []
    for deadline in deadlines:
        weeks_left = max((deadline.deadline - today).days / 7, 0)
        for line in [*lines, total]:
            found = _deadline_figures(deadline, own, line.row)
            if found is None:
                line.needed[deadline.pk] = None
                continue
            remaining = max(found[0] - found[1], 0)
            needed = (math.inf if remaining else 0.0) if weeks_left <= 0 else round(remaining / weeks_left, 1)
            line.needed[deadline.pk] = needed
            if remaining and line.recent_pace < needed:
                line.behind = True
        found = _deadline_figures(deadline, own, total.row)
        who = str(labels.get(deadline.category, deadline.category)) if deadline.category else \
            gettext("mọi đối tượng khác")
        paces.append(Pace(deadline=deadline, label=who, weeks_left=round(weeks_left, 1),
                          remaining=max(found[0] - found[1], 0) if found else 0,
                          needed=total.needed.get(deadline.pk)))
    return paces


def _money(campaign, root, column, lines, total, as_of, actor):
    """Allocated per funding source and released, per child territory, and the state support the norms
    give the houses that received it: three grouped queries."""
    allocations, releases = figures.money_records(campaign=campaign, root=root, column=column, actor=actor,
                                                   as_of=as_of)
    find = figures._child_finder([line.row.unit for line in lines])
    by_pk = {line.row.unit.pk: line for line in lines}
    for line in [*lines, total]:
        line.money = {"by_source": {}, "state": 0, "norm": 0, "houses": 0, "loans": 0}
    seen_sources = set()
    for path, source, portion, amount in (allocations.values_list(f"case__{column}", "source", "portion")
                                          .annotate(t=Sum("amount")).order_by()):
        child = find(path)
        if child is None:
            continue
        for line in (by_pk[child.pk], total):
            if source in LOAN_SOURCES:
                line.money["loans"] += amount
                continue
            seen_sources.add(source)
            line.money["by_source"][source] = line.money["by_source"].get(source, 0) + amount
            if portion in (Portion.STATE, Portion.TOPUP):
                line.money["state"] += amount
    # The norm: houses with state support, per strand and support type, times the norm valid on the day.
    day = as_of or timezone.localdate()
    norm_of: dict[tuple[int, str], int] = {}
    for strand_id, support_type, amount in (SupportNorm.objects.filter(strand__campaign=campaign, valid_from__lte=day)
                                            .order_by("strand_id", "support_type", "-valid_from")
                                            .values_list("strand_id", "support_type", "amount")):
        norm_of.setdefault((strand_id, support_type), amount)
    state = allocations.filter(portion=Portion.STATE)
    for path, strand_id, support_type, houses in (state.values_list(f"case__{column}", "case__strand_id",
                                                                    "case__support_type")
                                                  .annotate(h=Count("case_id", distinct=True)).order_by()):
        child = find(path)
        if child is None:
            continue
        for line in (by_pk[child.pk], total):
            line.money["houses"] += houses
            line.money["norm"] += houses * norm_of.get((strand_id, support_type), 0)
    # Releases (of the state support): by the day released.
    for line in [*lines, total]:
        line.money["released"] = 0
    for path, amount in releases.values_list(f"case__{column}").annotate(t=Sum("amount")).order_by():
        child = find(path)
        if child is None:
            continue
        for line in (by_pk[child.pk], total):
            line.money["released"] += amount
    for line in [*lines, total]:
        line.money["allocated"] = sum(line.money["by_source"].values())
        line.money["sources"] = [line.money["by_source"].get(s, 0) for s in sorted(seen_sources)]
    sources = [(s, source_label(s)) for s in sorted(seen_sources)]
    norms = [{"strand_id": k[0], "support_type": k[1], "amount": v} for k, v in sorted(norm_of.items())]
    return sources, norms


def time_in_stage_rows(*, campaign: Campaign, root: AdminUnit, units: str, actor: Actor | None,
                       now: dt.datetime | None = None) -> list[dict]:
    """Per child territory and stage: visits, median and 90th percentile days spent in the stage, from the
    event log of the cases in ``root`` (a district or a commune: a province would read millions of events),
    until now. Cached ``TIME_IN_STAGE_TTL`` seconds per territory and reader. Three queries."""
    key = f"reports:tis:{campaign.pk}:{units}:{root.pk}:{actor.id if actor else 0}"
    found = cache.get(key)
    if found is not None and now is None:
        return found
    now = now or timezone.now()
    column = "unit_path" if units == "legacy" else "unit_2025_path"
    kids = figures.children(root)
    find = figures._child_finder(kids)
    docs = HousingCase.objects.filter(campaign_id=campaign.pk, **{f"{column}__startswith": root.path})
    if actor is not None:
        docs = docs.filter(territory_q(actor))
    info = {pk: (wf, find(path)) for pk, wf, path in docs.values_list("pk", "workflow_id", column)}
    stage_of = {(d, c): s for d, c, s in WorkflowState.objects.values_list("definition_id", "code", "stage")}
    entries: dict[int, list] = defaultdict(list)
    events = (DocumentEvent.objects.filter(doctype="housing_case", object_id__in=list(info),
                                           kind__in=["created", "transition", "migrated"])
              .order_by("object_id", "at", "id").values_list("object_id", "at", "to_state"))
    for object_id, at, to_state in events.iterator(chunk_size=5000):
        entries[object_id].append((at, to_state))
    durations: dict[tuple[int, str], list[float]] = defaultdict(list)
    for object_id, seq in entries.items():
        workflow_id, child = info[object_id]
        if child is None:
            continue
        for (start, state), nxt in zip(seq, [*seq[1:], (now, None)]):
            stage = stage_of.get((workflow_id, state), state)
            if stage == Stage.CLOSED:
                continue
            durations[(child.pk, stage)].append((nxt[0] - start).total_seconds() / 86400)
    names = {k.pk: k.name for k in kids}
    order = {s: i for i, s in enumerate(Stage.values)}
    labels = dict(Stage.choices)
    rows = []
    for (child_pk, stage), values in sorted(durations.items(), key=lambda kv: (names[kv[0][0]],
                                                                                order.get(kv[0][1], 99))):
        ordered = sorted(values)
        k = (len(ordered) - 1) * 0.9
        lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
        rows.append({"territory": names[child_pk], "stage": stage, "stage_label": str(labels.get(stage, stage)),
                     "count": len(values), "median_days": round(statistics.median(values), 1),
                     "p90_days": round(ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo), 1)})
    cache.set(key, rows, TIME_IN_STAGE_TTL)
    return rows

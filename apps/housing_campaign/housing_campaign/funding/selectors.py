"""Reads of money: pools and their ledgers scoped to the actor's territory, what a case has received and
may be released, the figures a territory's public page and the dashboards show, and the reconciliation.

Territory filters for figures work on either system of units: a legacy unit matches ``unit_path``
(cases, pools, contributions), a 2025 unit ``unit_2025_path``; the same money sums up either way.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor, scope, territory_q
from housing_campaign.campaigns.models import FundingSource, SupportNorm
from housing_campaign.cases.models import HousingCase
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.formatting import format_date, format_vnd
from housing_campaign.core.validators import query_id
from housing_campaign.geography.models import AdminUnit

from .models import (
    IN_KIND_SOURCES,
    LOAN_SOURCES,
    RELEASABLE_SOURCES,
    STATE_SOURCES,
    Allocation,
    FundingPool,
    Inspection,
    PoolEntry,
    Portion,
    Release,
    TopUpRule,
    Tranche,
)

# Stages of the case in which money may move (``Stage`` codes; administrators name states, not stages).
ALLOCATABLE_STAGES = ("funding", "construction", "acceptance", "handover")
INSPECTABLE_STAGES = ("construction", "acceptance", "handover")
RELEASABLE_STAGES = ("construction", "acceptance", "handover", "posting", "closed")
# Who may allocate from a pool of a source: finance officers from any pool; the Fatherland Front from the
# community pools it keeps (its fund, sponsors' money, materials and workdays given through it).
FINANCE = "finance_officer"
FRONT = "fatherland_front"
MONEY_VERSION_KEY = "money:version"


def allocating_roles(source: str) -> set[str]:
    from .models import COMMUNITY_SOURCES

    return {FINANCE, FRONT} if source in COMMUNITY_SOURCES else {FINANCE}


# ---------------------------------------------------------------------------- units
def unit_paths(unit: AdminUnit) -> tuple[str, str]:
    """(legacy path, 2025 path) under which a record at ``unit`` is counted: a 2025 unit only has the
    second; a legacy unit has its own path and that of the nearest of itself and its ancestors that was
    mapped to a 2025 unit (a legacy district, abolished in 2025, counts under its province's successor)."""
    if unit.system == AdminUnit.System.CURRENT:
        return "", unit.path
    current = unit
    while current is not None:
        if current.successor_id:
            return unit.path, current.successor.path
        current = current.parent
    return unit.path, ""


def unit_q(unit: AdminUnit, *, prefix: str = "") -> Q:
    """Rows (with ``unit_path``/``unit_2025_path`` columns under ``prefix``) inside ``unit``."""
    column = "unit_path" if unit.system == AdminUnit.System.LEGACY else "unit_2025_path"
    return Q(**{f"{prefix}{column}__startswith": unit.path})


def case_in_pool(case: HousingCase, pool: FundingPool) -> bool:
    """A pool serves the houses inside its own unit, in the unit's own system."""
    if pool.unit_path:
        return bool(case.unit_path) and case.unit_path.startswith(pool.unit_path)
    return bool(case.unit_2025_path) and case.unit_2025_path.startswith(pool.unit_2025_path)


# ---------------------------------------------------------------------------- scoped lists
def pools_visible(actor: Actor) -> QuerySet[FundingPool]:
    return scope(FundingPool.objects.all(), actor)


def pool_entries_visible(actor: Actor) -> QuerySet[PoolEntry]:
    return PoolEntry.objects.filter(territory_q(actor, legacy_field="pool__unit_path",
                                                current_field="pool__unit_2025_path"))


def allocations_visible(actor: Actor) -> QuerySet[Allocation]:
    return Allocation.objects.filter(territory_q(actor, legacy_field="case__unit_path",
                                                 current_field="case__unit_2025_path"))


def inspections_visible(actor: Actor) -> QuerySet[Inspection]:
    return Inspection.objects.filter(territory_q(actor, legacy_field="case__unit_path",
                                                 current_field="case__unit_2025_path"))


def releases_visible(actor: Actor) -> QuerySet[Release]:
    return Release.objects.filter(territory_q(actor, legacy_field="case__unit_path",
                                              current_field="case__unit_2025_path"))


def pool_get_for_actor(*, actor: Actor, pool_id, for_update: bool = False) -> FundingPool:
    """The pool, or a refusal that does not tell whether a pool outside the territory exists."""
    pk = query_id(pool_id)
    qs = pools_visible(actor).select_related("unit", "campaign")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    pool = qs.filter(pk=pk).first() if pk else None
    if pool is None:
        raise ServiceError(gettext("Không tìm thấy quỹ này trong địa bàn bạn phụ trách."), code=ErrorCode.NOT_FOUND,
                           field="pool")
    return pool


def pools_for_case(*, actor: Actor, case: HousingCase) -> list[FundingPool]:
    """The pools the actor may allocate from to this case: same campaign, serving the case's unit, a
    source the actor's role allocates, inside the actor's territory; fullest first within a source."""
    from housing_campaign.workflow.engine import document_paths

    paths = document_paths(case)
    candidates = (pools_visible(actor).filter(campaign_id=case.campaign_id).select_related("unit")
                  .order_by("source", "-unit_path", "id"))
    usable = []
    for pool in candidates:
        roles = allocating_roles(pool.source)
        if (case_in_pool(case, pool) and actor.authority_for(roles, *paths) is not None
                and actor.authority_for(roles, pool.unit_path, pool.unit_2025_path) is not None):
            usable.append(pool)
    return usable


# ---------------------------------------------------------------------------- what a case has received
def norm_amount(*, strand_id: int, support_type: str, on: dt.date) -> int:
    norm = (SupportNorm.objects.filter(strand_id=strand_id, support_type=support_type, valid_from__lte=on)
            .order_by("-valid_from").values_list("amount", flat=True).first())
    return norm or 0


@dataclass
class TopUp:
    """Whether the case may be topped up to the campaign's level, by how much, and why not."""

    amount: int
    reason: str = ""
    rule: TopUpRule | None = None
    target: int = 0


def topup_for(case: HousingCase) -> TopUp:
    rule = TopUpRule.objects.filter(strand_id=case.strand_id).select_related("target_strand").first()
    if rule is None:
        return TopUp(0, gettext("Nguồn hỗ trợ “%(strand)s” không thuộc diện bổ sung mức hỗ trợ.")
                     % {"strand": case.strand.name})
    started = case.construction_started_on
    on = started or timezone.localdate()
    if on < rule.starts_on:
        when = (gettext("khởi công %(date)s") % {"date": format_date(started)} if started
                else gettext("chưa khởi công"))
        return TopUp(0, gettext("Chỉ nhà khởi công từ ngày %(date)s được bổ sung lên mức của “%(strand)s” (nhà "
                                "này %(when)s).") % {"date": format_date(rule.starts_on),
                                                     "strand": rule.target_strand.name, "when": when}, rule)
    target = norm_amount(strand_id=rule.target_strand_id, support_type=case.support_type, on=on)
    amount = max(0, target - case.support_amount)
    reason = "" if amount else (gettext("Mức hỗ trợ của hồ sơ (%(amount)s) đã bằng mức của phong trào.")
                                % {"amount": format_vnd(case.support_amount)})
    return TopUp(amount, reason, rule, target)


def portion_totals(case_id: int) -> dict[str, int]:
    """{portion: đồng} of the case's active allocations."""
    rows = (Allocation.objects.filter(case_id=case_id, cancelled_at__isnull=True).values_list("portion")
            .annotate(total=Sum("amount")).order_by())
    return {portion: total for portion, total in rows}


def state_support_allocated(case_id: int) -> int:
    return portion_totals(case_id).get(Portion.STATE, 0)


def releasable_base(case_id: int) -> int:
    """The case's money paid out in tranches: active allocations of grants in cash."""
    return (Allocation.objects.filter(case_id=case_id, cancelled_at__isnull=True, source__in=RELEASABLE_SOURCES)
            .aggregate(total=Sum("amount"))["total"] or 0)


def released_total(case_id: int) -> int:
    return Release.objects.filter(case_id=case_id).aggregate(total=Sum("amount"))["total"] or 0


def tranche_amount(tranche: Tranche, *, base: int, released: int) -> int:
    left = max(0, base - released)
    if tranche.kind == Tranche.Kind.PERCENT:
        return min(left, base * tranche.percent // 100)
    if tranche.kind == Tranche.Kind.AMOUNT:
        return min(left, tranche.amount)
    return left


def passed_inspection(case_id: int, stage: str) -> Inspection | None:
    return (Inspection.objects.filter(case_id=case_id, stage=stage, result=Inspection.Result.PASSED)
            .order_by("-inspected_on", "-id").first())


def tranche_refusal(case: HousingCase, tranche: Tranche, *, releases: dict[int, Release], base: int,
                    released: int, inspections: list[Inspection],
                    tranches: list[Tranche] | None = None) -> tuple[str, str]:
    """(error code, reason) why the tranche cannot be released now, or ("", "")."""
    done = releases.get(tranche.pk)
    if done is not None:
        return (ErrorCode.ALREADY_RELEASED,
                gettext("Đợt “%(tranche)s” đã được giải ngân ngày %(date)s (%(amount)s); không giải ngân lần hai.")
                % {"tranche": tranche.name, "date": format_date(done.released_on), "amount": format_vnd(done.amount)})
    if case.stage not in RELEASABLE_STAGES:
        return (ErrorCode.FIELD_LOCKED, gettext("Hồ sơ chưa hoàn tất phân bổ kinh phí nên chưa giải ngân được."))
    earlier = [t for t in (tranches if tranches is not None else tranches_of(case.campaign_id))
               if t.order < tranche.order and t.pk not in releases]
    if earlier:
        return ErrorCode.VALIDATION, (gettext("Phải giải ngân đợt “%(earlier)s” trước đợt “%(tranche)s”.")
                                     % {"earlier": earlier[0].name, "tranche": tranche.name})
    stage_label = Inspection(stage=tranche.inspection_stage).get_stage_display()
    of_stage = [i for i in inspections if i.stage == tranche.inspection_stage]
    if not any(i.result == Inspection.Result.PASSED for i in of_stage):
        if of_stage:
            last = of_stage[-1]
            return (ErrorCode.INSPECTION_REQUIRED,
                    gettext("Chưa giải ngân được đợt “%(tranche)s”: lần kiểm tra giai đoạn “%(stage)s” ngày %(date)s "
                            "không đạt%(notes)s. Cần một lần kiểm tra đạt.")
                    % {"tranche": tranche.name, "stage": stage_label, "date": format_date(last.inspected_on),
                       "notes": ": " + last.notes if last.notes else ""})
        return (ErrorCode.INSPECTION_REQUIRED,
                gettext("Chưa giải ngân được đợt “%(tranche)s”: chưa có kết quả kiểm tra giai đoạn “%(stage)s” đạt "
                        "(cán bộ giám sát ghi kết quả kèm ảnh có ngày chụp và vị trí).")
                % {"tranche": tranche.name, "stage": stage_label})
    if tranche_amount(tranche, base=base, released=released) <= 0:
        return (ErrorCode.VALIDATION,
                gettext("Không còn kinh phí để giải ngân: đã phân bổ %(base)s (tiền, không kể hiện vật), đã giải "
                        "ngân %(released)s.") % {"base": format_vnd(base), "released": format_vnd(released)})
    return "", ""


def tranches_of(campaign_id: int) -> list[Tranche]:
    return list(Tranche.objects.filter(campaign_id=campaign_id).order_by("order"))


@dataclass
class CaseMoney:
    """Everything the case page shows of a case's money."""

    norm: int
    state: int
    topup: TopUp
    topup_allocated: int
    community: int
    household: int
    loan: int
    in_kind: int
    allocations: list[Allocation]
    base: int
    released: int
    tranches: list[dict] = field(default_factory=list)
    inspections: list[Inspection] = field(default_factory=list)

    @property
    def state_missing(self) -> int:
        return max(0, self.norm - self.state)

    @property
    def topup_missing(self) -> int:
        return max(0, self.topup.amount - self.topup_allocated)

    @property
    def state_total(self) -> int:
        return self.state + self.topup_allocated

    @property
    def total_support(self) -> int:
        """What reaches the house as support: the state's and, on top of it, the community's and the household's."""
        return self.state + self.topup_allocated + self.community + self.household


def case_money(case: HousingCase) -> CaseMoney:
    allocations = list(Allocation.objects.filter(case=case).select_related("pool__unit", "created_by", "cancelled_by")
                       .order_by("created_at", "id"))
    totals: dict[str, int] = {}
    in_kind = base = 0
    for a in allocations:
        if a.cancelled_at is None:
            totals[a.portion] = totals.get(a.portion, 0) + a.amount
            in_kind += a.amount if a.source in IN_KIND_SOURCES else 0
            base += a.amount if a.source in RELEASABLE_SOURCES else 0
    releases = {r.tranche_id: r for r in Release.objects.filter(case=case).select_related("released_by", "inspection")}
    released = sum(r.amount for r in releases.values())
    inspections = list(Inspection.objects.filter(case=case).select_related("inspector").prefetch_related("photos")
                       .order_by("inspected_on", "id"))
    rows = []
    tranches = tranches_of(case.campaign_id)
    for tranche in tranches:
        code, reason = tranche_refusal(case, tranche, releases=releases, base=base, released=released,
                                       inspections=inspections, tranches=tranches)
        rows.append({"tranche": tranche, "release": releases.get(tranche.pk),
                     "amount": tranche_amount(tranche, base=base, released=released),
                     "open": not code, "reason": reason if code != ErrorCode.ALREADY_RELEASED else ""})
    return CaseMoney(norm=case.support_amount, state=totals.get(Portion.STATE, 0), topup=topup_for(case),
                     topup_allocated=totals.get(Portion.TOPUP, 0), community=totals.get(Portion.COMMUNITY, 0),
                     household=totals.get(Portion.HOUSEHOLD, 0), loan=totals.get(Portion.LOAN, 0), in_kind=in_kind,
                     allocations=allocations, base=base, released=released, tranches=rows, inspections=inspections)


# ---------------------------------------------------------------------------- figures of a territory
def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def active_allocations_q(as_of: dt.date | None) -> Q:
    """Allocations in force at the end of ``as_of`` (None: now): made by then and not cancelled by then."""
    return _active_allocations(as_of)


def _active_allocations(as_of: dt.date | None) -> Q:
    if as_of is None:
        return Q(cancelled_at__isnull=True)
    end = _end_of(as_of)
    return Q(created_at__lt=end) & (Q(cancelled_at__isnull=True) | Q(cancelled_at__gte=end))


@dataclass
class MoneyFigures:
    """Money of a territory (or of everything an actor sees). Grants and loans are kept apart: a loan
    is recorded (``loans``) but never counted as support. Contributions (cash, materials, workdays) and
    pledges are counted by ``contributions.selectors.contribution_figures``."""

    received_by_source: dict[str, int]
    allocated_by_source: dict[str, int]
    allocated_by_portion: dict[str, int]
    released: int
    houses_released: int
    houses_allocated: int
    pool_balance: int

    @property
    def received(self) -> int:
        return sum(v for k, v in self.received_by_source.items() if k not in LOAN_SOURCES)

    @property
    def allocated(self) -> int:
        return sum(v for k, v in self.allocated_by_source.items() if k not in LOAN_SOURCES)

    @property
    def loans(self) -> int:
        return sum(v for k, v in self.allocated_by_source.items() if k in LOAN_SOURCES)

    @property
    def state_allocated(self) -> int:
        return self.allocated_by_portion.get(Portion.STATE, 0) + self.allocated_by_portion.get(Portion.TOPUP, 0)


def territory_filter(*, unit: AdminUnit | None, actor: Actor | None, prefix: str = "") -> Q:
    """Rows inside ``unit`` and inside the actor's territory (either may be None)."""
    q = Q()
    if unit is not None:
        q &= unit_q(unit, prefix=prefix)
    if actor is not None:
        q &= territory_q(actor, legacy_field=f"{prefix}unit_path", current_field=f"{prefix}unit_2025_path")
    return q


def money_figures(*, unit: AdminUnit | None = None, actor: Actor | None = None, campaign_id: int | None = None,
                  as_of: dt.date | None = None) -> MoneyFigures:
    """The money of ``unit`` (public pages: no actor) or of the actor's territory (dashboards), optionally
    of one campaign and as of the end of a day: received into the territory's pools by source,
    allocated to its houses by source and portion, released, and what its pools still hold. A fixed
    number of grouped queries, whatever the number of records."""
    pool_q = territory_filter(unit=unit, actor=actor, prefix="pool__")
    case_q = territory_filter(unit=unit, actor=actor, prefix="case__")
    if campaign_id:
        pool_q &= Q(pool__campaign_id=campaign_id)
        case_q &= Q(case__campaign_id=campaign_id)
    entries = PoolEntry.objects.filter(pool_q)
    if as_of:
        end = _end_of(as_of)
        entries = entries.filter(Q(kind=PoolEntry.Kind.RECEIPT, on_date__lte=as_of)
                                 | (~Q(kind=PoolEntry.Kind.RECEIPT) & Q(created_at__lt=end)))
    received: dict[str, int] = {}
    balance = 0
    for source, kind, total in entries.values_list("pool__source", "kind").annotate(t=Sum("amount")).order_by():
        if kind == PoolEntry.Kind.RECEIPT:
            received[source] = received.get(source, 0) + total
        if source not in LOAN_SOURCES:
            balance += -total if kind == PoolEntry.Kind.ALLOCATION else total
    allocations = Allocation.objects.filter(case_q, _active_allocations(as_of))
    by_source: dict[str, int] = {}
    by_portion: dict[str, int] = {}
    for source, portion, total in allocations.values_list("source", "portion").annotate(t=Sum("amount")).order_by():
        by_source[source] = by_source.get(source, 0) + total
        by_portion[portion] = by_portion.get(portion, 0) + total
    houses_allocated = allocations.exclude(source__in=LOAN_SOURCES).values("case_id").distinct().count()
    releases = Release.objects.filter(case_q)
    if as_of:
        releases = releases.filter(released_on__lte=as_of)
    totals = releases.aggregate(total=Sum("amount"))
    return MoneyFigures(received_by_source=received, allocated_by_source=by_source, allocated_by_portion=by_portion,
                        released=totals["total"] or 0, houses_released=releases.values("case_id").distinct().count(),
                        houses_allocated=houses_allocated, pool_balance=balance)


def release_figures(*, actor: Actor | None = None, unit: AdminUnit | None = None, campaign_id: int | None = None,
                    as_of: dt.date | None = None) -> dict:
    """Releases for a dashboard: total, houses, and per tranche (count, đồng)."""
    releases = Release.objects.filter(territory_filter(unit=unit, actor=actor, prefix="case__"))
    if campaign_id:
        releases = releases.filter(case__campaign_id=campaign_id)
    if as_of:
        releases = releases.filter(released_on__lte=as_of)
    per_tranche = [{"tranche": name, "order": order, "count": count, "amount": total} for name, order, count, total in
                   releases.values_list("tranche__name", "tranche__order").annotate(
                       c=Count("id"), t=Sum("amount")).order_by("tranche__order")]
    totals = releases.aggregate(total=Sum("amount"))
    return {"total": totals["total"] or 0, "houses": releases.values("case_id").distinct().count(),
            "per_tranche": per_tranche}


def money_version() -> int:
    """A number that changes after every committed money write (public pages key their cache on it)."""
    version = cache.get(MONEY_VERSION_KEY)
    if version is None:
        cache.add(MONEY_VERSION_KEY, 1, None)
        version = cache.get(MONEY_VERSION_KEY, 1)
    return version


def house_rows(*, unit: AdminUnit, limit: int = 2000) -> list[dict]:
    """The houses of a commune that received money, as a public page may show them (PRODUCT.md: masked
    name, village, strand, support type, amounts): three grouped queries, whatever the number of houses."""
    from housing_campaign.core.formatting import mask_name

    grants = (Allocation.objects.filter(unit_q(unit, prefix="case__"), cancelled_at__isnull=True)
              .exclude(source__in=LOAN_SOURCES).values_list("case_id", "portion").annotate(t=Sum("amount")).order_by())
    amounts: dict[int, dict[str, int]] = {}
    for case_id, portion, total in grants:
        amounts.setdefault(case_id, {})[portion] = total
    released = dict(Release.objects.filter(unit_q(unit, prefix="case__")).values_list("case_id")
                    .annotate(t=Sum("amount")).order_by())
    cases = (HousingCase.objects.filter(pk__in=list(amounts)[:limit])
             .values_list("pk", "household__head_name", "village__name", "strand__name", "support_type")
             .order_by("village__name", "household__head_name", "pk"))
    support_types = dict(HousingCase._meta.get_field("support_type").choices)
    rows = []
    for pk, name, village, strand, support_type in cases:
        portions = amounts.get(pk, {})
        rows.append({"name": mask_name(name), "village": village or "", "strand": strand,
                     "support_type": str(support_types.get(support_type, support_type)),
                     "state": portions.get(Portion.STATE, 0) + portions.get(Portion.TOPUP, 0),
                     "community": portions.get(Portion.COMMUNITY, 0), "household": portions.get(Portion.HOUSEHOLD, 0),
                     "released": released.get(pk, 0)})
    return rows


# ---------------------------------------------------------------------------- reconciliation
@dataclass
class ReconciliationRow:
    pool: FundingPool
    received: int           # sum of the ledger's receipts
    allocated: int          # allocations minus reversals in the ledger
    allocations_active: int  # sum of the pool's active allocations (the allocation records)
    balance: int            # the pool's own balance (its running totals)

    @property
    def computed_balance(self) -> int:
        return self.received - self.allocated

    @property
    def balances(self) -> bool:
        return (self.computed_balance == self.balance and self.received == self.pool.received
                and self.allocated == self.pool.allocated == self.allocations_active and self.balance >= 0)


@dataclass
class Reconciliation:
    rows: list[ReconciliationRow]

    @property
    def received(self) -> int:
        return sum(r.received for r in self.rows)

    @property
    def allocated(self) -> int:
        return sum(r.allocated for r in self.rows)

    @property
    def balance(self) -> int:
        return sum(r.balance for r in self.rows)

    @property
    def computed_balance(self) -> int:
        return self.received - self.allocated

    @property
    def allocations_active(self) -> int:
        return sum(r.allocations_active for r in self.rows)

    @property
    def balances(self) -> bool:
        return all(r.balances for r in self.rows) and self.computed_balance == self.balance


def reconciliation(pools: QuerySet[FundingPool]) -> Reconciliation:
    """Each pool recomputed from its ledger and its allocation records, against its running totals:
    received − allocated = balance, line by line and in total (three grouped queries)."""
    pools = list(pools.select_related("unit", "campaign").order_by("unit_path", "unit_2025_path", "source", "id"))
    ids = [p.pk for p in pools]
    ledger: dict[tuple[int, str], int] = {
        (pool_id, kind): total for pool_id, kind, total in PoolEntry.objects.filter(pool_id__in=ids)
        .values_list("pool_id", "kind").annotate(t=Sum("amount")).order_by()}
    active = dict(Allocation.objects.filter(pool_id__in=ids, cancelled_at__isnull=True).values_list("pool_id")
                  .annotate(t=Sum("amount")).order_by())
    rows = []
    for pool in pools:
        out = ledger.get((pool.pk, PoolEntry.Kind.ALLOCATION), 0) - ledger.get((pool.pk, PoolEntry.Kind.REVERSAL), 0)
        rows.append(ReconciliationRow(pool=pool, received=ledger.get((pool.pk, PoolEntry.Kind.RECEIPT), 0),
                                      allocated=out, allocations_active=active.get(pool.pk, 0), balance=pool.balance))
    return Reconciliation(rows)


def source_label(source: str) -> str:
    try:
        return str(FundingSource(source).label)
    except ValueError:
        return source


def is_state_source(source: str) -> bool:
    return source in STATE_SOURCES


# ---------------------------------------------------------------------------- a territory's parts
def child_units(unit: AdminUnit) -> list[AdminUnit]:
    """The units a territory page breaks its sums into: a legacy province's districts, a district's or a
    2025 province's communes (a commune has none)."""
    if unit.level == AdminUnit.Level.COMMUNE:
        return []
    return list(AdminUnit.objects.filter(parent=unit).order_by("name"))


def money_by_child(unit: AdminUnit, children: list[AdminUnit]) -> dict[int, dict[str, int]]:
    """{child id: {"received", "allocated", "state", "released", "houses"}}: grants only (no loans), in
    five grouped queries whatever the number of children and records."""
    legacy = unit.system == AdminUnit.System.LEGACY
    column = "unit_path" if legacy else "unit_2025_path"
    by_path = {c.path: c.pk for c in children}
    figures = {c.pk: {"received": 0, "allocated": 0, "state": 0, "released": 0, "houses": 0} for c in children}

    def child_of(path: str) -> int | None:
        for prefix, pk in by_path.items():
            if path and path.startswith(prefix):
                return pk
        return None

    pools = (FundingPool.objects.filter(unit_q(unit)).exclude(source__in=LOAN_SOURCES).values_list(column)
             .annotate(r=Sum("received")).order_by())
    for path, received in pools:
        if (pk := child_of(path)) is not None:
            figures[pk]["received"] += received
    if unit.level == AdminUnit.Level.PROVINCE and legacy:
        key = "case__commune__parent_id"
    else:
        key = "case__commune_id" if legacy else "case__commune_2025_id"
    grants = Allocation.objects.filter(unit_q(unit, prefix="case__"), cancelled_at__isnull=True).exclude(
        source__in=LOAN_SOURCES)
    for pk, portion, total in grants.values_list(key, "portion").annotate(t=Sum("amount")).order_by():
        if pk in figures:
            figures[pk]["allocated"] += total
            if portion in (Portion.STATE, Portion.TOPUP):
                figures[pk]["state"] += total
    for pk, houses in grants.values_list(key).annotate(h=Count("case_id", distinct=True)).order_by():
        if pk in figures:
            figures[pk]["houses"] = houses  # as the territory's own page counts them: any grant
    for pk, total in (Release.objects.filter(unit_q(unit, prefix="case__")).values_list(key)
                      .annotate(t=Sum("amount")).order_by()):
        if pk in figures:
            figures[pk]["released"] += total
    return figures

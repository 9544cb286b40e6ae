"""Evidence from the records, never retyped: what the product already knows about a participant's achievements,
read with a fixed number of grouped queries whatever the number of participants, cases or receipts (the
participant page and the suggestions ranking both use it).

Keyed by the record each figure belongs to, so that a participant (through its unit, donor, household or
account) and a candidate that is not a participant yet (a commune, a donor, a household, an official found in
the records) read the same numbers:

- a territory (a People's Committee's commune or district, a Front committee's unit): houses finished against
  the target and before each category deadline, from the aggregates the engine keeps (``reports.MilestoneDay``,
  ``reports.Target``, ``campaigns.CategoryDeadline``: the dashboard's own rules); money mobilised (receipts of
  the contributions ledger by kind, pledges, allocations to its houses by portion); public postings held;
  residents' complaints answered within each state's SLA, read from the event log;
- a donor: its receipts by kind (value; workdays counted in days), houses helped, pledges (the ledger);
- a household: what it put into its own house (allocations of the household's portion: its cash, materials and
  workdays), and the workdays it recorded;
- an official (a user account): cases handled (distinct cases on which they took a transition or cast a vote,
  and how many actions), from the event log;
- a participant: initiatives recorded and adopted; registration, plan and reports against the deadlines.

Each figure says where it comes from: a link to the desk list that shows the underlying records, when there is
one. "As of" is today: the suggestions page and a nomination's snapshot say the day.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext

from housing_campaign.campaigns.models import Campaign, Category, CategoryDeadline
from housing_campaign.core.formatting import format_date, format_number, format_vnd
from housing_campaign.geography.models import AdminUnit

from .models import EvidenceKey, Participant

# Beyond this many territories a path filter would be a very long OR: the query reads the whole campaign
# (one row per commune and category at most) and the matching is done here.
MAX_PATH_FILTERS = 200
TERRITORY_KINDS = frozenset({Participant.Kind.PEOPLES_COMMITTEE})
MOBILISING_KINDS = frozenset({Participant.Kind.PEOPLES_COMMITTEE, Participant.Kind.FRONT_ORGANISATION})


# ---------------------------------------------------------------------------- territories by path
class PathIndex:
    """Keys (participants, units) by the path of their unit; a row's paths (legacy, 2025) find every key whose
    unit contains it. Paths carry their system ("L.62.610.23344.", "N.51.23345."), so one index serves both."""

    def __init__(self):
        self.keys: dict[str, list] = defaultdict(list)

    def add(self, key, path: str) -> None:
        if path and key not in self.keys[path]:
            self.keys[path].append(key)

    def __bool__(self) -> bool:
        return bool(self.keys)

    def find(self, *paths: str) -> set:
        found: set = set()
        for path in paths:
            if not path:
                continue
            parts = path.split(".")
            for i in range(2, len(parts)):
                found.update(self.keys.get(".".join(parts[:i]) + ".", ()))
        return found

    def q(self, legacy_field: str, current_field: str | None = None) -> Q:
        """Rows under any indexed path (everything when there are too many to list)."""
        if len(self.keys) > MAX_PATH_FILTERS:
            return Q()
        q = Q(pk__in=[])
        for path in self.keys:
            column = legacy_field if path.startswith("L.") or current_field is None else current_field
            q |= Q(**{f"{column}__startswith": path})
        return q


def unit_index(units) -> PathIndex:
    index = PathIndex()
    for unit in units:
        index.add(unit.pk, unit.path)
    return index


# ---------------------------------------------------------------------------- houses against targets
@dataclass
class DeadlineFigure:
    label: str
    due_on: dt.date
    target: int | None
    finished: int


@dataclass
class Houses:
    target: int = 0
    finished: int = 0
    handed_over: int = 0
    finished_on_time: int = 0   # each house counted if finished by its category's deadline
    deadlines: list[DeadlineFigure] = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        return round(100 * self.finished / self.target, 1) if self.target else None

    @property
    def on_time(self) -> bool:
        """Every house of the target finished, each by the deadline of its category."""
        return self.target > 0 and self.finished_on_time >= self.target


def _deadline_days(campaign: Campaign) -> tuple[list[CategoryDeadline], dict[str, dt.date], dt.date]:
    """The campaign's category deadlines, {category: its deadline}, and the deadline of every other category
    (the blank one, else the campaign's end)."""
    deadlines = list(CategoryDeadline.objects.filter(campaign=campaign).order_by("deadline", "category"))
    own = {d.category: d.deadline for d in deadlines if d.category}
    others = next((d.deadline for d in deadlines if not d.category), campaign.ends_on)
    return deadlines, own, others


def houses_by_unit(campaign: Campaign, units: list[AdminUnit], *, today: dt.date | None = None) -> dict[int, Houses]:
    """{unit id: houses} for territories (communes, districts, provinces; legacy or 2025): three queries."""
    from housing_campaign.reports.models import Milestone, MilestoneDay, Target

    result = {u.pk: Houses() for u in units}
    if not units:
        return result
    deadlines, own, others = _deadline_days(campaign)
    days = sorted({*own.values(), others})
    index = unit_index(units)
    per_category: dict[int, dict[str, dict]] = {u.pk: defaultdict(lambda: defaultdict(int)) for u in units}
    sums = {f"by_{i}": Sum("count", filter=Q(day__lte=day)) for i, day in enumerate(days)}
    rows = (MilestoneDay.objects.filter(index.q("unit_path", "unit_2025_path"), campaign_id=campaign.pk,
                                        milestone__in=[Milestone.FINISHED, Milestone.HANDED_OVER])
            .values("unit_path", "unit_2025_path", "category", "milestone").annotate(total=Sum("count"), **sums)
            .order_by())
    for row in rows:
        for unit_id in index.find(row["unit_path"], row["unit_2025_path"]):
            entry = per_category[unit_id][row["category"]]
            entry[row["milestone"]] += row["total"] or 0
            if row["milestone"] == Milestone.FINISHED:
                for i, day in enumerate(days):
                    entry[day] += row[f"by_{i}"] or 0
    targets = _targets(campaign, units, Target)
    labels = dict(Category.choices)
    for unit in units:
        houses = result[unit.pk]
        found = per_category[unit.pk]
        houses.finished = sum(v[Milestone.FINISHED] for v in found.values())
        houses.handed_over = sum(v[Milestone.HANDED_OVER] for v in found.values())
        houses.finished_on_time = sum(v[own.get(c, others)] for c, v in found.items())
        total, by_category = targets.get(unit.pk, (0, {}))
        houses.target = total
        for deadline in deadlines:
            if deadline.category:
                target = by_category.get(deadline.category)
                finished = found.get(deadline.category, {}).get(deadline.deadline, 0)
                label = str(labels.get(deadline.category, deadline.category))
            else:
                rest = total - sum(by_category.get(c, 0) for c in own)
                target = rest if rest > 0 else None
                finished = sum(v[deadline.deadline] for c, v in found.items() if c not in own)
                label = gettext("mọi đối tượng khác") if own else gettext("mọi đối tượng")
            houses.deadlines.append(DeadlineFigure(label=label, due_on=deadline.deadline, target=target,
                                                   finished=finished))
    return result


def _top_most(rows: list[tuple[str, int]]) -> int:
    """The sum of targets entered for units none of which lies inside another of them (a district's and its
    communes' targets are not added twice)."""
    kept: list[str] = []
    total = 0
    for path, houses in sorted(rows, key=lambda r: len(r[0])):
        if any(path.startswith(k) for k in kept):
            continue
        kept.append(path)
        total += houses
    return total


def _targets(campaign: Campaign, units: list[AdminUnit], Target) -> dict[int, tuple[int, dict[str, int]]]:
    """{unit id: (target, {category: target})}: the unit's own target when entered, else the sum of the
    targets entered for the units inside it (or, for a 2025 unit, for the legacy units merged into it), as the
    dashboard reads them (``reports.figures``). One query."""
    entered = list(Target.objects.filter(campaign=campaign).values_list(
        "unit_id", "unit_path", "unit__successor_id", "category", "support_type", "houses"))
    found = {}
    for unit in units:
        own = {c: h for u, _p, _s, c, s, h in entered if u == unit.pk and not s}
        inside = [(p, c, h) for u, p, _s, c, s, h in entered if u != unit.pk and not s and p.startswith(unit.path)]
        if not inside and unit.system == AdminUnit.System.CURRENT:
            inside = [(p, c, h) for _u, p, succ, c, s, h in entered if succ == unit.pk and not s]
        total = own[""] if "" in own else _top_most([(p, h) for p, c, h in inside if not c])
        categories = {c for _p, c, _h in inside if c} | {c for c in own if c}
        by_category = {c: own[c] if c in own else _top_most([(p, h) for p, cc, h in inside if cc == c])
                       for c in categories}
        found[unit.pk] = (total, by_category)
    return found


# ---------------------------------------------------------------------------- money mobilised in a territory
@dataclass
class Money:
    received: int = 0                      # receipts of the contributions ledger (cash, materials, workdays)
    by_kind: dict[str, int] = field(default_factory=dict)
    receipts: int = 0
    workdays: Decimal = Decimal(0)
    pledged: int = 0
    allocated: dict[str, int] = field(default_factory=dict)   # to its houses, by portion (loans excluded)

    @property
    def allocated_total(self) -> int:
        return sum(self.allocated.values())


def money_by_unit(campaign: Campaign, units: list[AdminUnit], *, front_units: list[AdminUnit] = ()) \
        -> tuple[dict[int, Money], dict[int, Money]]:
    """({unit id: money of the territory}, {unit id: money received by the Front committees in it}): what was
    received into the territory's pools and houses (the ledger), promised, and allocated to its houses by
    portion; and for Front organisations, what their committees received. Up to five grouped queries."""
    from housing_campaign.contributions.models import Contribution, Pledge
    from housing_campaign.funding.models import LOAN_SOURCES, Allocation

    territory = {u.pk: Money() for u in units}
    front = {u.pk: Money() for u in front_units}
    index = unit_index(units)
    if index:
        for row in (Contribution.objects.filter(index.q("unit_path", "unit_2025_path"), campaign=campaign)
                    .values("unit_path", "unit_2025_path", "kind")
                    .annotate(v=Sum("received_amount"), n=Count("id"), q=Sum("quantity")).order_by()):
            for unit_id in index.find(row["unit_path"], row["unit_2025_path"]):
                _add_receipts(territory[unit_id], row)
        for row in (Pledge.objects.filter(index.q("unit_path", "unit_2025_path"), campaign=campaign)
                    .values("unit_path", "unit_2025_path").annotate(v=Sum("amount")).order_by()):
            for unit_id in index.find(row["unit_path"], row["unit_2025_path"]):
                territory[unit_id].pledged += row["v"] or 0
        for row in (Allocation.objects.filter(index.q("case__unit_path", "case__unit_2025_path"),
                                              case__campaign=campaign, cancelled_at__isnull=True)
                    .exclude(source__in=LOAN_SOURCES).values("case__unit_path", "case__unit_2025_path", "portion")
                    .annotate(v=Sum("amount")).order_by()):
            for unit_id in index.find(row["case__unit_path"], row["case__unit_2025_path"]):
                allocated = territory[unit_id].allocated
                allocated[row["portion"]] = allocated.get(row["portion"], 0) + (row["v"] or 0)
    index = unit_index(front_units)
    if index:
        for row in (Contribution.objects.filter(index.q("front_unit__path"), campaign=campaign)
                    .values("front_unit__path", "kind")
                    .annotate(v=Sum("received_amount"), n=Count("id"), q=Sum("quantity")).order_by()):
            for unit_id in index.find(row["front_unit__path"]):
                _add_receipts(front[unit_id], row)
        for row in (Pledge.objects.filter(index.q("front_unit__path"), campaign=campaign)
                    .values("front_unit__path").annotate(v=Sum("amount")).order_by()):
            for unit_id in index.find(row["front_unit__path"]):
                front[unit_id].pledged += row["v"] or 0
    return territory, front


def _add_receipts(money: Money, row: dict) -> None:
    value = row["v"] or 0
    money.received += value
    money.by_kind[row["kind"]] = money.by_kind.get(row["kind"], 0) + value
    money.receipts += row["n"] or 0
    if row["kind"] == "workdays":
        money.workdays += row["q"] or 0


# ---------------------------------------------------------------------------- postings and complaints
@dataclass
class Postings:
    held: int = 0
    review_lists: int = 0
    results: int = 0
    cases: int = 0


def postings_by_unit(campaign: Campaign, units: list[AdminUnit]) -> dict[int, Postings]:
    """{unit id: public postings held (not cancelled), by kind, and the houses listed}: one query."""
    from housing_campaign.postings.models import Posting

    found = {u.pk: Postings() for u in units}
    index = unit_index(units)
    if not index:
        return found
    for row in (Posting.objects.filter(index.q("unit_path", "unit_2025_path"), campaign=campaign,
                                       cancelled_at__isnull=True)
                .values("unit_path", "unit_2025_path", "kind")
                .annotate(n=Count("id", distinct=True), cases=Count("entries")).order_by()):
        for unit_id in index.find(row["unit_path"], row["unit_2025_path"]):
            entry = found[unit_id]
            entry.held += row["n"]
            entry.cases += row["cases"]
            if row["kind"] == Posting.Kind.REVIEW_LIST:
                entry.review_lists += row["n"]
            else:
                entry.results += row["n"]
    return found


@dataclass
class Complaints:
    received: int = 0
    answered: int = 0
    answered_in_time: int = 0
    waiting_overdue: int = 0

    @property
    def percent_in_time(self) -> float | None:
        return round(100 * self.answered_in_time / self.answered, 1) if self.answered else None


def complaints_by_unit(campaign: Campaign, units: list[AdminUnit], *, now: dt.datetime | None = None) \
        -> dict[int, Complaints]:
    """{unit id: residents' feedback received, answered, answered in time, waiting past its time}: three
    queries. "In time": before its first answer, the feedback never stayed in a state longer than that state's
    SLA (``workflow.WorkflowState.sla_days``), read from the event log; feedback marked as spam is not counted."""
    from housing_campaign.core.models import DocumentEvent
    from housing_campaign.feedback.models import Feedback
    from housing_campaign.feedback.services import ANSWERED_STATE
    from housing_campaign.workflow.models import WorkflowState

    now = now or timezone.now()
    found = {u.pk: Complaints() for u in units}
    index = unit_index(units)
    if not index:
        return found
    feedback = Feedback.objects.filter(index.q("unit_path", "unit_2025_path"),
                                       Q(campaign=campaign) | Q(campaign__isnull=True))
    rows = list(feedback.values_list("pk", "unit_path", "unit_2025_path", "workflow_id", "state", "state_since"))
    if not rows:
        return found
    states = {(d, code): (sla, terminal, stage) for d, code, sla, terminal, stage in WorkflowState.objects.filter(
        definition__doctype=Feedback.DOCTYPE).values_list("definition_id", "code", "sla_days", "is_terminal",
                                                          "stage")}
    visits: dict[int, list[tuple[dt.datetime, str]]] = defaultdict(list)
    for object_id, at, to_state in (DocumentEvent.objects.filter(
            doctype=Feedback.DOCTYPE, object_id__in=feedback.values("pk"),
            kind__in=[DocumentEvent.Kind.CREATED, DocumentEvent.Kind.TRANSITION, DocumentEvent.Kind.MIGRATED])
            .order_by("object_id", "at", "id").values_list("object_id", "at", "to_state")):
        visits[object_id].append((at, to_state))
    for pk, path, path_2025, workflow_id, state, state_since in rows:
        sla, terminal, _stage = states.get((workflow_id, state), (None, False, ""))
        seen = visits.get(pk) or [(state_since, state)]
        answered_at = next((at for at, to in seen if to == ANSWERED_STATE), None)
        if answered_at is None and terminal:
            continue  # spam: closed without an answer
        late = False
        for (start, visited), following in zip(seen, [*seen[1:], (now, None)]):
            if start >= (answered_at or now):
                break
            end = min(following[0], answered_at or now)
            days = states.get((workflow_id, visited), (None,))[0]
            if days is not None and (end - start).total_seconds() > days * 86400:
                late = True
                break
        for unit_id in index.find(path, path_2025):
            entry = found[unit_id]
            entry.received += 1
            if answered_at is not None:
                entry.answered += 1
                entry.answered_in_time += not late
            elif late:
                entry.waiting_overdue += 1
    return found


# ---------------------------------------------------------------------------- donors, households, officials
@dataclass
class Gifts:
    received: int = 0                     # given (own share on the giver's own house excluded)
    by_kind: dict[str, int] = field(default_factory=dict)
    workdays: Decimal = Decimal(0)
    receipts: int = 0
    houses: int = 0
    pledged: int = 0
    own_share: int = 0                    # recorded as the household's own share on its own house


def gifts_by_donor(campaign: Campaign, donor_ids=None) -> dict[int, Gifts]:
    """{donor id: what they gave in the campaign (ledger receipts by kind, workdays in days, houses they helped,
    pledges)}: three grouped queries. ``donor_ids`` None: every donor who gave or pledged."""
    from housing_campaign.contributions.models import Contribution, Pledge

    receipts = Contribution.objects.filter(campaign=campaign, donor__isnull=False)
    pledges = Pledge.objects.filter(campaign=campaign)
    if donor_ids is not None:
        donor_ids = list(donor_ids)
        receipts, pledges = receipts.filter(donor_id__in=donor_ids), pledges.filter(donor_id__in=donor_ids)
    found: dict[int, Gifts] = defaultdict(Gifts)
    for row in (receipts.values("donor_id", "kind", "own_share")
                .annotate(v=Sum("received_amount"), n=Count("id"), q=Sum("quantity")).order_by()):
        gifts = found[row["donor_id"]]
        if row["own_share"]:
            gifts.own_share += row["v"] or 0
            continue
        gifts.received += row["v"] or 0
        gifts.by_kind[row["kind"]] = gifts.by_kind.get(row["kind"], 0) + (row["v"] or 0)
        gifts.receipts += row["n"] or 0
        if row["kind"] == "workdays":
            gifts.workdays += row["q"] or 0
    for row in (receipts.filter(own_share=False, earmarked_case__isnull=False).values("donor_id")
                .annotate(h=Count("earmarked_case", distinct=True)).order_by()):
        found[row["donor_id"]].houses = row["h"]
    for row in pledges.values("donor_id").annotate(v=Sum("amount")).order_by():
        found[row["donor_id"]].pledged = row["v"] or 0
    return dict(found)


@dataclass
class OwnShare:
    total: int = 0
    by_source: dict[str, int] = field(default_factory=dict)
    workdays: Decimal = Decimal(0)


def own_share_by_household(campaign: Campaign, household_ids=None) -> dict[int, OwnShare]:
    """{household id: what it put into its own house} ("hộ gia đình tự tổ chức"): allocations of the household's
    portion to its case (its cash, materials, workdays) not cancelled, and the workdays of its own-share
    receipts. Two grouped queries; ``household_ids`` None: every household that did."""
    from housing_campaign.contributions.models import Contribution
    from housing_campaign.funding.models import Allocation, Portion

    allocations = Allocation.objects.filter(case__campaign=campaign, portion=Portion.HOUSEHOLD,
                                            cancelled_at__isnull=True)
    days = Contribution.objects.filter(campaign=campaign, own_share=True, kind="workdays",
                                       earmarked_case__isnull=False)
    if household_ids is not None:
        household_ids = list(household_ids)
        allocations = allocations.filter(case__household_id__in=household_ids)
        days = days.filter(earmarked_case__household_id__in=household_ids)
    found: dict[int, OwnShare] = defaultdict(OwnShare)
    for household_id, source, amount in (allocations.values_list("case__household_id", "source")
                                         .annotate(v=Sum("amount")).order_by()):
        share = found[household_id]
        share.total += amount or 0
        share.by_source[source] = share.by_source.get(source, 0) + (amount or 0)
    for household_id, quantity in (days.values_list("earmarked_case__household_id").annotate(q=Sum("quantity"))
                                   .order_by()):
        found[household_id].workdays += quantity or 0
    return dict(found)


@dataclass
class Work:
    cases: int = 0
    actions: int = 0


def work_by_user(campaign: Campaign, user_ids=None) -> dict[int, Work]:
    """{user id: distinct cases of the campaign on which they took a transition or cast a vote, and how many
    such actions}: one grouped query over the event log. ``user_ids`` None: everyone who acted."""
    from housing_campaign.cases.models import HousingCase
    from housing_campaign.core.models import DocumentEvent

    events = DocumentEvent.objects.filter(
        doctype=HousingCase.DOCTYPE, kind__in=[DocumentEvent.Kind.TRANSITION, DocumentEvent.Kind.APPROVAL],
        actor__isnull=False, object_id__in=HousingCase.objects.filter(campaign=campaign).values("pk"))
    if user_ids is not None:
        events = events.filter(actor_id__in=list(user_ids))
    return {row["actor_id"]: Work(cases=row["cases"], actions=row["actions"]) for row in
            events.values("actor_id").annotate(cases=Count("object_id", distinct=True), actions=Count("id"))
            .order_by()}


@dataclass
class Ideas:
    recorded: int = 0
    adopted: int = 0


def initiatives_by_participant(campaign: Campaign, participant_ids) -> dict[int, Ideas]:
    from .models import Initiative

    return {row["author_id"]: Ideas(recorded=row["n"], adopted=row["adopted"]) for row in
            Initiative.objects.filter(campaign=campaign, author_id__in=list(participant_ids))
            .values("author_id").annotate(n=Count("id"), adopted=Count("id", filter=Q(adopted_on__isnull=False)))
            .order_by()}


@dataclass
class Reporting:
    registered_on: dt.date | None = None
    plan: object = None                    # the plan submission
    due: int = 0                           # deadlines already due for the participant's group
    on_time: int = 0
    late: int = 0                          # sent after the due date
    missing: int = 0                       # due and not sent
    rows: list = field(default_factory=list)   # lateness rows (selectors.DeadlineStatus)


def reporting_by_participant(campaign: Campaign, participants: list[Participant], *,
                             today: dt.date | None = None) -> dict[int, Reporting]:
    """{participant id: registration date, plan, and each deadline of its group: sent on time, late or not
    yet}: three queries."""
    from .selectors import deadline_statuses

    found = {p.pk: Reporting() for p in participants}
    from .models import Registration

    for participant_id, day in Registration.objects.filter(participant__in=[p.pk for p in participants]) \
            .values_list("participant_id", "registered_on"):
        found[participant_id].registered_on = day
    for status in deadline_statuses(campaign, participants, today=today):
        entry = found[status.participant.pk]
        entry.rows.append(status)
        if status.submission is not None and status.submission.kind == "plan" and entry.plan is None:
            entry.plan = status.submission
        if status.is_due or status.submission is not None:
            entry.due += 1
            if status.state == "on_time":
                entry.on_time += 1
            elif status.state == "late":
                entry.late += 1
            elif status.state == "missing":
                entry.missing += 1
    return found


# ---------------------------------------------------------------------------- one book for many participants
@dataclass
class Figure:
    label: str
    value: str
    url: str = ""


@dataclass
class Proof:
    """What the records show for one evidence key of one participant."""

    key: str
    label: str
    figures: list[Figure] = field(default_factory=list)
    applies: bool = True
    summary: str = ""
    data: dict = field(default_factory=dict)


class EvidenceBook:
    """The evidence of a list of participants of one campaign, computed at once (a fixed number of queries:
    at most about twenty, whatever the number of participants), read per participant and key."""

    def __init__(self, campaign: Campaign, participants: list[Participant], *, today: dt.date | None = None):
        self.campaign = campaign
        self.today = today or timezone.localdate()
        self.participants = list(participants)
        territory_units = {p.unit_id: p.unit for p in self.participants if p.kind in TERRITORY_KINDS}
        front_units = {p.unit_id: p.unit for p in self.participants
                       if p.kind == Participant.Kind.FRONT_ORGANISATION}
        units = list(territory_units.values())
        self.houses = houses_by_unit(campaign, units, today=self.today)
        self.money, self.front_money = money_by_unit(campaign, units, front_units=list(front_units.values()))
        self.postings = postings_by_unit(campaign, units)
        self.complaints = complaints_by_unit(campaign, units)
        donor_ids = {p.donor_id for p in self.participants if p.donor_id}
        self.gifts = gifts_by_donor(campaign, donor_ids) if donor_ids else {}
        household_ids = {p.household_id for p in self.participants if p.household_id}
        self.own_share = own_share_by_household(campaign, household_ids) if household_ids else {}
        user_ids = {p.user_id for p in self.participants if p.user_id}
        self.work = work_by_user(campaign, user_ids) if user_ids else {}
        self.ideas = initiatives_by_participant(campaign, [p.pk for p in self.participants]) \
            if self.participants else {}
        collective = [p for p in self.participants if p.is_collective]
        self.reporting = reporting_by_participant(campaign, collective, today=self.today) if collective else {}

    def proof(self, participant: Participant, key: str) -> Proof:
        builder = _BUILDERS.get(key)
        label = str(EvidenceKey(key).label) if key in EvidenceKey.values else key
        proof = Proof(key=key, label=label)
        if builder is None:
            proof.applies = False
            return proof
        builder(self, participant, proof)
        return proof

    def proofs(self, participant: Participant, keys) -> list[Proof]:
        return [self.proof(participant, key) for key in keys]

    def all_proofs(self, participant: Participant) -> list[Proof]:
        """Every computed key that applies to the participant."""
        return [p for p in self.proofs(participant, [k for k in EvidenceKey.values if k != EvidenceKey.MANUAL])
                if p.applies]


def _not_applicable(proof: Proof, why: str) -> None:
    proof.applies = False
    proof.summary = why


def _dashboard_url(unit: AdminUnit, campaign: Campaign) -> str:
    return reverse("reports:dashboard") + "?" + urlencode(
        {"ct": campaign.code, "dv": unit.code, "he": "legacy" if unit.system == AdminUnit.System.LEGACY else "2025"})


def _houses(book: EvidenceBook, p: Participant, proof: Proof) -> None:
    if p.kind not in TERRITORY_KINDS:
        return _not_applicable(proof, gettext("Chỉ tính cho Ủy ban nhân dân cấp huyện, cấp xã."))
    h = book.houses.get(p.unit_id, Houses())
    url = _dashboard_url(p.unit, book.campaign)
    proof.figures.append(Figure(gettext("Nhà hoàn thành / chỉ tiêu"),
                                f"{h.finished} / {h.target}" + (f" ({format_number(h.percent, 1)}%)"
                                                                 if h.percent is not None else ""), url))
    proof.figures.append(Figure(gettext("Nhà đã bàn giao"), str(h.handed_over), url))
    for d in h.deadlines:
        proof.figures.append(Figure(
            gettext("Hoàn thành trước hạn %(day)s (%(who)s)") % {"day": format_date(d.due_on), "who": d.label},
            f"{d.finished} / {d.target}" if d.target is not None else str(d.finished), url))
    proof.figures.append(Figure(gettext("Hoàn thành toàn bộ chỉ tiêu đúng hạn"),
                                gettext("Có") if h.on_time else gettext("Chưa")))
    if h.finished or h.target:
        proof.summary = gettext("hoàn thành %(finished)s/%(target)s nhà theo chỉ tiêu%(on_time)s") % {
            "finished": h.finished, "target": h.target,
            "on_time": gettext(", tất cả đúng hạn") if h.on_time else ""}
    proof.data = {"target": h.target, "finished": h.finished, "handed_over": h.handed_over,
                  "finished_on_time": h.finished_on_time, "on_time": h.on_time,
                  "deadlines": [{"due_on": d.due_on.isoformat(), "who": d.label, "target": d.target,
                                 "finished": d.finished} for d in h.deadlines]}


def _money(book: EvidenceBook, p: Participant, proof: Proof) -> None:
    from housing_campaign.contributions.models import Kind
    from housing_campaign.funding.models import Portion

    if p.kind not in MOBILISING_KINDS:
        return _not_applicable(proof, gettext("Chỉ tính cho Ủy ban nhân dân và tổ chức Mặt trận."))
    front = p.kind == Participant.Kind.FRONT_ORGANISATION
    m = (book.front_money if front else book.money).get(p.unit_id, Money())
    url = reverse("donations:home") if front else _dashboard_url(p.unit, book.campaign)
    proof.figures.append(Figure(gettext("Đóng góp, ủng hộ đã nhận") if not front else
                                gettext("Đóng góp, ủng hộ Mặt trận đã tiếp nhận"),
                                gettext("%(value)s (%(n)s biên nhận)") % {"value": format_vnd(m.received),
                                                                          "n": m.receipts}, url))
    for kind, label in Kind.choices:
        if m.by_kind.get(kind):
            value = format_vnd(m.by_kind[kind])
            if kind == Kind.WORKDAYS:
                value += " – " + gettext("%(days)s ngày công") % {"days": format_number(m.workdays)}
            proof.figures.append(Figure(f"– {label}", value, url))
    proof.figures.append(Figure(gettext("Cam kết ủng hộ"), format_vnd(m.pledged), url))
    if not front:
        portions = dict(Portion.choices)
        for portion in (Portion.STATE, Portion.TOPUP, Portion.COMMUNITY, Portion.HOUSEHOLD):
            if m.allocated.get(portion):
                proof.figures.append(Figure(gettext("Phân bổ cho nhà của địa bàn: %(portion)s") % {
                    "portion": str(portions[portion]).lower()}, format_vnd(m.allocated[portion]), url))
    if m.received:
        proof.summary = gettext("huy động %(value)s đóng góp, ủng hộ") % {"value": format_vnd(m.received)}
    proof.data = {"received": m.received, "by_kind": m.by_kind, "workdays": str(m.workdays), "pledged": m.pledged,
                  "receipts": m.receipts, "allocated": m.allocated}


def _postings(book: EvidenceBook, p: Participant, proof: Proof) -> None:
    if p.kind not in TERRITORY_KINDS:
        return _not_applicable(proof, gettext("Chỉ tính cho Ủy ban nhân dân cấp huyện, cấp xã."))
    n = book.postings.get(p.unit_id, Postings())
    url = reverse("postings:list") + (f"?commune={p.unit_id}" if p.unit.level == AdminUnit.Level.COMMUNE else "")
    proof.figures.append(Figure(gettext("Đợt niêm yết công khai"), str(n.held), url))
    proof.figures.append(Figure(gettext("– danh sách bình xét / kết quả hỗ trợ"),
                                f"{n.review_lists} / {n.results}", url))
    proof.figures.append(Figure(gettext("Lượt hộ được niêm yết"), str(n.cases), url))
    if n.held:
        proof.summary = gettext("niêm yết công khai %(n)s đợt") % {"n": n.held}
    proof.data = {"held": n.held, "review_lists": n.review_lists, "results": n.results, "cases": n.cases}


def _complaints(book: EvidenceBook, p: Participant, proof: Proof) -> None:
    if p.kind not in TERRITORY_KINDS:
        return _not_applicable(proof, gettext("Chỉ tính cho Ủy ban nhân dân cấp huyện, cấp xã."))
    c = book.complaints.get(p.unit_id, Complaints())
    url = reverse("feedback:list") + (f"?commune={p.unit_id}" if p.unit.level == AdminUnit.Level.COMMUNE else "")
    proof.figures.append(Figure(gettext("Phản ánh của người dân đã nhận"), str(c.received), url))
    proof.figures.append(Figure(gettext("Đã trả lời / trong đó đúng hạn"), f"{c.answered} / {c.answered_in_time}"
                                + (f" ({format_number(c.percent_in_time, 1)}%)" if c.percent_in_time is not None
                                   else ""), url))
    proof.figures.append(Figure(gettext("Chưa trả lời, đã quá hạn"), str(c.waiting_overdue), url))
    if c.answered:
        proof.summary = gettext("trả lời đúng hạn %(in_time)s/%(answered)s phản ánh") % {
            "in_time": c.answered_in_time, "answered": c.answered}
    proof.data = {"received": c.received, "answered": c.answered, "answered_in_time": c.answered_in_time,
                  "waiting_overdue": c.waiting_overdue}


def _contributions(book: EvidenceBook, p: Participant, proof: Proof) -> None:
    from housing_campaign.campaigns.models import FundingSource
    from housing_campaign.contributions.models import Kind

    if not p.donor_id and not p.household_id:
        return _not_applicable(proof, gettext("Đối tượng chưa được gắn với người ủng hộ trong sổ đóng góp hoặc "
                                              "với hộ gia đình."))
    parts = []
    g = book.gifts.get(p.donor_id, Gifts()) if p.donor_id else None
    # A household's receipts may all be its own share on its own house: those show below, not as gifts.
    if g is not None and (g.received or not p.household_id):
        url = reverse("donations:donor", args=[p.donor_id])
        proof.figures.append(Figure(gettext("Đã đóng góp, ủng hộ (theo biên nhận)"),
                                    gettext("%(value)s (%(n)s biên nhận)") % {"value": format_vnd(g.received),
                                                                              "n": g.receipts}, url))
        for kind, label in Kind.choices:
            if g.by_kind.get(kind):
                value = format_vnd(g.by_kind[kind])
                if kind == Kind.WORKDAYS:
                    value += " – " + gettext("%(days)s ngày công") % {"days": format_number(g.workdays)}
                proof.figures.append(Figure(f"– {label}", value, url))
        proof.figures.append(Figure(gettext("Số nhà được giúp trực tiếp"), str(g.houses), url))
        proof.figures.append(Figure(gettext("Cam kết ủng hộ"), format_vnd(g.pledged), url))
        if g.received:
            parts.append(gettext("đóng góp %(value)s") % {"value": format_vnd(g.received)})
        if g.workdays:
            parts.append(gettext("%(days)s ngày công") % {"days": format_number(g.workdays)})
        proof.data["donor"] = {"received": g.received, "by_kind": g.by_kind, "workdays": str(g.workdays),
                               "houses": g.houses, "pledged": g.pledged, "receipts": g.receipts}
    if p.household_id:
        s = book.own_share.get(p.household_id, OwnShare())
        sources = dict(FundingSource.choices)
        proof.figures.append(Figure(gettext("Phần tự có góp vào nhà của hộ"), format_vnd(s.total)))
        for source, amount in sorted(s.by_source.items()):
            proof.figures.append(Figure(f"– {sources.get(source, source)}", format_vnd(amount)))
        proof.figures.append(Figure(gettext("Ngày công tự làm"), format_number(s.workdays)))
        if s.total:
            parts.append(gettext("tự góp %(value)s vào nhà của hộ") % {"value": format_vnd(s.total)})
        if s.workdays:
            parts.append(gettext("%(days)s ngày công tự làm") % {"days": format_number(s.workdays)})
        proof.data["own_share"] = {"total": s.total, "by_source": s.by_source, "workdays": str(s.workdays)}
    proof.summary = ", ".join(parts)


def _official_work(book: EvidenceBook, p: Participant, proof: Proof) -> None:
    ideas = book.ideas.get(p.pk, Ideas())
    if not p.user_id and p.kind != Participant.Kind.OFFICIAL:
        return _not_applicable(proof, gettext("Chỉ tính cho cán bộ, công chức, viên chức."))
    if p.user_id:
        w = book.work.get(p.user_id, Work())
        proof.figures.append(Figure(gettext("Hồ sơ đã xử lý (chuyển bước, biểu quyết)"),
                                    gettext("%(cases)s hồ sơ, %(actions)s lượt") % {"cases": w.cases,
                                                                                 "actions": w.actions}))
        proof.data["work"] = {"cases": w.cases, "actions": w.actions}
    else:
        proof.figures.append(Figure(gettext("Hồ sơ đã xử lý"), gettext("chưa gắn tài khoản cán bộ")))
    _ideas_figures(proof, p, ideas)
    parts = []
    if proof.data.get("work", {}).get("cases"):
        parts.append(gettext("xử lý %(cases)s hồ sơ") % {"cases": proof.data["work"]["cases"]})
    if ideas.recorded:
        parts.append(_ideas_summary(ideas))
    proof.summary = ", ".join(parts)


def _ideas_figures(proof: Proof, p: Participant, ideas: Ideas) -> None:
    url = reverse("emulation:initiatives") + f"?author={p.pk}"
    proof.figures.append(Figure(gettext("Sáng kiến, đề xuất đã ghi nhận / được áp dụng"),
                                f"{ideas.recorded} / {ideas.adopted}", url))
    proof.data["initiatives"] = {"recorded": ideas.recorded, "adopted": ideas.adopted}


def _initiatives(book: EvidenceBook, p: Participant, proof: Proof) -> None:
    ideas = book.ideas.get(p.pk, Ideas())
    _ideas_figures(proof, p, ideas)
    if ideas.recorded:
        proof.summary = _ideas_summary(ideas)


def _ideas_summary(ideas: Ideas) -> str:
    return gettext("có %(n)s sáng kiến, đề xuất (%(adopted)s được áp dụng)") % {"n": ideas.recorded,
                                                                              "adopted": ideas.adopted}


def _reports(book: EvidenceBook, p: Participant, proof: Proof) -> None:
    if not p.is_collective:
        return _not_applicable(proof, gettext("Chỉ cơ quan, đơn vị, tổ chức đăng ký và báo cáo."))
    r = book.reporting.get(p.pk, Reporting())
    if not r.rows and r.registered_on is None:
        return _not_applicable(proof, gettext("Chưa có hạn nộp kế hoạch, báo cáo cho nhóm này."))
    url = reverse("emulation:participant", args=[p.pk]) + "#bao-cao"
    proof.figures.append(Figure(gettext("Ngày đăng ký thi đua"),
                                format_date(r.registered_on) if r.registered_on else gettext("chưa đăng ký"), url))
    proof.figures.append(Figure(gettext("Kế hoạch của đơn vị"),
                                gettext("số %(number)s ngày %(date)s") % {
                                    "number": r.plan.document_number, "date": format_date(r.plan.document_date)}
                                if r.plan else gettext("chưa gửi"), url))
    proof.figures.append(Figure(gettext("Đến hạn / đúng hạn / muộn / chưa nộp"),
                                f"{r.due} / {r.on_time} / {r.late} / {r.missing}", url))
    if r.due:
        proof.summary = gettext("nộp đúng hạn %(on_time)s/%(due)s kế hoạch, báo cáo") % {"on_time": r.on_time,
                                                                                         "due": r.due}
    proof.data = {"registered_on": r.registered_on.isoformat() if r.registered_on else None,
                  "plan": r.plan.document_number if r.plan else None, "due": r.due, "on_time": r.on_time,
                  "late": r.late, "missing": r.missing}


_BUILDERS = {
    EvidenceKey.HOUSES_FINISHED: _houses,
    EvidenceKey.MONEY_MOBILISED: _money,
    EvidenceKey.POSTINGS_HELD: _postings,
    EvidenceKey.COMPLAINTS_ANSWERED: _complaints,
    EvidenceKey.CONTRIBUTIONS: _contributions,
    EvidenceKey.OFFICIAL_WORK: _official_work,
    EvidenceKey.INITIATIVES: _initiatives,
    EvidenceKey.REPORTS_ON_TIME: _reports,
}


def snapshot(book: EvidenceBook, participant: Participant, keys=None) -> dict:
    """What the records showed for the participant on the day (a nomination keeps it): every applicable key's
    figures, as data and as the lines read on the page."""
    proofs = book.proofs(participant, keys) if keys else book.all_proofs(participant)
    return {"as_of": book.today.isoformat(), "campaign": book.campaign.code, "participant": participant.pk,
            "evidence": {p.key: {"label": p.label, "summary": p.summary, "data": p.data,
                                 "figures": [[f.label, f.value] for f in p.figures]}
                         for p in proofs if p.applies}}


def nomination_snapshot(*, campaign: Campaign, participant: Participant, today: dt.date | None = None) -> dict:
    """The snapshot a new nomination keeps (``hooks.evidence_snapshots``): what the records show today for the
    participant, every applicable key."""
    return snapshot(EvidenceBook(campaign, [participant], today=today), participant)


def achievement_text(book: EvidenceBook, participant: Participant, keys=None) -> str:
    """The achievement as the records show it, in one sentence a nomination can carry."""
    proofs = [p for p in (book.proofs(participant, keys) if keys else book.all_proofs(participant))
              if p.applies and p.summary]
    if not proofs:
        return gettext("Có thành tích trong %(campaign)s.") % {"campaign": book.campaign.name}
    lines = "; ".join(dict.fromkeys(p.summary for p in proofs))
    return gettext("Tham gia %(campaign)s, %(name)s đã %(lines)s (số liệu của hệ thống ngày %(day)s).") % {
        "campaign": book.campaign.name, "name": participant.name, "lines": lines, "day": format_date(book.today)}

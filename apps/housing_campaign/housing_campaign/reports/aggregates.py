"""The aggregates dashboards and reports read, kept in the same transaction as every change that moves a
case (``hooks.doc_counters``): the engine's transitions (one by one and in bulk), case creation from the
form and from Excel imports, and workflow version migrations. ``recount`` rebuilds them from the cases and
the event log; tests prove the two always agree.

Keys: campaign × commune (legacy) × commune (2025) × category of the household × support type, plus the
workflow version and state for ``StateCount`` and the milestone and day for ``MilestoneDay``. Each change
is one upsert per distinct key (``INSERT … ON CONFLICT … DO UPDATE SET count = count + excluded.count``, on
SQLite and PostgreSQL alike), so a bulk approval of 10,000 cases touches a handful of rows.

Milestones (first time only; going back and forth never counts twice):
- surveyed: the case was created;
- approved: it first entered a state of the "funding" stage;
- started: … of the "construction" stage;
- finished: … of the "handover" stage (accepted, waiting for handover);
- handed_over: … of the "posting" stage, or of the "closed" stage straight from "handover".
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from housing_campaign.cases.models import HousingCase
from housing_campaign.core.models import DocumentEvent
from housing_campaign.workflow.engine import compiled
from housing_campaign.workflow.models import Stage, WorkflowDefinition, WorkflowState

from .models import CaseMilestone, Milestone, MilestoneDay, StateCount

DOCTYPE = "housing_case"
STAGE_MILESTONES = {Stage.FUNDING: Milestone.APPROVED, Stage.CONSTRUCTION: Milestone.STARTED,
                    Stage.HANDOVER: Milestone.FINISHED, Stage.POSTING: Milestone.HANDED_OVER}
CHUNK = 2000
_KEY = ("campaign_id", "commune_id", "commune_2025_id", "unit_path", "unit_2025_path", "category", "support_type")


def milestone_for(old_stage: str | None, new_stage: str) -> str | None:
    """The milestone a case reaches by entering ``new_stage`` from ``old_stage`` (None: no milestone)."""
    if new_stage == Stage.CLOSED and old_stage == Stage.HANDOVER:
        return Milestone.HANDED_OVER
    return STAGE_MILESTONES.get(new_stage)


def _keys(ids: Iterable[int]) -> dict[int, tuple]:
    """{case id: its key columns}, one query per chunk of ids."""
    found = {}
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        for row in HousingCase.objects.filter(pk__in=ids[start:start + CHUNK]).values_list(
                "pk", "campaign_id", "commune_id", "commune_2025_id", "unit_path", "unit_2025_path",
                "household__category", "support_type"):
            pk, campaign, commune, commune_2025, path, path_2025, category, support = row
            found[pk] = (campaign, commune, commune_2025 or 0, path, path_2025 or "", category or "", support or "")
    return found


def _upsert(table: str, key_columns: tuple[str, ...], deltas: dict[tuple, int]) -> None:
    """Add ``deltas`` ({key values: n}) to the ``count`` of the rows with those keys, creating them."""
    deltas = {k: v for k, v in deltas.items() if v}
    if not deltas:
        return
    conflict = [c for c in key_columns if c not in ("unit_path", "unit_2025_path", "stage")]
    columns = ", ".join([*key_columns, "count"])
    marks = ", ".join(["%s"] * (len(key_columns) + 1))
    sql = (f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT ({', '.join(conflict)}) "
           f"DO UPDATE SET count = {table}.count + excluded.count")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*key, n) for key, n in sorted(deltas.items(), key=lambda kv: str(kv[0]))])


def _state_key(key: tuple, workflow_id: int, state: str) -> tuple:
    stage = compiled(workflow_id).states[state].stage if state in compiled(workflow_id).states else ""
    return (*key, workflow_id, state, stage)


def _add_milestones(reached: list[tuple[int, str, dt.date]], keys: dict[int, tuple]) -> None:
    """Record first-time milestones ((case id, milestone, day)); ones already reached are ignored."""
    if not reached:
        return
    wanted = {(pk, m): day for pk, m, day in reached}
    existing = set()
    pks = sorted({pk for pk, _ in wanted})
    for start in range(0, len(pks), CHUNK):
        existing |= set(CaseMilestone.objects.filter(case_id__in=pks[start:start + CHUNK],
                                                     milestone__in={m for _, m in wanted})
                        .values_list("case_id", "milestone"))
    fresh = [(pk, m, day) for (pk, m), day in wanted.items() if (pk, m) not in existing and pk in keys]
    if not fresh:
        return
    CaseMilestone.objects.bulk_create([CaseMilestone(case_id=pk, milestone=m, day=day) for pk, m, day in fresh],
                                      batch_size=CHUNK)
    days = Counter((*keys[pk], m, day) for pk, m, day in fresh)
    _upsert(MilestoneDay._meta.db_table, (*_KEY, "milestone", "day"), days)


# ---------------------------------------------------------------------------- kept by the changes (hooks)
def documents_created(*, ids: list[int], at: dt.datetime | None = None) -> None:
    """New cases (form, import): counted in their first state; "surveyed" reached on the day."""
    day = timezone.localdate(at or timezone.now())
    keys = _keys(ids)
    states = dict(HousingCase.objects.filter(pk__in=list(keys)).values_list("pk", "workflow_id")) if keys else {}
    state_of = dict(HousingCase.objects.filter(pk__in=list(keys)).values_list("pk", "state")) if keys else {}
    counts = Counter(_state_key(keys[pk], states[pk], state_of[pk]) for pk in keys)
    _upsert(StateCount._meta.db_table, (*_KEY, "workflow_id", "state", "stage"), counts)
    _add_milestones([(pk, Milestone.SURVEYED, day) for pk in keys], keys)


def documents_moved(*, moves: list[tuple[int, int, str, int, str]], at: dt.datetime | None = None) -> None:
    """Cases moved by a transition or a migration: ``moves`` = (id, old workflow, old state, new workflow,
    new state). One count leaves the old state and one enters the new; milestones reached are recorded."""
    if not moves:
        return
    day = timezone.localdate(at or timezone.now())
    keys = _keys(pk for pk, *_ in moves)
    deltas: Counter = Counter()
    reached = []
    for pk, old_wf, old_state, new_wf, new_state in moves:
        key = keys.get(pk)
        if key is None:
            continue
        deltas[_state_key(key, old_wf, old_state)] -= 1
        deltas[_state_key(key, new_wf, new_state)] += 1
        old_stage = compiled(old_wf).states[old_state].stage if old_state in compiled(old_wf).states else None
        new_stage = compiled(new_wf).states[new_state].stage if new_state in compiled(new_wf).states else ""
        milestone = milestone_for(old_stage, new_stage)
        if milestone:
            reached.append((pk, milestone, day))
    _upsert(StateCount._meta.db_table, (*_KEY, "workflow_id", "state", "stage"), deltas)
    _add_milestones(reached, keys)


# ---------------------------------------------------------------------------- the full recount
def expected_state_counts() -> Counter:
    """What StateCount should hold, counted from the cases themselves."""
    found: Counter = Counter()
    for row in HousingCase.objects.values_list(
            "campaign_id", "commune_id", "commune_2025_id", "unit_path", "unit_2025_path", "household__category",
            "support_type", "workflow_id", "state", "stage").iterator(chunk_size=10000):
        campaign, commune, commune_2025, path, path_2025, category, support, wf, state, stage = row
        found[(campaign, commune, commune_2025 or 0, path, path_2025 or "", category or "", support or "", wf, state,
               stage)] += 1
    return found


def expected_milestones() -> dict[tuple[int, str], dt.date]:
    """{(case id, milestone): first day}, read from the event log (created, transitions, migrations)."""
    stage_of: dict[tuple[int, int, str], str] = {}
    versions = dict(WorkflowDefinition.objects.filter(doctype=DOCTYPE).values_list("version", "pk"))
    for definition_id, code, stage in WorkflowState.objects.filter(definition__doctype=DOCTYPE).values_list(
            "definition_id", "code", "stage"):
        stage_of[(definition_id, code)] = stage
    firsts: dict[tuple[int, str], dt.date] = {}
    last_stage: dict[int, str | None] = defaultdict(lambda: None)
    events = (DocumentEvent.objects.filter(doctype=DOCTYPE, kind__in=["created", "transition", "migrated"])
              .order_by("object_id", "at", "id").values_list("object_id", "kind", "at", "to_state", "workflow_version"))
    for object_id, kind, at, to_state, version in events.iterator(chunk_size=10000):
        day = timezone.localdate(at)
        stage = stage_of.get((versions.get(version), to_state))
        if kind == "created":
            firsts.setdefault((object_id, Milestone.SURVEYED), day)
        elif stage is not None:
            milestone = milestone_for(last_stage[object_id], stage)
            if milestone:
                firsts.setdefault((object_id, milestone), day)
        last_stage[object_id] = stage
    return firsts


@transaction.atomic
def recount() -> dict[str, int]:
    """Rebuild every aggregate from the cases and the event log (after a seed that rewrote the log's dates,
    a restore, or to prove the kept figures right). Returns the number of rows written per table."""
    counts = expected_state_counts()
    firsts = expected_milestones()
    StateCount.objects.all().delete()
    CaseMilestone.objects.all().delete()
    MilestoneDay.objects.all().delete()
    _upsert(StateCount._meta.db_table, (*_KEY, "workflow_id", "state", "stage"), counts)
    keys = _keys({pk for pk, _ in firsts})
    fresh = [(pk, m, day) for (pk, m), day in firsts.items() if pk in keys]
    CaseMilestone.objects.bulk_create([CaseMilestone(case_id=pk, milestone=m, day=day) for pk, m, day in fresh],
                                      batch_size=CHUNK)
    _upsert(MilestoneDay._meta.db_table, (*_KEY, "milestone", "day"),
            Counter((*keys[pk], m, day) for pk, m, day in fresh))
    return {"states": StateCount.objects.count(), "milestones": len(fresh), "days": MilestoneDay.objects.count()}


def differences() -> dict[str, list]:
    """What the kept aggregates hold that a recount would not (empty lists: they agree)."""
    kept_states = Counter({(r.campaign_id, r.commune_id, r.commune_2025_id, r.unit_path, r.unit_2025_path, r.category,
                            r.support_type, r.workflow_id, r.state, r.stage): r.count
                           for r in StateCount.objects.exclude(count=0)})
    expected_states = expected_state_counts()
    firsts = expected_milestones()
    kept_milestones = {(pk, m): day for pk, m, day in CaseMilestone.objects.values_list("case_id", "milestone", "day")}
    keys = _keys({pk for pk, _ in firsts})
    expected_days = Counter((*keys[pk], m, day) for (pk, m), day in firsts.items() if pk in keys)
    kept_days = Counter({(r.campaign_id, r.commune_id, r.commune_2025_id, r.unit_path, r.unit_2025_path, r.category,
                          r.support_type, r.milestone, r.day): r.count for r in MilestoneDay.objects.exclude(count=0)})
    return {
        "states": sorted(set((kept_states - expected_states).items()) | set((expected_states - kept_states).items()),
                         key=str),
        "milestones": sorted(set(kept_milestones.items()) ^ set(firsts.items()), key=str),
        "days": sorted(set((kept_days - expected_days).items()) | set((expected_days - kept_days).items()), key=str),
    }

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


def documents_rekeyed(*, changes: list[tuple[int, str, str]], at: dt.datetime | None = None) -> None:
    """Cases whose household category or support type changed: ``changes`` = (id, old category, old support
    type). Their count leaves the old key and enters the new one, in their state and on each milestone day."""
    keys = _keys(pk for pk, _c, _s in changes)
    if not keys:
        return
    states = dict(HousingCase.objects.filter(pk__in=list(keys)).values_list("pk", "workflow_id"))
    state_of = dict(HousingCase.objects.filter(pk__in=list(keys)).values_list("pk", "state"))
    state_deltas: Counter = Counter()
    day_deltas: Counter = Counter()
    moved = {}
    for pk, old_category, old_support in changes:
        new = keys.get(pk)
        if new is None:
            continue
        old = (*new[:5], old_category or "", old_support or "")
        if old == new:
            continue
        moved[pk] = (old, new)
        state_deltas[_state_key(old, states[pk], state_of[pk])] -= 1
        state_deltas[_state_key(new, states[pk], state_of[pk])] += 1
    if not moved:
        return
    for pk, milestone, day in CaseMilestone.objects.filter(case_id__in=list(moved)).values_list(
            "case_id", "milestone", "day"):
        old, new = moved[pk]
        day_deltas[(*old, milestone, day)] -= 1
        day_deltas[(*new, milestone, day)] += 1
    _upsert(StateCount._meta.db_table, (*_KEY, "workflow_id", "state", "stage"), state_deltas)
    _upsert(MilestoneDay._meta.db_table, (*_KEY, "milestone", "day"), day_deltas)


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


# On PostgreSQL the recount is set-based (``INSERT … SELECT … GROUP BY`` from the cases and the log, a window
# over each case's events for the milestones): a million cases take seconds, not minutes. The Python recount
# above (``expected_state_counts``, ``expected_milestones``) stays the reference, used on SQLite; tests prove
# both give the same rows.
_STATE_COLUMNS = ("campaign_id", "commune_id", "commune_2025_id", "unit_path", "unit_2025_path", "category",
                  "support_type", "workflow_id", "state", "stage", "count")
_DAY_COLUMNS = ("campaign_id", "commune_id", "commune_2025_id", "unit_path", "unit_2025_path", "category",
                "support_type", "milestone", "day", "count")


def _set_based() -> bool:
    return connection.vendor == "postgresql"


def _expected_tables(cursor) -> None:
    """Temporary tables ``expected_states``, ``expected_milestones`` and ``expected_days`` (dropped at the end
    of the transaction) holding what the aggregates should be, computed in the database."""
    from django.conf import settings

    funding, construction, handover, posting, closed = (Stage.FUNDING, Stage.CONSTRUCTION, Stage.HANDOVER,
                                                        Stage.POSTING, Stage.CLOSED)
    _drop_expected(cursor)  # a caller's transaction (a test's) may still hold them
    cursor.execute("""
        CREATE TEMP TABLE expected_states ON COMMIT DROP AS
        SELECT c.campaign_id, c.commune_id, coalesce(c.commune_2025_id, 0) AS commune_2025_id,
               min(c.unit_path) AS unit_path, min(coalesce(c.unit_2025_path, '')) AS unit_2025_path,
               coalesce(h.category, '') AS category, coalesce(c.support_type, '') AS support_type,
               c.workflow_id, c.state, min(c.stage) AS stage, count(*)::int AS count
        FROM cases_housingcase c LEFT JOIN households_household h ON h.id = c.household_id
        GROUP BY c.campaign_id, c.commune_id, coalesce(c.commune_2025_id, 0), coalesce(h.category, ''),
                 coalesce(c.support_type, ''), c.workflow_id, c.state""")
    cursor.execute("""
        CREATE TEMP TABLE expected_milestones ON COMMIT DROP AS
        WITH ev AS (
            SELECT e.object_id, e.kind, e.at, e.id, ws.stage,
                   lag(ws.stage) OVER (PARTITION BY e.object_id ORDER BY e.at, e.id) AS previous
            FROM core_documentevent e
            LEFT JOIN workflow_workflowdefinition d ON d.doctype = %s AND d.version = e.workflow_version
            LEFT JOIN workflow_workflowstate ws ON ws.definition_id = d.id AND ws.code = e.to_state
            WHERE e.doctype = %s AND e.kind IN ('created', 'transition', 'migrated')
        ), reached AS (
            SELECT object_id, at, id, CASE
                WHEN kind = 'created' THEN %s
                WHEN stage = %s AND previous = %s THEN %s
                WHEN stage = %s THEN %s WHEN stage = %s THEN %s WHEN stage = %s THEN %s WHEN stage = %s THEN %s
                END AS milestone
            FROM ev
        )
        SELECT DISTINCT ON (r.object_id, r.milestone) r.object_id AS case_id, r.milestone,
               (r.at AT TIME ZONE %s)::date AS day
        FROM reached r JOIN cases_housingcase c ON c.id = r.object_id
        WHERE r.milestone IS NOT NULL
        ORDER BY r.object_id, r.milestone, r.at, r.id""",
        [DOCTYPE, DOCTYPE, Milestone.SURVEYED, closed, handover, Milestone.HANDED_OVER,
         funding, Milestone.APPROVED, construction, Milestone.STARTED, handover, Milestone.FINISHED,
         posting, Milestone.HANDED_OVER, settings.TIME_ZONE])
    cursor.execute("""
        CREATE TEMP TABLE expected_days ON COMMIT DROP AS
        SELECT c.campaign_id, c.commune_id, coalesce(c.commune_2025_id, 0) AS commune_2025_id,
               min(c.unit_path) AS unit_path, min(coalesce(c.unit_2025_path, '')) AS unit_2025_path,
               coalesce(h.category, '') AS category, coalesce(c.support_type, '') AS support_type,
               m.milestone, m.day, count(*)::int AS count
        FROM expected_milestones m JOIN cases_housingcase c ON c.id = m.case_id
        LEFT JOIN households_household h ON h.id = c.household_id
        GROUP BY c.campaign_id, c.commune_id, coalesce(c.commune_2025_id, 0), coalesce(h.category, ''),
                 coalesce(c.support_type, ''), m.milestone, m.day""")


def _drop_expected(cursor) -> None:
    cursor.execute("DROP TABLE IF EXISTS expected_states, expected_milestones, expected_days")


def _recount_set_based() -> dict[str, int]:
    states, milestones, days = (StateCount._meta.db_table, CaseMilestone._meta.db_table,
                                MilestoneDay._meta.db_table)
    with connection.cursor() as cursor:
        _expected_tables(cursor)
        cursor.execute(f"TRUNCATE {states}, {milestones}, {days}")
        cursor.execute(f"INSERT INTO {states} ({', '.join(_STATE_COLUMNS)}) "
                       f"SELECT {', '.join(_STATE_COLUMNS)} FROM expected_states")
        written = {"states": cursor.rowcount}
        cursor.execute(f"INSERT INTO {milestones} (case_id, milestone, day) "
                       "SELECT case_id, milestone, day FROM expected_milestones")
        written["milestones"] = cursor.rowcount
        cursor.execute(f"INSERT INTO {days} ({', '.join(_DAY_COLUMNS)}) "
                       f"SELECT {', '.join(_DAY_COLUMNS)} FROM expected_days")
        written["days"] = cursor.rowcount
        cursor.execute(f"ANALYZE {states}; ANALYZE {milestones}; ANALYZE {days}")
        _drop_expected(cursor)
    return written


def _differences_set_based() -> dict[str, list]:
    """Rows of the kept aggregates and of the set-based recount that the other side lacks (("kept", …) or
    ("expected", …)), zero counts ignored."""
    found = {}
    with connection.cursor() as cursor:
        _expected_tables(cursor)
        for name, table, columns in (
                ("states", StateCount._meta.db_table, _STATE_COLUMNS),
                ("milestones", CaseMilestone._meta.db_table, ("case_id", "milestone", "day")),
                ("days", MilestoneDay._meta.db_table, _DAY_COLUMNS)):
            cols = ", ".join(columns)
            nonzero = "WHERE count <> 0" if "count" in columns else ""
            cursor.execute(f"""
                (SELECT 'kept', {cols} FROM {table} {nonzero} EXCEPT ALL SELECT 'kept', {cols} FROM expected_{name})
                UNION ALL
                (SELECT 'expected', {cols} FROM expected_{name} EXCEPT ALL
                 SELECT 'expected', {cols} FROM {table} {nonzero})""")
            found[name] = sorted(cursor.fetchall(), key=str)
        _drop_expected(cursor)
    return found


@transaction.atomic
def recount() -> dict[str, int]:
    """Rebuild every aggregate from the cases and the event log (after a seed that rewrote the log's dates,
    a bulk load, a restore, or to prove the kept figures right). Returns the number of rows written per table.
    Set-based on PostgreSQL, in Python elsewhere: the same rows."""
    if _set_based():
        return _recount_set_based()
    return recount_python()


@transaction.atomic
def recount_python() -> dict[str, int]:
    """``recount`` computed in Python (the reference; any database)."""
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


@transaction.atomic
def aggregates_fill_missing() -> str:
    """Run by ``manage.py sync`` (hooks.fixtures): a site upgraded from before the aggregates existed has cases
    and no aggregates; they are counted once from the cases and the log. Otherwise nothing is done."""
    if StateCount.objects.exists() or not HousingCase.objects.exists():
        return "0"
    written = recount()
    return f"{written['states']} + {written['milestones']}"


def differences() -> dict[str, list]:
    """What the kept aggregates hold that a recount would not, and the reverse (empty lists: they agree).
    Set-based on PostgreSQL (a million cases in seconds)."""
    if _set_based():
        return _differences_set_based()
    return differences_python()


def differences_python() -> dict[str, list]:
    """``differences`` computed in Python (the reference; any database)."""
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

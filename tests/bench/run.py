#!/usr/bin/env python
"""Benchmarks on PostgreSQL, with a written report (tests/bench/reports/).

  make bench                      # all
  make bench BENCH_ARGS="bulk"    # one of: bulk queue dashboard print verify import api

Targets (issues #3, #4, #5): bulk approval of 10,000 cases ≤ 20 s with constant queries per
transition; queue page p95 ≤ 150 ms with 1,000,000 cases and ≤ 15 queries whatever the page size;
1,000 certificates in one batch ≤ 60 s; /verify under gunicorn ≥ 300 req/s with p99 ≤ 100 ms.
Issue #10: import of a 100,000-row file ≤ 10 s end to end (never above 30 s); its dry run; a 100,000-row export.
Issue #14: the dashboard's figures at province scope with 1,000,000 cases p95 ≤ 300 ms (goal ≤ 100 ms) with a
constant number of queries; a periodic report for the whole province as of a date ≤ 5 s; the queue's stage
counts from the aggregates; the aggregates equal a full recount after bulk transitions, imports and a version
migration at scale.
Issue #16: the REST API lists 50 cases with a territory filter over 100,000 cases under gunicorn in a median
≤ 10 ms, with a number of queries that does not grow with the page size.
"""
from __future__ import annotations

import datetime as dt
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = os.environ.get("BENCH_DB", "housing_campaign_bench")
os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "housing_campaign.config.settings")
os.environ["DEBUG"] = "0"
os.environ["HC_PROJECT_ROOT"] = str(ROOT)
sys.path.insert(0, str(ROOT))

REPORT: list[str] = []


def say(line: str = "") -> None:
    print(line, flush=True)
    REPORT.append(line)


def ensure_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def setup_django():
    import django

    django.setup()
    from django.core.management import call_command

    from housing_campaign.site.sync import sync_all

    call_command("migrate", verbosity=0, interactive=False)
    sync_all()


def users():
    from django.contrib.auth import get_user_model

    from tests.conftest import make_user

    existing = {u.username: u for u in get_user_model().objects.filter(username__startswith="bench_")}

    def get(name, role, unit):
        return existing.get(name) or make_user(name, role, unit)

    return {"reviewer": get("bench_reviewer", "reviewer", "62"), "officer": get("bench_officer", "commune_officer",
                                                                                "23344"),
            "chairman": get("bench_chairman", "commune_chairman", "62")}


def reset_cases() -> None:
    from django.db import connection

    tables = ["certificates_certificate", "printing_issueddocument", "core_documentevent", "workflow_approval",
              "cases_fundingline", "cases_progressentry", "cases_acceptance", "cases_attachment",
              "commendations_nomination_cases", "cases_housingcase", "households_household",
              "reports_statecount", "reports_casemilestone", "reports_milestoneday"]
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {', '.join(t for t in tables if t in existing)} CASCADE")


def generate_cases(n: int, *, state: str, stage: str, handed_over: bool = False) -> None:
    """n households and cases spread over Kon Tum's 102 communes, in one INSERT ... SELECT each."""
    from django.db import connection

    from housing_campaign.campaigns.models import Campaign
    from housing_campaign.workflow.engine import active_definition

    campaign = Campaign.objects.get(code="kt2425")
    strand = campaign.strands.get(code="phong_trao").pk
    round_id = campaign.rounds.get(number=1).pk
    workflow = active_definition("housing_case").pk
    with connection.cursor() as cur:
        cur.execute("""
            CREATE TEMP TABLE IF NOT EXISTS bench_communes AS
            SELECT row_number() OVER (ORDER BY c.id) - 1 AS k, c.id, c.path, s.id AS sid, s.path AS spath
            FROM geography_adminunit c JOIN geography_adminunit s ON s.id = c.successor_id
            WHERE c.system = 'legacy' AND c.level = 'commune' AND c.path LIKE 'L.62.%%'""")
        cur.execute("SELECT count(*) FROM bench_communes")
        communes = cur.fetchone()[0]
        cur.execute("SELECT coalesce(max(id), 0) FROM households_household")
        base = cur.fetchone()[0]
        cur.execute(f"""
            INSERT INTO households_household (id, code, head_name, national_id, category, ethnicity,
                is_ethnic_minority, social_assistance, earlier_support, land_status, commune_id, address, phone)
            SELECT {base} + g, 'HB' || ({base} + g), 'Y Bench ' || g, lpad((62000000000 + g)::text, 12, '0'),
                   'poor', 'Xơ Đăng', true, false, false, 'undisputed', c.id, '', ''
            FROM generate_series(1, %s) g JOIN bench_communes c ON c.k = g %% {communes}""", [n])
        cur.execute("SELECT setval(pg_get_serial_sequence('households_household', 'id'), (SELECT max(id) FROM "
                    "households_household))")
        cur.execute(f"""
            INSERT INTO cases_housingcase (code, campaign_id, household_id, survey_round_id, strand_id, support_type,
                support_amount, priority, commune_id, commune_2025_id, unit_path, unit_2025_path, floor_area,
                persons, foundation, frame_walls, roof, remaining_lifespan_years, survey_note, surveyed_on,
                village_meeting_on, village_meeting_agree, village_meeting_total, commune_list_number,
                eligibility, is_eligible, approval_decision_number, progress_percent, handed_over_on, extra,
                created_at, workflow_id, state, stage, state_since, state_entry, lock_version)
            SELECT 'BENCH-' || h.id, %s, h.id, %s, %s, CASE WHEN h.id %% 5 = 0 THEN 'repair' ELSE 'new_build' END,
                60000000, 1, c.id, c.sid, c.path, c.spath, 16, 4, 'unstable', 'unstable', 'unstable', 2, '',
                DATE '2025-03-01', DATE '2025-03-10', 30, 35, '01/DS', '[]', true, '', 0,
                {"DATE '2025-07-01'" if handed_over else "NULL"}, '{{}}', now(), %s, %s, %s,
                now() - ((h.id %% 40) || ' days')::interval, 1, 0
            FROM households_household h JOIN bench_communes c ON c.id = h.commune_id
            WHERE h.id > {base}""", [campaign.pk, round_id, strand, workflow, state, stage])
        cur.execute("ANALYZE cases_housingcase; ANALYZE households_household")


def ensure_million() -> None:
    """1,000,000 cases (a third approved), each with its log (created on one of 300 days, approved 20 days
    later), bulk-inserted: the aggregates are then rebuilt by ``reports.aggregates.recount`` (timed)."""
    from django.db import connection

    from housing_campaign.cases.models import HousingCase
    from housing_campaign.reports import aggregates
    from housing_campaign.reports.models import StateCount

    have = HousingCase.objects.filter(code__startswith="BENCH-").count()
    fresh = have < 1_000_000 or HousingCase.objects.count() != have
    if fresh:
        reset_cases()
        started = time.perf_counter()
        for _ in range(10):
            generate_cases(100_000, state="eligibility_review", stage="review")
        say(f"- generated 1,000,000 cases over Kon Tum's 102 communes in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cur:
        cur.execute("UPDATE cases_housingcase SET state = 'funding', stage = 'funding' "
                    "WHERE id % 3 = 0 AND state <> 'funding'")
        changed = cur.rowcount
        cur.execute("SELECT count(*) FROM core_documentevent WHERE doctype = 'housing_case' AND kind = 'created'")
        if cur.fetchone()[0] < 1_000_000:
            started = time.perf_counter()
            write_history()
            say(f"- wrote the log of the 1,000,000 cases (created, approved) in {time.perf_counter() - started:.0f} s")
            changed = True
        cur.execute("ANALYZE cases_housingcase; ANALYZE core_documentevent")
    total = StateCount.objects.filter(count__gt=0).values_list("count", flat=True)
    if changed or fresh or sum(total) != 1_000_000:
        started = time.perf_counter()
        written = aggregates.recount()
        RECOUNT["seconds"] = time.perf_counter() - started
        RECOUNT["written"] = written
        say(f"- cases inserted in bulk, so the aggregates were rebuilt: `reports.aggregates.recount()` (set-based on "
            f"PostgreSQL) **{RECOUNT['seconds']:.1f} s** → {written}")


RECOUNT: dict = {}


def write_history() -> None:
    """The event log of the bulk-inserted cases: "created" on one of 300 days, and "approve" 20 days later
    for the cases in funding (one INSERT … SELECT each)."""
    from django.db import connection

    from housing_campaign.workflow.engine import active_definition

    version = active_definition("housing_case").version
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_documentevent WHERE doctype = 'housing_case'")
        cur.execute("""
            INSERT INTO core_documentevent (doctype, object_id, kind, at, workflow_version, from_state, to_state,
                action, comment, changes, data)
            SELECT 'housing_case', id, 'created', now() - interval '330 days' + ((id %% 300) || ' days')::interval,
                   %s, '', 'survey', '', '', '{}', '{}' FROM cases_housingcase""", [version])
        cur.execute("""
            INSERT INTO core_documentevent (doctype, object_id, kind, at, workflow_version, from_state, to_state,
                action, comment, changes, data)
            SELECT 'housing_case', id, 'transition', now() - interval '310 days' + ((id %% 300) || ' days')::interval,
                   %s, 'eligibility_review', 'funding', 'approve', '', '{}', '{}'
            FROM cases_housingcase WHERE state = 'funding'""", [version])


def timed(fn, n: int) -> tuple[float, float, list[float]]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], times


def queries_of(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx)


def verdict(p95: float, limit: float) -> str:
    return "PASS" if p95 <= limit else "FAIL"


def agree(label: str) -> None:
    """The kept aggregates equal a full recount (set-based comparison)."""
    from housing_campaign.reports import aggregates

    started = time.perf_counter()
    diff = aggregates.differences()
    n = sum(len(v) for v in diff.values())
    say(f"- aggregates vs a full recount after {label}: "
        f"{'**equal** (differences() empty)' if not n else f'**{n} differences** {str(diff)[:300]}'} → "
        f"{'PASS' if not n else 'FAIL'} (compared in {time.perf_counter() - started:.1f} s)")


# ---------------------------------------------------------------------------- 1. bulk approval
def bench_bulk() -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from housing_campaign.accounts.selectors import actor_for
    from housing_campaign.cases.models import HousingCase
    from housing_campaign.workflow import engine

    say("## Bulk approval of 10,000 cases (issue #3)")
    reset_cases()
    generate_cases(10_000, state="eligibility_review", stage="review")
    from housing_campaign.reports import aggregates

    aggregates.recount()  # the cases were inserted in bulk
    ids = list(HousingCase.objects.order_by("id").values_list("pk", flat=True))
    actor = actor_for(users()["reviewer"])
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        results = engine.bulk_transition(actor=actor, doctype="housing_case", ids=ids, action="approve")
    elapsed = time.perf_counter() - started
    ok = sum(r.ok for r in results)
    queries = len(ctx)
    reset_queries()
    say(f"- cases: {len(ids):,}; approved: {ok:,}; refused: {len(ids) - ok}")
    say(f"- time (permission and territory checks, row locks, state check, log rows, side effects queued): "
        f"**{elapsed:.2f} s** (goal ≤ 20 s) → {'PASS' if elapsed <= 20 and ok == len(ids) else 'FAIL'}")
    say(f"- queries: {queries} for {len(ids):,} transitions = {queries / len(ids):.4f} per transition "
        f"(chunks of {engine.BULK_CHUNK}: ~{queries / (len(ids) / engine.BULK_CHUNK):.1f} queries per chunk, "
        "independent of the number of cases)")
    # Side effects (support norm) run after commit, in the same process by default:
    say(f"- log rows written: {HousingCase.objects.filter(state='funding').count():,} cases in funding")
    agree("10,000 bulk approvals")
    bench_bulk_without_aggregates(actor)
    bench_migration_at_scale()
    say()


def bench_bulk_without_aggregates(actor) -> None:
    """The same 10,000 approvals with the aggregates' upserts switched off: what they cost."""
    from housing_campaign.cases.models import HousingCase
    from housing_campaign.core import hookspec
    from housing_campaign.reports import aggregates
    from housing_campaign.workflow import engine

    reset_cases()
    generate_cases(10_000, state="eligibility_review", stage="review")
    aggregates.recount()
    ids = list(HousingCase.objects.order_by("id").values_list("pk", flat=True))
    kept = aggregates.documents_moved
    aggregates.documents_moved = lambda **kwargs: None
    hookspec.get_attr.cache_clear()
    try:
        started = time.perf_counter()
        engine.bulk_transition(actor=actor, doctype="housing_case", ids=ids, action="approve")
        elapsed = time.perf_counter() - started
    finally:
        aggregates.documents_moved = kept
        hookspec.get_attr.cache_clear()
    say(f"- the same 10,000 approvals with the aggregates' upserts switched off (before issue #14): {elapsed:.2f} s")
    aggregates.recount()


def bench_migration_at_scale() -> None:
    """A workflow version migration of the 10,000 approved cases (a clone of the active version piloted in the
    province), then the aggregates compared with a full recount; the clone is removed afterwards."""
    from django.contrib.auth import get_user_model

    from housing_campaign.accounts.selectors import actor_for
    from housing_campaign.cases.models import HousingCase
    from housing_campaign.geography.models import AdminUnit
    from housing_campaign.workflow import migration, rollout
    from housing_campaign.workflow.definitions import definition_clone
    from housing_campaign.workflow.engine import active_definition
    from housing_campaign.workflow.models import WorkflowDefinition
    from tests.conftest import make_user

    admin = get_user_model().objects.filter(username="bench_admin").first() or make_user(
        "bench_admin", "administrator", "62", staff=True)
    actor = actor_for(admin)
    source = active_definition("housing_case")
    target = definition_clone(definition=source)
    try:
        districts = AdminUnit.objects.filter(system="legacy", level="district", path__startswith="L.62.")
        rollout.definition_pilot_start(actor=actor, definition=target, units=list(districts))
        started = time.perf_counter()
        result = migration.documents_migrate(actor=actor, source=source, target=target,
                                             mapping={st.code: st.code for st in source.states.all()})
        elapsed = time.perf_counter() - started
        say(f"- workflow version migration of {result.moved:,} cases (v{source.version} → v{target.version}): "
            f"{elapsed:.1f} s")
        agree(f"a version migration of {result.moved:,} cases")
    finally:
        reset_cases()
        WorkflowDefinition.objects.filter(pk=target.pk).delete()
        assert HousingCase.objects.count() == 0
        from housing_campaign.reports import aggregates

        aggregates.recount()


# ---------------------------------------------------------------------------- 2. queue page
def bench_queue() -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext


    say("## Queue page with 1,000,000 cases (issue #4)")
    ensure_million()
    people = users()
    client = Client()
    client.force_login(people["reviewer"])
    cache.clear()
    timings, query_counts = [], {}
    url = "/desk/?stage=review&support_type=new_build&per_page=50&page={}"
    first = time.perf_counter()
    client.get(url.format(1), HTTP_HOST="127.0.0.1")
    cold = time.perf_counter() - first
    for i in range(200):
        started = time.perf_counter()
        response = client.get(url.format(1 + i % 20), HTTP_HOST="127.0.0.1")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    for size in (20, 50, 100):
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/desk/?stage=review&support_type=new_build&per_page={size}", HTTP_HOST="127.0.0.1")
        query_counts[size] = len(ctx)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    say("- reviewer of the whole province, filters stage=review and support_type=new_build, page of 50, "
        "pages 1–20, 200 requests (server time in process)")
    say(f"- first request (stage counts computed, then cached 60 s): {cold * 1000:.0f} ms")
    say(f"- median {statistics.median(timings):.1f} ms, **p95 {p95:.1f} ms** (goal ≤ 150 ms) → "
        f"{'PASS' if p95 <= 150 else 'FAIL'}")
    say(f"- queries per page by page size {query_counts} → "
        f"{'PASS' if len(set(query_counts.values())) == 1 and max(query_counts.values()) <= 15 else 'FAIL'}")
    bench_queue_counts(people)
    officer = Client()
    officer.force_login(people["officer"])
    officer.get("/desk/?per_page=50", HTTP_HOST="127.0.0.1")
    t = []
    for i in range(50):
        started = time.perf_counter()
        officer.get(f"/desk/?per_page=50&support_type=new_build&page={1 + i % 5}", HTTP_HOST="127.0.0.1")
        t.append((time.perf_counter() - started) * 1000)
    t.sort()
    say(f"- commune officer of one commune (≈9,800 cases), my queue: p95 {t[int(len(t) * .95) - 1]:.1f} ms")
    say()


def bench_queue_counts(people) -> None:
    """Issue #14: the queue's stage counts, first request of a new filter (nothing cached) at province scope:
    counted from the case rows (before) and summed from the aggregates (after)."""
    from django.core.cache import cache
    from django.db.models import Count

    from housing_campaign.accounts.selectors import actor_for
    from housing_campaign.desk.selectors import QueueFilters, queue_queryset, stage_counts
    from housing_campaign.geography.models import AdminUnit

    actor = actor_for(people["reviewer"])
    districts = list(AdminUnit.objects.filter(system="legacy", level="district", path__startswith="L.62.")
                     .values_list("path", flat=True))
    from housing_campaign.campaigns.models import Campaign

    province_2025 = Campaign.objects.get(code="kt2425").province_2025
    wards = list(AdminUnit.objects.filter(system="2025", level="commune", path__startswith=province_2025.path)
                 .order_by("path").values_list("path", flat=True)[:10]) if province_2025 else []
    filters = [QueueFilters(scope=scope, unit=unit) for scope in ("all", "mine")
               for unit in ["", "L.62", *districts, *wards]][:40]
    before, after, mismatches = [], [], 0
    for f in filters:
        started = time.perf_counter()
        rows = dict(queue_queryset(actor, f, with_stage=False).order_by().values_list("stage")
                    .annotate(n=Count("id")).values_list("stage", "n"))
        before.append((time.perf_counter() - started) * 1000)
        cache.clear()
        started = time.perf_counter()
        counts = stage_counts(actor, f)
        after.append((time.perf_counter() - started) * 1000)
        mismatches += counts != rows
    before.sort()
    after.sort()

    def p95(values):
        return values[max(0, int(len(values) * 0.95) - 1)]
    say(f"- stage counts, first request of a new filter (cache cleared), province reviewer, {len(filters)} filters "
        "(scope all/mine × province, each district, 2025 communes):")
    say(f"  - before (counting case rows): median {statistics.median(before):.0f} ms, p95 {p95(before):.0f} ms")
    say(f"  - **after (summed from reports.StateCount): median {statistics.median(after):.1f} ms, "
        f"p95 {p95(after):.1f} ms** → {'PASS' if p95(after) <= 100 else 'FAIL'}; "
        f"equal to the row counts for {len(filters) - mismatches}/{len(filters)} filters")
    cache.clear()
    client_first = time.perf_counter()
    from django.test import Client

    client = Client()
    client.force_login(people["reviewer"])
    client.get("/desk/?scope=all&unit=L.62", HTTP_HOST="127.0.0.1")
    say(f"  - the queue page itself, first request of scope=all at province scope: "
        f"{(time.perf_counter() - client_first) * 1000:.0f} ms (was 754–894 ms)")


# ---------------------------------------------------------------------------- 6. dashboard and reports
def bench_dashboard() -> None:
    """Issue #14: the dashboard's figures at province scope with 1,000,000 cases (legacy and 2025 units), the
    dashboard page if present, and a periodic report for the whole province as of a date."""
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from housing_campaign.accounts.selectors import actor_for
    from housing_campaign.campaigns.models import Campaign
    from housing_campaign.cases.models import HousingCase
    from housing_campaign.reports import figures

    say("## Dashboard and reports with 1,000,000 cases (issue #14)")
    ensure_million()
    if not RECOUNT:
        started = time.perf_counter()
        from housing_campaign.reports import aggregates

        RECOUNT["written"] = aggregates.recount()
        RECOUNT["seconds"] = time.perf_counter() - started
        say(f"- `reports.aggregates.recount()` at 1,000,000 cases (set-based): **{RECOUNT['seconds']:.1f} s** → "
            f"{RECOUNT['written']}")
    agree("the bulk load and recount of 1,000,000 cases")
    people = users()
    actor = actor_for(people["reviewer"])
    campaign = Campaign.objects.get(code="kt2425")
    n = 40
    cases = [("progress, legacy units", lambda: figures.progress(campaign=campaign, root=campaign.province,
                                                                  units="legacy", actor=actor)),
             ("state_counts, legacy units", lambda: figures.state_counts(campaign=campaign, root=campaign.province,
                                                                          units="legacy", actor=actor))]
    if campaign.province_2025_id:
        cases += [("progress, 2025 units", lambda: figures.progress(campaign=campaign, root=campaign.province_2025,
                                                                     units="2025", actor=actor)),
                  ("state_counts, 2025 units", lambda: figures.state_counts(
                      campaign=campaign, root=campaign.province_2025, units="2025", actor=actor))]
    total = figures.progress(campaign=campaign, root=campaign.province, units="legacy", actor=actor).total
    say(f"- province total read by figures.progress: surveyed {total.surveyed:,}, approved {total.approved:,} "
        "(equal to the cases: " + ("PASS" if (total.surveyed, total.approved) == (
            HousingCase.objects.count(), HousingCase.objects.filter(stage="funding").count()) else "FAIL")
        + f"); reviewer of the whole province; {n} calls each, in process")
    say("| figure | cold (new connection) | warm p50 | warm p95 | queries | verdict (p95 ≤ 300 ms, goal ≤ 100 ms) |")
    say("|---|---|---|---|---|---|")
    for label, fn in cases:
        connection.close()
        started = time.perf_counter()
        fn()
        cold = (time.perf_counter() - started) * 1000
        p50, p95, _ = timed(fn, n)
        counts = {queries_of(fn) for _ in range(3)}
        say(f"| {label} | {cold:.0f} ms | {p50:.1f} ms | **{p95:.1f} ms** | {sorted(counts)} | "
            f"{verdict(p95, 300)}{' (goal met)' if p95 <= 100 else ''} |")
    try:
        url = reverse("reports:dashboard")
    except NoReverseMatch:
        url = None
    if url:
        client = Client()
        client.force_login(people["reviewer"])
        for query in ("", "?he=2025"):
            connection.close()
            started = time.perf_counter()
            response = client.get(url + query, HTTP_HOST="127.0.0.1")
            cold = (time.perf_counter() - started) * 1000
            p50, p95, _ = timed(lambda q=query: client.get(url + q, HTTP_HOST="127.0.0.1"), n)
            counts = {queries_of(lambda q=query: client.get(url + q, HTTP_HOST="127.0.0.1")) for _ in range(3)}
            say(f"- dashboard page {url}{query} (status {response.status_code}): cold {cold:.0f} ms, p50 {p50:.1f} ms, "
                f"**p95 {p95:.1f} ms**, queries {sorted(counts)} → {verdict(p95, 300)}")
    else:
        say("- the dashboard page (/desk/bao-cao/) is not on this branch yet: the figures functions it calls are "
            "benchmarked above")
    as_of = timezone.localdate() - dt.timedelta(days=100)
    for units, root in (("legacy", campaign.province), ("2025", campaign.province_2025)):
        if root is None:
            continue
        connection.close()
        started = time.perf_counter()
        report = figures.progress(campaign=campaign, root=root, units=units, as_of=as_of, actor=actor)
        seconds = time.perf_counter() - started
        say(f"- periodic report, whole province ({units} units, {len(report.rows)} territories) as of "
            f"{as_of:%d/%m/%Y}: **{seconds * 1000:.0f} ms** (goal ≤ 5 s) → {'PASS' if seconds <= 5 else 'FAIL'}; "
            f"surveyed {report.total.surveyed:,}, approved {report.total.approved:,} by then")
    # The whole report as people get it: figures as of the date, rendered to a PDF in the print format.
    from housing_campaign.reports.services import command_pdf

    connection.close()
    started = time.perf_counter()
    pdf = command_pdf(campaign=campaign, unit=campaign.province, units="legacy", as_of=as_of)
    seconds = time.perf_counter() - started
    say(f"- the progress report of the whole province as of {as_of:%d/%m/%Y} rendered to PDF ({len(pdf) // 1024} KB): "
        f"**{seconds:.2f} s** (goal ≤ 5 s) → {'PASS' if seconds <= 5 else 'FAIL'}")
    say()


# ---------------------------------------------------------------------------- 3. batch print
def bench_print() -> None:
    from django.utils import timezone

    from housing_campaign.accounts.selectors import actor_for
    from housing_campaign.cases.models import HousingCase
    from housing_campaign.certificates.models import Certificate
    from housing_campaign.certificates.services import _new_code
    from housing_campaign.core.models import BackgroundJob
    from housing_campaign.desk import printing

    say("## 1,000 certificates in one batch (issue #5)")
    reset_cases()
    generate_cases(1_000, state="posting", stage="posting", handed_over=True)
    now = timezone.now()
    certs = [Certificate(case=c, code=_new_code() + str(i)[:0], number_text=f"{i + 1:02d}/GCN-UBND", issued_at=now,
                         public_commune=c.commune.name, public_village="", public_support_type="Xây mới",
                         public_head_masked="Y B***", public_handover_on=dt.date(2025, 7, 1))
             for i, c in enumerate(HousingCase.objects.select_related("commune").order_by("id"))]
    Certificate.objects.bulk_create(certs)
    user = users()["chairman"]
    job = printing.batch_start.__wrapped__ if hasattr(printing.batch_start, "__wrapped__") else None
    ids = list(HousingCase.objects.order_by("commune_id", "code").values_list("pk", flat=True))
    job = BackgroundJob.objects.create(kind="batch_print", created_by=user, total=len(ids),
                                       params={"format": "handover_certificate", "ids": ids, "output": "pdf"})
    actor_for(user)
    started = time.perf_counter()
    printing.batch_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    path = printing.job_file_path(job) if job.result_file else None
    from pypdf import PdfReader

    pages = len(PdfReader(str(path)).pages) if path else 0
    size = path.stat().st_size / 1024 / 1024 if path else 0
    say(f"- status {job.status}; {job.done}/{job.total} certificates; one PDF of {pages} pages, {size:.1f} MB")
    say(f"- **{elapsed:.1f} s** (goal ≤ 60 s) → {'PASS' if elapsed <= 60 and pages == 1000 else 'FAIL'}")
    say()


# ---------------------------------------------------------------------------- 4. /verify under load
def bench_verify() -> None:
    from housing_campaign.certificates.models import Certificate
    from housing_campaign.certificates.services import token_for

    say("## /verify under gunicorn (issue #5)")
    cert = Certificate.objects.filter(status="valid").first()
    if cert is None:
        bench_print()
        cert = Certificate.objects.filter(status="valid").first()
    wrk = shutil.which("wrk")
    if not wrk:
        say("- wrk is missing (make bench installs Debian's wrk); skipped")
        return
    port = "8765"
    env = {**os.environ, "VERIFY_RATE_LIMIT_PER_MINUTE": "100000000", "DEBUG": "0"}
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "housing_campaign.config.wsgi:application",
                               "-b", f"127.0.0.1:{port}", "-w", "4", "--access-logfile", "-", "--log-level", "warning"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/verify/{cert.code}?t={token_for(cert.code)}"
        for _ in range(50):
            try:
                import urllib.request

                with urllib.request.urlopen(url, timeout=2) as response:
                    body = response.read().decode()
                    assert "Giấy chứng nhận hợp lệ" in body
                break
            except Exception:  # noqa: BLE001 - server still starting
                time.sleep(0.3)
        subprocess.run([wrk, "-t2", "-c16", "-d5s", url], capture_output=True, timeout=60)  # warm
        out = subprocess.run([wrk, "-t2", "-c16", "-d20s", "--latency", url], capture_output=True, text=True,
                             timeout=120).stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        p99_raw = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
        p99 = float(p99_raw.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99_raw.group(2)]
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        say("- gunicorn, 4 sync workers on 2 cores, PostgreSQL; wrk -t2 -c16 -d20s on loopback; the per-client "
            "rate limit is raised for this run only, since every request comes from one loopback address")
        say(f"- **{rps:.0f} requests/s**, **p99 {p99:.1f} ms** (goals ≥ 300 req/s, p99 ≤ 100 ms) → "
            f"{'PASS' if rps >= 300 and p99 <= 100 else 'FAIL'}; non-2xx: {non2xx.group(1) if non2xx else 0}")
        say("```")
        say(out.strip())
        say("```")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    say()


# ---------------------------------------------------------------------------- REST API list (issue #16)
def ensure_cases(n: int) -> None:
    """Exactly ``n`` bulk-generated cases (the other benchmarks regenerate what they need)."""
    from housing_campaign.cases.models import HousingCase

    if HousingCase.objects.count() != n or HousingCase.objects.filter(code__startswith="BENCH-").count() != n:
        reset_cases()
        started = time.perf_counter()
        generate_cases(n, state="eligibility_review", stage="review")
        say(f"- generated {n:,} cases over Kon Tum's 102 communes in {time.perf_counter() - started:.0f} s")


def bench_api() -> None:
    import http.client
    import json
    import urllib.parse

    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from housing_campaign.api.services import token_create
    from housing_campaign.geography.models import AdminUnit

    say("## REST API: 50 cases with a territory filter over 100,000 cases, under gunicorn (issue #16)")
    ensure_cases(100_000)
    reviewer = users()["reviewer"]  # a province reviewer: the whole province is theirs, the filter narrows it
    _, token = token_create(user=reviewer, label="bench", days=1)
    district = AdminUnit.objects.get(system="legacy", code="610")  # huyện Đắk Glei
    commune = AdminUnit.objects.get(system="legacy", code="23344")  # xã Đăk Blô
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client = Client(HTTP_HOST="127.0.0.1", **auth)
    counts = {}
    for size in (10, 50, 200):
        from django.db import connection

        client.get("/api/v1/cases/", {"territory": district.code, "page_size": size})
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/cases/", {"territory": district.code, "page_size": size})
        assert response.status_code == 200 and len(response.json()["results"]) == size, response.content[:300]
        counts[size] = len(ctx)
    say(f"- queries per request by page size {counts} → "
        f"{'PASS (constant)' if len(set(counts.values())) == 1 else 'FAIL (grows with the page)'}")
    port = "8766"
    env = {**os.environ, "API_RATE_LIMIT_PER_MINUTE": "0", "DEBUG": "0"}
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "housing_campaign.config.wsgi:application",
                               "-b", f"127.0.0.1:{port}", "-w", "2", "--log-level", "warning"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)

    def get(path: str) -> tuple[int, bytes, float]:
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}", "Host": "127.0.0.1"})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, body, (time.perf_counter() - started) * 1000

    try:
        for _ in range(60):
            try:
                if get("/api/v1/norms/")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        floor = {}
        for path in ("/login/", "/api/v1/norms/"):  # the machine's floor in the same run: a page, a tiny API read
            for _ in range(20):
                get(path)
            floor[path] = statistics.median(sorted(get(path)[2] for _ in range(200)))
        load = os.getloadavg()
        say(f"- same run, same server: GET /login/ median {floor['/login/']:.1f} ms, GET /api/v1/norms/ (token, "
            f"roles, one small query) median {floor['/api/v1/norms/']:.1f} ms; load average {load[0]:.1f} on "
            f"{os.cpu_count()} cores (shared with other work)")
        for label, unit_code in (("district (huyện Đắk Glei, ~12,000 cases)", district.code),
                                 ("commune (xã Đăk Blô, ~1,000 cases)", commune.code)):
            path = "/api/v1/cases/?" + urllib.parse.urlencode({"territory": unit_code, "page_size": 50})
            for _ in range(30):
                get(path)  # warm both workers
            times, cursor_times = [], []
            for _ in range(300):
                status, body, ms = get(path)
                assert status == 200, body[:300]
                times.append(ms)
            cursor = json.loads(body)["next_cursor"]
            next_path = path + "&" + urllib.parse.urlencode({"cursor": cursor})
            for _ in range(100):
                status, body, ms = get(next_path)
                assert status == 200, body[:300]
                cursor_times.append(ms)
            times.sort()
            cursor_times.sort()
            median, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
            say(f"- {label}: first page of 50 — **median {median:.1f} ms**, p95 {p95:.1f} ms (300 requests, "
                f"one at a time, a new connection each); the next page through the cursor median "
                f"{statistics.median(cursor_times):.1f} ms → {verdict(median, 10)} (goal: median ≤ 10 ms)")
        say("- gunicorn, 2 sync workers on 2 cores, PostgreSQL; bearer token of a province reviewer; timed by the "
            "client over loopback; no COUNT(*) (keyset cursor); three queries: the token, the actor's roles, "
            "territory and delegations (one union), the page (cases with their household, served by the index "
            "case_unit_since for a commune and case_since_unit for a district); units, campaign and strand codes "
            "from memos")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    say()


def make_survey_file(path: Path, n: int) -> None:
    """A clean 100,000-row commune list (13 columns) over Kon Tum's communes, written as .xlsx."""
    from housing_campaign.core.spreadsheets import Column, xlsx_write
    from housing_campaign.geography.models import AdminUnit

    communes = list(AdminUnit.objects.filter(system="legacy", level="commune", path__startswith="L.62.")
                    .select_related("parent").order_by("id"))
    headers = ["TT", "Họ và tên chủ hộ", "Số CCCD", "Dân tộc", "Đối tượng", "Huyện", "Xã", "Nguồn hỗ trợ",
               "Hình thức hỗ trợ",
               "Diện tích nhà (m²)", "Số khẩu", "Nền, móng", "Khung, tường", "Mái", "Ngày rà soát"]
    today = dt.date.today()

    def rows():
        for i in range(1, n + 1):
            commune = communes[i % len(communes)]
            yield [i, f"Y Bench Nhập {i}", f"{63000000000 + i:012d}", "Xơ Đăng", ("Hộ nghèo", "Hộ cận nghèo")[i % 2],
                   commune.parent.name, commune.name, "Phong trào xóa nhà tạm, nhà dột nát",
                   ("Xây mới", "Sửa chữa")[i % 3 == 0], 18 + i % 20, 1 + i % 7,
                   "Không bền vững", ("Không bền vững", "Bền vững")[i % 2], "Bền vững",
                   today - dt.timedelta(days=1 + i % 300)]
    with open(path, "wb") as handle:
        xlsx_write(handle, columns=[Column(h, "general") for h in headers], rows=rows(),
                   title_rows=["DANH SÁCH HỘ ĐỀ NGHỊ HỖ TRỢ NHÀ Ở (tệp sinh cho đo hiệu năng)"])


def bench_import() -> None:
    """Issue #10: import of a 100,000-row clean file end to end, its dry run, and a 100,000-row export."""
    import tempfile

    from django.contrib.auth import get_user_model

    from housing_campaign.accounts.selectors import actor_for
    from housing_campaign.campaigns.models import Campaign
    from housing_campaign.cases.models import HousingCase
    from housing_campaign.core.models import DocumentEvent
    from housing_campaign.imports import services

    n = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
    say(f"## Import of {n:,} rows (goal ≤ 10 s, never above 30 s)")
    say(f"- load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work on the machine "
        "slows every phase)")
    reset_cases()
    campaign = Campaign.objects.get(code="kt2425")
    survey_round = campaign.rounds.get(number=1)
    user = get_user_model().objects.get(pk=users()["reviewer"].pk)
    actor = actor_for(user)
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    path = folder / "danh-sach-100000.xlsx"
    started = time.perf_counter()
    make_survey_file(path, n)
    say(f"- generated file: {path.stat().st_size / 1024 / 1024:.1f} MB in {time.perf_counter() - started:.1f} s "
        "(not counted)")

    def run(dry_run: bool):
        started = time.perf_counter()
        outcome = services.survey_import(actor=actor, campaign=campaign, survey_round=survey_round, path=path,
                                         dry_run=dry_run)
        return outcome, time.perf_counter() - started

    dry, dry_seconds = run(True)
    say(f"- **dry run: {dry_seconds:.2f} s** — {dry.summary()}")
    say(f"  - phases (s): {dry.phases}")
    real, seconds = run(False)
    counts = (HousingCase.objects.count(), DocumentEvent.objects.filter(kind="created").count())
    verdict = "PASS" if seconds <= 10 else ("over goal, under the 30 s limit" if seconds <= 30 else "FAIL")
    say(f"- **import: {seconds:.2f} s ({n / seconds:,.0f} rows/s)** → {verdict}; "
        f"{real.counts['created']} created; cases in the database: {counts[0]}, created log rows: {counts[1]}")
    say(f"  - phases (s): {real.phases}")
    agree(f"the import of {n:,} rows")
    again, again_seconds = run(False)
    say(f"- same file again: {again_seconds:.2f} s — {again.summary()}")
    say(f"  - phases (s): {again.phases}")
    say(f"- load average at the end of the import runs {os.getloadavg()[0]:.1f}")
    started = time.perf_counter()
    size = bench_export_cases(user)
    say(f"- **export of {HousingCase.objects.count():,} cases to .xlsx (streamed): "
        f"{time.perf_counter() - started:.2f} s**, {size / 1024 / 1024:.1f} MB")
    say()


def bench_export_cases(user) -> int:
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    response = client.get("/desk/export.xlsx?scope=all")
    assert response.status_code == 200, response.status_code
    return sum(len(chunk) for chunk in response.streaming_content)


def main() -> None:
    wanted = sys.argv[1:] or ["bulk", "queue", "dashboard", "print", "verify", "import", "api"]
    ensure_database()
    setup_django()
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    say(f"# Benchmarks — {dt.datetime.now():%d/%m/%Y %H:%M}")
    say(f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL {pg}, "
        f"database `{DB_NAME}`.")
    say()
    order = {"bulk": bench_bulk, "print": bench_print, "verify": bench_verify, "queue": bench_queue,
             "import": bench_import, "dashboard": bench_dashboard, "api": bench_api}
    for name in ["bulk", "print", "verify", "api", "queue", "dashboard", "import"]:
        if name in wanted:
            order[name]()
    reports = ROOT / "tests" / "bench" / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    path = reports / f"bench-{dt.datetime.now():%Y%m%d-%H%M}.md"
    path.write_text("\n".join(REPORT) + "\n", encoding="utf-8")
    update_latest(reports / "LATEST.md", REPORT, source=path.name)
    print(f"Report: {path}")


LATEST_HEAD = ["# Benchmarks — latest figures per benchmark",
               "Machine: 2 cores, PostgreSQL 15. Sections come from the runs named under each "
               "(`make bench BENCH_ARGS=...`).", ""]


def _sections(lines: list[str]) -> dict[str, list[str]]:
    """{"## title": the section's lines} of a report, in order (what precedes the first section is dropped)."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in lines:
        if line.startswith("## "):
            current = sections.setdefault(line, [])
        elif current is not None:
            current.append(line)
    return sections


def update_latest(latest: Path, report: list[str], *, source: str) -> None:
    """LATEST.md holds the newest section of every benchmark: a run of some benchmarks replaces their sections
    (and names the run they come from) and keeps the others' as they were."""
    sections = _sections(latest.read_text(encoding="utf-8").splitlines()) if latest.exists() else {}
    for title, body in _sections(report).items():
        while body and not body[-1].strip():
            body = body[:-1]
        sections[title] = [*body, "", f"(from {source})", ""]
    lines = list(LATEST_HEAD)
    for title, body in sections.items():
        lines += [title, *body]
    latest.write_text(re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip("\n") + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

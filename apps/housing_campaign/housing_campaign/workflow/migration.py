"""Moving in-flight documents from one version of a workflow to another, with a preview first.

1. ``migration_plan`` (reads only): for the documents on the source version inside the actor's territory
   (optionally limited to chosen communes or districts; by default a piloted target's units), how many
   sit in each state, where each state's documents land under the state map (by default the state with
   the same code), how many would land in a state whose required fields they lack (the engine's rule:
   no value, "" or []), and every reason the migration is refused. Documents in a final state have
   finished: they stay on their version.
2. ``migration_start``: refuses with every reason and moves nothing, or records what to move (each
   document with the state it was seen in) as a ``BackgroundJob`` and runs it after commit.
3. ``migration_run``: chunks of ``CHUNK`` documents, each in its own transaction with the rows locked;
   a document no longer on the source version or no longer in the state it was seen in is skipped and
   counted (it moved meanwhile). Each moved document gets one "migrated" timeline row ("chuyển sang quy
   trình phiên bản N", old and new state), never a transition to itself.

The summary of each migration is written in the target version's history (the admin's "Lịch sử").
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from housing_campaign.accounts.selectors import Actor, territory_q
from housing_campaign.core import hookspec
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.events import migrated_event
from housing_campaign.core.models import BackgroundJob, DocumentEvent
from housing_campaign.geography.models import AdminUnit

from . import definitions, engine, registry
from .models import WorkflowDefinition
from .rollout import administrator_problems, refuse, units_clean
from .selectors import unit_label

logger = logging.getLogger(__name__)
CHUNK = 500
JOB_KIND = "workflow_migration"
MAX_MAPPING = 200  # states posted in a map; more than any workflow has


@dataclass
class StateRow:
    """One state of the source version that has documents in flight, and where they would go."""

    code: str
    label: str
    count: int
    target: str = ""            # the state chosen in the target version ("" = not chosen)
    target_label: str = ""
    missing: int = 0            # documents that would lack a required field of the target state
    missing_fields: list[tuple[str, int]] = field(default_factory=list)  # (field label, documents lacking it)


@dataclass
class MigrationPlan:
    source: WorkflowDefinition
    target: WorkflowDefinition | None
    mapping: dict[str, str]                  # source state -> target state, for the states in use
    units: list[AdminUnit]
    rows: list[StateRow]
    finished: int                            # documents in a final state: they stay on the source version
    target_states: list[tuple[str, str]]     # (code, label) of the target version, for the choices
    problems: list[str]
    units_defaulted: bool = False            # the units are the piloted target's, not a choice

    @property
    def total(self) -> int:
        return sum(r.count for r in self.rows)

    @property
    def missing(self) -> int:
        return sum(r.missing for r in self.rows)

    @property
    def token(self) -> str:
        """A fingerprint of the choices the preview was computed for: a confirmation carries it, so what is
        confirmed is what was shown."""
        data = {"source": self.source.pk, "target": self.target.pk if self.target else None,
                "mapping": sorted(self.mapping.items()), "units": sorted(u.pk for u in self.units)}
        return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:16]

    @property
    def units_label(self) -> str:
        return ", ".join(unit_label(u) for u in self.units) if self.units else gettext("toàn bộ địa bàn bạn phụ trách")


@dataclass(frozen=True)
class MigrationResult:
    moved: int
    skipped: int


# ---------------------------------------------------------------------------- the preview
def migration_targets(source: WorkflowDefinition) -> list[WorkflowDefinition]:
    """Versions the documents of ``source`` may move to: those new documents start on somewhere (the active
    version, piloted ones), newest first."""
    return list(WorkflowDefinition.objects.filter(doctype=source.doctype).exclude(pk=source.pk)
                .filter(Q(is_active=True) | Q(pilots__isnull=False)).distinct().order_by("-version"))


def _units_q(units: list[AdminUnit]) -> Q:
    q = Q(pk__in=[])
    for unit in units:
        column = "unit_path" if unit.system == AdminUnit.System.LEGACY else "unit_2025_path"
        q |= Q(**{f"{column}__startswith": unit.path})
    return q


def documents_in_scope(*, actor: Actor, source: WorkflowDefinition, units: list[AdminUnit]) -> models.QuerySet:
    """The documents on ``source`` the actor may move: inside their territory, and inside ``units`` if any."""
    qs = registry.model_for(source.doctype).objects.filter(territory_q(actor), workflow=source)
    return qs.filter(_units_q(units)) if units else qs


def _empty_q(model, name: str) -> Q | None:
    """The SQL form of the engine's "missing" (no value, "" or []) for a concrete field, or None when the
    field is not a plain column (then the check runs in Python, on the rows)."""
    try:
        f = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - an extra or computed field
        return None
    if not getattr(f, "concrete", False) or f.many_to_many or isinstance(f, models.JSONField):
        return None
    column = f.attname
    q = Q(**{f"{column}__isnull": True})
    if isinstance(f, (models.CharField, models.TextField)):
        q |= Q(**{column: ""})
    return q


def missing_required(doctype: str, queryset: models.QuerySet, state: engine.StateSpec | None
                     ) -> tuple[int, list[tuple[str, int]]]:
    """How many documents of ``queryset`` lack a field ``state`` requires to be left forward, and how many
    lack each field. One aggregate query when every required field is a column; otherwise the engine's
    own check on each row (streamed)."""
    if state is None or not state.required_fields:
        return 0, []
    model = registry.model_for(doctype)
    names = list(state.required_fields)
    empties = {name: _empty_q(model, name) for name in names}
    if all(q is not None for q in empties.values()):
        any_missing = Q(pk__in=[])
        for q in empties.values():
            any_missing |= q
        counts = queryset.aggregate(_any=Count("pk", filter=any_missing),
                                    **{f"f{i}": Count("pk", filter=empties[n]) for i, n in enumerate(names)})
        per_field = [(registry.field_label(doctype, n), counts[f"f{i}"]) for i, n in enumerate(names)]
        return counts["_any"], [(label, n) for label, n in per_field if n]
    total, per_label = 0, defaultdict(int)
    related = getattr(model, "WORKFLOW_SELECT_RELATED", ())
    for document in queryset.select_related(*related).iterator(chunk_size=2000):
        missing = engine._missing_required(doctype, document, state)
        if missing:
            total += 1
            for item in missing:
                per_label[str(getattr(item, "label", item))] += 1
    return total, sorted(per_label.items(), key=lambda kv: -kv[1])


def _target_problems(source: WorkflowDefinition, target: WorkflowDefinition | None) -> list[str]:
    if target is None:
        return [gettext("Hãy chọn phiên bản đích.")]
    if target.doctype != source.doctype:
        return [gettext("Phiên bản đích phải cùng loại hồ sơ với phiên bản %(version)s (%(doctype)s); “%(name)s” là "
                        "loại %(other)s.") % {"version": source.version, "doctype": source.doctype,
                                              "name": target.name, "other": target.doctype}]
    if target.pk == source.pk:
        return [gettext("Phiên bản đích phải khác phiên bản đang có hồ sơ.")]
    problems = []
    if not target.is_active and not target.pilots.exists():
        problems.append(gettext("Phiên bản %(version)s chưa được áp dụng hay thí điểm ở đâu: hãy áp dụng hoặc thí "
                                "điểm nó trước khi chuyển hồ sơ sang.") % {"version": target.version})
    problems += [gettext("Phiên bản %(version)s còn lỗi: %(problem)s") % {"version": target.version, "problem": p}
                 for p in definitions.definition_problems(definitions.definition_to_dict(target))]
    return problems


def migration_plan(*, actor: Actor, source: WorkflowDefinition, target: WorkflowDefinition | None,
                   mapping: dict[str, str] | None = None, units=None) -> MigrationPlan:
    """The preview: documents per state, where they land, how many would lack required fields, and every
    reason the migration would be refused (``problems``). ``mapping``: source state -> target state; None
    means "the same code where the target has it" (a given map must name every state in use). ``units``:
    ids or rows; None means "the piloted target's units in the actor's territory" (or the whole territory
    when the target is not piloted)."""
    problems = administrator_problems(actor)
    problems += _target_problems(source, target)
    target_ok = target is not None and target.doctype == source.doctype and target.pk != source.pk
    defaulted = False
    if units is None:
        units = list(target.pilots.values_list("unit_id", flat=True)) if target_ok and not target.is_active else []
        defaulted = bool(units)
    chosen, unit_problems = units_clean(actor=actor, units=units)
    if not defaulted:
        problems += unit_problems
    elif not chosen:  # a pilot unit outside the actor's territory is left out, not refused
        problems.append(gettext("Phiên bản %(version)s chỉ được thí điểm ngoài địa bàn bạn phụ trách: hãy chọn xã "
                                "hoặc huyện cần chuyển hồ sơ.") % {"version": target.version})
    source_spec = engine.compiled(source.pk)
    target_spec = engine.compiled(target.pk) if target_ok else None
    target_states = [(code, target_spec.state_label(code)) for code in target_spec.states] if target_spec else []
    scope = documents_in_scope(actor=actor, source=source, units=chosen)
    finals = [code for code, s in source_spec.states.items() if s.is_terminal]
    counts = dict(scope.exclude(state__in=finals).values_list("state").annotate(n=Count("pk")).order_by())
    finished = scope.filter(state__in=finals).count()
    given = {str(k)[:60]: str(v)[:60] for k, v in list((mapping or {}).items())[:MAX_MAPPING]}
    effective: dict[str, str] = {}
    rows = []
    order = {code: i for i, code in enumerate(source_spec.states)}
    for code in sorted(counts, key=lambda c: (order.get(c, len(order)), c)):
        if mapping is None:  # the preview's default: the state with the same code, when the target has it
            wanted = code if target_spec and code in target_spec.states else ""
        else:
            wanted = given.get(code, "")
        row = StateRow(code=code, label=source_spec.state_label(code), count=counts[code], target=wanted)
        effective[code] = wanted
        if target_spec is None:
            pass  # no usable target: its reason is already given, the map means nothing yet
        elif not wanted:
            problems.append(gettext("Chưa chọn trạng thái mới cho “%(state)s” (%(count)s hồ sơ).")
                            % {"state": row.label, "count": row.count})
        elif wanted not in target_spec.states:
            problems.append(gettext("Trạng thái “%(chosen)s” (chọn cho “%(state)s”) không có trong phiên bản "
                                    "%(version)s.") % {"chosen": wanted, "state": row.label, "version": target.version})
        else:
            row.target_label = target_spec.state_label(wanted)
            row.missing, row.missing_fields = missing_required(source.doctype, scope.filter(state=code),
                                                               target_spec.states[wanted])
        rows.append(row)
    if not rows and not problems:
        problems.append(gettext("Không có hồ sơ đang xử lý nào theo phiên bản %(version)s trong địa bàn đã chọn.")
                        % {"version": source.version})
    return MigrationPlan(source=source, target=target if target_ok else None, mapping=effective, units=chosen,
                         rows=rows, finished=finished, target_states=target_states, problems=problems,
                         units_defaulted=defaulted)


# ---------------------------------------------------------------------------- starting and running
def _snapshot(plan: MigrationPlan, actor: Actor) -> dict[str, list[int]]:
    """Each document to move, under the state it was seen in: a document found elsewhere later is skipped."""
    scope = documents_in_scope(actor=actor, source=plan.source, units=plan.units)
    seen: dict[str, list[int]] = defaultdict(list)
    for pk, state in scope.filter(state__in=list(plan.mapping)).order_by("pk").values_list("pk", "state"):
        seen[state].append(pk)
    return dict(seen)


def _log(actor: Actor, definition: WorkflowDefinition, message: str) -> None:
    LogEntry.objects.log_actions(actor.user.pk, [definition], CHANGE, change_message=message, single_object=True)


def _describe(plan: MigrationPlan, verb: str, count: int) -> str:
    moves = "; ".join(f"{r.label} → {r.target_label} ({r.count})" for r in plan.rows)
    return (f"{verb} {count} hồ sơ từ phiên bản {plan.source.version} sang phiên bản {plan.target.version} "
            f"(địa bàn: {plan.units_label}): {moves}.")


@transaction.atomic
def migration_start(*, actor: Actor, source: WorkflowDefinition, target: WorkflowDefinition | None,
                    mapping: dict[str, str] | None, units=None) -> BackgroundJob:
    """Check everything and refuse with every reason (nothing moves), or record the migration as a
    background job started after commit. Returns the job (its page shows the progress)."""
    from housing_campaign.core.jobs import enqueue

    plan = migration_plan(actor=actor, source=source, target=target, mapping=mapping, units=units)
    refuse(actor, plan.problems, gettext("Không chuyển được hồ sơ"))
    docs = _snapshot(plan, actor)
    total = sum(len(ids) for ids in docs.values())
    job = BackgroundJob.objects.create(kind=JOB_KIND, created_by=actor.user, total=total, params={
        "doctype": source.doctype, "source": source.pk, "target": plan.target.pk, "mapping": plan.mapping,
        "units": [u.pk for u in plan.units], "source_version": source.version,
        "target_version": plan.target.version, "docs": docs})
    _log(actor, plan.target, _describe(plan, "Bắt đầu chuyển", total))
    transaction.on_commit(lambda: enqueue("housing_campaign.workflow.migration.migration_run", background=True,
                                          job_id=job.pk))
    return job


def _move_chunk(*, actor: Actor, source: WorkflowDefinition, target: WorkflowDefinition,
                mapping: dict[str, str], chunk: list[tuple[int, str]], job_id: int | None) -> MigrationResult:
    """Lock the chunk's rows (in the actor's territory) and move those still where they were seen."""
    doctype = source.doctype
    model = registry.model_for(doctype)
    target_spec = engine.compiled(target.pk)
    docs = engine._lock(model, [pk for pk, _ in chunk], actor)
    now = timezone.now()
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    events = []
    skipped = 0
    for pk, seen_state in chunk:
        doc = docs.get(pk)
        new_state = mapping.get(seen_state)
        if doc is None or doc.workflow_id != source.pk or doc.state != seen_state or new_state not in \
                target_spec.states:
            skipped += 1
            continue
        groups[(seen_state, new_state)].append(pk)
        events.append(migrated_event(doctype=doctype, object_id=pk, actor_id=actor.id, from_state=seen_state,
                                     to_state=new_state, from_version=source.version, to_version=target.version,
                                     at=now, job_id=job_id))
    for (old_state, new_state), pks in groups.items():
        values = {"workflow_id": target.pk, "state": new_state, "stage": target_spec.states[new_state].stage,
                  "lock_version": F("lock_version") + 1}
        if new_state != old_state:  # a new entry into a state; the same state keeps its time (SLA)
            values.update(state_since=now, state_entry=F("state_entry") + 1)
        model.objects.filter(pk__in=pks).update(**values)
    DocumentEvent.objects.bulk_create(events, batch_size=CHUNK)
    counter = hookspec.doc_counter(doctype, "moved")
    if counter is not None:  # the aggregates move with the documents, in this transaction
        counter(moves=[(pk, source.pk, old, target.pk, new) for (old, new), pks in groups.items() for pk in pks],
                at=now)
    return MigrationResult(moved=len(events), skipped=skipped)


def _run(*, actor: Actor, source: WorkflowDefinition, target: WorkflowDefinition, mapping: dict[str, str],
         docs: dict[str, list[int]], job_id: int | None = None, progress=None) -> MigrationResult:
    items = sorted((pk, state) for state, pks in docs.items() for pk in pks)
    moved = skipped = 0
    for start in range(0, len(items), CHUNK):
        chunk = items[start:start + CHUNK]
        with transaction.atomic():
            result = _move_chunk(actor=actor, source=source, target=target, mapping=mapping, chunk=chunk,
                                 job_id=job_id)
        moved += result.moved
        skipped += result.skipped
        if progress is not None:
            progress(start + len(chunk), moved, skipped)
    return MigrationResult(moved=moved, skipped=skipped)


def documents_migrate(*, actor: Actor, source: WorkflowDefinition, target: WorkflowDefinition | None,
                      mapping: dict[str, str] | None, units=None) -> MigrationResult:
    """The whole migration now, in this thread (chunks, each its own transaction): for commands and tests.
    The admin page goes through ``migration_start`` (the same checks, in the background)."""
    plan = migration_plan(actor=actor, source=source, target=target, mapping=mapping, units=units)
    refuse(actor, plan.problems, gettext("Không chuyển được hồ sơ"))
    docs = _snapshot(plan, actor)
    result = _run(actor=actor, source=source, target=plan.target, mapping=plan.mapping, docs=docs)
    _log(actor, plan.target, _describe(plan, "Đã chuyển", result.moved) + _skipped_note(result, source))
    return result


def _skipped_note(result: MigrationResult, source: WorkflowDefinition) -> str:
    if not result.skipped:
        return ""
    return (f" Bỏ qua {result.skipped} hồ sơ đã thay đổi trong lúc chuyển (vẫn theo phiên bản {source.version}; "
            "chạy lại để chuyển các hồ sơ này).")


def migration_run(*, job_id: int) -> None:
    """The background half of ``migration_start``: progress on the job row, the outcome in its params."""
    from housing_campaign.accounts.selectors import actor_for

    job = BackgroundJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != BackgroundJob.Status.QUEUED:
        return  # already run (a retried delivery)
    now = timezone.now()
    BackgroundJob.objects.filter(pk=job.pk).update(status=BackgroundJob.Status.RUNNING, progress_at=now)
    params = dict(job.params)
    docs = params.pop("docs", {})
    moved = skipped = 0

    def progress(done: int, moved_now: int, skipped_now: int) -> None:
        nonlocal moved, skipped
        moved, skipped = moved_now, skipped_now
        BackgroundJob.objects.filter(pk=job.pk).update(done=done, progress_at=timezone.now())

    try:
        actor = actor_for(job.created_by)
        refusal = administrator_problems(actor)
        if refusal:
            raise ServiceError(" ".join(refusal), code=ErrorCode.PERMISSION_DENIED)
        source = WorkflowDefinition.objects.get(pk=params["source"])
        target = WorkflowDefinition.objects.get(pk=params["target"])
        result = _run(actor=actor, source=source, target=target, mapping=params["mapping"], docs=docs,
                      job_id=job.pk, progress=progress)
        params.update(moved=result.moved, skipped=result.skipped)
        BackgroundJob.objects.filter(pk=job.pk).update(status=BackgroundJob.Status.DONE, params=params,
                                                       done=job.total, finished_at=timezone.now())
        _log(actor, target, f"Đã chuyển {result.moved} hồ sơ từ phiên bản {source.version} sang phiên bản "
                            f"{target.version}." + _skipped_note(result, source))
    except Exception as exc:  # noqa: BLE001 - the page says what happened; the trace goes to the log
        logger.exception("Workflow migration job %s failed", job_id)
        reason = exc.message if isinstance(exc, ServiceError) else gettext("lỗi hệ thống")
        params.update(moved=moved, skipped=skipped)
        BackgroundJob.objects.filter(pk=job.pk).update(
            status=BackgroundJob.Status.FAILED, params=params, finished_at=timezone.now(),
            error=gettext("Dừng sau khi đã chuyển %(moved)s hồ sơ (%(reason)s). Các hồ sơ đã chuyển giữ nguyên; hồ sơ "
                          "còn lại vẫn theo phiên bản cũ: hãy xem trước và chuyển lại.")
            % {"moved": moved, "reason": reason})


STALE_MESSAGE = gettext_noop("Việc chuyển hồ sơ đã dừng: quá %(minutes)s phút không có tiến triển (máy chủ có thể đã "
                             "khởi động lại). Hồ sơ đã chuyển giữ nguyên; hãy xem trước và chuyển lại phần còn lại.")


def migration_jobs_sweep_stale() -> int:
    """Scheduled every minute: a migration queued or running with no sign of life for
    ``WORKFLOW_MIGRATION_STALE_MINUTES`` (each chunk is one) is marked failed, so no page says "running"
    forever. What it moved stays moved; the rest is still on the source version. Returns how many."""
    minutes = int(getattr(settings, "WORKFLOW_MIGRATION_STALE_MINUTES", 15))
    cutoff = timezone.now() - dt.timedelta(minutes=minutes)
    stale = (BackgroundJob.objects.filter(kind=JOB_KIND, status__in=[BackgroundJob.Status.QUEUED,
                                                                     BackgroundJob.Status.RUNNING])
             .filter(Q(progress_at__lt=cutoff) | Q(progress_at__isnull=True, created_at__lt=cutoff)))
    return stale.update(status=BackgroundJob.Status.FAILED, error=gettext(STALE_MESSAGE) % {"minutes": minutes},
                        finished_at=timezone.now())

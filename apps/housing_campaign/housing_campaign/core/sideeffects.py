"""Side effects and document events as recorded jobs (Zulip's queue processors, Saleor's webhook
deliveries): a change writes one ``SideEffectJob`` row per side effect and per listening ``doc_events``
handler inside its transaction, and the job runs only after commit, in-process or on Celery. A failing
handler never turns a committed change into an error page: its job is marked for retry with exponential
backoff, a batch job is split into one job per document so one bad document does not hold back the
others, and after ``max_attempts`` the job stops and stays visible (admin page and case timeline).

Document events (``hooks.doc_events``) are recorded per change, never per document: one job per listening
handler carries every document of the change (a bulk import of 100,000 rows, a bulk approval) with the ids
of their log rows (``DocumentEvent``), aligned with them. A handler that does not listen now
(``hooks.doc_event_listens``) gets no job at all.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from .hookspec import doc_event_listeners, get_attr, side_effect_specs
from .models import DocumentEvent, SideEffectJob

logger = logging.getLogger(__name__)
BACKOFF_SECONDS = (60, 300, 1800, 7200)  # after attempt 1, 2, 3, 4...
STALE_RUNNING = dt.timedelta(minutes=15)
PENDING_GRACE = dt.timedelta(minutes=2)
SWEEP_LIMIT = 200
_batch: ContextVar[list | None] = ContextVar("doc_events_batch", default=None)


def side_effect_jobs_record(*, doctype: str, effects: dict[str, list[int]], actor_id: int | None,
                            event: str = "on_transition", event_ids: Iterable[int] = (),
                            log_ids: Iterable[int] = ()) -> list[SideEffectJob]:
    """Write the jobs of a change inside its transaction; they are queued when it commits.
    ``effects`` maps side-effect names to the documents they concern; ``event_ids`` are the
    documents for which the doctype's ``doc_events[event]`` handlers run, ``log_ids`` their log rows
    (same order)."""
    specs = side_effect_specs()
    jobs = []
    for name, ids in effects.items():
        # A name hooks.py no longer has still gets its job: it fails visibly instead of breaking the transition.
        jobs.append(_job(SideEffectJob.Kind.SIDE_EFFECT, name, specs.get(name, {}).get("handler", ""), doctype, ids,
                         actor_id))
    jobs += _doc_event_jobs(doctype, event, list(event_ids), list(log_ids), actor_id)
    return side_effect_jobs_save(jobs)


def doc_events_emit(*, event: str, rows: Sequence[DocumentEvent]) -> list[SideEffectJob]:
    """``hooks.doc_events[event]`` for the documents whose log rows (saved, of one actor) were just written
    by a service, inside its transaction: one job per listening handler and document type, run after commit.
    Events: ``on_create``, ``on_change``, ``on_certificate_issued``, ``on_certificate_revoked`` (the engine
    records ``on_transition`` with its side effects)."""
    batch = _batch.get()
    if batch is not None:
        batch.extend((event, row) for row in rows)
        return []
    by_doctype: dict[str, list[DocumentEvent]] = {}
    for row in rows:
        by_doctype.setdefault(row.doctype, []).append(row)
    jobs = []
    for doctype, items in by_doctype.items():
        jobs += _doc_event_jobs(doctype, event, [r.object_id for r in items], [r.pk for r in items],
                                items[0].actor_id)
    return side_effect_jobs_save(jobs)


@contextmanager
def doc_events_batched() -> Iterator[None]:
    """Inside (an import that runs each row through the services, in one transaction), ``doc_events_emit`` only
    collects the log rows; leaving without an error records one job per listening handler, document type and event
    for all of them (one for the file, never one per row), keeping only the rows still there (a refused row's
    savepoint was rolled back). Nested: the outermost collects."""
    if _batch.get() is not None:
        yield
        return
    collected: list[tuple[str, DocumentEvent]] = []
    token = _batch.set(collected)
    try:
        yield
    finally:
        _batch.reset(token)
    kept: set[int] = set()
    ids = [row.pk for _event, row in collected]
    for start in range(0, len(ids), 2000):
        kept.update(DocumentEvent.objects.filter(pk__in=ids[start:start + 2000]).values_list("pk", flat=True))
    by_event: dict[str, list[DocumentEvent]] = {}
    for event, row in collected:
        if row.pk in kept:
            by_event.setdefault(event, []).append(row)
    for event, rows in by_event.items():
        by_actor: dict[int | None, list[DocumentEvent]] = {}
        for row in rows:
            by_actor.setdefault(row.actor_id, []).append(row)
        for same_actor in by_actor.values():
            doc_events_emit(event=event, rows=same_actor)


def _doc_event_jobs(doctype: str, event: str, ids: list[int], log_ids: list[int],
                    actor_id: int | None) -> list[SideEffectJob]:
    if not ids:
        return []
    payload = {"event": event, "log_ids": log_ids} if len(log_ids) == len(ids) else {"event": event}
    jobs = []
    for path in doc_event_listeners(doctype, event):
        job = _job(SideEffectJob.Kind.DOC_EVENT, event, path, doctype, ids, actor_id)
        job.payload = payload
        jobs.append(job)
    return jobs


def side_effect_jobs_save(jobs: list[SideEffectJob], *, background: bool = False) -> list[SideEffectJob]:
    """Write unsaved jobs in the current transaction and queue them when it commits (``background``: off
    the request, for slow work such as network calls: see ``side_effect_jobs_queue``)."""
    if not jobs:
        return []
    jobs = SideEffectJob.objects.bulk_create(jobs)
    ids = [job.pk for job in jobs]
    transaction.on_commit(lambda: side_effect_jobs_queue(job_ids=ids, background=background))
    return jobs


def _job(kind, name, handler, doctype, ids, actor_id) -> SideEffectJob:
    ids = list(ids)
    return SideEffectJob(kind=kind, name=name, handler=handler, doctype=doctype, object_ids=ids,
                         object_id=ids[0] if len(ids) == 1 else None, actor_id=actor_id)


class JobFailed(Exception):
    """An expected failure a handler reports (a webhook's receiver answered 500): recorded on the job and
    retried like any other, logged in one line instead of with a trace."""


def non_atomic_job(handler: Callable) -> Callable:
    """Marks a job handler that manages its own transactions: it is not wrapped in one, so what it wrote
    stays when it raises (a webhook delivery's attempt log), and a network call holds no transaction open."""
    handler.job_atomic = False
    return handler


def side_effect_jobs_queue(*, job_ids: list[int], background: bool = False) -> None:
    """Hand the jobs to the job runner. A broker that cannot be reached leaves them pending for the
    sweep; it never raises into the request that committed them. ``background``: without a broker, one
    thread runs them in order after the request (on Celery, each is its own task either way)."""
    from .jobs import enqueue, runs_in_process

    if background and runs_in_process():
        try:
            enqueue("housing_campaign.core.sideeffects.side_effect_jobs_run", background=True, job_ids=list(job_ids))
        except Exception:  # noqa: BLE001 - the job rows stay pending; the sweep runs them later
            logger.exception("Could not start the thread of %s side-effect jobs", len(job_ids))
        return
    for job_id in job_ids:
        try:
            enqueue("housing_campaign.core.sideeffects.side_effect_job_run", job_id=job_id)
        except Exception:  # noqa: BLE001 - the job row stays pending; the sweep runs it later
            logger.exception("Could not queue side-effect job %s", job_id)


def side_effect_jobs_run(*, job_ids: list[int]) -> int:
    """Run jobs one after the other (the in-process background thread of ``side_effect_jobs_queue``)."""
    for job_id in job_ids:
        side_effect_job_run(job_id=job_id)
    return len(job_ids)


def _claim(job_id: int) -> SideEffectJob | None:
    now = timezone.now()
    # A duplicate delivery (Celery is at-least-once) must not bring a retry forward.
    claimed = SideEffectJob.objects.filter(
        Q(status=SideEffectJob.Status.PENDING) | Q(status=SideEffectJob.Status.RETRY, next_attempt_at__lte=now),
        pk=job_id).update(
        status=SideEffectJob.Status.RUNNING, attempts=F("attempts") + 1, started_at=now)
    return SideEffectJob.objects.get(pk=job_id) if claimed else None


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1])


def side_effect_job_run(*, job_id: int) -> str:
    """Run one job once (if it is still waiting); returns its status. Never raises for the handler."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    try:
        handler = get_attr(_handler(job))
        kwargs = dict(doctype=job.doctype, ids=list(job.object_ids), actor_id=job.actor_id, **(job.payload or {}))
        if getattr(handler, "job_atomic", True):
            with transaction.atomic():
                handler(**kwargs)
        else:
            handler(**kwargs)
    except JobFailed as exc:
        logger.warning("Side-effect job %s (%s) failed: %s", job.pk, job.name, exc)
        return _failed(job, exc)
    except Exception as exc:  # noqa: BLE001 - recorded on the job, retried, never a 500
        logger.exception("Side-effect job %s (%s) failed", job.pk, job.name)
        return _failed(job, exc)
    SideEffectJob.objects.filter(pk=job.pk).update(status=SideEffectJob.Status.DONE, finished_at=timezone.now(),
                                                   last_error="")
    return SideEffectJob.Status.DONE


def _handler(job: SideEffectJob) -> str:
    """A side effect runs the handler hooks.py names now (a fix deployed after a failure applies to
    its retries); ``job.handler`` keeps what it was when recorded."""
    if job.kind == SideEffectJob.Kind.SIDE_EFFECT:
        spec = side_effect_specs().get(job.name)
        if spec:
            return spec["handler"]
        if not job.handler:
            raise LookupError(f"Tác vụ kèm theo “{job.name}” không có trong hooks.py.")
    return job.handler


def _failed(job: SideEffectJob, exc: Exception) -> str:
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if len(job.object_ids) > 1:
        # One document's failure must not hold back the others: one job per document, run now.
        children = SideEffectJob.objects.bulk_create([
            SideEffectJob(kind=job.kind, name=job.name, handler=job.handler, doctype=job.doctype, object_id=pk,
                          object_ids=[pk], actor_id=job.actor_id, payload=_payload_of(job, index), parent=job,
                          max_attempts=job.max_attempts) for index, pk in enumerate(job.object_ids)])
        SideEffectJob.objects.filter(pk=job.pk).update(status=SideEffectJob.Status.SPLIT, last_error=error,
                                                       finished_at=now)
        for child in children:
            side_effect_job_run(job_id=child.pk)
        return SideEffectJob.Status.SPLIT
    if job.attempts >= job.max_attempts:
        SideEffectJob.objects.filter(pk=job.pk).update(status=SideEffectJob.Status.FAILED, last_error=error,
                                                       finished_at=now, next_attempt_at=None)
        return SideEffectJob.Status.FAILED
    SideEffectJob.objects.filter(pk=job.pk).update(status=SideEffectJob.Status.RETRY, last_error=error,
                                                   next_attempt_at=now + backoff(job.attempts))
    return SideEffectJob.Status.RETRY


def _payload_of(job: SideEffectJob, index: int) -> dict:
    """A split job's payload for its ``index``-th document: its own log row, when the job carries them."""
    payload = dict(job.payload or {})
    log_ids = payload.get("log_ids")
    if isinstance(log_ids, list) and len(log_ids) == len(job.object_ids):
        payload["log_ids"] = [log_ids[index]]
    return payload


def side_effect_jobs_retry_due() -> int:
    """Scheduled every minute: run jobs whose retry is due, jobs left pending (their queueing was
    lost) and jobs stuck running after a crash. Returns how many ran."""
    now = timezone.now()
    SideEffectJob.objects.filter(status=SideEffectJob.Status.RUNNING, started_at__lt=now - STALE_RUNNING).update(
        status=SideEffectJob.Status.RETRY, next_attempt_at=now,
        last_error=gettext_noop("Bị gián đoạn khi đang chạy."))  # stored as its msgid: shown translated
    due = list(SideEffectJob.objects.filter(
        Q(status=SideEffectJob.Status.RETRY, next_attempt_at__lte=now)
        | Q(status=SideEffectJob.Status.PENDING, created_at__lt=now - PENDING_GRACE)).order_by(
        "created_at").values_list("pk", flat=True)[:SWEEP_LIMIT])
    for job_id in due:
        side_effect_job_run(job_id=job_id)
    return len(due)


def side_effect_job_retry_now(*, job: SideEffectJob) -> str:
    """An administrator asks for another attempt of a failed job now (one more attempt allowed)."""
    updated = SideEffectJob.objects.filter(
        pk=job.pk, status__in=[SideEffectJob.Status.FAILED, SideEffectJob.Status.RETRY]).update(
        status=SideEffectJob.Status.RETRY, next_attempt_at=timezone.now(),
        max_attempts=F("max_attempts") + (1 if job.status == SideEffectJob.Status.FAILED else 0))
    return side_effect_job_run(job_id=job.pk) if updated else "skipped"


"""Side effects and document events as recorded jobs (Zulip's queue processors, Saleor's webhook
deliveries): a transition writes one ``SideEffectJob`` row per side effect inside its transaction,
and the job runs only after commit, in-process or on Celery. A failing handler never turns a
committed change into an error page: its job is marked for retry with exponential backoff, a batch
job is split into one job per document so one bad document does not hold back the others, and
after ``max_attempts`` the job stops and stays visible (admin page and case timeline).
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from .hookspec import doc_event_handlers, get_attr, side_effect_specs
from .models import SideEffectJob

logger = logging.getLogger(__name__)
BACKOFF_SECONDS = (60, 300, 1800, 7200)  # after attempt 1, 2, 3, 4...
STALE_RUNNING = dt.timedelta(minutes=15)
PENDING_GRACE = dt.timedelta(minutes=2)
SWEEP_LIMIT = 200


def side_effect_jobs_record(*, doctype: str, effects: dict[str, list[int]], actor_id: int | None,
                            event: str = "on_transition", event_ids: Iterable[int] = ()) -> list[SideEffectJob]:
    """Write the jobs of a change inside its transaction; they are queued when it commits.
    ``effects`` maps side-effect names to the documents they concern; ``event_ids`` are the
    documents for which the doctype's ``doc_events[event]`` handlers run."""
    specs = side_effect_specs()
    jobs = []
    for name, ids in effects.items():
        # A name hooks.py no longer has still gets its job: it fails visibly instead of breaking the transition.
        jobs.append(_job(SideEffectJob.Kind.SIDE_EFFECT, name, specs.get(name, {}).get("handler", ""), doctype, ids,
                         actor_id))
    event_ids = list(event_ids)
    if event_ids:
        for path in doc_event_handlers(doctype, event):
            jobs.append(_job(SideEffectJob.Kind.DOC_EVENT, event, path, doctype, event_ids, actor_id))
    if not jobs:
        return []
    jobs = SideEffectJob.objects.bulk_create(jobs)
    ids = [job.pk for job in jobs]
    transaction.on_commit(lambda: side_effect_jobs_queue(job_ids=ids))
    return jobs


def _job(kind, name, handler, doctype, ids, actor_id) -> SideEffectJob:
    ids = list(ids)
    return SideEffectJob(kind=kind, name=name, handler=handler, doctype=doctype, object_ids=ids,
                         object_id=ids[0] if len(ids) == 1 else None, actor_id=actor_id)


def side_effect_jobs_queue(*, job_ids: list[int]) -> None:
    """Hand the jobs to the job runner. A broker that cannot be reached leaves them pending for the
    sweep; it never raises into the request that committed them."""
    from .jobs import enqueue

    for job_id in job_ids:
        try:
            enqueue("housing_campaign.core.sideeffects.side_effect_job_run", job_id=job_id)
        except Exception:  # noqa: BLE001 - the job row stays pending; the sweep runs it later
            logger.exception("Could not queue side-effect job %s", job_id)


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
        with transaction.atomic():
            get_attr(_handler(job))(doctype=job.doctype, ids=list(job.object_ids), actor_id=job.actor_id,
                                  **(job.payload or {}))
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
                          object_ids=[pk], actor_id=job.actor_id, payload=job.payload, parent=job,
                          max_attempts=job.max_attempts) for pk in job.object_ids])
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


"""In-process scheduling of ``hooks.scheduler_events`` for the single-machine default (no broker): the
first request after a job falls due starts it on a background thread; the row lock makes sure only
one process runs it (core.middleware.SchedulerMiddleware). With a Celery broker configured, beat
schedules the same jobs instead. Jobs are named by their dotted path."""
from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from .hookspec import get_attr, scheduled_jobs

logger = logging.getLogger(__name__)


def due_jobs(now: dt.datetime | None = None) -> list[str]:
    from .models import ScheduledRun

    now = now or timezone.now()
    runs = dict(ScheduledRun.objects.values_list("name", "last_run_at"))
    return [path for path, seconds in scheduled_jobs().items()
            if runs.get(path) is None or now - runs[path] >= dt.timedelta(seconds=seconds)]


def scheduled_job_run(path: str) -> object:
    """Run one scheduled job now and record when, whatever its interval."""
    from .models import ScheduledRun

    result = get_attr(path)()
    ScheduledRun.objects.update_or_create(name=path, defaults={"last_run_at": timezone.now(),
                                                               "last_result": str(result)[:300]})
    return result


def run_job_if_due(name: str) -> bool:
    from .models import ScheduledRun

    seconds = scheduled_jobs()[name]
    with transaction.atomic():
        ScheduledRun.objects.get_or_create(name=name)
        run = ScheduledRun.objects.select_for_update().get(name=name)
        now = timezone.now()
        if run.last_run_at and now - run.last_run_at < dt.timedelta(seconds=seconds):
            return False
        run.last_run_at = now
        run.save(update_fields=["last_run_at"])
    result = get_attr(name)()
    ScheduledRun.objects.filter(name=name).update(last_result=str(result)[:300])
    return True

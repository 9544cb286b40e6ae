"""In-process scheduling of hooks.SCHEDULES for the single-machine default (no broker): the first
request after a job falls due starts it on a background thread; the row lock makes sure only one
process runs it. With a Celery broker configured, beat schedules the same jobs instead."""
from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)
CHECK_EVERY_SECONDS = 60
_last_check = 0.0


def due_jobs(now: dt.datetime | None = None) -> list[str]:
    from housing_campaign import hooks

    from .models import ScheduledRun

    now = now or timezone.now()
    runs = dict(ScheduledRun.objects.values_list("name", "last_run_at"))
    return [name for name, spec in hooks.SCHEDULES.items()
            if runs.get(name) is None or now - runs[name] >= dt.timedelta(seconds=spec["every_seconds"])]


def run_job_if_due(name: str) -> bool:
    from housing_campaign import hooks

    from .jobs import _resolve
    from .models import ScheduledRun

    spec = hooks.SCHEDULES[name]
    with transaction.atomic():
        ScheduledRun.objects.get_or_create(name=name)
        run = ScheduledRun.objects.select_for_update().get(name=name)
        now = timezone.now()
        if run.last_run_at and now - run.last_run_at < dt.timedelta(seconds=spec["every_seconds"]):
            return False
        run.last_run_at = now
        run.save(update_fields=["last_run_at"])
    result = _resolve(spec["path"])()
    ScheduledRun.objects.filter(name=name).update(last_result=str(result)[:300])
    return True


def maybe_run_due() -> None:
    global _last_check
    if not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True) or not getattr(settings, "RUN_SCHEDULES_IN_PROCESS",
                                                                              True):
        return
    if time.monotonic() - _last_check < CHECK_EVERY_SECONDS:
        return
    _last_check = time.monotonic()
    try:
        names = due_jobs()
    except Exception:  # noqa: BLE001 - never let scheduling break a request (e.g. before migrate)
        logger.exception("Could not check scheduled jobs")
        return
    from .jobs import enqueue

    for name in names:
        enqueue("housing_campaign.core.scheduler.run_job_if_due", background=True, name=name)


class SchedulerMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        maybe_run_due()
        return response

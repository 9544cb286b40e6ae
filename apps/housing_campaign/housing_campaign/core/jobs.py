"""Background work: in-process by default, Celery when a broker is configured (ARCHITECTURE.md)."""
from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connections

from .hookspec import get_attr

logger = logging.getLogger(__name__)


def runs_in_process() -> bool:
    """True without a broker: ``enqueue`` runs jobs in this process (now, or on a thread)."""
    return getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True)


def run_job(path: str, kwargs: dict) -> None:
    get_attr(path)(**kwargs)


def enqueue(path: str, *, background: bool = False, **kwargs) -> None:
    """Run ``path(**kwargs)``: through Celery if configured; otherwise now, or on a thread when
    ``background`` (long work such as batch printing must not hold the request)."""
    if not runs_in_process():
        from .tasks import run_job_task

        run_job_task.delay(path, kwargs)
        return
    if not background:
        run_job(path, kwargs)
        return

    def target():
        close_old_connections()
        try:
            run_job(path, kwargs)
        except Exception:  # noqa: BLE001 - recorded on the job row by the job itself
            logger.exception("Background job %s failed", path)
        finally:
            connections.close_all()  # the thread ends: its connections would stay open (CONN_MAX_AGE)

    threading.Thread(target=target, daemon=True, name=f"job:{path}").start()

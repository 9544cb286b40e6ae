"""Celery tasks: one generic runner, and the scheduled-job runner used by beat."""
from celery import shared_task

from .hookspec import get_attr


@shared_task(name="housing_campaign.run_job")
def run_job_task(path: str, kwargs: dict) -> None:
    get_attr(path)(**kwargs)


@shared_task(name="housing_campaign.run_scheduled")
def run_scheduled(path: str) -> None:
    from .scheduler import scheduled_job_run

    scheduled_job_run(path)

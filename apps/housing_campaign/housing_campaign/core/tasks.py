"""Celery tasks: one generic runner, and the scheduled-job runner used by beat."""
from celery import shared_task

from .jobs import _resolve, run_job


@shared_task(name="housing_campaign.run_job")
def run_job_task(path: str, kwargs: dict) -> None:
    run_job(path, kwargs)


@shared_task(name="housing_campaign.run_scheduled")
def run_scheduled(name: str) -> None:
    from housing_campaign import hooks

    _resolve(hooks.SCHEDULES[name]["path"])()

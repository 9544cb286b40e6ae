"""Celery app: used only when a broker is configured; otherwise jobs run in-process."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "housing_campaign.config.settings")
app = Celery("housing_campaign")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["housing_campaign.core"])


@app.on_after_finalize.connect
def _register_schedules(sender, **_kwargs):
    from housing_campaign.core.hookspec import scheduled_jobs

    for path, seconds in scheduled_jobs().items():
        sender.add_periodic_task(seconds, sender.signature("housing_campaign.run_scheduled", args=(path,)), name=path)

from django.core.management.base import BaseCommand, CommandError

from housing_campaign.core.hookspec import scheduled_jobs
from housing_campaign.core.scheduler import scheduled_job_run


class Command(BaseCommand):
    help = ("Run scheduled jobs of hooks.scheduler_events now (all, or those whose dotted path ends with NAME); "
            "in-process; cron or Celery beat repeat them.")

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help=", ".join(p.rsplit(".", 1)[1] for p in scheduled_jobs()))

    def handle(self, *args, name, **options):
        paths = [p for p in scheduled_jobs() if not name or p == name or p.endswith("." + name)]
        if not paths:
            raise CommandError(f"Không có tác vụ định kỳ “{name}”. Có: "
                               + ", ".join(p.rsplit(".", 1)[1] for p in scheduled_jobs()))
        for path in paths:
            self.stdout.write(f"{path}: {scheduled_job_run(path)}")

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from housing_campaign import hooks
from housing_campaign.core.jobs import _resolve
from housing_campaign.core.models import ScheduledRun


class Command(BaseCommand):
    help = "Run a scheduled job from hooks.SCHEDULES now (in-process; use cron or Celery beat to repeat)."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help=", ".join(hooks.SCHEDULES))

    def handle(self, *args, name, **options):
        names = [name] if name else list(hooks.SCHEDULES)
        for n in names:
            if n not in hooks.SCHEDULES:
                raise CommandError(f"Không có tác vụ định kỳ “{n}”. Có: {', '.join(hooks.SCHEDULES)}")
            result = _resolve(hooks.SCHEDULES[n]["path"])()
            ScheduledRun.objects.update_or_create(name=n, defaults={"last_run_at": timezone.now(),
                                                                    "last_result": str(result)[:300]})
            self.stdout.write(f"{n}: {result}")

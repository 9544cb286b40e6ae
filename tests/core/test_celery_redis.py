"""At scale, background jobs go through Celery on a real Redis broker: a job enqueued by the
product is picked up by a worker and its result lands in the database."""
import time

import pytest

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        import redis

        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001
        return False


@pytest.mark.django_db(transaction=True)
def test_job_runs_through_celery_on_redis(settings, people, campaign):
    if not _redis_up():
        pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    from celery.contrib.testing.worker import start_worker

    from housing_campaign.config.celery import app
    from housing_campaign.core import jobs
    from housing_campaign.core.models import Notification

    app.conf.update(broker_url=REDIS_URL, result_backend=None, task_always_eager=False,
                    broker_connection_retry_on_startup=True)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    user = people.officer
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        jobs.enqueue("tests.core.test_celery_redis.write_note", user_id=user.pk, text="qua Celery")
        for _ in range(100):
            if Notification.objects.filter(user=user, subject="qua Celery").exists():
                break
            time.sleep(0.1)
    assert Notification.objects.filter(user=user, subject="qua Celery").exists()


def write_note(*, user_id: int, text: str) -> None:
    from housing_campaign.core.models import Notification

    Notification.objects.create(user_id=user_id, subject=text)

"""With a broker configured, the whole chain runs on Celery workers against a real Redis: the transition commits,
the webhooks' doc_events job is picked up by a worker, it writes the deliveries, and each delivery is its own task
that reaches the local receiver signed."""
from __future__ import annotations

import time

import pytest

from housing_campaign.webhooks.signing import verify_signature
from tests.conftest import new_case, transition
from tests.core.test_celery_redis import REDIS_URL, _redis_up  # one broker URL: Celery's producer pool is shared
from tests.webhooks.conftest import new_webhook


@pytest.mark.django_db(transaction=True)
def test_deliveries_go_through_celery_on_redis(settings, people, campaign, root, receiver):
    if not _redis_up():
        pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    from celery.contrib.testing.worker import start_worker

    from housing_campaign.config.celery import app
    from housing_campaign.core.models import SideEffectJob
    from housing_campaign.webhooks.models import WebhookDelivery

    webhook, secret = new_webhook(root, receiver.url)
    case = new_case(people, campaign)
    app.conf.update(broker_url=REDIS_URL, result_backend=None, task_always_eager=False,
                    broker_connection_retry_on_startup=True)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            transition(people, people.officer, case, "submit")  # commits: its on-commit hands the job to Celery
            for _ in range(200):
                if WebhookDelivery.objects.filter(status="delivered").exists():
                    break
                time.sleep(0.1)
    finally:
        app.conf.update(task_always_eager=True)
    delivery = WebhookDelivery.objects.get(webhook=webhook)
    assert delivery.status == "delivered" and delivery.attempts == 1
    assert set(SideEffectJob.objects.values_list("kind", "status")) >= {("doc_event", "done"), ("webhook", "done")}
    got = receiver.requests[0]
    verify_signature(secret=secret, body=got.body, header=got.headers["X-HC-Signature"])
    assert got.json["document"]["code"] == case.code and got.json["action"] == "submit"

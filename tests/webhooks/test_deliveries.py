"""Webhooks end to end against a real HTTP receiver on this machine: a transition is delivered signed (checked with
the documented helper), a receiver answering 500 twice then 200 gets three attempts with growing delays (time is
moved, not waited for), a receiver that keeps failing switches the webhook off and the administrators are told, a
rolled-back transition sends nothing, and each webhook only hears about documents of its owner's territory."""
from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import time_machine
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from housing_campaign.core.models import Notification, SideEffectJob
from housing_campaign.core.sideeffects import side_effect_jobs_retry_due
from housing_campaign.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from housing_campaign.webhooks.signing import SignatureError, verify_signature
from tests.conftest import OTHER, make_user, new_case, transition
from tests.webhooks.conftest import new_webhook

WEBHOOKS = "housing_campaign.webhooks.services.webhooks_on_event"

pytestmark = pytest.mark.django_db


def test_a_transition_reaches_the_receiver_signed(people, campaign, root, receiver, run_here):
    webhook, secret = new_webhook(root, receiver.url)
    case = new_case(people, campaign)
    transition(people, people.officer, case, "submit")

    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    timestamp = verify_signature(secret=secret, body=got.body, header=got.headers["X-HC-Signature"])
    assert abs(got.at - timestamp) < 5  # signed when sent
    payload = got.json
    assert payload == {
        "id": payload["id"], "event": "transition", "doctype": "housing_case",
        "document": {"id": case.pk, "code": case.code}, "from_state": "survey", "to_state": "commune_confirmation",
        "action": "submit", "workflow_version": payload["workflow_version"], "actor": "officer_a",
        "at": payload["at"], "changed_fields": []}
    uuid.UUID(payload["id"])
    assert payload["at"].endswith("+07:00")  # Asia/Ho_Chi_Minh
    assert got.headers["X-HC-Event"] == "transition" and got.headers["X-HC-Delivery"] == payload["id"]
    assert got.headers["Content-Type"].startswith("application/json")
    # No personal data: no name, no national id, no phone.
    assert case.household.head_name not in got.body.decode() and case.household.national_id not in got.body.decode()

    # The receiver's checks refuse a changed body, another secret, a replay outside the window.
    with pytest.raises(SignatureError, match="does not match"):
        verify_signature(secret=secret, body=got.body.replace(b"submit", b"approve"),
                         header=got.headers["X-HC-Signature"])
    with pytest.raises(SignatureError, match="does not match"):
        verify_signature(secret="whsec_other", body=got.body, header=got.headers["X-HC-Signature"])
    with pytest.raises(SignatureError, match="replay window"):
        verify_signature(secret=secret, body=got.body, header=got.headers["X-HC-Signature"], now=timestamp + 301)
    with pytest.raises(SignatureError, match="malformed"):
        verify_signature(secret=secret, body=got.body, header="v1=abc")

    delivery = WebhookDelivery.objects.get(webhook=webhook)
    assert delivery.status == "delivered" and delivery.attempts == 1 and delivery.last_status == 200
    assert str(delivery.event_id) == payload["id"] and json.loads(delivery.body) == payload
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.status_code == 200 and attempt.duration_ms < 5000 and '"ok": true' in attempt.response_excerpt
    assert SideEffectJob.objects.get(kind="webhook").status == "done"


def test_500_twice_then_200_is_three_attempts_with_growing_delays(people, campaign, root, receiver, run_here):
    receiver.script = [500, 500, 200]
    webhook, secret = new_webhook(root, receiver.url)
    case = new_case(people, campaign)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        transition(people, people.officer, case, "submit")
        delivery = WebhookDelivery.objects.get(webhook=webhook)
        job = SideEffectJob.objects.get(pk=delivery.job_id)
        assert (delivery.status, delivery.attempts, job.status) == ("retry", 1, "retry")
        first_delay = job.next_attempt_at - start
        assert side_effect_jobs_retry_due() == 0  # not due yet

        clock.shift(first_delay + dt.timedelta(seconds=1))
        second_at = timezone.now()
        assert side_effect_jobs_retry_due() == 1
        job.refresh_from_db()
        assert job.status == "retry" and job.attempts == 2
        second_delay = job.next_attempt_at - second_at
        assert second_delay > first_delay  # exponential backoff: the wait grows

        clock.shift(second_delay + dt.timedelta(seconds=1))
        assert side_effect_jobs_retry_due() == 1

    job.refresh_from_db()
    delivery.refresh_from_db()
    assert job.status == "done" and delivery.status == "delivered" and delivery.attempts == 3
    assert list(delivery.attempt_log.values_list("number", "status_code")) == [(1, 500), (2, 500), (3, 200)]
    assert "HTTP 500" in delivery.attempt_log.first().error
    assert len(receiver.requests) == 3
    # The same event each time (its id for idempotency), signed anew with the time of each attempt.
    assert len({r.json["id"] for r in receiver.requests}) == 1
    assert len({r.body for r in receiver.requests}) == 1
    stamps = [int(r.headers["X-HC-Signature"].split(",")[0][2:]) for r in receiver.requests]
    assert stamps[1] - stamps[0] >= first_delay.total_seconds()
    assert stamps[2] - stamps[1] >= second_delay.total_seconds()
    for got, stamp in zip(receiver.requests, stamps):
        header = got.headers["X-HC-Signature"]
        assert verify_signature(secret=secret, body=got.body, header=header, now=stamp) == stamp
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 0 and webhook.is_active and webhook.last_status == 200


def test_a_receiver_that_keeps_failing_switches_the_webhook_off_and_tells_the_administrators(
        people, campaign, receiver, run_here, settings):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]  # the administrator may reach the local receiver
    receiver.default = 503
    webhook, _secret = new_webhook(people.admin, receiver.url)
    cases = [new_case(people, campaign) for _ in range(4)]
    for case in cases[:3]:
        transition(people, people.officer, case, "submit")
    webhook.refresh_from_db()
    assert not webhook.is_active and webhook.consecutive_failures == 3 and webhook.disabled_at is not None
    assert len(receiver.requests) == 3
    notes = Notification.objects.filter(subject__contains="Sở Xây dựng")
    assert set(notes.values_list("user__username", flat=True)) == {"admin_kt"}  # the owner (no superuser here)
    note = notes.get()
    assert "đã tự tắt sau 3 lần gửi lỗi liên tiếp" in note.subject_text and "HTTP 503" in note.body_text
    # Retries waiting are cancelled, and their jobs send nothing when they come due.
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"cancelled"}
    SideEffectJob.objects.filter(kind="webhook").update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    side_effect_jobs_retry_due()
    assert len(receiver.requests) == 3
    # Switched off, it listens to nothing: the next transition records no job for it at all.
    dispatch = SideEffectJob.objects.filter(kind="doc_event", handler=WEBHOOKS)
    before = dispatch.count()
    transition(people, people.officer, cases[3], "submit")
    assert dispatch.count() == before and len(receiver.requests) == 3

    # Fixed and switched on again by its owner: the count starts over, the cancelled ones can be sent again.
    from housing_campaign.webhooks.services import deliveries_resend, webhook_update

    receiver.default = 200
    webhook_update(actor_user=people.admin, webhook_id=webhook.pk, data={
        "name": webhook.name, "url": webhook.url, "doctypes": webhook.doctypes, "events": webhook.events,
        "is_active": True})
    webhook.refresh_from_db()
    assert webhook.is_active and webhook.consecutive_failures == 0
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert deliveries_resend(actor_user=people.admin,
                                 delivery_ids=list(WebhookDelivery.objects.values_list("pk", flat=True))) == 3
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}
    assert len(receiver.requests) == 6


def test_a_rolled_back_transition_sends_nothing(people, campaign, root, receiver, run_here):
    from housing_campaign.workflow.engine import document_transition

    new_webhook(root, receiver.url)
    case = new_case(people, campaign)
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            document_transition(actor=people.actor(people.officer), doctype="housing_case", object_id=case.pk,
                                action="submit")
            assert SideEffectJob.objects.filter(kind="doc_event").exists()  # recorded inside the transaction
            raise RuntimeError("something after the transition failed: the whole change is rolled back")
    assert callbacks == []
    case.refresh_from_db()
    assert case.state == "survey"
    assert not SideEffectJob.objects.exists() and not WebhookDelivery.objects.exists()
    assert receiver.requests == []
    # The same transition committed is delivered.
    transition(people, people.officer, case, "submit")
    assert len(receiver.requests) == 1


def test_each_webhook_hears_only_of_its_owners_territory_and_chosen_actions(people, campaign, root, receiver,
                                                                             run_here, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    province, _ = new_webhook(people.admin, receiver.url + "?who=province", name="Tỉnh")
    other_commune_admin = make_user("admin_xa", "administrator", OTHER, staff=True)
    new_webhook(other_commune_admin, receiver.url + "?who=other", name="Xã khác")
    only_confirm, _ = new_webhook(root, receiver.url + "?who=confirm", actions=["confirm"], name="Chỉ xác nhận")
    case = new_case(people, campaign)  # in the HOME commune
    transition(people, people.officer, case, "submit")
    assert sorted(r.path for r in receiver.requests) == ["/hc-events?who=province"]
    receiver.requests.clear()
    from housing_campaign.cases.services import case_update_confirmation

    case_update_confirmation(actor=people.actor(people.chairman), case_id=case.pk, data={
        "village_meeting_on": timezone.localdate(), "village_meeting_total": 30, "village_meeting_agree": 28})
    transition(people, people.chairman, case, "confirm")
    assert sorted(r.path for r in receiver.requests) == ["/hc-events?who=confirm", "/hc-events?who=province"]
    assert {r.json["action"] for r in receiver.requests} == {"confirm"}
    # The owner left the administrators: their webhook sends nothing more (and the action filter keeps the
    # other one quiet on a submit).
    from housing_campaign.accounts.models import Role

    people.admin.groups.remove(Role.objects.get(code="administrator").group)
    receiver.requests.clear()
    transition(people, people.officer, new_case(people, campaign), "submit")
    assert receiver.requests == []
    assert Webhook.objects.get(pk=province.pk).is_active and Webhook.objects.get(pk=only_confirm.pk).is_active

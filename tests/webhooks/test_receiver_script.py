"""scripts/webhook_receiver.py (standard library only), run as a separate process: it verifies what the product
signs, prints one line per event, refuses a wrong signature and says when an event comes twice."""
from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, new_case, transition
from tests.webhooks.conftest import new_webhook

pytestmark = pytest.mark.django_db
SCRIPT = Path(__file__).resolve().parents[2] / "apps/housing_campaign/scripts/webhook_receiver.py"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def script_receiver():
    processes = []

    def start(secret: str, count: int, port: int | None = None):
        port = port or _free_port()
        process = subprocess.Popen([sys.executable, "-I", str(SCRIPT), "--port", str(port), "--count", str(count)],
                                   env={"WEBHOOK_SECRET": secret, "PATH": "/usr/bin:/bin"}, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        processes.append(process)
        assert process.stdout.readline().startswith(f"listening on http://127.0.0.1:{port}/")
        return port, process

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_the_receiver_script_verifies_and_prints_each_event(people, campaign, root, script_receiver, run_here):
    from housing_campaign.webhooks.models import WebhookDelivery
    from housing_campaign.webhooks.services import _attempt

    port = _free_port()
    webhook, secret = new_webhook(root, f"http://127.0.0.1:{port}/")
    _port, process = script_receiver(secret, 2, port)
    case = new_case(people, campaign)
    transition(people, people.officer, case, "submit")
    delivery = WebhookDelivery.objects.get(event="transition")
    assert _attempt(webhook, delivery).ok  # the same event again (a retry after a lost answer): recognised by its id
    client = Client()
    client.login(username="root", password=PASSWORD)
    client.post(reverse("admin:webhooks_webhook_test", args=[webhook.pk]))
    out, _ = process.communicate(timeout=20)
    lines = out.strip().splitlines()
    stamp, at = lines[0].split("t=")[1].split()[0], lines[0].split(" at=")[1].split()[0]
    assert lines[0] == (f"OK signature t={stamp} event=transition doc=housing_case {case.code} action=submit "
                        f"survey->commune_confirmation actor=officer_a at={at} id={delivery.event_id}")
    assert at.endswith("+07:00")
    assert lines[1] == f"DUPLICATE id={delivery.event_id} (already received: answered 200, not processed again)"
    assert lines[2].startswith("OK signature ") and "event=ping" in lines[2] and "actor=root" in lines[2]
    assert len(lines) == 3 and process.returncode == 0  # stopped after --count 2 good deliveries


def test_the_receiver_script_refuses_a_wrong_signature_and_notes_a_repeat(root, script_receiver):
    from housing_campaign.webhooks.services import webhook_send_test

    port, process = script_receiver("whsec_not_the_one", 1)
    webhook, secret = new_webhook(root, f"http://127.0.0.1:{port}/")
    refused = webhook_send_test(actor_user=root, webhook_id=webhook.pk)
    assert refused.status == "failed" and refused.last_status == 400
    assert "signature does not match" in refused.attempt_log.get().response_excerpt
    process.kill()
    out, _ = process.communicate(timeout=10)
    assert out.strip().splitlines()[-1].startswith("REFUSED signature does not match (event=ping id=")

"""manage.py webhook: the same service and checks as the admin form; the secret alone on stdout."""
from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from housing_campaign.webhooks.models import Webhook

pytestmark = pytest.mark.django_db


def test_superuser_creates_lists_and_disables_and_gets_the_secret_alone(people):
    root = get_user_model().objects.create_superuser("root_cmd", "root@example.invalid", "x-Pass-2025")
    out = io.StringIO()
    call_command("webhook", "create", "root_cmd", "--url", "http://127.0.0.1:9/hook", "--event", "transition",
                 "--action", "approve", stdout=out, stderr=io.StringIO())
    secret = out.getvalue().strip()
    webhook = Webhook.objects.get()
    assert secret == webhook.secret and "\n" not in secret
    assert (webhook.doctypes, webhook.events, webhook.actions, webhook.created_by) == (
        ["housing_case"], ["transition"], ["approve"], root)
    listing = io.StringIO()
    call_command("webhook", "list", "root_cmd", stdout=listing)
    assert listing.getvalue().startswith(f"{webhook.pk}\ton\thttp://127.0.0.1:9/hook")
    call_command("webhook", "disable", "root_cmd", str(webhook.pk), stderr=io.StringIO())
    assert not Webhook.objects.get().is_active


def test_refusals_write_nothing(people):
    with pytest.raises(CommandError, match="Không có người dùng"):
        call_command("webhook", "create", "nobody_here", "--url", "https://example.org/h", stdout=io.StringIO())
    # An administrator may not point a webhook at a loopback address (server-side request forgery).
    with pytest.raises(CommandError):
        call_command("webhook", "create", people.admin.username, "--url", "http://127.0.0.1:9/hook",
                     stdout=io.StringIO())
    # A commune officer may not configure webhooks at all; an unknown event is named.
    with pytest.raises(CommandError, match="quản trị"):
        call_command("webhook", "create", people.officer.username, "--url", "https://example.org/h",
                     stdout=io.StringIO())
    with pytest.raises(CommandError, match="Sự kiện không có"):
        call_command("webhook", "create", people.admin.username, "--url", "https://example.org/h",
                     "--event", "exploded", stdout=io.StringIO())
    assert not Webhook.objects.exists()

"""Reads of webhooks: who sees which, and whether any listens to an event (asked on every change)."""
from __future__ import annotations

from django.db.models import QuerySet

from housing_campaign.accounts.selectors import actor_for

from .models import HOOK_EVENT, Webhook, WebhookDelivery

MANAGER_ROLE = "administrator"


def may_manage_webhooks(user) -> bool:
    """Superusers, and administrators who are not read-only (never the auditor)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    actor = actor_for(user)
    return MANAGER_ROLE in actor.own.roles and not actor.read_only


def webhooks_visible(user) -> QuerySet[Webhook]:
    """Superusers and read-only auditors see every webhook; an administrator sees the webhooks they created."""
    qs = Webhook.objects.select_related("created_by")
    if user.is_superuser or actor_for(user).read_only:
        return qs
    return qs.filter(created_by=user)


def deliveries_visible(user) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(webhook__in=webhooks_visible(user).values("pk"))


def may_see_secret(user, webhook: Webhook) -> bool:
    """Only the webhook's creator (still allowed to manage webhooks) and superusers: never the auditor."""
    return user.is_superuser or (webhook.created_by_id == user.pk and may_manage_webhooks(user))


def webhooks_listening(*, doctype: str, event: str) -> bool:
    """``hooks.doc_event_listens`` for the webhooks' handler: does an active webhook want this event of this
    document type? One small query per change (never per document), so a change nobody listens to writes no job."""
    wanted = HOOK_EVENT.get(event)
    if wanted is None:
        return False
    return any(doctype in (doctypes or []) and wanted in (events or [])
               for doctypes, events in Webhook.objects.filter(is_active=True).values_list("doctypes", "events"))

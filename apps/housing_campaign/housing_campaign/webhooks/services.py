"""Webhooks: configuring them (administrators, in the admin), turning document events into signed deliveries,
sending them with retries, and switching off a webhook whose receiver keeps failing.

How an event travels:

1. A service writes its log row (``DocumentEvent``) and records ``hooks.doc_events[event]`` in its transaction
   (core.sideeffects.doc_events_emit, or the engine for transitions): one job for the whole change, and only
   while an active webhook wants that event (``selectors.webhooks_listening``); a rolled-back change records
   nothing, so it sends nothing.
2. After commit that job runs ``webhooks_on_event``: for each active webhook that wants the event, one
   ``WebhookDelivery`` per document its owner may see (territory), with the JSON body frozen, and one recorded
   job (core.SideEffectJob, kind "webhook") per delivery, queued off the request: on Celery when a broker is
   configured, else on one background thread.
3. ``webhook_delivery_send`` makes one attempt: checks the address again (DNS rebinding), signs the body with a
   fresh timestamp, POSTs it without following redirects, logs the attempt (status, time, error, start of the
   answer). A failure raises, and the job is retried with the shared backoff (1 min, 5 min, 30 min, 2 h ...)
   until ``WEBHOOK_MAX_ATTEMPTS``; after ``WEBHOOK_DISABLE_AFTER_FAILURES`` failed attempts in a row the webhook
   switches itself off and its owner and the superusers are notified.

The secret signs; it is never written to the log, never in a form, shown once when created or renewed, and
afterwards only to its creator or a superuser who asks for it.
"""
from __future__ import annotations

import json
import logging
import secrets
import uuid
from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from housing_campaign.accounts.selectors import actor_for
from housing_campaign.core import hookspec
from housing_campaign.core.errors import ErrorCode, ServiceError, validation_error
from housing_campaign.core.i18n import message
from housing_campaign.core.models import DocumentEvent, Notification, SideEffectJob
from housing_campaign.core.sideeffects import JobFailed, non_atomic_job, side_effect_jobs_save

from . import network, signing
from .models import HOOK_EVENT, PING, Event, Webhook, WebhookAttempt, WebhookDelivery
from .selectors import may_manage_webhooks, may_see_secret, webhooks_visible

logger = logging.getLogger(__name__)
SECRET_PREFIX = "whsec_"
NAME_MAX = 120
CHUNK = 2000  # ids per query (SQLite's limit on parameters)
DELIVER = "housing_campaign.webhooks.services.webhook_delivery_send"
# Certificates belong to housing cases (certificates/services.py): their events exist for that type only.
CERTIFICATE_DOCTYPES = ("housing_case",)
CERTIFICATE_EVENTS = (Event.CERTIFICATE_ISSUED, Event.CERTIFICATE_REVOKED)
USER_AGENT = "HousingCampaign-Webhook/1"


def _setting(name: str, default):
    return getattr(settings, name, default)


def secret_new() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


# ---------------------------------------------------------------------------- configuration
def action_choices(doctypes: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(code, label) of the workflow actions of the active versions of ``doctypes`` (all when None), for the
    "only these actions" filter."""
    from housing_campaign.core.i18n import localized_label
    from housing_campaign.workflow.models import WorkflowTransition

    qs = WorkflowTransition.objects.filter(definition__is_active=True).order_by("definition__doctype", "id")
    if doctypes is not None:
        qs = qs.filter(definition__doctype__in=list(doctypes))
    labels: dict[str, list[str]] = {}
    for transition in qs.select_related("definition"):
        names = labels.setdefault(transition.action, [])
        if localized_label(transition) not in names:  # one code may read differently per document type
            names.append(localized_label(transition))
    return [(code, f"{' / '.join(names)} ({code})") for code, names in labels.items()]


def webhook_clean(*, actor_user, data: dict) -> dict:
    """The webhook's fields from ``data`` (name, url, doctypes, events, actions, is_active), checked; raises a
    ServiceError naming every bad field. A URL reaching a loopback or private address is refused unless the
    actor is a superuser."""
    errors: dict[str, list[str]] = {}
    name = " ".join(str(data.get("name") or "").split())
    if not name:
        errors["name"] = [gettext("Chưa nhập tên webhook.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [gettext("Tên dài tối đa %(max)s ký tự.") % {"max": NAME_MAX}]
    url = str(data.get("url") or "").strip()
    try:
        network.url_check(url, allow_private=actor_user.is_superuser)
    except network.UrlRefused as exc:
        errors["url"] = [exc.message]
    known_doctypes = list(hookspec.doctype_models())
    doctypes = [d for d in _as_list(data.get("doctypes")) if d]
    events = [e for e in _as_list(data.get("events")) if e]
    actions = [a for a in _as_list(data.get("actions")) if a]
    if not doctypes:
        errors["doctypes"] = [gettext("Chọn ít nhất một loại hồ sơ.")]
    elif unknown := [d for d in doctypes if d not in known_doctypes]:
        errors["doctypes"] = [gettext("Loại hồ sơ không có: %(codes)s.") % {"codes": ", ".join(unknown)}]
    if not events:
        errors["events"] = [gettext("Chọn ít nhất một sự kiện.")]
    elif unknown := [e for e in events if e not in Event.values]:
        errors["events"] = [gettext("Sự kiện không có: %(codes)s.") % {"codes": ", ".join(unknown)}]
    elif doctypes and "doctypes" not in errors and set(events) <= set(CERTIFICATE_EVENTS) \
            and not set(doctypes) & set(CERTIFICATE_DOCTYPES):
        errors["events"] = [gettext("Giấy chứng nhận bàn giao chỉ có ở hồ sơ hỗ trợ nhà ở; hãy chọn loại hồ sơ đó "
                                    "hoặc một sự kiện khác.")]
    if actions:
        if Event.TRANSITION not in events:
            errors["actions"] = [gettext("Chỉ lọc theo thao tác khi đã chọn sự kiện “Chuyển trạng thái”.")]
        elif "doctypes" not in errors:
            known = {code for code, _label in action_choices(doctypes)}
            if unknown := [a for a in actions if a not in known]:
                errors["actions"] = [gettext("Thao tác không có trong quy trình của loại hồ sơ đã chọn: %(codes)s.")
                                     % {"codes": ", ".join(unknown)}]
    if errors:
        raise validation_error(errors)
    return {"name": name, "url": url, "doctypes": sorted(set(doctypes), key=known_doctypes.index),
            "events": [e for e in Event.values if e in events], "actions": sorted(set(actions)),
            "is_active": bool(data.get("is_active", True))}


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _require_manager(actor_user) -> None:
    if not may_manage_webhooks(actor_user):
        raise ServiceError(gettext("Chỉ quản trị viên được cấu hình webhook."), code=ErrorCode.PERMISSION_DENIED)


def webhook_get_for_manager(*, actor_user, webhook_id, for_update: bool = False) -> Webhook:
    """A webhook the actor may change (their own; any for a superuser), or a refusal that does not tell
    whether another's exists."""
    _require_manager(actor_user)
    qs = webhooks_visible(actor_user)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=int(webhook_id))
    except (Webhook.DoesNotExist, TypeError, ValueError):
        raise ServiceError(gettext("Không tìm thấy webhook."), code=ErrorCode.NOT_FOUND) from None


@transaction.atomic
def webhook_create(*, actor_user, data: dict) -> tuple[Webhook, str]:
    """A new webhook owned by the actor, with a new secret: returns both (the secret is shown once)."""
    _require_manager(actor_user)
    fields = webhook_clean(actor_user=actor_user, data=data)
    secret = secret_new()
    webhook = Webhook.objects.create(**fields, secret=secret, created_by=actor_user,
                                     private_network_allowed=actor_user.is_superuser)
    return webhook, secret


@transaction.atomic
def webhook_update(*, actor_user, webhook_id: int, data: dict) -> Webhook:
    webhook = webhook_get_for_manager(actor_user=actor_user, webhook_id=webhook_id, for_update=True)
    fields = webhook_clean(actor_user=actor_user, data=data)
    if fields["url"] != webhook.url:
        # Whoever sets the URL answers for where it points: a superuser's private address stays allowed only
        # until someone else changes it.
        webhook.private_network_allowed = actor_user.is_superuser
    switched_on = fields["is_active"] and not webhook.is_active
    for key, value in fields.items():
        setattr(webhook, key, value)
    if switched_on:
        webhook.consecutive_failures = 0
        webhook.disabled_at = None
        webhook.disabled_reason = ""
    webhook.save()
    return webhook


@transaction.atomic
def webhook_secret_rotate(*, actor_user, webhook_id: int) -> str:
    """A new secret (the old one stops working at once); returned to be shown once."""
    webhook = webhook_get_for_manager(actor_user=actor_user, webhook_id=webhook_id, for_update=True)
    if not may_see_secret(actor_user, webhook):
        raise ServiceError(gettext("Chỉ người tạo webhook hoặc quản trị hệ thống được xem, đổi khóa bí mật."),
                           code=ErrorCode.PERMISSION_DENIED)
    webhook.secret = secret_new()
    webhook.save(update_fields=["secret", "updated_at"])
    return webhook.secret


def webhook_secret_reveal(*, actor_user, webhook_id: int) -> str:
    webhook = webhook_get_for_manager(actor_user=actor_user, webhook_id=webhook_id)
    if not may_see_secret(actor_user, webhook):
        raise ServiceError(gettext("Chỉ người tạo webhook hoặc quản trị hệ thống được xem, đổi khóa bí mật."),
                           code=ErrorCode.PERMISSION_DENIED)
    return webhook.secret


# ---------------------------------------------------------------------------- payloads
def _local_iso(at) -> str:
    return timezone.localtime(at, timezone.get_default_timezone()).isoformat(timespec="seconds")


def changed_fields(row: DocumentEvent) -> list[str]:
    """The names of what an edit changed; administrator-defined fields as ``extra.<code>``."""
    names = []
    for field, change in (row.changes or {}).items():
        if field == "extra" and isinstance(change, list) and len(change) == 2:
            old, new = (change[0] or {}), (change[1] or {})
            if isinstance(old, dict) and isinstance(new, dict):
                names += [f"extra.{code}" for code in sorted(set(old) | set(new)) if old.get(code) != new.get(code)]
                continue
        names.append(field)
    return names


def event_payload(*, event_id: uuid.UUID, event: str, doctype: str, object_id: int, code: str,
                  row: DocumentEvent) -> dict:
    """What a receiver gets for one event: identifiers, states, action, who and when, the names of changed
    fields. No personal data beyond the acting user's name: the receiver reads the document through the API,
    under the same rules as its owner."""
    payload = {
        "id": str(event_id),
        "event": event,
        "doctype": doctype,
        "document": {"id": object_id, "code": code},
        "from_state": row.from_state or None,
        "to_state": row.to_state or None,
        "action": row.action or None,
        "workflow_version": row.workflow_version,
        "actor": row.actor.get_username() if row.actor_id else None,
        "at": _local_iso(row.at),
        "changed_fields": changed_fields(row) if event == Event.CHANGED else [],
    }
    if event in CERTIFICATE_EVENTS:
        payload["certificate"] = {"code": (row.data or {}).get("certificate"), "number": (row.data or {}).get("number")}
    return payload


def _body(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


# ---------------------------------------------------------------------------- fan-out (a doc_events handler)
def _owner_may_receive(webhook: Webhook) -> bool:
    owner = webhook.created_by
    return owner.is_active and (owner.is_superuser or may_manage_webhooks(owner))


def _visible_ids(webhook: Webhook, model, ids: list[int]) -> set[int] | None:
    """The ids among ``ids`` the webhook's owner may see (None: all of them)."""
    owner = webhook.created_by
    if owner.is_superuser:
        return None
    scope = hookspec.territory_scope(model._meta.label)
    if scope is None:
        return None
    visible = scope(actor_for(owner))
    found: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        found.update(visible.filter(pk__in=ids[start:start + CHUNK]).values_list("pk", flat=True))
    return found


def webhooks_on_event(*, doctype: str, ids: list[int], actor_id: int | None, event: str,
                      log_ids: list[int] | None = None, **_kwargs) -> int:
    """``hooks.doc_events["*"][event]``: one delivery per active webhook that wants the event and per document
    its owner may see, each sent by its own recorded job after this one commits. Returns how many."""
    kind = HOOK_EVENT.get(event)
    if kind is None or not log_ids or len(log_ids) != len(ids):
        return 0
    webhooks = [w for w in Webhook.objects.filter(is_active=True).select_related("created_by")
                if doctype in w.doctypes and kind in w.events and _owner_may_receive(w)]
    if not webhooks:
        return 0
    model = apps.get_model(hookspec.doctype_models()[doctype])
    rows: dict[int, DocumentEvent] = {}
    codes: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        rows.update((r.pk, r) for r in DocumentEvent.objects.filter(pk__in=log_ids[start:start + CHUNK])
                    .select_related("actor"))
        codes.update(model.objects.filter(pk__in=ids[start:start + CHUNK]).values_list("pk", "code"))
    deliveries, jobs = [], []
    max_attempts = _setting("WEBHOOK_MAX_ATTEMPTS", 8)
    for webhook in webhooks:
        visible = _visible_ids(webhook, model, ids)
        for object_id, log_id in zip(ids, log_ids):
            row = rows.get(log_id)
            if row is None or (visible is not None and object_id not in visible):
                continue
            if kind == Event.TRANSITION and webhook.actions and row.action not in webhook.actions:
                continue
            event_id = uuid.uuid4()
            code = codes.get(object_id, "")
            job = SideEffectJob(kind=SideEffectJob.Kind.WEBHOOK, name="webhook", handler=DELIVER, doctype=doctype,
                                object_ids=[object_id], actor_id=actor_id, payload={"delivery": str(event_id)},
                                max_attempts=max_attempts)
            jobs.append(job)
            deliveries.append(WebhookDelivery(
                webhook=webhook, event_id=event_id, event=kind, doctype=doctype, object_id=object_id,
                document_code=code, log_id=log_id, job=job,
                body=_body(event_payload(event_id=event_id, event=kind, doctype=doctype, object_id=object_id,
                                         code=code, row=row))))
    if not deliveries:
        return 0
    # The jobs first (the deliveries point to them); they are queued when this job's transaction commits.
    side_effect_jobs_save(jobs, background=True)
    for delivery in deliveries:
        delivery.job_id = delivery.job.pk
    WebhookDelivery.objects.bulk_create(deliveries, batch_size=1000)
    return len(deliveries)


# ---------------------------------------------------------------------------- one attempt
def _headers(webhook: Webhook, delivery: WebhookDelivery, body: bytes) -> dict[str, str]:
    return {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
            "X-HC-Event": delivery.event, "X-HC-Delivery": str(delivery.event_id),
            signing.HEADER: signing.sign(secret=webhook.secret, body=body)}


def _attempt(webhook: Webhook, delivery: WebhookDelivery) -> network.Answer:
    """Check the address again, sign, POST. Never raises."""
    body = delivery.body.encode("utf-8")
    try:
        target = network.url_check(webhook.url, allow_private=webhook.private_network_allowed)
    except network.UrlRefused as exc:
        return network.Answer(None, 0, error=exc.message)
    return network.post(target, body=body, headers=_headers(webhook, delivery, body),
                        timeout=float(_setting("WEBHOOK_TIMEOUT_SECONDS", 10)))


def _log_attempt(webhook: Webhook, delivery: WebhookDelivery, answer: network.Answer, number: int) -> None:
    now = timezone.now()
    WebhookAttempt.objects.create(delivery=delivery, number=number, at=now, url=webhook.url[:500],
                                  status_code=answer.status, duration_ms=answer.duration_ms,
                                  error=answer.error[:2000], response_excerpt=answer.excerpt[:network.EXCERPT_BYTES])
    delivery.attempts = number
    delivery.last_status = answer.status
    delivery.last_duration_ms = answer.duration_ms
    delivery.last_error = answer.error[:2000]
    if answer.ok:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = now
    delivery.save(update_fields=["attempts", "last_status", "last_duration_ms", "last_error", "status",
                                 "delivered_at"])
    Webhook.objects.filter(pk=webhook.pk).update(last_delivery_at=now, last_status=answer.status)


@non_atomic_job
def webhook_delivery_send(*, delivery: str, **_kwargs) -> None:
    """The job of one delivery (core.sideeffects runs it, retries it with backoff): one attempt. Holds no
    transaction while it waits for the receiver; raises JobFailed when the attempt failed, so it is retried."""
    item = WebhookDelivery.objects.select_related("webhook", "webhook__created_by").filter(event_id=delivery).first()
    if item is None or item.status in (WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.CANCELLED):
        return  # the webhook was deleted, or a duplicate run
    webhook = item.webhook
    if not webhook.is_active or not _owner_may_receive(webhook):
        WebhookDelivery.objects.filter(pk=item.pk).update(status=WebhookDelivery.Status.CANCELLED)
        return
    # The job counts this run already (core.sideeffects claims it first): its last one ends the delivery.
    job_attempts, job_max = SideEffectJob.objects.filter(pk=item.job_id).values_list(
        "attempts", "max_attempts").first() or (1, 1)
    answer = _attempt(webhook, item)
    with transaction.atomic():
        if not answer.ok:
            item.status = WebhookDelivery.Status.FAILED if job_attempts >= job_max else WebhookDelivery.Status.RETRY
        _log_attempt(webhook, item, answer, item.attempts + 1)
        if answer.ok:
            Webhook.objects.filter(pk=webhook.pk).update(consecutive_failures=0)
            return
        _count_failure(webhook, answer.error)
    raise JobFailed(answer.error)


def _count_failure(webhook: Webhook, error: str) -> None:
    """One more failed attempt in a row; at the limit the webhook switches itself off and says so."""
    limit = _setting("WEBHOOK_DISABLE_AFTER_FAILURES", 10)
    Webhook.objects.filter(pk=webhook.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    now = timezone.now()
    reason = gettext_noop("Tự tắt sau %(count)s lần gửi lỗi liên tiếp.")
    switched_off = Webhook.objects.filter(pk=webhook.pk, is_active=True, consecutive_failures__gte=limit).update(
        is_active=False, disabled_at=now, disabled_reason=(reason % {"count": limit})[:300])
    if not switched_off:
        return
    WebhookDelivery.objects.filter(webhook=webhook, status__in=[WebhookDelivery.Status.PENDING,
                                                                WebhookDelivery.Status.RETRY]).update(
        status=WebhookDelivery.Status.CANCELLED)
    recipients = {webhook.created_by_id, *get_user_model().objects.filter(is_superuser=True, is_active=True)
                  .values_list("pk", flat=True)}
    subject = message(gettext_noop("Webhook “%(name)s” đã tự tắt sau %(count)s lần gửi lỗi liên tiếp"),
                      name=webhook.name, count=limit)
    body = message(gettext_noop("Nơi nhận %(url)s không nhận được sự kiện. Lỗi gần nhất: %(error)s Hãy sửa nơi nhận, "
                                "rồi bật lại webhook trong trang quản trị (Webhook); các lần gửi đang chờ đã được "
                                "hủy và có thể gửi lại từ nhật ký gửi."), url=webhook.url, error=error[:300])
    key = f"webhook-off:{webhook.pk}:{int(now.timestamp())}"
    Notification.objects.bulk_create([Notification.build(user_id=user_id, subject=subject, body=body, dedupe_key=key)
                                      for user_id in sorted(recipients)])
    logger.warning("Webhook %s switched off after %s failed attempts in a row", webhook.pk, limit)


# ---------------------------------------------------------------------------- from the admin
def webhook_send_test(*, actor_user, webhook_id: int) -> WebhookDelivery:
    """Send a "ping" now (one attempt, not retried, not counted against the webhook) and log it: the
    administrator sees at once whether the receiver answers and checks the signature."""
    webhook = webhook_get_for_manager(actor_user=actor_user, webhook_id=webhook_id)
    event_id = uuid.uuid4()
    payload = {"id": str(event_id), "event": PING, "doctype": None, "document": None, "from_state": None,
               "to_state": None, "action": None, "workflow_version": None, "actor": actor_user.get_username(),
               "at": _local_iso(timezone.now()), "changed_fields": [],
               "webhook": {"id": webhook.pk, "name": webhook.name, "doctypes": webhook.doctypes,
                           "events": webhook.events}}
    delivery = WebhookDelivery.objects.create(webhook=webhook, event_id=event_id, event=PING, body=_body(payload))
    answer = _attempt(webhook, delivery)
    if not answer.ok:
        delivery.status = WebhookDelivery.Status.FAILED
    _log_attempt(webhook, delivery, answer, 1)
    return delivery


@transaction.atomic
def deliveries_resend(*, actor_user, delivery_ids: list[int]) -> int:
    """Send again deliveries that failed or were cancelled (after the receiver was fixed and the webhook
    switched back on): a new job each, queued after commit. Returns how many; delivered ones are skipped."""
    _require_manager(actor_user)
    from .selectors import deliveries_visible

    items = list(deliveries_visible(actor_user).filter(
        pk__in=delivery_ids, webhook__is_active=True,
        status__in=[WebhookDelivery.Status.FAILED, WebhookDelivery.Status.CANCELLED,
                    WebhookDelivery.Status.RETRY]).exclude(event=PING).select_for_update(of=("self",)))
    if not items:
        return 0
    jobs = [SideEffectJob(kind=SideEffectJob.Kind.WEBHOOK, name="webhook", handler=DELIVER, doctype=item.doctype,
                          object_ids=[item.object_id] if item.object_id else [], actor_id=actor_user.pk,
                          payload={"delivery": str(item.event_id)},
                          max_attempts=_setting("WEBHOOK_MAX_ATTEMPTS", 8)) for item in items]
    # The previous job of a delivery waiting for a retry must not send it a second time.
    SideEffectJob.objects.filter(pk__in=[i.job_id for i in items if i.job_id],
                                 status__in=[SideEffectJob.Status.RETRY, SideEffectJob.Status.PENDING]).update(
        status=SideEffectJob.Status.DONE, finished_at=timezone.now(), next_attempt_at=None)
    side_effect_jobs_save(jobs, background=True)
    for item, job in zip(items, jobs):
        item.job = job
        item.status = WebhookDelivery.Status.PENDING
    WebhookDelivery.objects.bulk_update(items, ["job", "status"])
    return len(items)

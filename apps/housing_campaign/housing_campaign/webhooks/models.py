"""Webhooks: where administrators send the product's document events, and the log of every delivery.

A ``Webhook`` belongs to the administrator who created it (a superuser sees and manages all): it receives the
events of the document types it names, for the documents its owner may see (their territory, as in the desk
and the API), signed with its secret. One ``WebhookDelivery`` per event and webhook keeps the body sent (the
same on every attempt: its ``event_id`` lets the receiver ignore a repeat), and one ``WebhookAttempt`` per try
keeps the answer (status, time, error, the start of the body). Retries, backoff and their schedule are the
recorded job's (core.SideEffectJob, kind "webhook") linked to the delivery.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from housing_campaign.core.hookspec import doctype_choices


class Event(models.TextChoices):
    """What a webhook can subscribe to; each is one event of ``hooks.doc_events`` (``on_<value>``)."""

    CREATED = "created", _("Tạo mới hồ sơ")
    TRANSITION = "transition", _("Chuyển trạng thái (duyệt, trả lại, ...)")
    CHANGED = "changed", _("Sửa thông tin hồ sơ")
    CERTIFICATE_ISSUED = "certificate_issued", _("Cấp giấy chứng nhận bàn giao")
    CERTIFICATE_REVOKED = "certificate_revoked", _("Thu hồi giấy chứng nhận bàn giao")


HOOK_EVENT = {"on_create": Event.CREATED, "on_transition": Event.TRANSITION, "on_change": Event.CHANGED,
              "on_certificate_issued": Event.CERTIFICATE_ISSUED, "on_certificate_revoked": Event.CERTIFICATE_REVOKED}
PING = "ping"  # the "send test" event


class Webhook(models.Model):
    name = models.CharField(_("tên"), max_length=120)
    url = models.CharField(_("địa chỉ nhận (URL)"), max_length=500)
    doctypes = models.JSONField(_("loại hồ sơ"), default=list)
    events = models.JSONField(_("sự kiện"), default=list)
    actions = models.JSONField(_("chỉ các thao tác"), default=list, blank=True)  # empty: every transition
    secret = models.CharField(_("khóa bí mật"), max_length=100, editable=False)
    is_active = models.BooleanField(_("đang bật"), default=True)
    # A superuser set the current URL: it may point at a loopback or private address (checked again on sending).
    private_network_allowed = models.BooleanField(_("được gửi tới địa chỉ nội bộ"), default=False, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("người tạo (chủ webhook)"), editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    consecutive_failures = models.PositiveIntegerField(_("số lần lỗi liên tiếp"), default=0, editable=False)
    disabled_at = models.DateTimeField(_("tự tắt lúc"), null=True, blank=True, editable=False)
    disabled_reason = models.CharField(_("lý do tự tắt"), max_length=300, blank=True, editable=False)
    last_delivery_at = models.DateTimeField(_("gửi gần nhất lúc"), null=True, blank=True, editable=False)
    last_status = models.PositiveSmallIntegerField(_("mã trả lời gần nhất"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["is_active"])]
        verbose_name = _("webhook")
        verbose_name_plural = pgettext_lazy("plural", "webhook")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ gửi")
        RETRY = "retry", _("Lỗi, sẽ gửi lại")
        DELIVERED = "delivered", _("Đã gửi")
        FAILED = "failed", _("Lỗi, đã dừng gửi lại")
        CANCELLED = "cancelled", _("Không gửi (webhook đã tắt hoặc bị xóa)")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries",
                                verbose_name=_("webhook"))
    event_id = models.UUIDField(_("mã sự kiện"), default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(_("sự kiện"), max_length=30)
    doctype = models.CharField(_("loại hồ sơ"), max_length=40, blank=True, choices=doctype_choices)
    object_id = models.BigIntegerField(_("hồ sơ (id)"), null=True, blank=True)
    document_code = models.CharField(_("mã hồ sơ"), max_length=60, blank=True)
    log_id = models.BigIntegerField(_("dòng nhật ký (id)"), null=True, blank=True)  # core.DocumentEvent
    body = models.TextField(_("nội dung gửi (JSON)"))
    status = models.CharField(_("tình trạng"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("số lần đã gửi"), default=0)
    job = models.ForeignKey("core.SideEffectJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                            verbose_name=_("tác vụ gửi"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("gửi được lúc"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("mã trả lời"), null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("thời gian trả lời (ms)"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["webhook", "-created_at"]), models.Index(fields=["status"])]
        verbose_name = _("lần gửi webhook")
        verbose_name_plural = pgettext_lazy("plural", "nhật ký gửi webhook")

    def __str__(self) -> str:
        return f"{self.webhook} – {self.event} {self.document_code or ''} – {self.get_status_display()}"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log",
                                 verbose_name=_("lần gửi"))
    number = models.PositiveIntegerField(_("lần thử"))
    at = models.DateTimeField(_("lúc"))
    url = models.CharField(_("địa chỉ"), max_length=500)
    status_code = models.PositiveSmallIntegerField(_("mã trả lời HTTP"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("thời gian trả lời (ms)"), default=0)
    error = models.TextField(_("lỗi"), blank=True)
    response_excerpt = models.TextField(_("đầu nội dung trả lời"), blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        verbose_name = _("lần thử gửi")
        verbose_name_plural = pgettext_lazy("plural", "các lần thử gửi")

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or '—'} {self.duration_ms} ms"

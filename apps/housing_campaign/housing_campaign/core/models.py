"""The append-only timeline shared by every document type (Saleor's events, Zulip's audit log)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .hookspec import doctype_choices


class DocumentEvent(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", _("Tạo mới")
        EDITED = "edited", _("Sửa")
        TRANSITION = "transition", _("Chuyển trạng thái")
        APPROVAL = "approval", _("Phiếu duyệt")
        COMMENT = "comment", _("Ý kiến")
        ATTACHMENT = "attachment", _("Tệp đính kèm")
        MIGRATED = "migrated", _("Chuyển phiên bản quy trình")
        ESCALATED = "escalated", _("Nhắc quá hạn")
        DOCUMENT = "document", _("Văn bản")

    doctype = models.CharField(_("loại hồ sơ"), max_length=40, choices=doctype_choices)
    object_id = models.BigIntegerField(_("mã hồ sơ (id)"))
    kind = models.CharField(_("loại sự kiện"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("lúc"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("người thực hiện"))
    acting_for = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("thay cho"))
    workflow_version = models.PositiveIntegerField(_("phiên bản quy trình"), null=True, blank=True)
    from_state = models.CharField(_("từ trạng thái"), max_length=60, blank=True)
    to_state = models.CharField(_("đến trạng thái"), max_length=60, blank=True)
    action = models.CharField(_("thao tác"), max_length=60, blank=True)
    comment = models.TextField(_("ý kiến, lý do"), blank=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)  # {"field": [old, new]}
    data = models.JSONField(_("dữ liệu kèm theo"), default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["doctype", "object_id", "at"]),
                   models.Index(fields=["doctype", "kind", "to_state", "at"])]
        ordering = ["at", "id"]
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = pgettext_lazy("plural", "nhật ký hồ sơ")

    def __str__(self) -> str:
        return f"{self.get_doctype_display()} #{self.object_id} – {self.get_kind_display()} – {self.at:%d/%m/%Y %H:%M}"


class Notification(models.Model):
    """A message to a user (SLA escalations, assignments). Delivery beyond the desk is a hook.

    Read in the reader's language: ``message`` holds the subject (and body) as stored messages
    (core/i18n.py: msgid and parameters) rendered when shown; ``subject``/``body`` keep the Vietnamese
    text for the admin's list, search and delivery by other channels."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=_("người nhận"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    subject = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    message = models.JSONField(_("nội dung theo ngôn ngữ người đọc"), default=dict, blank=True)
    doctype = models.CharField(_("loại hồ sơ"), max_length=40, blank=True, choices=doctype_choices)
    object_id = models.BigIntegerField(_("mã hồ sơ (id)"), null=True, blank=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    dedupe_key = models.CharField(_("khóa chống trùng"), max_length=200, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("thông báo")
        verbose_name_plural = pgettext_lazy("plural", "thông báo")

    def __str__(self) -> str:
        return self.subject_text

    @classmethod
    def build(cls, *, subject: dict, body: dict | None = None, **fields) -> Notification:
        """An unsaved notification whose subject (and body) are stored messages (core/i18n.message)."""
        from .i18n import render_message

        subject_vi = render_message(subject, source=True)[:300]
        body_vi = render_message(body, source=True) if body else ""
        stored = {"subject": subject, **({"body": body} if body else {})}
        return cls(subject=subject_vi, body=body_vi, message=stored, **fields)

    @property
    def subject_text(self) -> str:
        from .i18n import render_message, translate_stored

        stored = (self.message or {}).get("subject")
        return render_message(stored) if stored else translate_stored(self.subject)

    @property
    def body_text(self) -> str:
        from .i18n import render_message, translate_stored

        stored = (self.message or {}).get("body")
        return render_message(stored) if stored else translate_stored(self.body)


class BackgroundJob(models.Model):
    """Progress of long work (batch printing, bulk actions) that a page can poll."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Lỗi")

    kind = models.CharField(_("loại tác vụ"), max_length=40)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("người tạo"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    status = models.CharField(_("tình trạng"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("tổng số"), default=0)
    done = models.PositiveIntegerField(_("đã xong"), default=0)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    result_file = models.CharField(_("tệp kết quả"), max_length=300, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    # Last sign of life (start or a finished part): a job "running" without one for long is swept to failed.
    progress_at = models.DateTimeField(_("cập nhật tiến độ lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tác vụ nền")
        verbose_name_plural = pgettext_lazy("plural", "tác vụ nền")

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.status == "done" else 0)


class Sequence(models.Model):
    """Gap-free counters (case codes, document numbers per issuer, kind and year): the row is
    locked while a value is taken, so two at the same moment never get the same number."""

    key = models.CharField(_("khóa"), max_length=120, unique=True)
    last_value = models.PositiveBigIntegerField(_("số đã cấp gần nhất"), default=0)

    class Meta:
        verbose_name = _("bộ đếm số")
        verbose_name_plural = pgettext_lazy("plural", "bộ đếm số")

    def __str__(self) -> str:
        return f"{self.key}: {self.last_value}"


class ScheduledRun(models.Model):
    """When each scheduled job (hooks.scheduler_events, by dotted path) last ran, so the in-process
    scheduler runs it once per interval."""

    name = models.CharField(_("tác vụ định kỳ"), max_length=200, unique=True)
    last_run_at = models.DateTimeField(_("chạy lần cuối lúc"), null=True, blank=True)
    last_result = models.CharField(_("kết quả lần cuối"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("lần chạy tác vụ định kỳ")
        verbose_name_plural = pgettext_lazy("plural", "lần chạy tác vụ định kỳ")


class SideEffectJob(models.Model):
    """One run of a side effect or document event after a change committed (Frappe's hooks run as
    recorded jobs): written in the same transaction as the change, run after commit in-process or on
    Celery, retried with backoff, and visible to administrators and on the case timeline."""

    class Kind(models.TextChoices):
        SIDE_EFFECT = "side_effect", _("Tác vụ kèm theo")
        DOC_EVENT = "doc_event", _("Sự kiện hồ sơ")
        WEBHOOK = "webhook", _("Gửi webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Đã chạy xong")
        RETRY = "retry", _("Lỗi, sẽ chạy lại")
        FAILED = "failed", _("Lỗi, đã dừng thử lại")
        SPLIT = "split", _("Tách theo từng hồ sơ")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("tác vụ"), max_length=200)  # the side effect's name, or the event
    handler = models.CharField(_("hàm xử lý"), max_length=200)  # dotted path resolved when the job runs
    doctype = models.CharField(_("loại hồ sơ"), max_length=40, choices=doctype_choices)
    object_id = models.BigIntegerField(_("mã hồ sơ (id)"), null=True, blank=True)  # when it concerns one document
    object_ids = models.JSONField(_("các hồ sơ (id)"), default=list)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("người thực hiện"))
    payload = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children",
                               verbose_name=_("tác vụ gốc"))
    status = models.CharField(_("tình trạng"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("số lần đã chạy"), default=0)
    max_attempts = models.PositiveIntegerField(_("số lần chạy tối đa"), default=5)
    next_attempt_at = models.DateTimeField(_("chạy lại lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"]),
                   models.Index(fields=["doctype", "object_id"])]
        ordering = ["-created_at", "-id"]
        verbose_name = _("tác vụ sau chuyển trạng thái")
        verbose_name_plural = pgettext_lazy("plural", "tác vụ sau chuyển trạng thái")

    def __str__(self) -> str:
        from .hookspec import side_effect_label

        return f"{side_effect_label(self.name)} – {self.get_doctype_display()} ({len(self.object_ids)}) – " \
               f"{self.get_status_display()}"

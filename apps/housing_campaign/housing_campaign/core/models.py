"""The append-only timeline shared by every document type (Saleor's events, Zulip's audit log)."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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

    doctype = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    acting_for = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    workflow_version = models.PositiveIntegerField(null=True, blank=True)
    from_state = models.CharField(max_length=60, blank=True)
    to_state = models.CharField(max_length=60, blank=True)
    action = models.CharField(max_length=60, blank=True)
    comment = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)  # {"field": [old, new]}
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["doctype", "object_id", "at"]),
                   models.Index(fields=["doctype", "kind", "to_state", "at"])]
        ordering = ["at", "id"]
        verbose_name = "sự kiện hồ sơ"
        verbose_name_plural = "nhật ký hồ sơ"

    def __str__(self) -> str:
        return f"{self.doctype}#{self.object_id} {self.kind} {self.at:%d/%m/%Y %H:%M}"


class Notification(models.Model):
    """A message to a user (SLA escalations, assignments). Delivery beyond the desk is a hook."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    doctype = models.CharField(max_length=40, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"


class BackgroundJob(models.Model):
    """Progress of long work (batch printing, bulk actions) that a page can poll."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Lỗi")

    kind = models.CharField(max_length=40)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    params = models.JSONField(default=dict, blank=True)
    result_file = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Last sign of life (start or a finished part): a job "running" without one for long is swept to failed.
    progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "tác vụ nền"
        verbose_name_plural = "tác vụ nền"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.status == "done" else 0)


class Sequence(models.Model):
    """Gap-free counters (case codes, document numbers per issuer, kind and year): the row is
    locked while a value is taken, so two at the same moment never get the same number."""

    key = models.CharField(max_length=120, unique=True)
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "bộ đếm số"
        verbose_name_plural = "bộ đếm số"

    def __str__(self) -> str:
        return f"{self.key}: {self.last_value}"


class ScheduledRun(models.Model):
    """When each scheduled job (hooks.scheduler_events, by dotted path) last ran, so the in-process
    scheduler runs it once per interval."""

    name = models.CharField(max_length=200, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=300, blank=True)


class SideEffectJob(models.Model):
    """One run of a side effect or document event after a change committed (Frappe's hooks run as
    recorded jobs): written in the same transaction as the change, run after commit in-process or on
    Celery, retried with backoff, and visible to administrators and on the case timeline."""

    class Kind(models.TextChoices):
        SIDE_EFFECT = "side_effect", _("Tác vụ kèm theo")
        DOC_EVENT = "doc_event", _("Sự kiện hồ sơ")

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Đã chạy xong")
        RETRY = "retry", _("Lỗi, sẽ chạy lại")
        FAILED = "failed", _("Lỗi, đã dừng thử lại")
        SPLIT = "split", _("Tách theo từng hồ sơ")

    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    name = models.CharField("tác vụ", max_length=200)  # the side effect's name, or the event
    handler = models.CharField("hàm xử lý", max_length=200)  # dotted path resolved when the job runs
    doctype = models.CharField("loại hồ sơ", max_length=40)
    object_id = models.BigIntegerField("mã hồ sơ (id)", null=True, blank=True)  # when it concerns one document
    object_ids = models.JSONField("các hồ sơ (id)", default=list)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name="người thực hiện")
    payload = models.JSONField("dữ liệu", default=dict, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children",
                               verbose_name="tác vụ gốc")
    status = models.CharField("tình trạng", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField("số lần đã chạy", default=0)
    max_attempts = models.PositiveIntegerField("số lần chạy tối đa", default=5)
    next_attempt_at = models.DateTimeField("chạy lại lúc", null=True, blank=True)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    created_at = models.DateTimeField("tạo lúc", default=timezone.now)
    started_at = models.DateTimeField("bắt đầu lúc", null=True, blank=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"]),
                   models.Index(fields=["doctype", "object_id"])]
        ordering = ["-created_at", "-id"]
        verbose_name = "tác vụ sau chuyển trạng thái"
        verbose_name_plural = "tác vụ sau chuyển trạng thái"

    def __str__(self) -> str:
        return f"{self.name} – {self.doctype} ({len(self.object_ids)}) – {self.get_status_display()}"

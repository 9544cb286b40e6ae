"""An import is one batch: the file, the mapping, what it would do (dry run) and what it did."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    SURVEY = "survey", _("Danh sách rà soát (tạo hộ và hồ sơ)")
    UPDATE = "update", _("Cập nhật hồ sơ theo mã hồ sơ")


class ImportTemplate(models.Model):
    """A confirmed column mapping, saved under a name and reused for the next file of the same shape."""

    name = models.CharField("tên mẫu", max_length=80)
    kind = models.CharField("loại", max_length=10, choices=ImportKind.choices, default=ImportKind.SURVEY)
    mapping = models.JSONField("cách ghép cột", default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="importtemplate_unique_name")]
        ordering = ["name"]
        verbose_name = "mẫu ghép cột"
        verbose_name_plural = "mẫu ghép cột"

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Đã tải lên, chờ ghép cột")
        CHECKING = "checking", _("Đang kiểm tra thử")
        CHECKED = "checked", _("Đã kiểm tra thử")
        RUNNING = "running", _("Đang nhập")
        DONE = "done", _("Đã nhập")
        REFUSED = "refused", _("Không nhập (có dòng bị từ chối)")
        FAILED = "failed", _("Lỗi")

    kind = models.CharField("loại", max_length=10, choices=ImportKind.choices, default=ImportKind.SURVEY)
    campaign = models.ForeignKey("campaigns.Campaign", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="chương trình")
    survey_round = models.ForeignKey("campaigns.SurveyRound", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="đợt rà soát")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="người nhập")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField("tên tệp", max_length=255)
    stored_file = models.CharField(max_length=300)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    mapping = models.JSONField(default=dict, blank=True)
    good_rows_only = models.BooleanField("chỉ nhập dòng hợp lệ", default=False)
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.UPLOADED)
    # Territory the batch belongs to (the importer's), so lists of batches are scoped like cases.
    unit_paths = models.JSONField(default=list, blank=True)
    total_rows = models.PositiveIntegerField("số dòng", default=0)
    created = models.PositiveIntegerField("tạo mới", default=0)
    repaired = models.PositiveIntegerField("đã sửa", default=0)
    refused = models.PositiveIntegerField("bị từ chối", default=0)
    existing = models.PositiveIntegerField("đã có", default=0)
    updated = models.PositiveIntegerField("cập nhật", default=0)
    report_file = models.CharField(max_length=300, blank=True)
    phases = models.JSONField("thời gian từng bước (giây)", default=dict, blank=True)
    message = models.TextField(blank=True)
    job = models.ForeignKey("core.BackgroundJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "lần nhập"
        verbose_name_plural = "các lần nhập"

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

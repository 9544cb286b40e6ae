"""An import is one batch: the file, the mapping, what it would do (dry run) and what it did."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportKind(models.TextChoices):
    SURVEY = "survey", _("Danh sách rà soát (tạo hộ và hồ sơ)")
    UPDATE = "update", _("Cập nhật hồ sơ theo mã hồ sơ")


class ImportTemplate(models.Model):
    """A confirmed column mapping, saved under a name and reused for the next file of the same shape."""

    name = models.CharField(_("tên mẫu"), max_length=80)
    kind = models.CharField(_("loại"), max_length=10, choices=ImportKind.choices, default=ImportKind.SURVEY)
    mapping = models.JSONField(_("cách ghép cột"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("người tạo"))
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="importtemplate_unique_name")]
        ordering = ["name"]
        verbose_name = _("mẫu ghép cột")
        verbose_name_plural = pgettext_lazy("plural", "mẫu ghép cột")

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

    kind = models.CharField(_("loại"), max_length=10, choices=ImportKind.choices, default=ImportKind.SURVEY)
    campaign = models.ForeignKey("campaigns.Campaign", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("chương trình"))
    survey_round = models.ForeignKey("campaigns.SurveyRound", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("đợt rà soát"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("người nhập"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    stored_file = models.CharField(_("tệp đã tải lên"), max_length=300)
    file_sha256 = models.CharField(_("mã băm tệp (SHA-256)"), max_length=64, db_index=True)
    mapping = models.JSONField(_("ghép cột"), default=dict, blank=True)
    good_rows_only = models.BooleanField(_("chỉ nhập dòng hợp lệ"), default=False)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    # Territory the batch belongs to (the importer's), so lists of batches are scoped like cases.
    unit_paths = models.JSONField(_("địa bàn"), default=list, blank=True)
    total_rows = models.PositiveIntegerField(_("số dòng"), default=0)
    created = models.PositiveIntegerField(_("tạo mới"), default=0)
    repaired = models.PositiveIntegerField(_("đã sửa"), default=0)
    refused = models.PositiveIntegerField(_("bị từ chối"), default=0)
    existing = models.PositiveIntegerField(_("đã có"), default=0)
    updated = models.PositiveIntegerField(_("cập nhật"), default=0)
    report_file = models.CharField(_("tệp báo cáo"), max_length=300, blank=True)
    phases = models.JSONField(_("thời gian từng bước (giây)"), default=dict, blank=True)
    message = models.TextField(_("thông báo"), blank=True)
    # The summary as a stored message (core/i18n.py), shown in the reader's language; ``message`` keeps it in
    # Vietnamese (or says why the batch failed, in the importer's language).
    summary = models.JSONField(_("tóm tắt theo ngôn ngữ người đọc"), default=dict, blank=True)
    job = models.ForeignKey("core.BackgroundJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                            verbose_name=_("tác vụ nền"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lần nhập")
        verbose_name_plural = pgettext_lazy("plural", "các lần nhập")

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def message_text(self) -> str:
        from housing_campaign.core.i18n import render_message

        return render_message(self.summary) if self.summary else self.message

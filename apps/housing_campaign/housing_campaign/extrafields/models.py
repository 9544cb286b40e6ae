"""Administrator-defined fields (Frappe's Custom Field, stored as data; values live in ``extra`` JSON)."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from housing_campaign.core.hookspec import doctype_choices


class ExtraField(models.Model):
    class FieldType(models.TextChoices):
        TEXT = "text", _("Văn bản")
        INTEGER = "integer", _("Số nguyên")
        DECIMAL = "decimal", _("Số thập phân")
        DATE = "date", _("Ngày")
        CHOICE = "choice", _("Danh sách chọn")
        BOOLEAN = "boolean", _("Có/Không")

    doctype = models.CharField(_("loại hồ sơ"), max_length=40, choices=doctype_choices)
    code = models.SlugField(_("mã trường"), max_length=40,
                            help_text=_("Chữ thường không dấu, số và gạch dưới; dùng trong điều kiện và mẫu in"))
    label_vi = models.CharField(_("nhãn (tiếng Việt)"), max_length=120)
    label_en = models.CharField(_("nhãn (tiếng Anh)"), max_length=120, blank=True)
    field_type = models.CharField(_("kiểu"), max_length=10, choices=FieldType.choices)
    required = models.BooleanField(_("bắt buộc"), default=False)
    choices = models.JSONField(_("các lựa chọn"), default=list, blank=True,
                               help_text=_('Ví dụ: [["co_dien", "Có điện"], ["khong_dien", "Không có điện"]]'))
    min_value = models.DecimalField(_("giá trị nhỏ nhất"), max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("giá trị lớn nhất"), max_digits=14, decimal_places=2, null=True, blank=True)
    max_length = models.PositiveIntegerField(_("độ dài tối đa"), null=True, blank=True)
    pattern = models.CharField(_("mẫu (biểu thức chính quy)"), max_length=200, blank=True)
    help_vi = models.CharField(_("hướng dẫn"), max_length=300, blank=True)
    stage = models.CharField(_("giai đoạn"), max_length=30, blank=True, default="survey")
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    retired_at = models.DateTimeField(_("ngừng dùng lúc"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doctype", "code"], name="extrafield_unique_code")]
        ordering = ["doctype", "order", "id"]
        verbose_name = _("trường bổ sung")
        verbose_name_plural = pgettext_lazy("plural", "trường bổ sung")

    def __str__(self) -> str:
        return f"{self.label_vi} ({self.code})"

"""Administrator-defined fields (Frappe's Custom Field, stored as data; values live in ``extra`` JSON)."""
from django.db import models


class ExtraField(models.Model):
    class FieldType(models.TextChoices):
        TEXT = "text", "Văn bản"
        INTEGER = "integer", "Số nguyên"
        DECIMAL = "decimal", "Số thập phân"
        DATE = "date", "Ngày"
        CHOICE = "choice", "Danh sách chọn"
        BOOLEAN = "boolean", "Có/Không"

    doctype = models.CharField("loại hồ sơ", max_length=40)
    code = models.SlugField("mã trường", max_length=40,
                            help_text="Chữ thường không dấu, số và gạch dưới; dùng trong điều kiện và mẫu in")
    label_vi = models.CharField("nhãn (tiếng Việt)", max_length=120)
    label_en = models.CharField("nhãn (tiếng Anh)", max_length=120, blank=True)
    field_type = models.CharField("kiểu", max_length=10, choices=FieldType.choices)
    required = models.BooleanField("bắt buộc", default=False)
    choices = models.JSONField("các lựa chọn", default=list, blank=True,
                               help_text='Ví dụ: [["co_dien", "Có điện"], ["khong_dien", "Không có điện"]]')
    min_value = models.DecimalField("giá trị nhỏ nhất", max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField("giá trị lớn nhất", max_digits=14, decimal_places=2, null=True, blank=True)
    max_length = models.PositiveIntegerField("độ dài tối đa", null=True, blank=True)
    pattern = models.CharField("mẫu (biểu thức chính quy)", max_length=200, blank=True)
    help_vi = models.CharField("hướng dẫn", max_length=300, blank=True)
    stage = models.CharField("giai đoạn", max_length=30, blank=True, default="survey")
    order = models.PositiveIntegerField("thứ tự", default=0)
    is_active = models.BooleanField("đang dùng", default=True)
    retired_at = models.DateTimeField("ngừng dùng lúc", null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doctype", "code"], name="extrafield_unique_code")]
        ordering = ["doctype", "order", "id"]
        verbose_name = "trường bổ sung"
        verbose_name_plural = "trường bổ sung"

    def __str__(self) -> str:
        return f"{self.label_vi} ({self.code})"

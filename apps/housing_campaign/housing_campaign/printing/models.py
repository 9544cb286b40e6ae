"""Print formats as data, versioned, and document numbers per issuing unit, kind and year."""
from django.conf import settings
from django.db import models


class PrintFormat(models.Model):
    code = models.SlugField("mã", max_length=60, unique=True)
    doctype = models.CharField("loại hồ sơ", max_length=40)
    name = models.CharField("tên mẫu", max_length=200)
    description = models.TextField("mô tả", blank=True)
    document_kind = models.CharField("loại văn bản (ký hiệu)", max_length=20, blank=True,
                                     help_text="Ví dụ QĐ, GCN, BB: dùng để cấp số văn bản")
    html = models.TextField("HTML (Jinja)")
    css = models.TextField("CSS", blank=True)
    version = models.PositiveIntegerField("phiên bản", default=1)
    is_active = models.BooleanField("đang dùng", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["doctype", "code"]
        verbose_name = "mẫu in"
        verbose_name_plural = "mẫu in"

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class PrintFormatVersion(models.Model):
    """Every saved version is kept so an issued document can be reproduced as it was issued."""

    print_format = models.ForeignKey(PrintFormat, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    html = models.TextField()
    css = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["print_format", "version"], name="printformat_unique_version")]
        ordering = ["print_format", "-version"]


class IssuedDocument(models.Model):
    print_format_version = models.ForeignKey(PrintFormatVersion, on_delete=models.PROTECT, related_name="+")
    doctype = models.CharField(max_length=40)
    object_id = models.BigIntegerField(null=True, blank=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    number_text = models.CharField("số, ký hiệu", max_length=60, blank=True)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    context = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["doctype", "object_id"])]
        verbose_name = "văn bản đã ban hành"
        verbose_name_plural = "văn bản đã ban hành"


class DocumentKind(models.Model):
    """Document kinds and their symbols (Decree 30/2020/NĐ-CP, appendix III)."""

    code = models.CharField("ký hiệu", max_length=20, unique=True)
    name = models.CharField("tên loại văn bản", max_length=120)

    class Meta:
        ordering = ["code"]
        verbose_name = "loại văn bản"
        verbose_name_plural = "loại văn bản"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

"""Print formats as data, versioned, and document numbers per issuing unit, kind and year."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from housing_campaign.core.hookspec import print_doctype_choices


class PrintFormat(models.Model):
    code = models.SlugField(_("mã"), max_length=60, unique=True)
    doctype = models.CharField(_("loại hồ sơ"), max_length=40, choices=print_doctype_choices)
    name = models.CharField(_("tên mẫu"), max_length=200)
    name_en = models.CharField(_("tên mẫu (tiếng Anh)"), max_length=200, blank=True,
                               help_text=_("Tên hiển thị khi người dùng chọn tiếng Anh; văn bản in luôn bằng tiếng "
                                           "Việt."))
    description = models.TextField(_("mô tả"), blank=True)
    document_kind = models.CharField(_("loại văn bản (ký hiệu)"), max_length=20, blank=True,
                                     help_text=_("Ví dụ QĐ, GCN, BB: dùng để cấp số văn bản"))
    html = models.TextField(_("HTML (Jinja)"))
    css = models.TextField(_("CSS"), blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["doctype", "code"]
        verbose_name = _("mẫu in")
        verbose_name_plural = pgettext_lazy("plural", "mẫu in")

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class PrintFormatVersion(models.Model):
    """Every saved version is kept so an issued document can be reproduced as it was issued."""

    print_format = models.ForeignKey(PrintFormat, on_delete=models.CASCADE, related_name="versions",
                                     verbose_name=_("mẫu in"))
    version = models.PositiveIntegerField(_("phiên bản"))
    html = models.TextField(_("HTML (Jinja)"))
    css = models.TextField(_("CSS"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("người tạo"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["print_format", "version"], name="printformat_unique_version")]
        ordering = ["print_format", "-version"]
        verbose_name = _("phiên bản mẫu in")
        verbose_name_plural = pgettext_lazy("plural", "phiên bản mẫu in")

    def __str__(self) -> str:
        return f"{self.print_format.name} – v{self.version}"


class IssuedDocument(models.Model):
    print_format_version = models.ForeignKey(PrintFormatVersion, on_delete=models.PROTECT, related_name="+",
                                             verbose_name=_("phiên bản mẫu in"))
    doctype = models.CharField(_("loại hồ sơ"), max_length=40, choices=print_doctype_choices)
    object_id = models.BigIntegerField(_("mã hồ sơ (id)"), null=True, blank=True)
    number = models.PositiveIntegerField(_("số thứ tự"), null=True, blank=True)
    number_text = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    issued_at = models.DateTimeField(_("ban hành lúc"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("người ban hành"))
    context = models.JSONField(_("dữ liệu in (lưu khi ban hành)"), default=dict)

    class Meta:
        indexes = [models.Index(fields=["doctype", "object_id"])]
        verbose_name = _("văn bản đã ban hành")
        verbose_name_plural = pgettext_lazy("plural", "văn bản đã ban hành")

    def __str__(self) -> str:
        return f"{self.print_format_version.print_format.name} {self.number_text}".strip()


class DocumentKind(models.Model):
    """Document kinds and their symbols (Decree 30/2020/NĐ-CP, appendix III)."""

    code = models.CharField(_("ký hiệu"), max_length=20, unique=True)
    name = models.CharField(_("tên loại văn bản"), max_length=120)

    class Meta:
        ordering = ["code"]
        verbose_name = _("loại văn bản")
        verbose_name_plural = pgettext_lazy("plural", "loại văn bản")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Organ(models.TextChoices):
    """The kinds of issuing body whose documents the product prints (``printing.issuers``)."""

    PEOPLE_COMMITTEE = "people_committee", _("Ủy ban nhân dân")
    FATHERLAND_FRONT = "fatherland_front", _("Ủy ban Mặt trận Tổ quốc Việt Nam")
    HOME_AFFAIRS = "home_affairs", _("Sở Nội vụ")


class Signer(models.Model):
    """Who signs the documents of an issuing body (an organ of an administrative unit) over a period:
    a document shows the signer in office on its date (Decree 30/2020/NĐ-CP: the signer's block says on
    whose behalf and in which capacity, then the full name)."""

    class Authority(models.TextChoices):
        HEAD = "head", _("Người đứng đầu ký (CHỦ TỊCH, GIÁM ĐỐC)")
        DEPUTY = "deputy", _("Cấp phó ký thay người đứng đầu (KT.)")

    unit = models.ForeignKey("geography.AdminUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("đơn vị hành chính"),
                             help_text=_("Đơn vị của cơ quan ban hành: xã, huyện (đến 30/06/2025) hoặc tỉnh"))
    organ = models.CharField(_("cơ quan"), max_length=20, choices=Organ.choices, default=Organ.PEOPLE_COMMITTEE)
    full_name = models.CharField(_("họ và tên người ký"), max_length=120)
    authority = models.CharField(_("thẩm quyền ký"), max_length=10, choices=Authority.choices, default=Authority.HEAD)
    position = models.CharField(_("chức vụ"), max_length=80, blank=True,
                                help_text=_("Với cấp phó ký thay, ví dụ “Phó Chủ tịch”; để trống khi người đứng "
                                            "đầu ký"))
    valid_from = models.DateField(_("ký từ ngày"))
    valid_to = models.DateField(_("đến hết ngày"), null=True, blank=True,
                                help_text=_("Để trống: đang đương nhiệm"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F(
                "valid_from")), name="signer_period_ordered",
                violation_error_message=_("Ngày kết thúc không được trước ngày bắt đầu.")),
        ]
        indexes = [models.Index(fields=["unit", "organ", "valid_from"], name="signer_unit_organ_from")]
        ordering = ["unit__path", "organ", "-valid_from"]
        verbose_name = _("người ký văn bản")
        verbose_name_plural = pgettext_lazy("plural", "người ký văn bản")

    def __str__(self) -> str:
        return f"{self.full_name} – {self.get_organ_display()} {self.unit.name}"


class CompetenceBasis(models.Model):
    """The law that gives an organ its competence, as cited first among a decision's grounds ("Căn cứ Luật
    Tổ chức chính quyền địa phương ngày …"), by the period it was in force."""

    organ = models.CharField(_("cơ quan"), max_length=20, choices=Organ.choices)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_to = models.DateField(_("đến hết ngày"), null=True, blank=True)
    text = models.TextField(_("căn cứ"), help_text=_("Mỗi dòng một văn bản, không có chữ “Căn cứ” ở đầu, ví dụ "
                                                      "“Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm "
                                                      "2025”"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organ", "valid_from"], name="competence_unique_start")]
        ordering = ["organ", "-valid_from"]
        verbose_name = _("căn cứ thẩm quyền")
        verbose_name_plural = pgettext_lazy("plural", "căn cứ thẩm quyền")

    def __str__(self) -> str:
        return f"{self.get_organ_display()} ({self.valid_from:%d/%m/%Y})"

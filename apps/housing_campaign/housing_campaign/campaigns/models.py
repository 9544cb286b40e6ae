"""A campaign with its strands, support norms, deadlines, eligibility thresholds and survey rounds."""
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SupportType(models.TextChoices):
    NEW_BUILD = "new_build", _("Xây mới")
    REPAIR = "repair", _("Sửa chữa")


class Category(models.TextChoices):
    POOR = "poor", _("Hộ nghèo")
    NEAR_POOR = "near_poor", _("Hộ cận nghèo")
    MERITORIOUS = "meritorious", _("Hộ người có công với cách mạng")
    DISASTER = "disaster", _("Hộ bị ảnh hưởng thiên tai")
    OTHER = "other", _("Đối tượng khác")


class Campaign(models.Model):
    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=300)
    province = models.ForeignKey("geography.AdminUnit", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("tỉnh (đơn vị cũ)"))
    province_2025 = models.ForeignKey("geography.AdminUnit", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("tỉnh (từ 01/07/2025)"))
    starts_on = models.DateField(_("bắt đầu"))
    ends_on = models.DateField(_("kết thúc"))
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    issuing_body = models.CharField(_("cơ quan ban hành văn bản"), max_length=200,
                                    default="ỦY BAN NHÂN DÂN TỈNH KON TUM")
    issuing_place = models.CharField(_("địa danh"), max_length=60, default="Kon Tum")
    # Eligibility thresholds (Circular 01/2022/TT-BXD; Decision 55/QĐ-BXD), editable per campaign.
    min_area_single = models.DecimalField(_("diện tích tối thiểu 1 người (m²)"), max_digits=6, decimal_places=2,
                                          default=Decimal("18"))
    min_area_family = models.DecimalField(_("diện tích tối thiểu hộ (m²)"), max_digits=6, decimal_places=2,
                                          default=Decimal("30"))
    min_area_per_person = models.DecimalField(_("diện tích bình quân tối thiểu (m²/người)"), max_digits=6,
                                              decimal_places=2, default=Decimal("8"))
    min_years_split = models.PositiveIntegerField(_("số năm tách hộ tối thiểu"), default=3)
    min_unstable_parts = models.PositiveIntegerField(_("số bộ phận chính không bền vững tối thiểu"), default=2)
    short_lifespan_years = models.PositiveIntegerField(_("niên hạn còn lại được coi là ngắn (năm)"), default=5)
    admitted_categories = models.JSONField(_("đối tượng được hỗ trợ"), default=list)
    finished_min_area = models.DecimalField(_("nhà hoàn thành: diện tích sử dụng tối thiểu (m²)"), max_digits=6,
                                            decimal_places=2, default=Decimal("30"))
    finished_min_lifespan = models.PositiveIntegerField(_("nhà hoàn thành: niên hạn tối thiểu (năm)"), default=20)
    # A repaired house keeps its floor area: it is accepted on "3 cứng" and its own lifespan (Circular
    # 01/2022/TT-BXD), not on the new-build minimums above.
    repaired_min_area = models.DecimalField(_("nhà sửa chữa: diện tích sử dụng tối thiểu (m²)"), max_digits=6,
                                            decimal_places=2, default=Decimal("0"),
                                            help_text=_("0: không xét diện tích khi nghiệm thu nhà sửa chữa"))
    repaired_min_lifespan = models.PositiveIntegerField(_("nhà sửa chữa: niên hạn tối thiểu sau sửa chữa (năm)"),
                                                        default=10)
    is_active = models.BooleanField(_("đang thực hiện"), default=True)

    class Meta:
        verbose_name = _("chương trình, phong trào")
        verbose_name_plural = pgettext_lazy("plural", "chương trình, phong trào")

    def __str__(self) -> str:
        return self.name


class Strand(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="strands",
                                 verbose_name=_("chương trình"))
    code = models.SlugField(_("mã"), max_length=40)
    name = models.CharField(_("tên"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="strand_unique_code")]
        verbose_name = _("nguồn/chương trình hỗ trợ")
        verbose_name_plural = pgettext_lazy("plural", "nguồn/chương trình hỗ trợ")

    def __str__(self) -> str:
        return self.name


class SupportNorm(models.Model):
    """Support level by strand × support type; the latest norm valid on a date applies."""

    strand = models.ForeignKey(Strand, on_delete=models.CASCADE, related_name="norms", verbose_name=_("nguồn"))
    support_type = models.CharField(_("hình thức"), max_length=20, choices=SupportType.choices)
    amount = models.BigIntegerField(_("mức hỗ trợ (đồng)"))
    valid_from = models.DateField(_("áp dụng từ"))
    basis = models.CharField(_("căn cứ"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["strand", "support_type", "valid_from"], name="norm_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="norm_amount_positive",
                                   violation_error_message=_("Mức hỗ trợ phải lớn hơn 0 đồng.")),
        ]
        ordering = ["strand", "support_type", "-valid_from"]
        verbose_name = _("định mức hỗ trợ")
        verbose_name_plural = pgettext_lazy("plural", "định mức hỗ trợ")

    def __str__(self) -> str:
        return f"{self.strand.name} – {self.get_support_type_display()}: {self.amount:,} đ"


class CategoryDeadline(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deadlines",
                                 verbose_name=_("chương trình"))
    category = models.CharField(_("đối tượng"), max_length=20, choices=Category.choices, blank=True,
                                help_text=_("Để trống: áp dụng cho mọi đối tượng khác"))
    deadline = models.DateField(_("hạn hoàn thành"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "category"], name="deadline_unique")]
        verbose_name = _("hạn hoàn thành")
        verbose_name_plural = pgettext_lazy("plural", "hạn hoàn thành")

    def __str__(self) -> str:
        from django.utils.translation import gettext

        who = self.get_category_display() if self.category else gettext("Mọi đối tượng khác")
        return f"{who}: {self.deadline:%d/%m/%Y}"


class SurveyRound(models.Model):
    """A re-survey adds a round; the first list is never overwritten."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rounds",
                                 verbose_name=_("chương trình"))
    number = models.PositiveIntegerField(_("đợt"))
    name = models.CharField(_("tên đợt"), max_length=200)
    started_on = models.DateField(_("bắt đầu"))
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="round_unique_number")]
        ordering = ["campaign", "number"]
        verbose_name = _("đợt rà soát")
        verbose_name_plural = pgettext_lazy("plural", "đợt rà soát")

    def __str__(self) -> str:
        from django.utils.translation import gettext

        return gettext("Đợt %(number)s: %(name)s") % {"number": self.number, "name": self.name}


class FundingSource(models.TextChoices):
    NTP_POVERTY = "ntp_poverty", _("CTMTQG giảm nghèo bền vững")
    NTP_ETHNIC = "ntp_ethnic", _("CTMTQG phát triển KT-XH vùng DTTS và miền núi")
    # xgettext:no-python-format
    SAVINGS_5PCT = "savings_5pct", _("Tiết kiệm 5% chi thường xuyên")
    PROVINCIAL = "provincial", _("Ngân sách tỉnh")
    DISTRICT = "district", _("Ngân sách huyện")
    FATHERLAND_FRONT = "fatherland_front", _("Mặt trận Tổ quốc, Quỹ Vì người nghèo")
    SPONSOR = "sponsor", _("Nhà tài trợ (doanh nghiệp, tổ chức, cá nhân)")
    HOUSEHOLD = "household", _("Hộ gia đình tự có")
    IN_KIND_MATERIALS = "materials", _("Hiện vật: vật liệu")
    IN_KIND_WORKDAYS = "workdays", _("Hiện vật: ngày công")
    # Recorded so that every đồng reaching a house is traceable, but a loan is not support: it is
    # counted apart from grants everywhere (funding/models.py LOAN_SOURCES).
    VBSP_LOAN = "vbsp_loan", _("Vay vốn Ngân hàng Chính sách xã hội (không phải hỗ trợ)")

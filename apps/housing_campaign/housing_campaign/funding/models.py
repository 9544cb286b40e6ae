"""Money from source to house: pools per source × territory × campaign, their append-only ledger,
allocations to cases, the campaign's tranches, stage inspections and releases.

Every amount is whole đồng. A pool keeps two running totals (received, allocated) next to its ledger;
the database refuses a pool whose allocations exceed what it received (``pool_never_below_zero``), as
the last guard behind the row lock the services take (``funding/services.py``).
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from housing_campaign.campaigns.models import FundingSource

# How the sources of PRODUCT.md count (a source is data of the pool; these groups are the rules).
STATE_SOURCES = frozenset({FundingSource.NTP_POVERTY, FundingSource.NTP_ETHNIC, FundingSource.SAVINGS_5PCT,
                           FundingSource.PROVINCIAL, FundingSource.DISTRICT})
COMMUNITY_SOURCES = frozenset({FundingSource.FATHERLAND_FRONT, FundingSource.SPONSOR, FundingSource.IN_KIND_MATERIALS,
                               FundingSource.IN_KIND_WORKDAYS})
IN_KIND_SOURCES = frozenset({FundingSource.IN_KIND_MATERIALS, FundingSource.IN_KIND_WORKDAYS})
HOUSEHOLD_SOURCES = frozenset({FundingSource.HOUSEHOLD})
LOAN_SOURCES = frozenset({FundingSource.VBSP_LOAN})
# Money paid out to the house in tranches after inspections: grants in cash (in-kind is delivered, the
# household's own money is its own, a loan is paid by the bank).
RELEASABLE_SOURCES = STATE_SOURCES | {FundingSource.FATHERLAND_FRONT, FundingSource.SPONSOR}


class Portion(models.TextChoices):
    """What an allocation is to the house: the state support of its norm, the 40/20 top-up, or what
    comes on top of it (community, the household itself), or a loan (not support)."""

    STATE = "state", _("Hỗ trợ của Nhà nước theo định mức")
    TOPUP = "topup", _("Bổ sung lên mức của phong trào (40/20)")
    COMMUNITY = "community", _("Cộng đồng giúp đỡ")
    HOUSEHOLD = "household", _("Hộ gia đình tự có")
    LOAN = "loan", _("Vay vốn (không phải hỗ trợ)")


def portion_for_source(source: str, *, topup: bool = False) -> str:
    if source in STATE_SOURCES:
        return Portion.TOPUP if topup else Portion.STATE
    if source in HOUSEHOLD_SOURCES:
        return Portion.HOUSEHOLD
    if source in LOAN_SOURCES:
        return Portion.LOAN
    return Portion.COMMUNITY


class FundingPool(models.Model):
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="pools",
                                 verbose_name="chương trình")
    source = models.CharField("nguồn", max_length=20, choices=FundingSource.choices)
    unit = models.ForeignKey("geography.AdminUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name="địa bàn quản lý quỹ")
    # The unit's place in both systems (like cases): a legacy pool also shows under its 2025 unit.
    unit_path = models.CharField(max_length=80, blank=True, db_index=True)
    unit_2025_path = models.CharField(max_length=80, blank=True, db_index=True)
    received = models.PositiveBigIntegerField("đã nhận (đồng)", default=0)
    allocated = models.PositiveBigIntegerField("đã phân bổ (đồng)", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "source", "unit"], name="pool_one_per_source_unit"),
            models.CheckConstraint(condition=Q(allocated__lte=F("received")), name="pool_never_below_zero",
                                   violation_error_message="Quỹ không được phân bổ vượt số đã nhận (số dư âm)."),
        ]
        ordering = ["campaign", "unit_path", "source"]
        verbose_name = "quỹ kinh phí"
        verbose_name_plural = "quỹ kinh phí"

    def __str__(self) -> str:
        return f"{self.get_source_display()} – {self.unit.name}"

    @property
    def balance(self) -> int:
        return self.received - self.allocated


class PoolEntry(models.Model):
    """One line of a pool's ledger, append-only: money in (a receipt), money out to a house (an
    allocation), money back (an allocation cancelled). ``balance_after`` is exact: the pool row is
    locked while the line is written."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Thu vào quỹ")
        ALLOCATION = "allocation", _("Phân bổ cho hồ sơ")
        REVERSAL = "reversal", _("Hủy phân bổ, hoàn lại quỹ")

    class Origin(models.TextChoices):
        BUDGET = "budget", _("Quyết định giao vốn, cấp kinh phí")
        TRANSFER = "transfer", _("Chuyển khoản, điều chuyển")
        CONTRIBUTION = "contribution", _("Đóng góp, ủng hộ (Mặt trận Tổ quốc)")
        LEGACY = "legacy", _("Chuyển từ dữ liệu phân bổ cũ")

    pool = models.ForeignKey(FundingPool, on_delete=models.PROTECT, related_name="entries", verbose_name="quỹ")
    kind = models.CharField("loại", max_length=12, choices=Kind.choices)
    origin = models.CharField("nguồn gốc khoản thu", max_length=12, choices=Origin.choices, blank=True)
    amount = models.PositiveBigIntegerField("số tiền (đồng)")
    balance_after = models.BigIntegerField("số dư sau (đồng)")
    on_date = models.DateField("ngày chứng từ")
    reference = models.CharField("số chứng từ, quyết định", max_length=60, blank=True)
    note = models.CharField("nội dung", max_length=300, blank=True)
    allocation = models.ForeignKey("Allocation", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="entries")
    case = models.ForeignKey("cases.HousingCase", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="hồ sơ")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="người ghi")
    created_at = models.DateTimeField("ghi lúc", auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="pool_entry_amount_positive",
                                   violation_error_message="Số tiền phải lớn hơn 0."),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="pool_entry_balance_nonneg",
                                   violation_error_message="Số dư quỹ không được âm."),
        ]
        indexes = [models.Index(fields=["pool", "id"], name="pool_entry_ledger")]
        ordering = ["pool", "id"]
        verbose_name = "sổ quỹ"
        verbose_name_plural = "sổ quỹ"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount:,} đ"

    @property
    def signed_amount(self) -> int:
        return -self.amount if self.kind == self.Kind.ALLOCATION else self.amount


class Allocation(models.Model):
    case = models.ForeignKey("cases.HousingCase", on_delete=models.PROTECT, related_name="allocations",
                             verbose_name="hồ sơ")
    pool = models.ForeignKey(FundingPool, on_delete=models.PROTECT, related_name="allocations", verbose_name="quỹ")
    source = models.CharField("nguồn", max_length=20, choices=FundingSource.choices)
    portion = models.CharField("phần", max_length=12, choices=Portion.choices)
    amount = models.PositiveBigIntegerField("số tiền (đồng)")
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="người phân bổ")
    created_at = models.DateTimeField("phân bổ lúc", auto_now_add=True)
    cancelled_at = models.DateTimeField("hủy lúc", null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="người hủy")
    cancel_reason = models.CharField("lý do hủy", max_length=300, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive",
                                              violation_error_message="Số tiền phân bổ phải lớn hơn 0.")]
        indexes = [models.Index(fields=["case", "portion"], name="allocation_case_portion")]
        ordering = ["case", "created_at", "id"]
        verbose_name = "phân bổ kinh phí"
        verbose_name_plural = "phân bổ kinh phí"

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.amount:,} đ"

    @property
    def is_active(self) -> bool:
        return self.cancelled_at is None


class TopUpRule(models.Model):
    """A 40/20 strand's houses started on or after ``starts_on`` are topped up to the level of the
    campaign's strand; the difference comes from a source other than the programme's own."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="topup_rules",
                                 verbose_name="chương trình")
    strand = models.OneToOneField("campaigns.Strand", on_delete=models.CASCADE, related_name="topup_rule",
                                  verbose_name="nguồn hỗ trợ được bổ sung")
    target_strand = models.ForeignKey("campaigns.Strand", on_delete=models.PROTECT, related_name="+",
                                      verbose_name="bổ sung lên mức của")
    starts_on = models.DateField("áp dụng cho nhà khởi công từ ngày")
    programme_source = models.CharField("nguồn của chính chương trình (không dùng để bổ sung)", max_length=20,
                                        choices=FundingSource.choices)
    basis = models.CharField("căn cứ", max_length=300, blank=True)

    class Meta:
        verbose_name = "quy tắc bổ sung mức hỗ trợ"
        verbose_name_plural = "quy tắc bổ sung mức hỗ trợ"

    def __str__(self) -> str:
        return f"{self.strand} → {self.target_strand} (từ {self.starts_on:%d/%m/%Y})"


class InspectionStage(models.TextChoices):
    START = "start", _("Khởi công")
    FOUNDATION = "foundation", _("Hoàn thành móng")
    FRAME = "frame", _("Hoàn thành khung, tường")
    ROOF = "roof", _("Hoàn thành mái")
    ACCEPTANCE = "acceptance", _("Nghiệm thu hoàn thành")


class Tranche(models.Model):
    """A campaign's tranche: how much of a house's releasable money it pays, and the stage inspection
    it waits for. ``rest`` pays what is left (the last tranche)."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Tỷ lệ phần trăm")
        AMOUNT = "amount", _("Số tiền cố định")
        REST = "rest", _("Phần còn lại")

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="tranches",
                                 verbose_name="chương trình")
    order = models.PositiveSmallIntegerField("thứ tự")
    name = models.CharField("tên đợt", max_length=120)
    kind = models.CharField("cách tính", max_length=10, choices=Kind.choices)
    percent = models.PositiveSmallIntegerField("tỷ lệ (%)", null=True, blank=True)
    amount = models.PositiveBigIntegerField("số tiền (đồng)", null=True, blank=True)
    inspection_stage = models.CharField("cần kiểm tra đạt giai đoạn", max_length=12, choices=InspectionStage.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "order"], name="tranche_unique_order"),
            models.CheckConstraint(
                condition=(Q(kind="percent", percent__gte=1, percent__lte=100)
                           | Q(kind="amount", amount__gte=1) | Q(kind="rest")),
                name="tranche_kind_has_value",
                violation_error_message="Đợt tính theo tỷ lệ cần tỷ lệ 1–100%; đợt số tiền cố định cần số tiền > 0."),
        ]
        ordering = ["campaign", "order"]
        verbose_name = "đợt giải ngân"
        verbose_name_plural = "đợt giải ngân"

    def __str__(self) -> str:
        return self.name

    @property
    def rule_text(self) -> str:
        if self.kind == self.Kind.PERCENT:
            return f"{self.percent}%"
        if self.kind == self.Kind.AMOUNT:
            return f"{self.amount:,} đ".replace(",", ".")
        return "phần còn lại"


class Inspection(models.Model):
    class Result(models.TextChoices):
        PASSED = "passed", _("Đạt")
        FAILED = "failed", _("Không đạt")

    case = models.ForeignKey("cases.HousingCase", on_delete=models.PROTECT, related_name="inspections",
                             verbose_name="hồ sơ")
    stage = models.CharField("giai đoạn", max_length=12, choices=InspectionStage.choices)
    inspected_on = models.DateField("ngày kiểm tra")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="người kiểm tra")
    result = models.CharField("kết quả", max_length=10, choices=Result.choices)
    notes = models.TextField("nhận xét", blank=True)
    photos = models.ManyToManyField("cases.Attachment", related_name="inspections", verbose_name="ảnh hiện trường")
    created_at = models.DateTimeField("ghi lúc", auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["case", "stage", "result"], name="inspection_case_stage")]
        ordering = ["case", "inspected_on", "id"]
        verbose_name = "kiểm tra giai đoạn"
        verbose_name_plural = "kiểm tra giai đoạn"

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.inspected_on:%d/%m/%Y}: {self.get_result_display()}"


class Release(models.Model):
    case = models.ForeignKey("cases.HousingCase", on_delete=models.PROTECT, related_name="releases",
                             verbose_name="hồ sơ")
    tranche = models.ForeignKey(Tranche, on_delete=models.PROTECT, related_name="releases", verbose_name="đợt")
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="releases",
                                   verbose_name="biên bản kiểm tra")
    amount = models.PositiveBigIntegerField("số tiền (đồng)")
    released_on = models.DateField("ngày giải ngân")
    reference = models.CharField("số chứng từ", max_length=60, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="người giải ngân")
    created_at = models.DateTimeField("ghi lúc", auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "tranche"], name="release_once_per_tranche",
                                    violation_error_message="Đợt này đã được giải ngân cho hồ sơ."),
            models.CheckConstraint(condition=Q(amount__gt=0), name="release_amount_positive",
                                   violation_error_message="Số tiền giải ngân phải lớn hơn 0."),
        ]
        ordering = ["case", "tranche__order"]
        verbose_name = "giải ngân"
        verbose_name_plural = "giải ngân"

    def __str__(self) -> str:
        return f"{self.tranche}: {self.amount:,} đ"

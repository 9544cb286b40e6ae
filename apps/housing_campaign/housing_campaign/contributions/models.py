"""Donors, their pledges and the receipts of what they gave: cash, materials, workdays.

A receipt (``Contribution``) is money or goods in hand: its value goes into a funding pool (the
Fatherland Front's, or the materials or workdays pool) of the commune it is earmarked to, of the
house's commune when earmarked to a house (and is then allocated to it at once), or of the receiving
Front committee when general. A pledge is a promise, counted apart until receipts fulfil it.
A donor's contact is private: staff of the Front and auditors see it, public pages never do.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DonorKind(models.TextChoices):
    BUSINESS = "business", "Doanh nghiệp"
    ORGANISATION = "organisation", "Cơ quan, tổ chức"
    HOUSEHOLD = "household", "Hộ gia đình"
    INDIVIDUAL = "individual", "Cá nhân"


class Kind(models.TextChoices):
    CASH = "cash", "Tiền mặt"
    MATERIALS = "materials", "Vật liệu"
    WORKDAYS = "workdays", "Ngày công"


class Donor(models.Model):
    Kind = DonorKind

    kind = models.CharField("loại", max_length=20, choices=DonorKind.choices)
    name = models.CharField("tên", max_length=200)
    contact = models.CharField("liên hệ (không công khai)", max_length=300, blank=True,
                               help_text="Điện thoại, địa chỉ, người đại diện: chỉ cán bộ Mặt trận và thanh tra xem.")
    # The Front committee that keeps the donor (their territory scopes who sees them).
    unit = models.ForeignKey("geography.AdminUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name="Ủy ban MTTQ quản lý")
    unit_path = models.CharField(max_length=80, blank=True, db_index=True)
    unit_2025_path = models.CharField(max_length=80, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["unit_path", "name"], name="donor_unit_name")]
        ordering = ["name", "id"]
        verbose_name = "nhà tài trợ, người ủng hộ"
        verbose_name_plural = "nhà tài trợ, người ủng hộ"

    def __str__(self) -> str:
        return self.name


class Pledge(models.Model):
    """A promise to give (cash, materials or workdays, valued in đồng), earmarked like a receipt."""

    Kind = Kind

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="pledges",
                                 verbose_name="chương trình")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="pledges", verbose_name="người ủng hộ")
    kind = models.CharField("hình thức", max_length=10, choices=Kind.choices)
    amount = models.PositiveBigIntegerField("giá trị cam kết (đồng)")
    description = models.CharField("nội dung", max_length=300, blank=True)
    pledged_on = models.DateField("ngày cam kết")
    commune = models.ForeignKey("geography.AdminUnit", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name="xã được chỉ định")
    earmarked_case = models.ForeignKey("cases.HousingCase", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="pledges", verbose_name="hồ sơ được chỉ định")
    front_unit = models.ForeignKey("geography.AdminUnit", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="Ủy ban MTTQ tiếp nhận")
    unit_path = models.CharField(max_length=80, blank=True, db_index=True)
    unit_2025_path = models.CharField(max_length=80, blank=True, db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="người ghi")
    recorded_at = models.DateTimeField("ghi lúc", auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="pledge_amount_positive",
                                              violation_error_message="Giá trị cam kết phải lớn hơn 0.")]
        ordering = ["-pledged_on", "-id"]
        verbose_name = "cam kết ủng hộ"
        verbose_name_plural = "cam kết ủng hộ"

    def __str__(self) -> str:
        return f"{self.donor}: {self.amount:,} đ".replace(",", ".")


class Contribution(models.Model):
    """A receipt: what was received, from whom, for whom, into which pool, and its printed receipt."""

    DonorKind = DonorKind
    Kind = Kind

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="contributions",
                                 verbose_name=_("chương trình"))
    donor = models.ForeignKey(Donor, null=True, on_delete=models.PROTECT, related_name="contributions",
                              verbose_name="người ủng hộ")
    pledge = models.ForeignKey(Pledge, null=True, blank=True, on_delete=models.PROTECT, related_name="receipts",
                               verbose_name="theo cam kết")
    # The donor as printed on the receipt (a receipt keeps the name it was issued to).
    donor_name = models.CharField("nhà tài trợ", max_length=200)
    donor_kind = models.CharField("loại", max_length=20, choices=DonorKind.choices)
    kind = models.CharField("hình thức", max_length=10, choices=Kind.choices)
    received_amount = models.PositiveBigIntegerField("giá trị đã nhận (đồng)")
    item = models.CharField("vật liệu", max_length=120, blank=True)
    quantity = models.DecimalField("số lượng", max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField("đơn vị tính", max_length=30, blank=True)
    value_per_day = models.PositiveBigIntegerField("giá trị một ngày công (đồng)", null=True, blank=True)
    description = models.CharField("nội dung", max_length=300, blank=True)
    own_share = models.BooleanField("phần tự có của chính hộ được hỗ trợ", default=False)
    commune = models.ForeignKey("geography.AdminUnit", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("xã nhận"))
    earmarked_case = models.ForeignKey("cases.HousingCase", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="contributions", verbose_name="hồ sơ được chỉ định")
    front_unit = models.ForeignKey("geography.AdminUnit", null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="Ủy ban MTTQ tiếp nhận")
    unit_path = models.CharField(max_length=80, blank=True, db_index=True)
    unit_2025_path = models.CharField(max_length=80, blank=True, db_index=True)
    received_on = models.DateField("ngày nhận")
    # Where the value went: the pool's ledger line, and the allocation when earmarked to a house.
    pool_entry = models.OneToOneField("funding.PoolEntry", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="contribution", verbose_name="dòng sổ quỹ")
    allocation = models.OneToOneField("funding.Allocation", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="contribution", verbose_name="phân bổ cho hồ sơ")
    # The printed receipt: its number and the public code of its QR (no database id in clear).
    public_code = models.CharField("mã kiểm tra", max_length=20, blank=True, db_index=True)
    document = models.ForeignKey("printing.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="biên nhận")
    number_text = models.CharField("số biên nhận", max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="người ghi")
    recorded_at = models.DateTimeField("ghi lúc", null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(received_amount__gt=0), name="contribution_value_positive",
                                   violation_error_message="Giá trị đã nhận phải lớn hơn 0."),
            models.CheckConstraint(condition=Q(kind="cash") | Q(quantity__gt=0), name="contribution_in_kind_quantity",
                                   violation_error_message="Đóng góp bằng hiện vật phải có số lượng lớn hơn 0."),
            models.UniqueConstraint(fields=["public_code"], condition=~Q(public_code=""),
                                    name="contribution_unique_public_code"),
        ]
        ordering = ["-received_on", "-id"]
        verbose_name = "đóng góp, ủng hộ (biên nhận)"
        verbose_name_plural = "đóng góp, ủng hộ (biên nhận)"

    def __str__(self) -> str:
        return f"{self.donor_name}: {self.received_amount:,} đ".replace(",", ".")

    @property
    def is_earmarked(self) -> bool:
        return self.earmarked_case_id is not None

"""Pledges and receipts of cash, materials and workdays from donors."""
from django.db import models


class Contribution(models.Model):
    class DonorKind(models.TextChoices):
        BUSINESS = "business", "Doanh nghiệp"
        ORGANISATION = "organisation", "Cơ quan, tổ chức"
        HOUSEHOLD = "household", "Hộ gia đình"
        INDIVIDUAL = "individual", "Cá nhân"

    class Kind(models.TextChoices):
        CASH = "cash", "Tiền mặt"
        MATERIALS = "materials", "Vật liệu"
        WORKDAYS = "workdays", "Ngày công"

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="contributions")
    donor_name = models.CharField("nhà tài trợ", max_length=200)
    donor_kind = models.CharField("loại", max_length=20, choices=DonorKind.choices)
    kind = models.CharField("hình thức", max_length=10, choices=Kind.choices)
    pledged_amount = models.BigIntegerField("giá trị cam kết (đồng)", default=0)
    received_amount = models.BigIntegerField("giá trị đã nhận (đồng)", default=0)
    quantity = models.DecimalField("số lượng", max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField("đơn vị tính", max_length=30, blank=True)
    description = models.CharField("nội dung", max_length=300, blank=True)
    commune = models.ForeignKey("geography.AdminUnit", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name="xã nhận")
    earmarked_case = models.ForeignKey("cases.HousingCase", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="contributions", verbose_name="hồ sơ được chỉ định")
    pledged_on = models.DateField("ngày cam kết")
    received_on = models.DateField("ngày nhận", null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(pledged_amount__gte=0, received_amount__gte=0),
                                   name="contribution_amounts_nonneg",
                                   violation_error_message="Giá trị cam kết và giá trị đã nhận không được âm."),
        ]
        verbose_name = "đóng góp, ủng hộ"
        verbose_name_plural = "đóng góp, ủng hộ"

    def __str__(self) -> str:
        return f"{self.donor_name}: {self.pledged_amount:,} đ"

    @property
    def is_earmarked(self) -> bool:
        return self.earmarked_case_id is not None

"""Pledges and receipts of cash, materials and workdays from donors."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Contribution(models.Model):
    class DonorKind(models.TextChoices):
        BUSINESS = "business", _("Doanh nghiệp")
        ORGANISATION = "organisation", _("Cơ quan, tổ chức")
        HOUSEHOLD = "household", _("Hộ gia đình")
        INDIVIDUAL = "individual", _("Cá nhân")

    class Kind(models.TextChoices):
        CASH = "cash", _("Tiền mặt")
        MATERIALS = "materials", _("Vật liệu")
        WORKDAYS = "workdays", _("Ngày công")

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="contributions",
                                 verbose_name=_("chương trình"))
    donor_name = models.CharField(_("nhà tài trợ"), max_length=200)
    donor_kind = models.CharField(_("loại"), max_length=20, choices=DonorKind.choices)
    kind = models.CharField(_("hình thức"), max_length=10, choices=Kind.choices)
    pledged_amount = models.BigIntegerField(_("giá trị cam kết (đồng)"), default=0)
    received_amount = models.BigIntegerField(_("giá trị đã nhận (đồng)"), default=0)
    quantity = models.DecimalField(_("số lượng"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("đơn vị tính"), max_length=30, blank=True)
    description = models.CharField(_("nội dung"), max_length=300, blank=True)
    commune = models.ForeignKey("geography.AdminUnit", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("xã nhận"))
    earmarked_case = models.ForeignKey("cases.HousingCase", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="contributions", verbose_name=_("hồ sơ được chỉ định"))
    pledged_on = models.DateField(_("ngày cam kết"))
    received_on = models.DateField(_("ngày nhận"), null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(pledged_amount__gte=0, received_amount__gte=0),
                                   name="contribution_amounts_nonneg",
                                   violation_error_message=_("Giá trị cam kết và giá trị đã nhận không được âm.")),
        ]
        verbose_name = _("đóng góp, ủng hộ")
        verbose_name_plural = pgettext_lazy("plural", "đóng góp, ủng hộ")

    def __str__(self) -> str:
        return f"{self.donor_name}: {self.pledged_amount:,} đ"

    @property
    def is_earmarked(self) -> bool:
        return self.earmarked_case_id is not None

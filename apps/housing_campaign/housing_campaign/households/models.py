"""Households and their members. Ethnicity, ID number and phone are personal data: never public."""
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from housing_campaign.campaigns.models import Category
from housing_campaign.core.validators import validate_national_id


class LandStatus(models.TextChoices):
    UNDISPUTED = "undisputed", _("Đất ở hợp pháp, không tranh chấp")
    DISPUTED = "disputed", _("Đang tranh chấp")
    NONE = "none", _("Không có đất ở")


class Household(models.Model):
    code = models.CharField(_("mã hộ"), max_length=30, unique=True)
    head_name = models.CharField(_("họ tên chủ hộ"), max_length=120, db_index=True)
    national_id = models.CharField(_("số CCCD chủ hộ"), max_length=12, blank=True, db_index=True,
                                   validators=[validate_national_id])
    category = models.CharField(_("đối tượng"), max_length=20, choices=Category.choices)
    ethnicity = models.CharField(_("dân tộc"), max_length=40, blank=True)
    is_ethnic_minority = models.BooleanField(_("dân tộc thiểu số"), default=False)
    social_assistance = models.BooleanField(_("đang hưởng trợ cấp xã hội"), default=False)
    split_on = models.DateField(_("ngày tách hộ"), null=True, blank=True)
    earlier_support = models.BooleanField(_("đã được hỗ trợ nhà ở trước đây"), default=False)
    land_status = models.CharField(_("tình trạng đất ở"), max_length=20, choices=LandStatus.choices,
                                   default=LandStatus.UNDISPUTED)
    commune = models.ForeignKey("geography.AdminUnit", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("xã"))
    village = models.ForeignKey("geography.Village", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="households", verbose_name=_("thôn"))
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = pgettext_lazy("plural", "hộ gia đình")

    def __str__(self) -> str:
        return f"{self.head_name} ({self.code})"


class Member(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members",
                                  verbose_name=_("hộ gia đình"))
    full_name = models.CharField(_("họ tên"), max_length=120)
    relation = models.CharField(_("quan hệ với chủ hộ"), max_length=40)
    birth_year = models.PositiveIntegerField(_("năm sinh"), null=True, blank=True,
                                             validators=[MinValueValidator(1900), MaxValueValidator(2100)])
    national_id = models.CharField(_("số CCCD"), max_length=12, blank=True, validators=[validate_national_id])

    class Meta:
        verbose_name = _("thành viên hộ")
        verbose_name_plural = pgettext_lazy("plural", "thành viên hộ")

    def __str__(self) -> str:
        return self.full_name

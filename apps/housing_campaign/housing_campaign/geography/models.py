"""Administrative units of Vietnam: the legacy three tiers (until 30/06/2025) and the 2025 two tiers.

``path`` is a materialised ancestry ("L.62.608.23281.") so a territory check is a prefix match on
an indexed column, whatever the depth.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AdminUnit(models.Model):
    class System(models.TextChoices):
        LEGACY = "legacy", _("Trước 01/07/2025 (3 cấp)")
        CURRENT = "2025", _("Từ 01/07/2025 (2 cấp)")

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/Thành phố")
        DISTRICT = "district", _("Huyện/Quận/Thị xã/Thành phố thuộc tỉnh")
        COMMUNE = "commune", _("Xã/Phường/Thị trấn")

    system = models.CharField(_("hệ thống đơn vị"), max_length=10, choices=System.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    code = models.CharField(_("mã"), max_length=10)
    name = models.CharField(_("tên"), max_length=120)
    short_name = models.CharField(_("tên ngắn"), max_length=100)
    unit_type = models.CharField(_("loại đơn vị"), max_length=30, blank=True)
    key = models.CharField(_("khóa tra cứu"), max_length=120, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("đơn vị cấp trên"))
    path = models.CharField(_("đường dẫn cây đơn vị"), max_length=80, db_index=True)
    successor = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="predecessors",
                                  help_text=_("Đơn vị hành chính từ 01/07/2025 mà đơn vị cũ được sắp xếp vào"),
                                  verbose_name=_("đơn vị kế thừa (từ 01/07/2025)"))
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["system", "code"], name="adminunit_unique_code")]
        indexes = [models.Index(fields=["system", "level", "parent"])]
        ordering = ["system", "path"]
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = pgettext_lazy("plural", "đơn vị hành chính")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.parent_id and self.level != self.Level.PROVINCE:
            return f"{self.name}, {self.parent.full_name}"
        return self.name

    def contains(self, other: "AdminUnit") -> bool:
        return other.path.startswith(self.path)


class Village(models.Model):
    """Thôn/làng/tổ dân phố: not in the national dataset, entered per commune."""

    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="villages", verbose_name=_("xã"))
    name = models.CharField(_("tên thôn, làng"), max_length=120)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["commune", "name"], name="village_unique_name")]
        ordering = ["commune", "name"]
        verbose_name = _("thôn, làng")
        verbose_name_plural = pgettext_lazy("plural", "thôn, làng")

    def __str__(self) -> str:
        return self.name


class DatasetVersion(models.Model):
    """Which reference dataset was loaded, so ``sync`` skips work already done."""

    name = models.CharField(_("bộ dữ liệu"), max_length=60, unique=True)
    checksum = models.CharField(_("mã kiểm tra"), max_length=64)
    loaded_at = models.DateTimeField(_("nạp lúc"), auto_now=True)

    class Meta:
        verbose_name = _("phiên bản dữ liệu tham chiếu")
        verbose_name_plural = pgettext_lazy("plural", "phiên bản dữ liệu tham chiếu")

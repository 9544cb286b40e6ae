"""Administrative units of Vietnam: the legacy three tiers (until 30/06/2025) and the 2025 two tiers.

``path`` is a materialised ancestry ("L.62.608.23281.") so a territory check is a prefix match on
an indexed column, whatever the depth.
"""
from django.db import models


class AdminUnit(models.Model):
    class System(models.TextChoices):
        LEGACY = "legacy", "Trước 01/07/2025 (3 cấp)"
        CURRENT = "2025", "Từ 01/07/2025 (2 cấp)"

    class Level(models.TextChoices):
        PROVINCE = "province", "Tỉnh/Thành phố"
        DISTRICT = "district", "Huyện/Quận/Thị xã/Thành phố thuộc tỉnh"
        COMMUNE = "commune", "Xã/Phường/Thị trấn"

    system = models.CharField(max_length=10, choices=System.choices)
    level = models.CharField(max_length=10, choices=Level.choices)
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=100)
    unit_type = models.CharField(max_length=30, blank=True)
    key = models.CharField(max_length=120, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=80, db_index=True)
    successor = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="predecessors",
                                  help_text="Đơn vị hành chính từ 01/07/2025 mà đơn vị cũ được sắp xếp vào")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["system", "code"], name="adminunit_unique_code")]
        indexes = [models.Index(fields=["system", "level", "parent"])]
        ordering = ["system", "path"]
        verbose_name = "đơn vị hành chính"
        verbose_name_plural = "đơn vị hành chính"

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

    commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="villages")
    name = models.CharField(max_length=120)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["commune", "name"], name="village_unique_name")]
        ordering = ["commune", "name"]
        verbose_name = "thôn, làng"
        verbose_name_plural = "thôn, làng"

    def __str__(self) -> str:
        return self.name


class DatasetVersion(models.Model):
    """Which reference dataset was loaded, so ``sync`` skips work already done."""

    name = models.CharField(max_length=60, unique=True)
    checksum = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

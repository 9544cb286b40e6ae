"""Roles (as Django groups with Vietnamese labels), territories and delegation."""
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models


class Role(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name_vi = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="role")
    read_only = models.BooleanField(default=False, help_text="Chỉ xem, không được thay đổi (ví dụ: thanh tra)")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "vai trò"
        verbose_name_plural = "vai trò"

    def __str__(self) -> str:
        return self.name_vi


class UserTerritory(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="territories")
    unit = models.ForeignKey("geography.AdminUnit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="userterritory_unique")]
        verbose_name = "địa bàn phụ trách"
        verbose_name_plural = "địa bàn phụ trách"

    def __str__(self) -> str:
        return f"{self.user} – {self.unit.name}"


class Delegation(models.Model):
    """The delegate may act with the delegator's roles and territories between two dates."""

    delegator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delegations_given")
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="delegations_received")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="delegation_dates_ordered",
                                   violation_error_message="Ngày kết thúc ủy quyền phải từ ngày bắt đầu trở đi.")]
        verbose_name = "ủy quyền"
        verbose_name_plural = "ủy quyền"

    def __str__(self) -> str:
        return f"{self.delegate} thay {self.delegator} ({self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y})"

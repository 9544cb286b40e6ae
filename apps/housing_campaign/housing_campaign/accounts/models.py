"""Roles (as Django groups with Vietnamese labels), territories and delegation."""
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.Model):
    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name_vi = models.CharField(_("tên (tiếng Việt)"), max_length=120)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=120)
    description = models.TextField(_("mô tả"), blank=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="role", verbose_name=_("nhóm quyền"))
    read_only = models.BooleanField(_("chỉ xem"), default=False,
                                    help_text=_("Chỉ xem, không được thay đổi (ví dụ: thanh tra)"))
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("vai trò")
        verbose_name_plural = pgettext_lazy("plural", "vai trò")

    def __str__(self) -> str:
        from housing_campaign.core.i18n import localized_label

        return localized_label(self)


class UserTerritory(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="territories",
                             verbose_name=_("người dùng"))
    unit = models.ForeignKey("geography.AdminUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("địa bàn"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="userterritory_unique")]
        verbose_name = _("địa bàn phụ trách")
        verbose_name_plural = pgettext_lazy("plural", "địa bàn phụ trách")

    def __str__(self) -> str:
        return f"{self.user} – {self.unit.name}"


class Delegation(models.Model):
    """The delegate may act with the delegator's roles and territories between two dates."""

    delegator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delegations_given",
                                  verbose_name=_("người ủy quyền"))
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="delegations_received", verbose_name=_("người được ủy quyền"))
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến hết ngày"))
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    is_active = models.BooleanField(_("đang hiệu lực"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="delegation_dates_ordered",
                                   violation_error_message=_("Ngày kết thúc ủy quyền phải từ ngày bắt đầu trở đi."))]
        verbose_name = _("ủy quyền")
        verbose_name_plural = pgettext_lazy("plural", "ủy quyền")

    def __str__(self) -> str:
        from django.utils.translation import gettext

        return gettext("%(delegate)s thay %(delegator)s (%(starts)s–%(ends)s)") % {
            "delegate": self.delegate, "delegator": self.delegator, "starts": f"{self.starts_on:%d/%m/%Y}",
            "ends": f"{self.ends_on:%d/%m/%Y}"}

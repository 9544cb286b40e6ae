"""Personal API tokens: shown once, stored hashed, with a label, an expiry, an optional read-only flag and
the time of their last use. A token acts as its user (roles, territory, delegations), never as more."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("người dùng"))
    label = models.CharField(_("tên gợi nhớ"), max_length=100)
    # "hc_<prefix>_<secret>": the prefix finds the row, the SHA-256 of the whole token proves it.
    prefix = models.CharField(_("tiền tố"), max_length=12, unique=True)
    secret_hash = models.CharField(_("mã băm SHA-256"), max_length=64)
    read_only = models.BooleanField(_("chỉ đọc"), default=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    last_used_at = models.DateTimeField(_("dùng lần cuối lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("người tạo"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("khóa API")
        verbose_name_plural = pgettext_lazy("plural", "khóa API")

    def __str__(self) -> str:
        return f"{self.label} (hc_{self.prefix}_…)"

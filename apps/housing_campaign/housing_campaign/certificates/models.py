"""Handover certificates with a public code; the QR carries a signed token, never a database id."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Có hiệu lực")
        REVOKED = "revoked", _("Đã thu hồi")
        SUPERSEDED = "superseded", _("Đã được thay thế")

    case = models.ForeignKey("cases.HousingCase", on_delete=models.PROTECT, related_name="certificates",
                             verbose_name=_("hồ sơ"))
    code = models.CharField(_("mã công khai"), max_length=20, unique=True)
    number_text = models.CharField(_("số giấy chứng nhận"), max_length=60)
    status = models.CharField(_("tình trạng"), max_length=12, choices=Status.choices, default=Status.VALID)
    issued_at = models.DateTimeField(_("cấp lúc"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("người cấp"))
    document = models.ForeignKey("printing.IssuedDocument", null=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("văn bản đã ban hành"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoke_reason = models.CharField(_("lý do thu hồi"), max_length=300, blank=True)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("được thay bằng"))
    # Public snapshot: exactly what the verification page may show (PRODUCT.md personal-data rule).
    public_commune = models.CharField(_("xã (trang công khai)"), max_length=160)
    public_village = models.CharField(_("thôn (trang công khai)"), max_length=120, blank=True)
    public_support_type = models.CharField(_("hình thức hỗ trợ (trang công khai)"), max_length=60)
    public_head_masked = models.CharField(_("chủ hộ, đã che (trang công khai)"), max_length=120)
    public_handover_on = models.DateField(_("ngày bàn giao (trang công khai)"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case"], condition=models.Q(status="valid"),
                                               name="certificate_one_valid_per_case")]
        verbose_name = _("giấy chứng nhận bàn giao")
        verbose_name_plural = pgettext_lazy("plural", "giấy chứng nhận bàn giao")

    def __str__(self) -> str:
        return f"{self.number_text} ({self.code})"

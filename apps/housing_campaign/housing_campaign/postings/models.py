"""Public postings (niêm yết công khai): the village meeting's list posted before eligibility review so
residents can object, and the results posted after handover. A posting keeps what it showed (one
``PostingEntry`` per case, with only what PRODUCT.md lets a public page show), so what residents saw
stays the record even after the cases move on. Also the commune's public contact details."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Posting(models.Model):
    class Kind(models.TextChoices):
        REVIEW_LIST = "review_list", _("Danh sách bình xét (trước thẩm định)")
        RESULTS = "results", _("Kết quả hỗ trợ (sau bàn giao)")

    code = models.CharField(_("mã niêm yết"), max_length=40, unique=True)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="postings",
                                 verbose_name=_("chương trình"))
    kind = models.CharField(_("loại niêm yết"), max_length=20, choices=Kind.choices)
    commune = models.ForeignKey("geography.AdminUnit", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("xã"))
    commune_2025 = models.ForeignKey("geography.AdminUnit", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("xã (từ 01/07/2025)"))
    unit_path = models.CharField(_("đường dẫn địa bàn"), max_length=80, db_index=True)
    unit_2025_path = models.CharField(_("đường dẫn địa bàn (từ 01/07/2025)"), max_length=80, blank=True,
                                      db_index=True)
    village = models.ForeignKey("geography.Village", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("thôn (để trống: cả xã)"))
    starts_on = models.DateField(_("niêm yết từ ngày"))
    ends_on = models.DateField(_("đến hết ngày"))
    cases = models.ManyToManyField("cases.HousingCase", through="PostingEntry", related_name="postings",
                                   verbose_name=_("hồ sơ được niêm yết"))
    location = models.CharField(_("nơi niêm yết"), max_length=300)
    photo = models.ImageField(_("ảnh bảng niêm yết"), upload_to="postings/%Y/%m/", blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("người niêm yết"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("người hủy"))
    cancel_reason = models.CharField(_("lý do hủy"), max_length=500, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                              name="posting_ends_after_start")]
        indexes = [models.Index(fields=["commune", "starts_on"], name="posting_commune_start")]
        verbose_name = _("đợt niêm yết")
        verbose_name_plural = pgettext_lazy("plural", "đợt niêm yết")

    def __str__(self) -> str:
        return f"{self.code} – {self.get_kind_display()}"


class PostingEntry(models.Model):
    """One case on a posting, as the public saw it (PRODUCT.md: masked name, village, strand or
    support type, amount; never the ID number, phone, health, ethnicity or exact address)."""

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="entries",
                                verbose_name=_("đợt niêm yết"))
    case = models.ForeignKey("cases.HousingCase", on_delete=models.PROTECT, related_name="posting_entries",
                             verbose_name=_("hồ sơ"))
    number = models.PositiveIntegerField(_("số thứ tự"))
    public_name = models.CharField(_("tên chủ hộ (viết tắt)"), max_length=120)
    village_name = models.CharField(_("thôn"), max_length=120, blank=True)
    strand_name = models.CharField(_("nguồn hỗ trợ"), max_length=200, blank=True)
    support_type = models.CharField(_("hình thức hỗ trợ"), max_length=60, blank=True)
    amount = models.BigIntegerField(_("mức hỗ trợ (đồng)"), default=0)

    class Meta:
        ordering = ["posting", "number"]
        constraints = [models.UniqueConstraint(fields=["posting", "case"], name="posting_entry_once")]
        verbose_name = _("hộ trong danh sách niêm yết")
        verbose_name_plural = pgettext_lazy("plural", "hộ trong danh sách niêm yết")

    def __str__(self) -> str:
        return f"{self.number}. {self.public_name}"


class CommuneContact(models.Model):
    """Where residents reach the commune about the campaign, shown on the commune's public page."""

    unit = models.OneToOneField("geography.AdminUnit", on_delete=models.CASCADE, related_name="public_contact",
                                verbose_name=_("xã"))
    office = models.CharField(_("nơi tiếp nhận"), max_length=200, default="Ủy ban nhân dân xã")
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    hours = models.CharField(_("giờ tiếp dân"), max_length=200, blank=True)
    person = models.CharField(_("người phụ trách"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("liên hệ công khai của xã")
        verbose_name_plural = pgettext_lazy("plural", "liên hệ công khai của xã")

    def __str__(self) -> str:
        return str(self.unit)

"""Residents' feedback and complaints (phản ánh, kiến nghị): sent from the public pages without an
account, handled by staff through the workflow engine (``workflows/feedback.yaml``), answered on a
public tracking page. The sender's name, phone and network address are never shown publicly; the
address is kept only as a keyed hash, for rate limits and duplicate detection."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from housing_campaign.workflow.models import WorkflowDocument


class Feedback(WorkflowDocument):
    DOCTYPE = "feedback"

    class Kind(models.TextChoices):
        WRONG_PERSON = "wrong_person", _("Người trong danh sách không đúng đối tượng")
        MISSING_PERSON = "missing_person", _("Hộ đủ điều kiện nhưng không có trong danh sách")
        POOR_CONSTRUCTION = "poor_construction", _("Chất lượng xây dựng, sửa chữa nhà")
        MONEY_NOT_RECEIVED = "money_not_received", _("Chưa nhận được tiền, vật liệu hỗ trợ")
        OTHER = "other", _("Khác")

    code = models.CharField(_("mã theo dõi"), max_length=20, unique=True)
    kind = models.CharField(_("nội dung phản ánh về"), max_length=30, choices=Kind.choices)
    campaign = models.ForeignKey("campaigns.Campaign", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="feedback", verbose_name=_("chương trình"))
    commune = models.ForeignKey("geography.AdminUnit", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("xã"))
    commune_2025 = models.ForeignKey("geography.AdminUnit", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("xã (từ 01/07/2025)"))
    unit_path = models.CharField(_("đường dẫn địa bàn"), max_length=80, db_index=True)
    unit_2025_path = models.CharField(_("đường dẫn địa bàn (từ 01/07/2025)"), max_length=80, blank=True,
                                      db_index=True)
    posting = models.ForeignKey("postings.Posting", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="feedback", verbose_name=_("đợt niêm yết"))
    case = models.ForeignKey("cases.HousingCase", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="feedback", verbose_name=_("hồ sơ liên quan"))
    holds_case = models.BooleanField(
        _("giữ hồ sơ đến khi giải quyết xong"), default=False,
        help_text=_("Gửi trong thời hạn niêm yết về một hộ trong danh sách: hồ sơ không chuyển bước cho đến khi "
                    "phản ánh được giải quyết xong."))
    text = models.TextField(_("nội dung"))
    sender_name = models.CharField(_("họ tên người gửi (không công khai)"), max_length=120, blank=True)
    sender_phone = models.CharField(_("điện thoại người gửi (không công khai)"), max_length=20, blank=True)
    photo = models.ImageField(_("ảnh kèm theo"), upload_to="feedback/%Y/%m/", blank=True)
    client_hash = models.CharField(_("dấu vết máy gửi (băm)"), max_length=64, db_index=True)
    text_hash = models.CharField(_("dấu vết nội dung (băm)"), max_length=64, db_index=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), db_index=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("người được giao xử lý"))
    answer = models.TextField(_("trả lời (công khai trên trang theo dõi)"), blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("người trả lời"))
    outcome = models.CharField(_("kết quả giải quyết"), max_length=20, blank=True, choices=[
        ("upheld", _("Phản ánh đúng, đã xử lý")), ("partly", _("Đúng một phần")),
        ("rejected", _("Phản ánh không đúng")), ("referred", _("Chuyển cơ quan có thẩm quyền"))])
    extra = models.JSONField(_("trường bổ sung"), default=dict, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["case", "holds_case"], name="feedback_case_hold")]
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = pgettext_lazy("plural", "phản ánh, kiến nghị")

    def __str__(self) -> str:
        return self.code

"""Award forms and commendation nominations (Law 06/2022/QH15, Decree 98/2023/NĐ-CP)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from housing_campaign.workflow.models import WorkflowDocument


class AwardForm(models.Model):
    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("hình thức khen thưởng"), max_length=200)
    level = models.PositiveSmallIntegerField(_("cấp (1 = cao nhất)"), default=5)
    decided_by = models.CharField(_("thẩm quyền quyết định"), max_length=200, blank=True)
    print_format = models.CharField(_("mẫu in"), max_length=60, blank=True)

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("hình thức khen thưởng")
        verbose_name_plural = pgettext_lazy("plural", "hình thức khen thưởng")

    def __str__(self) -> str:
        return self.name


class Nomination(WorkflowDocument):
    DOCTYPE = "commendation"

    class NomineeKind(models.TextChoices):
        COLLECTIVE = "collective", _("Tập thể")
        HOUSEHOLD = "household", _("Hộ gia đình")
        INDIVIDUAL = "individual", _("Cá nhân")

    code = models.CharField(_("mã"), max_length=30, unique=True)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="nominations",
                                 verbose_name=_("chương trình"))
    nominee_kind = models.CharField(_("đối tượng"), max_length=20, choices=NomineeKind.choices)
    nominee_name = models.CharField(_("tên tập thể/cá nhân"), max_length=200)
    award_form = models.ForeignKey(AwardForm, on_delete=models.PROTECT, related_name="nominations",
                                   verbose_name=_("hình thức"))
    achievement = models.TextField(_("thành tích"))
    commune = models.ForeignKey("geography.AdminUnit", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("đơn vị đề nghị"))
    unit_path = models.CharField(_("đường dẫn địa bàn"), max_length=80, db_index=True)
    unit_2025_path = models.CharField(_("đường dẫn địa bàn (từ 01/07/2025)"), max_length=80, blank=True, db_index=True)
    cases = models.ManyToManyField("cases.HousingCase", blank=True, related_name="nominations",
                                   verbose_name=_("hồ sơ liên quan"))
    contributions = models.ManyToManyField("contributions.Contribution", blank=True, related_name="nominations",
                                           verbose_name=_("đóng góp liên quan"))
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    extra = models.JSONField(_("trường bổ sung"), default=dict, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("người tạo"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "nominee_name", "award_form", "achievement"],
                                               name="nomination_no_double_award")]
        verbose_name = _("đề nghị khen thưởng")
        verbose_name_plural = pgettext_lazy("plural", "đề nghị khen thưởng")

    def __str__(self) -> str:
        return f"{self.nominee_name} – {self.award_form}"

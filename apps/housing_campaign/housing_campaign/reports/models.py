"""Targets and the figures managers read (issue 14).

``Target``: how many houses a territory (province, district or commune; legacy or 2025 unit) is to build
or repair in a campaign, for a category of household and/or a support type (blank: all).

The aggregates are kept by the workflow engine's transitions, case creation (form and import) and version
migrations, in the same transaction as the change (``reports.aggregates``), so a dashboard never counts a
million rows per request:
- ``StateCount``: how many cases are in each state now, per commune (legacy and 2025) × category × support
  type × workflow version;
- ``CaseMilestone`` and ``MilestoneDay``: when each case first reached a milestone of the lifecycle (surveyed,
  approved, started, finished, handed over) and how many did per commune × category × support type × day,
  so a figure "as of" any date is a sum over days, and a report issued on 30/11 reprints the same figures.
``reports.aggregates.recount`` rebuilds all three from the cases and the event log; tests prove equality.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from housing_campaign.campaigns.models import Category, SupportType


class Milestone(models.TextChoices):
    SURVEYED = "surveyed", _("rà soát")
    APPROVED = "approved", _("được duyệt")
    STARTED = "started", _("khởi công")
    FINISHED = "finished", _("hoàn thành (nghiệm thu đạt)")
    HANDED_OVER = "handed_over", _("bàn giao")


class Target(models.Model):
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="targets",
                                 verbose_name=_("chương trình"))
    unit = models.ForeignKey("geography.AdminUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("địa bàn"))
    unit_path = models.CharField(_("đường dẫn địa bàn"), max_length=80, db_index=True, editable=False)
    category = models.CharField(_("đối tượng"), max_length=20, choices=Category.choices, blank=True,
                                help_text=_("Để trống: mọi đối tượng"))
    support_type = models.CharField(_("hình thức hỗ trợ"), max_length=20, choices=SupportType.choices, blank=True,
                                    help_text=_("Để trống: xây mới và sửa chữa"))
    houses = models.PositiveIntegerField(_("số nhà chỉ tiêu"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "unit", "category", "support_type"],
                                               name="target_unique")]
        ordering = ["campaign", "unit_path", "category", "support_type"]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = pgettext_lazy("plural", "chỉ tiêu")

    def __str__(self) -> str:
        return f"{self.unit} – {self.houses}"


class StateCount(models.Model):
    """Cases in a state now (kept by reports.aggregates; never edited by hand). Ids are plain integers so
    that one upsert statement keeps a row; ``commune_2025_id`` is 0 when the commune has no 2025 unit."""

    campaign_id = models.BigIntegerField()
    commune_id = models.BigIntegerField()
    commune_2025_id = models.BigIntegerField(default=0)
    unit_path = models.CharField(max_length=80)
    unit_2025_path = models.CharField(max_length=80, blank=True)
    workflow_id = models.BigIntegerField()
    state = models.CharField(max_length=60)
    stage = models.CharField(max_length=20)
    category = models.CharField(max_length=20)
    support_type = models.CharField(max_length=20)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["campaign_id", "commune_id", "commune_2025_id", "workflow_id", "state", "category", "support_type"],
            name="statecount_key")]
        indexes = [models.Index(fields=["unit_path"], name="statecount_path"),
                   models.Index(fields=["unit_2025_path"], name="statecount_path_2025")]
        verbose_name = _("số hồ sơ theo trạng thái")
        verbose_name_plural = pgettext_lazy("plural", "số hồ sơ theo trạng thái")


class CaseMilestone(models.Model):
    """The first time a case reached a milestone (kept by reports.aggregates)."""

    case_id = models.BigIntegerField()
    milestone = models.CharField(max_length=20, choices=Milestone.choices)
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case_id", "milestone"], name="casemilestone_once")]
        verbose_name = _("mốc của hồ sơ")
        verbose_name_plural = pgettext_lazy("plural", "mốc của hồ sơ")


class MilestoneDay(models.Model):
    """Cases that first reached a milestone on a day (kept by reports.aggregates)."""

    campaign_id = models.BigIntegerField()
    commune_id = models.BigIntegerField()
    commune_2025_id = models.BigIntegerField(default=0)
    unit_path = models.CharField(max_length=80)
    unit_2025_path = models.CharField(max_length=80, blank=True)
    category = models.CharField(max_length=20)
    support_type = models.CharField(max_length=20)
    milestone = models.CharField(max_length=20, choices=Milestone.choices)
    day = models.DateField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["campaign_id", "commune_id", "commune_2025_id", "category", "support_type", "milestone", "day"],
            name="milestoneday_key")]
        indexes = [models.Index(fields=["milestone", "day"], name="milestoneday_day")]
        verbose_name = _("số hồ sơ đạt mốc trong ngày")
        verbose_name_plural = pgettext_lazy("plural", "số hồ sơ đạt mốc trong ngày")


class PeriodicReport(models.Model):
    """A periodic report a territory sends up (section V of the provincial plan): its kind, the territory it
    reports on (the issuer's or a unit under it), the unit system, the date its figures are "as of" and the
    two free texts the user writes before issuing. Its figures are computed as of that date from the
    aggregates (so a draft reprints the same figures later); once issued with a number, the PDF is frozen
    (``printing.IssuedDocument``, doctype "report", object id = this report)."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Báo cáo tiến độ của xã, huyện gửi Sở Nội vụ")
        PROVINCE = "province", _("Báo cáo của Sở Nội vụ gửi Bộ Nội vụ, UBND tỉnh")
        SUMMARY = "summary", _("Báo cáo tổng kết chương trình")

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="periodic_reports",
                                 verbose_name=_("chương trình"))
    kind = models.CharField(_("loại báo cáo"), max_length=20, choices=Kind.choices)
    unit = models.ForeignKey("geography.AdminUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("địa bàn"))
    unit_path = models.CharField(_("đường dẫn địa bàn"), max_length=80, blank=True, db_index=True)
    unit_2025_path = models.CharField(_("đường dẫn địa bàn (từ 01/07/2025)"), max_length=80, blank=True,
                                      db_index=True)
    units = models.CharField(_("hệ đơn vị hành chính"), max_length=10, default="legacy")
    as_of = models.DateField(_("số liệu tính đến ngày"))
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("người lập"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("báo cáo định kỳ")
        verbose_name_plural = pgettext_lazy("plural", "báo cáo định kỳ")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.unit} – {self.as_of:%d/%m/%Y}"

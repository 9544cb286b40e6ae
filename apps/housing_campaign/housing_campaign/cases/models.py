"""The housing case: one household's house in one campaign, from survey to handover."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from housing_campaign.campaigns.models import SupportType
from housing_campaign.workflow.models import WorkflowDocument


class PartCondition(models.TextChoices):
    STABLE = "stable", _("Bền vững")
    UNSTABLE = "unstable", _("Không bền vững")


class Priority(models.IntegerChoices):
    ETHNIC_MINORITY = 1, _("Hộ dân tộc thiểu số")
    MERITORIOUS = 2, _("Hộ người có công")
    SOCIAL_ASSISTANCE = 3, _("Hộ bảo trợ xã hội")
    OTHER = 4, _("Hộ khác")


class HousingCase(WorkflowDocument):
    DOCTYPE = "housing_case"
    WORKFLOW_SELECT_RELATED = ("household",)

    code = models.CharField(_("mã hồ sơ"), max_length=30, unique=True)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="cases",
                                 verbose_name=_("chương trình"))
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="cases",
                                  verbose_name=_("hộ gia đình"))
    survey_round = models.ForeignKey("campaigns.SurveyRound", on_delete=models.PROTECT, related_name="cases",
                                     verbose_name=_("đợt rà soát"))
    strand = models.ForeignKey("campaigns.Strand", on_delete=models.PROTECT, related_name="cases",
                               verbose_name=_("nguồn hỗ trợ"))
    support_type = models.CharField(_("hình thức hỗ trợ"), max_length=20, choices=SupportType.choices)
    support_amount = models.BigIntegerField(_("mức hỗ trợ (đồng)"), default=0)
    priority = models.PositiveSmallIntegerField(_("nhóm ưu tiên"), choices=Priority.choices, default=Priority.OTHER)
    # Where the case was created, and today's unit after the 2025 reorganisation.
    commune = models.ForeignKey("geography.AdminUnit", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("xã (khi lập hồ sơ)"))
    commune_2025 = models.ForeignKey("geography.AdminUnit", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("xã (từ 01/07/2025)"))
    unit_path = models.CharField(_("đường dẫn địa bàn"), max_length=80, db_index=True)
    unit_2025_path = models.CharField(_("đường dẫn địa bàn (từ 01/07/2025)"), max_length=80, blank=True, db_index=True)
    village = models.ForeignKey("geography.Village", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("thôn"))
    # Current house (survey).
    floor_area = models.DecimalField(_("diện tích nhà hiện tại (m²)"), max_digits=7, decimal_places=2)
    persons = models.PositiveSmallIntegerField(_("số người đang ở"))
    foundation = models.CharField(_("nền, móng"), max_length=10, choices=PartCondition.choices)
    frame_walls = models.CharField(_("khung, tường"), max_length=10, choices=PartCondition.choices)
    roof = models.CharField(_("mái"), max_length=10, choices=PartCondition.choices)
    remaining_lifespan_years = models.PositiveSmallIntegerField(_("niên hạn sử dụng còn lại (năm)"), null=True,
                                                                blank=True)
    survey_note = models.TextField(_("ghi chú rà soát"), blank=True)
    surveyed_on = models.DateField(_("ngày rà soát"))
    # Village meeting and commune list.
    village_meeting_on = models.DateField(_("ngày họp bình xét"), null=True, blank=True)
    village_meeting_agree = models.PositiveSmallIntegerField(_("số phiếu đồng ý"), null=True, blank=True)
    village_meeting_total = models.PositiveSmallIntegerField(_("số người dự họp"), null=True, blank=True)
    commune_list_number = models.CharField(_("số danh sách của xã"), max_length=60, blank=True)
    # Eligibility (computed by the rules, shown with reasons).
    eligibility = models.JSONField(_("kết quả kiểm tra điều kiện"), default=list, blank=True)
    is_eligible = models.BooleanField(_("đủ điều kiện"), null=True, blank=True)
    # Funding decision.
    approval_decision_number = models.CharField(_("số quyết định phê duyệt"), max_length=60, blank=True)
    approval_decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    # Construction and handover.
    construction_started_on = models.DateField(_("ngày khởi công"), null=True, blank=True)
    progress_percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    handed_over_on = models.DateField(_("ngày bàn giao"), null=True, blank=True)
    extra = models.JSONField(_("trường bổ sung"), default=dict, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("người tạo"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "household"], name="case_one_per_household"),
            models.CheckConstraint(condition=models.Q(floor_area__gte=0), name="case_floor_area_nonneg",
                                   violation_error_message=_("Diện tích nhà không được âm.")),
            models.CheckConstraint(condition=models.Q(persons__gte=1), name="case_persons_positive",
                                   violation_error_message=_("Số người đang ở phải từ 1 trở lên.")),
        ]
        indexes = [
            models.Index(fields=["state", "state_since"], name="case_state_age"),
            models.Index(fields=["unit_path", "state", "state_since"], name="case_unit_state_age"),
            models.Index(fields=["unit_2025_path", "state"], name="case_unit2025_state"),
            models.Index(fields=["campaign", "stage"], name="case_campaign_stage"),
            # A commune's cases oldest first (the API's and the queue's list filtered by a commune): read in order.
            models.Index(fields=["unit_path", "state_since", "id"], name="case_unit_since"),
            models.Index(fields=["unit_2025_path", "state_since", "id"], name="case_unit2025_since"),
            # A district's (or any territory prefix's) cases oldest first: read in order, the territory tested in
            # the index. On PostgreSQL ``varchar_pattern_ops`` turns ``unit_path LIKE 'L.62.610.%'`` into a range
            # checked on each index entry, so only the district's rows are fetched (a 12,000-case district:
            # 3.7 ms → 0.5 ms at 100,000 cases); other databases ignore the operator class.
            models.Index(fields=["state_since", "id", "unit_path"], opclasses=["", "", "varchar_pattern_ops"],
                         name="case_since_unit"),
        ]
        verbose_name = _("hồ sơ hỗ trợ nhà ở")
        verbose_name_plural = pgettext_lazy("plural", "hồ sơ hỗ trợ nhà ở")

    def __str__(self) -> str:
        return f"{self.code} – {self.household.head_name}"

    @property
    def unstable_parts(self) -> int:
        return sum(1 for part in (self.foundation, self.frame_walls, self.roof) if part == PartCondition.UNSTABLE)


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("Ảnh")
        FILE = "file", _("Tệp")

    case = models.ForeignKey(HousingCase, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("hồ sơ"))
    stage = models.CharField(_("giai đoạn"), max_length=20)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("tệp"), upload_to="cases/%Y/%m/")
    original_name = models.CharField(_("tên tệp gốc"), max_length=200)
    content_type = models.CharField(_("kiểu nội dung"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    caption = models.CharField(_("chú thích"), max_length=300, blank=True)
    taken_at = models.DateTimeField(_("chụp lúc"), null=True, blank=True)
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    progress = models.ForeignKey("ProgressEntry", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="photos", verbose_name=_("lần ghi tiến độ"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("người tải lên"))
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = pgettext_lazy("plural", "tệp đính kèm")

    def __str__(self) -> str:
        return self.caption or self.original_name


class ProgressEntry(models.Model):
    class Stage(models.TextChoices):
        FOUNDATION = "foundation", _("Móng")
        FRAME = "frame", _("Khung, tường")
        ROOF = "roof", _("Mái")
        FINISHING = "finishing", _("Hoàn thiện")

    case = models.ForeignKey(HousingCase, on_delete=models.CASCADE, related_name="progress_entries",
                             verbose_name=_("hồ sơ"))
    date = models.DateField(_("ngày"))
    stage = models.CharField(_("hạng mục"), max_length=20, choices=Stage.choices)
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("người ghi"))
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(percent__lte=100), name="progress_percent_max",
                                   violation_error_message=_("Tiến độ không được quá 100%."))]
        verbose_name = _("tiến độ thi công")
        verbose_name_plural = pgettext_lazy("plural", "tiến độ thi công")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {self.get_stage_display()} {self.percent}%"


class Acceptance(models.Model):
    class Result(models.TextChoices):
        PASSED = "passed", _("Đạt")
        FAILED = "failed", _("Không đạt")

    case = models.OneToOneField(HousingCase, on_delete=models.CASCADE, related_name="acceptance",
                                verbose_name=_("hồ sơ"))
    usable_area = models.DecimalField(_("diện tích sử dụng (m²)"), max_digits=7, decimal_places=2)
    hard_foundation = models.BooleanField(_("nền cứng"))
    hard_frame = models.BooleanField(_("khung, tường cứng"))
    hard_roof = models.BooleanField(_("mái cứng"))
    lifespan_years = models.PositiveSmallIntegerField(_("niên hạn sử dụng (năm)"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("người nghiệm thu"))
    accepted_on = models.DateField(_("ngày nghiệm thu"))
    result = models.CharField(_("kết quả"), max_length=10, choices=Result.choices)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("nghiệm thu")
        verbose_name_plural = pgettext_lazy("plural", "nghiệm thu")

    def __str__(self) -> str:
        return f"{self.case} – {self.get_result_display()} ({self.accepted_on:%d/%m/%Y})"

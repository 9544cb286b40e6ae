"""The emulation movement ("phong trào thi đua") of a campaign: who takes part.

The provincial plan (section III.1) sets criteria for five groups of participants:
a) provincial departments, b) district and commune People's Committees, c) the Fatherland Front and
mass organisations, d) organisations, businesses and households, đ) individuals (officials and others).
A participant is one of them in one campaign; units register for the movement with their own plan.
Nominations (``commendations.Nomination``) name a participant; the evidence shown beside the criteria
is drawn from the records each participant is linked to (its administrative unit, donor, household or
user account), never retyped."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The log of the movement's records (core.DocumentEvent rows written by emulation.services).
PARTICIPANT_DOCTYPE = "emulation_participant"
CRITERION_DOCTYPE = "emulation_criterion"
DEADLINE_DOCTYPE = "emulation_deadline"


class Group(models.TextChoices):
    """The plan's groups a–đ (section III.1)."""
    DEPARTMENTS = "a", _("a) Sở, ban, ngành tỉnh")
    PEOPLES_COMMITTEES = "b", _("b) Ủy ban nhân dân cấp huyện, cấp xã")
    FRONT_AND_ORGANISATIONS = "c", _("c) Mặt trận Tổ quốc và các tổ chức chính trị - xã hội")
    ORGANISATIONS_BUSINESSES_HOUSEHOLDS = "d", _("d) Tổ chức, doanh nghiệp, hộ gia đình")
    INDIVIDUALS = "dd", _("đ) Cá nhân")


class Participant(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Sở, ban, ngành")
        PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
        FRONT_ORGANISATION = "front_organisation", _("Mặt trận, đoàn thể")
        ORGANISATION = "organisation", _("Cơ quan, tổ chức")
        BUSINESS = "business", _("Doanh nghiệp")
        HOUSEHOLD = "household", _("Hộ gia đình")
        OFFICIAL = "official", _("Cán bộ, công chức, viên chức")
        PERSON = "person", _("Cá nhân khác")

    # Which group each kind belongs to (a kind picks its group; the check below keeps them consistent).
    KIND_GROUPS = {
        Kind.DEPARTMENT: Group.DEPARTMENTS,
        Kind.PEOPLES_COMMITTEE: Group.PEOPLES_COMMITTEES,
        Kind.FRONT_ORGANISATION: Group.FRONT_AND_ORGANISATIONS,
        Kind.ORGANISATION: Group.ORGANISATIONS_BUSINESSES_HOUSEHOLDS,
        Kind.BUSINESS: Group.ORGANISATIONS_BUSINESSES_HOUSEHOLDS,
        Kind.HOUSEHOLD: Group.ORGANISATIONS_BUSINESSES_HOUSEHOLDS,
        Kind.OFFICIAL: Group.INDIVIDUALS,
        Kind.PERSON: Group.INDIVIDUALS,
    }
    COLLECTIVE_KINDS = (Kind.DEPARTMENT, Kind.PEOPLES_COMMITTEE, Kind.FRONT_ORGANISATION, Kind.ORGANISATION,
                        Kind.BUSINESS)

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="participants",
                                 verbose_name=_("chương trình"))
    group = models.CharField(_("nhóm đối tượng"), max_length=2, choices=Group.choices)
    kind = models.CharField(_("loại"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("tên tập thể, hộ hoặc cá nhân"), max_length=200)
    # Individuals: position and the unit they work for ("Phó Chủ tịch UBND xã Đăk Blô").
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    workplace = models.CharField(_("đơn vị công tác"), max_length=200, blank=True)
    # The administrative unit the participant belongs to: a People's Committee's own unit, a department's
    # province, a business's or household's commune. It scopes who sees the participant and it is where a
    # commune's evidence (houses, money, postings, complaints) is read from.
    unit = models.ForeignKey("geography.AdminUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("địa bàn"))
    unit_path = models.CharField(_("đường dẫn địa bàn"), max_length=80, db_index=True)
    unit_2025_path = models.CharField(_("đường dẫn địa bàn (từ 01/07/2025)"), max_length=80, blank=True,
                                      db_index=True)
    # The records that prove a participant's achievements (each optional; evidence reads what is linked).
    donor = models.ForeignKey("contributions.Donor", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="participants", verbose_name=_("nhà tài trợ (sổ đóng góp)"))
    household = models.ForeignKey("households.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="participants", verbose_name=_("hộ gia đình"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="emulation_participants", verbose_name=_("tài khoản cán bộ"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("người tạo"))

    class Meta:
        ordering = ["group", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind", "name", "unit"], name="participant_unique_name"),
            models.UniqueConstraint(fields=["campaign", "donor"], condition=Q(donor__isnull=False),
                                    name="participant_unique_donor"),
            models.UniqueConstraint(fields=["campaign", "household"], condition=Q(household__isnull=False),
                                    name="participant_unique_household"),
            models.UniqueConstraint(fields=["campaign", "user"], condition=Q(user__isnull=False),
                                    name="participant_unique_user"),
        ]
        indexes = [models.Index(fields=["campaign", "group"], name="participant_campaign_group")]
        verbose_name = _("đối tượng tham gia phong trào")
        verbose_name_plural = pgettext_lazy("plural", "đối tượng tham gia phong trào")

    def __str__(self) -> str:
        return self.name

    @property
    def is_collective(self) -> bool:
        return self.kind in self.COLLECTIVE_KINDS


class EvidenceKey(models.TextChoices):
    """What a criterion expects as proof: a figure computed from the records (``emulation.evidence``), or
    ``manual``: documents the unit attaches (nothing is computed)."""
    REPORTS_ON_TIME = "reports_on_time", _("Đăng ký, kế hoạch và báo cáo nộp đúng hạn")
    HOUSES_FINISHED = "houses_finished", _("Nhà hoàn thành so với chỉ tiêu, trước từng hạn")
    MONEY_MOBILISED = "money_mobilised", _("Kinh phí, đóng góp huy động được")
    POSTINGS_HELD = "postings_held", _("Niêm yết công khai danh sách và kết quả")
    COMPLAINTS_ANSWERED = "complaints_answered", _("Phản ánh của người dân được trả lời đúng hạn")
    CONTRIBUTIONS = "contributions", _("Đóng góp bằng tiền, vật liệu, ngày công")
    OFFICIAL_WORK = "official_work", _("Hồ sơ đã xử lý và sáng kiến")
    INITIATIVES = "initiatives", _("Sáng kiến, đề xuất được ghi nhận")
    MANUAL = "manual", _("Tài liệu minh chứng đính kèm")


class Criterion(models.Model):
    """One criterion of the plan's section III.1 for a group, in a campaign: an editable checklist (seeded from
    ``fixtures/emulation_criteria.yaml``; retired rather than deleted, as nominations quote them)."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="emulation_criteria",
                                 verbose_name=_("chương trình"))
    group = models.CharField(_("nhóm đối tượng"), max_length=2, choices=Group.choices)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    code = models.SlugField(_("mã"), max_length=40)
    text = models.TextField(_("nội dung tiêu chí"))
    # The keys of ``EvidenceKey`` the criterion expects, in the order shown (a criterion of the plan may ask for
    # two proofs: public postings and complaints answered in time); ["manual"]: documents attached.
    evidence = models.JSONField(_("minh chứng"), default=list, blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("người sửa"))

    class Meta:
        ordering = ["campaign", "group", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="criterion_unique_code")]
        verbose_name = _("tiêu chí thi đua")
        verbose_name_plural = pgettext_lazy("plural", "tiêu chí thi đua")

    def __str__(self) -> str:
        text = " ".join(self.text.split())
        return f"{self.get_group_display()} – {text[:80]}{'…' if len(text) > 80 else ''}"


class ReportingDeadline(models.Model):
    """A date by which the units of some groups owe the emulation office a document (section V of the plan):
    their plan, an interim report, the final summary. Data, editable by the office and administrators."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("Kế hoạch thực hiện phong trào")
        INTERIM = "interim", _("Báo cáo tình hình thực hiện")
        FINAL = "final", _("Báo cáo tổng kết")

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="emulation_deadlines",
                                 verbose_name=_("chương trình"))
    code = models.SlugField(_("mã"), max_length=40)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại văn bản"), max_length=10, choices=Kind.choices)
    due_on = models.DateField(_("hạn nộp"))
    groups = models.JSONField(_("nhóm đối tượng phải nộp"), default=list,
                              help_text=_("Mã nhóm: a, b, c, d, dd"))
    note = models.CharField(_("ghi chú, căn cứ"), max_length=300, blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("người sửa"))

    class Meta:
        ordering = ["campaign", "due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="reporting_deadline_unique_code")]
        verbose_name = _("hạn nộp kế hoạch, báo cáo")
        verbose_name_plural = pgettext_lazy("plural", "hạn nộp kế hoạch, báo cáo")

    def __str__(self) -> str:
        return f"{self.name} ({self.due_on:%d/%m/%Y})"


class Registration(models.Model):
    """A unit's registration for the movement: when, and what it commits to (its plan document is the
    ``Submission`` of kind "plan")."""

    participant = models.OneToOneField(Participant, on_delete=models.PROTECT, related_name="registration",
                                       verbose_name=_("đơn vị"))
    registered_on = models.DateField(_("ngày đăng ký"))
    houses_target = models.PositiveIntegerField(_("số nhà phấn đấu hoàn thành"), null=True, blank=True)
    money_target = models.PositiveBigIntegerField(_("số tiền phấn đấu huy động (đồng)"), null=True, blank=True)
    commitments = models.TextField(_("nội dung đăng ký thi đua"), blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("người đăng ký"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)

    class Meta:
        verbose_name = _("đăng ký thi đua")
        verbose_name_plural = pgettext_lazy("plural", "đăng ký thi đua")

    def __str__(self) -> str:
        return f"{self.participant} ({self.registered_on:%d/%m/%Y})"


class StoredFile(models.Model):
    """What every uploaded document keeps besides the file: its name as uploaded and what it really is."""

    file = models.FileField(_("tệp"), upload_to="thi-dua/%Y/%m/")
    original_name = models.CharField(_("tên tệp gốc"), max_length=200)
    content_type = models.CharField(_("kiểu nội dung"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))

    class Meta:
        abstract = True


class Submission(StoredFile):
    """A document a unit sent the emulation office: its plan, a report (number, date, the file), against a
    deadline when there is one."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="submissions",
                                    verbose_name=_("đơn vị"))
    deadline = models.ForeignKey(ReportingDeadline, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="submissions", verbose_name=_("theo hạn"))
    kind = models.CharField(_("loại văn bản"), max_length=10, choices=ReportingDeadline.Kind.choices)
    submitted_on = models.DateField(_("ngày gửi"))
    document_number = models.CharField(_("số văn bản"), max_length=60)
    document_date = models.DateField(_("ngày văn bản"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("người ghi"))
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)

    class Meta:
        ordering = ["participant", "submitted_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "deadline"], condition=Q(deadline__isnull=False),
                                    name="submission_once_per_deadline"),
            models.UniqueConstraint(fields=["participant"], condition=Q(deadline__isnull=True, kind="plan"),
                                    name="submission_one_free_plan"),
        ]
        verbose_name = _("kế hoạch, báo cáo đã nộp")
        verbose_name_plural = pgettext_lazy("plural", "kế hoạch, báo cáo đã nộp")

    def __str__(self) -> str:
        return f"{self.participant}: {self.document_number}"


class Initiative(models.Model):
    """A recorded initiative or proposal ("sáng kiến, đề xuất", section IV.4 of the plan): its author, when,
    what, and who adopted it (a unit and its decision) when it was adopted."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="emulation_initiatives",
                                 verbose_name=_("chương trình"))
    author = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="initiatives",
                               verbose_name=_("tác giả"))
    title = models.CharField(_("tên sáng kiến, đề xuất"), max_length=300)
    proposed_on = models.DateField(_("ngày đề xuất"))
    description = models.TextField(_("nội dung, hiệu quả"))
    adopted_by = models.CharField(_("đơn vị công nhận, áp dụng"), max_length=300, blank=True)
    adoption_reference = models.CharField(_("số văn bản công nhận, áp dụng"), max_length=120, blank=True)
    adopted_on = models.DateField(_("ngày công nhận, áp dụng"), null=True, blank=True)
    # The author's territory, copied so that the list is scoped like the participants.
    unit_path = models.CharField(_("đường dẫn địa bàn"), max_length=80, db_index=True)
    unit_2025_path = models.CharField(_("đường dẫn địa bàn (từ 01/07/2025)"), max_length=80, blank=True,
                                      db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("người ghi"))
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)

    class Meta:
        ordering = ["-proposed_on", "-id"]
        indexes = [models.Index(fields=["campaign", "author"], name="initiative_campaign_author")]
        verbose_name = _("sáng kiến, đề xuất")
        verbose_name_plural = pgettext_lazy("plural", "sáng kiến, đề xuất")

    def __str__(self) -> str:
        return self.title

    @property
    def is_adopted(self) -> bool:
        return self.adopted_on is not None


class EvidenceDocument(StoredFile):
    """A document a unit attaches as proof of a criterion the records cannot show (evidence "manual")."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="evidence_documents",
                                    verbose_name=_("đối tượng"))
    criterion = models.ForeignKey(Criterion, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("cho tiêu chí"))
    title = models.CharField(_("tên tài liệu"), max_length=300)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("người tải lên"))
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        ordering = ["participant", "-uploaded_at", "-id"]
        verbose_name = _("tài liệu minh chứng")
        verbose_name_plural = pgettext_lazy("plural", "tài liệu minh chứng")

    def __str__(self) -> str:
        return self.title

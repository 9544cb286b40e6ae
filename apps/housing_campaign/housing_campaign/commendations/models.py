"""Award forms and commendation nominations (Law 06/2022/QH15 on emulation and commendation, Decree
98/2023/NĐ-CP).

An award form carries its competence as data: the authority that decides it, whether the province only
proposes it (national awards: the State President's Huân chương, the Prime Minister's Bằng khen), which
kinds of units may propose it and which kinds of participants may receive it. A nomination names an
emulation participant, keeps the evidence it was made on as a snapshot, and moves through the
commendation workflow to a numbered decision of the competent chairman, or to a numbered proposal sent
up and the higher level's decision recorded when it comes back (``AwardDocument``)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from housing_campaign.workflow.models import WorkflowDocument

# States of the commendation workflow in which a nomination ended without an award: only these free the
# achievement for another nomination (the duplicate check of the service and the database's last guard).
NO_AWARD_STATES = ("rejected", "not_awarded")


class Authority(models.TextChoices):
    """Who decides an award (Law 06/2022/QH15, articles 78–80)."""
    STATE_PRESIDENT = "state_president", _("Chủ tịch nước")
    PRIME_MINISTER = "prime_minister", _("Thủ tướng Chính phủ")
    PROVINCIAL_CHAIRMAN = "provincial_chairman", _("Chủ tịch Ủy ban nhân dân tỉnh")
    DISTRICT_CHAIRMAN = "district_chairman", _("Chủ tịch Ủy ban nhân dân cấp huyện")
    COMMUNE_CHAIRMAN = "commune_chairman", _("Chủ tịch Ủy ban nhân dân cấp xã")
    UNIT_HEAD = "unit_head", _("Thủ trưởng cơ quan, đơn vị")


class Proposer(models.TextChoices):
    """Which kind of unit files a nomination (the level of its administrative unit and, at the
    province, the kind of body)."""
    PROVINCE = "province", _("Ủy ban nhân dân tỉnh (sau khi Hội đồng Thi đua - Khen thưởng tỉnh xét)")
    DEPARTMENT = "department", _("Sở, ban, ngành tỉnh")
    PROVINCIAL_ORGANISATION = "provincial_organisation", _("Ủy ban MTTQ Việt Nam tỉnh, tổ chức chính trị - xã hội "
                                                           "tỉnh")
    DISTRICT = "district", _("Ủy ban nhân dân cấp huyện")
    COMMUNE = "commune", _("Ủy ban nhân dân cấp xã")


# The level of the administrative unit a proposer belongs to (geography.AdminUnit.Level values).
PROPOSER_LEVELS = {
    Proposer.PROVINCE: "province", Proposer.DEPARTMENT: "province", Proposer.PROVINCIAL_ORGANISATION: "province",
    Proposer.DISTRICT: "district", Proposer.COMMUNE: "commune",
}

# The level of the unit whose chairman decides (the deciding unit contains the proposing unit).
AUTHORITY_LEVELS = {
    Authority.PROVINCIAL_CHAIRMAN: "province", Authority.DISTRICT_CHAIRMAN: "district",
    Authority.COMMUNE_CHAIRMAN: "commune",
}


class AwardForm(models.Model):
    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("hình thức khen thưởng"), max_length=200)
    level = models.PositiveSmallIntegerField(_("cấp (1 = cao nhất)"), default=5)
    authority = models.CharField(_("người quyết định"), max_length=30, choices=Authority.choices,
                                 default=Authority.UNIT_HEAD)
    decided_by = models.CharField(_("thẩm quyền quyết định"), max_length=200, blank=True)
    national = models.BooleanField(
        _("tỉnh chỉ đề nghị (khen thưởng cấp Nhà nước)"), default=False,
        help_text=_("Tỉnh trình cấp trên bằng tờ trình có số; quyết định của cấp trên được ghi nhận khi có."))
    proposer_kinds = models.JSONField(_("đơn vị được đề nghị"), default=list, blank=True)
    recipient_kinds = models.JSONField(_("đối tượng được tặng"), default=list, blank=True,
                                       help_text=_("Loại đối tượng tham gia phong trào; để trống: mọi loại."))
    legal_basis = models.CharField(_("căn cứ (điều, khoản)"), max_length=300, blank=True)
    print_format = models.CharField(_("mẫu in"), max_length=60, blank=True)

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("hình thức khen thưởng")
        verbose_name_plural = pgettext_lazy("plural", "hình thức khen thưởng")

    def __str__(self) -> str:
        return self.name


class AwardDocument(models.Model):
    """A document of the commendation process covering one or more nominations of one award form: the
    council's minutes, the province's proposal sent up (tờ trình, with its annexed list), the competent
    chairman's decision (with its annex) and the higher level's decision as recorded when it comes back.
    The first three are issued here with a gap-free number (``printing``); the last is typed in from the
    paper received. The signer and the issuing body are stored as they were on the document."""

    class Kind(models.TextChoices):
        MINUTES = "minutes", _("Biên bản họp Hội đồng")
        PROPOSAL = "proposal", _("Tờ trình đề nghị cấp trên khen thưởng")
        DECISION = "decision", _("Quyết định khen thưởng")
        HIGHER_DECISION = "higher_decision", _("Quyết định của cấp trên")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="award_documents",
                                 verbose_name=_("chương trình"))
    award_form = models.ForeignKey(AwardForm, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="documents", verbose_name=_("hình thức"))
    number = models.CharField(_("số, ký hiệu"), max_length=60)
    issued_on = models.DateField(_("ngày ban hành"))
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=200)
    issuing_unit = models.ForeignKey("geography.AdminUnit", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("địa bàn cơ quan ban hành"))
    unit_path = models.CharField(_("đường dẫn địa bàn"), max_length=80, db_index=True)
    unit_2025_path = models.CharField(_("đường dẫn địa bàn (từ 01/07/2025)"), max_length=80, blank=True,
                                      db_index=True)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    addressee = models.CharField(_("kính gửi"), max_length=200, blank=True)
    awarded = models.BooleanField(_("được khen thưởng"), null=True, blank=True,
                                  help_text=_("Kết quả quyết định của cấp trên."))
    note = models.TextField(_("ghi chú"), blank=True)
    issued_document = models.ForeignKey("printing.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("văn bản đã ban hành"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("người tạo"))

    class Meta:
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["campaign", "kind"], name="awarddoc_campaign_kind")]
        verbose_name = _("văn bản khen thưởng")
        verbose_name_plural = pgettext_lazy("plural", "văn bản khen thưởng")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Nomination(WorkflowDocument):
    DOCTYPE = "commendation"
    WORKFLOW_SELECT_RELATED = ("award_form",)
    TERRITORY_UNIT_FIELD = "proposing_unit"  # the unit whose parent level hears of an overdue nomination

    class NomineeKind(models.TextChoices):
        COLLECTIVE = "collective", _("Tập thể")
        HOUSEHOLD = "household", _("Hộ gia đình")
        INDIVIDUAL = "individual", _("Cá nhân")

    code = models.CharField(_("mã"), max_length=30, unique=True)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="nominations",
                                 verbose_name=_("chương trình"))
    # Who is nominated: an emulation participant (by name and kind as they were when nominated).
    participant = models.ForeignKey("emulation.Participant", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="nominations", verbose_name=_("đối tượng được đề nghị"))
    nominee_kind = models.CharField(_("đối tượng"), max_length=20, choices=NomineeKind.choices)
    nominee_name = models.CharField(_("tên tập thể/cá nhân"), max_length=200)
    award_form = models.ForeignKey(AwardForm, on_delete=models.PROTECT, related_name="nominations",
                                   verbose_name=_("hình thức"))
    achievement = models.TextField(_("thành tích"))
    # The initiative the award is for (emulation.Initiative, which lives above this layer: its id only);
    # empty: the participant's overall achievement in the movement.
    initiative_id = models.PositiveIntegerField(_("sáng kiến (mã)"), null=True, blank=True)
    evidence = models.JSONField(_("minh chứng (lưu khi đề nghị)"), default=dict, blank=True)
    # The unit that files the nomination: its administrative unit (which scopes who sees it), its kind and name.
    proposing_unit = models.ForeignKey("geography.AdminUnit", on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("đơn vị đề nghị"))
    proposer_kind = models.CharField(_("loại đơn vị đề nghị"), max_length=30, choices=Proposer.choices, blank=True)
    proposer_name = models.CharField(_("tên đơn vị đề nghị"), max_length=200, blank=True)
    unit_path = models.CharField(_("đường dẫn địa bàn"), max_length=80, db_index=True)
    unit_2025_path = models.CharField(_("đường dẫn địa bàn (từ 01/07/2025)"), max_length=80, blank=True, db_index=True)
    cases = models.ManyToManyField("cases.HousingCase", blank=True, related_name="nominations",
                                   verbose_name=_("hồ sơ liên quan"))
    contributions = models.ManyToManyField("contributions.Contribution", blank=True, related_name="nominations",
                                           verbose_name=_("đóng góp liên quan"))
    minutes = models.ForeignKey(AwardDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("biên bản họp Hội đồng"))
    proposal = models.ForeignKey(AwardDocument, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="proposed_nominations", verbose_name=_("tờ trình"))
    decision = models.ForeignKey(AwardDocument, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="decided_nominations", verbose_name=_("quyết định"))
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    certificate = models.ForeignKey("printing.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("bằng, giấy khen đã in"))
    extra = models.JSONField(_("trường bổ sung"), default=dict, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("người tạo"))

    class Meta:
        constraints = [
            # No two awards for the same achievement in the same movement: one participant, one initiative
            # (or the overall achievement), among nominations not ended without an award. The service says
            # so first with a clear message; this is the last guard against a race.
            models.UniqueConstraint(
                "campaign", "participant", Coalesce("initiative_id", models.Value(0)),
                condition=Q(participant__isnull=False) & ~Q(state__in=NO_AWARD_STATES),
                name="nomination_one_award_per_achievement"),
        ]
        indexes = [models.Index(fields=["campaign", "state"], name="nomination_campaign_state")]
        verbose_name = _("đề nghị khen thưởng")
        verbose_name_plural = pgettext_lazy("plural", "đề nghị khen thưởng")

    def __str__(self) -> str:
        return f"{self.nominee_name} – {self.award_form}"

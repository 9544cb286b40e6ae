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

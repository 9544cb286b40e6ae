"""Workflow definitions as data (Wagtail's idea: definitions apart from runtime state).

A definition belongs to one document type and has a version. At most one version per document type
is active (a conditional unique constraint). Documents keep the version they started on.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from housing_campaign.core.hookspec import doctype_choices


class Stage(models.TextChoices):
    SURVEY = "survey", _("Rà soát")
    CONFIRMATION = "confirmation", _("Bình xét, xác nhận của xã")
    REVIEW = "review", _("Thẩm định")
    FUNDING = "funding", _("Phân bổ kinh phí")
    CONSTRUCTION = "construction", _("Thi công")
    ACCEPTANCE = "acceptance", _("Nghiệm thu")
    HANDOVER = "handover", _("Bàn giao")
    POSTING = "posting", _("Công khai")
    COMMENDATION = "commendation", _("Khen thưởng")
    FEEDBACK = "feedback", _("Phản ánh, kiến nghị")
    CLOSED = "closed", _("Kết thúc")


class WorkflowDefinition(models.Model):
    doctype = models.CharField(_("loại hồ sơ"), max_length=40, choices=doctype_choices)
    version = models.PositiveIntegerField(_("phiên bản"))
    name = models.CharField(_("tên"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    initial_state = models.CharField(_("trạng thái đầu"), max_length=60)
    is_active = models.BooleanField(_("đang áp dụng"), default=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    activated_at = models.DateTimeField(_("áp dụng lúc"), null=True, blank=True)
    retired_at = models.DateTimeField(_("ngừng áp dụng lúc"), null=True, blank=True)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("dựa trên phiên bản"))
    # A draft is edited by several administrators: each save names the revision it started from, and a
    # save from an older revision is refused (the second editor is told; nothing is lost).
    revision = models.PositiveIntegerField(_("lần sửa"), default=0)
    edited_at = models.DateTimeField(_("sửa lần cuối lúc"), null=True, blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("người sửa lần cuối"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doctype", "version"], name="workflow_unique_version"),
            models.UniqueConstraint(fields=["doctype"], condition=models.Q(is_active=True),
                                    name="workflow_one_active_per_doctype"),
        ]
        ordering = ["doctype", "-version"]
        verbose_name = _("quy trình")
        verbose_name_plural = pgettext_lazy("plural", "quy trình")

    def __str__(self) -> str:
        from django.utils.translation import gettext

        if self.is_active:
            return gettext("%(name)s (v%(version)s, đang áp dụng)") % {"name": self.name, "version": self.version}
        return f"{self.name} (v{self.version})"


class WorkflowPilot(models.Model):
    """A version tried in some communes or districts before the whole province: new documents of a
    unit under ``unit_path`` start on ``definition`` while the rest keep the active version."""

    definition = models.ForeignKey(WorkflowDefinition, on_delete=models.CASCADE, related_name="pilots",
                                   verbose_name=_("quy trình"))
    unit = models.ForeignKey("geography.AdminUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("địa bàn thí điểm"))
    unit_path = models.CharField(_("đường dẫn địa bàn"), max_length=80, db_index=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("người bắt đầu"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["definition", "unit"], name="wfpilot_unique_unit")]
        verbose_name = _("địa bàn thí điểm")
        verbose_name_plural = pgettext_lazy("plural", "địa bàn thí điểm")

    def __str__(self) -> str:
        return f"{self.definition} – {self.unit}"


class WorkflowState(models.Model):
    definition = models.ForeignKey(WorkflowDefinition, on_delete=models.CASCADE, related_name="states",
                                   verbose_name=_("quy trình"))
    code = models.SlugField(_("mã"), max_length=60)
    label_vi = models.CharField(_("tên (tiếng Việt)"), max_length=120)
    label_en = models.CharField(_("tên (tiếng Anh)"), max_length=120, blank=True)
    stage = models.CharField(_("giai đoạn"), max_length=20, choices=Stage.choices)
    edit_roles = models.JSONField(_("vai trò được sửa hồ sơ"), default=list, blank=True)
    required_fields = models.JSONField(_("trường bắt buộc để rời trạng thái"), default=list, blank=True)
    sla_days = models.PositiveIntegerField(_("thời hạn xử lý (ngày)"), null=True, blank=True)
    is_terminal = models.BooleanField(_("trạng thái kết thúc"), default=False)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["definition", "code"], name="wfstate_unique_code")]
        ordering = ["order", "id"]
        verbose_name = _("trạng thái")
        verbose_name_plural = pgettext_lazy("plural", "trạng thái")

    def __str__(self) -> str:
        return f"{self.label_vi} ({self.code})"


class WorkflowTransition(models.Model):
    class Kind(models.TextChoices):
        FORWARD = "forward", _("Chuyển tiếp (kiểm tra trường bắt buộc)")
        RETURN = "return", _("Trả lại để bổ sung")
        STOP = "stop", _("Từ chối, rút hoặc dừng hồ sơ")

    class TerritoryRule(models.TextChoices):
        CONTAINS = "contains", _("Địa bàn của người thực hiện phải chứa hồ sơ")
        NONE = "none", _("Không kiểm tra địa bàn")

    definition = models.ForeignKey(WorkflowDefinition, on_delete=models.CASCADE, related_name="transitions",
                                   verbose_name=_("quy trình"))
    source = models.SlugField(_("từ trạng thái"), max_length=60)
    action = models.SlugField(_("mã thao tác"), max_length=60)
    label_vi = models.CharField(_("nhãn nút (tiếng Việt)"), max_length=120)
    label_en = models.CharField(_("nhãn nút (tiếng Anh)"), max_length=120, blank=True)
    target = models.SlugField(_("đến trạng thái"), max_length=60)
    kind = models.CharField(_("loại bước"), max_length=10, choices=Kind.choices, default=Kind.FORWARD,
                            help_text=_("Chỉ bước chuyển tiếp đòi đủ trường bắt buộc của trạng thái; trả lại và "
                                        "từ chối không bị chặn bởi chính những trường cần sửa."))
    roles = models.JSONField(_("vai trò được thực hiện"), default=list)
    condition = models.TextField(_("điều kiện"), blank=True)
    condition_message = models.CharField(_("thông báo khi điều kiện không đạt"), max_length=300, blank=True)
    condition_message_en = models.CharField(_("thông báo khi điều kiện không đạt (tiếng Anh)"), max_length=300,
                                            blank=True)
    comment_required = models.BooleanField(_("bắt buộc ghi lý do"), default=False)
    allow_previous_actor = models.BooleanField(_("người thao tác trước được thực hiện"), default=True)
    quorum = models.PositiveIntegerField(_("số phiếu cần (N trên M)"), default=1)
    territory_rule = models.CharField(_("quy tắc địa bàn"), max_length=10, choices=TerritoryRule.choices,
                                      default=TerritoryRule.CONTAINS)
    side_effects = models.JSONField(_("tác vụ kèm theo"), default=list, blank=True)
    automatic = models.BooleanField(
        _("hệ thống tự thực hiện khi đủ điều kiện"), default=False,
        help_text=_("Công việc định kỳ của hệ thống thực hiện bước này (thay cho một người có vai trò được thực "
                    "hiện) ngay khi điều kiện đạt, ví dụ hết thời hạn niêm yết mà không còn phản ánh. Người có "
                    "vai trò vẫn có thể thực hiện bằng tay. Chỉ dùng cho bước chuyển tiếp có điều kiện."))
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["definition", "source", "action"],
                                               name="wftransition_unique_action")]
        ordering = ["order", "id"]
        verbose_name = _("bước chuyển")
        verbose_name_plural = pgettext_lazy("plural", "bước chuyển")

    def __str__(self) -> str:
        return f"{self.source} –[{self.label_vi}]→ {self.target}"


class Approval(models.Model):
    """One vote toward a quorum transition, valid only while the document stays in the same entry of
    the source state (``state_entry`` is the id of the event that put it there)."""

    doctype = models.CharField(_("loại hồ sơ"), max_length=40, choices=doctype_choices)
    object_id = models.BigIntegerField(_("mã hồ sơ (id)"))
    transition = models.ForeignKey(WorkflowTransition, on_delete=models.PROTECT, related_name="approvals",
                                   verbose_name=_("bước chuyển"))
    state_entry = models.BigIntegerField(_("lượt vào trạng thái"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("người bỏ phiếu"))
    acting_for = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("thay cho"))
    at = models.DateTimeField(_("lúc"))
    comment = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doctype", "object_id", "transition", "state_entry", "actor"],
                                               name="approval_one_vote_per_actor")]
        verbose_name = _("phiếu duyệt")
        verbose_name_plural = pgettext_lazy("plural", "phiếu duyệt")


class WorkflowDocument(models.Model):
    """Fields every workflow-driven document carries. Only ``workflow.services`` writes them."""

    workflow = models.ForeignKey(WorkflowDefinition, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("quy trình"))
    state = models.CharField(_("trạng thái"), max_length=60, db_index=True)
    stage = models.CharField(_("giai đoạn"), max_length=20, choices=Stage.choices, db_index=True)
    state_since = models.DateTimeField(_("vào trạng thái lúc"), db_index=True)
    state_entry = models.BigIntegerField(_("lượt vào trạng thái"), default=0)
    lock_version = models.PositiveIntegerField(_("số lần sửa (chống ghi đè)"), default=0)
    last_actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("người thao tác gần nhất"))

    class Meta:
        abstract = True

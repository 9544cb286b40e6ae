"""The workflow builder's forms: everything is picked from lists with its Vietnamese name (roles,
states, stages, fields, side effects, territory rule, kind); codes are made from names, and typing
one is an optional override. The forms check shapes only; what the values mean is checked by the
services with the definition's single validator (``definitions.definition_problems``)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from housing_campaign.accounts.models import Role
from housing_campaign.core import hookspec
from housing_campaign.core.i18n import localized_label
from housing_campaign.core.validators import INT_MAX

from . import registry
from .drafts import MAX_CONDITION, MAX_QUORUM, MAX_SLA_DAYS
from .models import Stage, WorkflowTransition

CODE_HELP = _("Không bắt buộc: để trống thì tạo từ tên. Chữ thường không dấu, số và dấu gạch dưới.")
CODE_REGEX = r"^[a-z][a-z0-9_]{0,59}$"
CODE_ERROR = _("Mã chỉ gồm chữ thường không dấu, số và dấu gạch dưới, bắt đầu bằng chữ, tối đa 60 ký tự.")


def role_choices() -> list[tuple[str, str]]:
    """Roles that may act or edit (read-only roles such as the auditor are never offered)."""
    roles = Role.objects.filter(is_active=True, read_only=False).order_by("name_vi")
    return [(r.code, localized_label(r)) for r in roles]


def _with_unknown(choices: list, values) -> list:
    """Keep a saved value that is no longer offered visible (marked), so the administrator sees it and
    can untick it; saving it is refused by the validator with its reason."""
    offered = {v for v, _ in _flat(choices)}
    extra = [(v, _("%(code)s (không tồn tại)") % {"code": v}) for v in values or [] if isinstance(v, str)
             and v not in offered]
    return [*choices, *extra]


def _flat(choices):
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            yield from label
        else:
            yield value, label


def field_choices(doctype: str) -> list:
    groups: dict[str, list] = {}
    for name, label, group in registry.field_choices(doctype, for_required=True):
        groups.setdefault(group, []).append((name, label))
    return [(label, groups[key]) for key, label in registry.FIELD_GROUPS.items() if key in groups]


def side_effect_choices(doctype: str) -> list[tuple[str, str]]:
    return [(k, v["label"]) for k, v in hookspec.side_effect_specs().items() if doctype in v["doctypes"]]


class RevisionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=INT_MAX,
                                  error_messages={"required": _("Biểu mẫu thiếu số lần sửa; hãy tải lại trang."),
                                                  "invalid": _("Số lần sửa không hợp lệ; hãy tải lại trang.")})

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if read_only:
            for f in self.fields.values():
                f.disabled = True


class InfoForm(RevisionForm):
    name = forms.CharField(label=_("Tên quy trình"), max_length=200)
    description = forms.CharField(label=_("Mô tả"), max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))


class StateForm(RevisionForm):
    label_vi = forms.CharField(label=_("Tên trạng thái"), max_length=120)
    stage = forms.ChoiceField(label=_("Giai đoạn"), choices=Stage.choices)
    edit_roles = forms.MultipleChoiceField(label=_("Vai trò được sửa hồ sơ ở trạng thái này"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    required_fields = forms.MultipleChoiceField(
        label=_("Trường phải có trước khi chuyển tiếp"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Chỉ bước chuyển tiếp đòi các trường này; trả lại và từ chối thì không."))
    sla_days = forms.IntegerField(label=_("Thời hạn xử lý (ngày)"), required=False, min_value=1, max_value=MAX_SLA_DAYS)
    is_initial = forms.BooleanField(label=_("Trạng thái đầu (hồ sơ mới bắt đầu ở đây)"), required=False)
    is_terminal = forms.BooleanField(label=_("Trạng thái kết thúc (không còn bước nào đi tiếp)"), required=False)
    label_en = forms.CharField(label=_("Tên tiếng Anh"), max_length=120, required=False)
    code = forms.RegexField(label=_("Mã trạng thái"), regex=CODE_REGEX, max_length=60, required=False,
                            help_text=CODE_HELP, error_messages={"invalid": CODE_ERROR})

    def __init__(self, *args, doctype: str, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.fields["edit_roles"].choices = _with_unknown(role_choices(), current.get("edit_roles"))
        self.fields["required_fields"].choices = _with_unknown(field_choices(doctype), current.get("required_fields"))
        if current.get("stage") and current["stage"] not in Stage.values:
            self.fields["stage"].choices = _with_unknown(Stage.choices, [current["stage"]])


class TransitionForm(RevisionForm):
    source = forms.ChoiceField(label=_("Từ trạng thái"))
    target = forms.ChoiceField(label=_("Đến trạng thái"))
    label_vi = forms.CharField(label=_("Nhãn nút (tiếng Việt)"), max_length=120)
    kind = forms.ChoiceField(label=_("Loại bước"), choices=WorkflowTransition.Kind.choices, widget=forms.RadioSelect,
                             initial=WorkflowTransition.Kind.FORWARD)
    roles = forms.MultipleChoiceField(label=_("Vai trò được thực hiện"), widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": _("Chọn ít nhất một vai trò được thực hiện.")})
    condition = forms.CharField(
        label=_("Điều kiện"), max_length=MAX_CONDITION, required=False,
        widget=forms.Textarea(attrs={"rows": 2, "data-condition": "", "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Ví dụ: is_eligible == True and persons >= 2. Gõ vài chữ để được gợi ý tên trường."))
    condition_message = forms.CharField(label=_("Thông báo khi điều kiện không đạt"), max_length=300, required=False)
    comment_required = forms.BooleanField(label=_("Bắt buộc ghi lý do"), required=False)
    allow_previous_actor = forms.BooleanField(label=_("Người thao tác bước trước được thực hiện bước này"),
                                              required=False, initial=True)
    quorum = forms.IntegerField(label=_("Số phiếu cần (N người đồng ý)"), min_value=1, max_value=MAX_QUORUM, initial=1)
    territory_rule = forms.ChoiceField(label=_("Quy tắc địa bàn"), choices=WorkflowTransition.TerritoryRule.choices,
                                       initial=WorkflowTransition.TerritoryRule.CONTAINS)
    side_effects = forms.MultipleChoiceField(label=_("Tác vụ kèm theo"), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    automatic = forms.BooleanField(
        label=_("Hệ thống tự thực hiện khi điều kiện đạt"), required=False,
        help_text=_("Ví dụ: hết thời hạn niêm yết mà không còn phản ánh thì hồ sơ tự chuyển bước. Cần có điều "
                    "kiện; người có vai trò vẫn thực hiện được bằng tay."))
    label_en = forms.CharField(label=_("Nhãn nút tiếng Anh"), max_length=120, required=False)
    action = forms.RegexField(label=_("Mã thao tác"), regex=CODE_REGEX, max_length=60, required=False,
                              help_text=CODE_HELP, error_messages={"invalid": CODE_ERROR})
    try_document = forms.CharField(label=_("Thử điều kiện trên hồ sơ (mã hồ sơ)"), max_length=40, required=False)

    def __init__(self, *args, doctype: str, states: list[tuple[str, str]], current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        state_choices = [("", _("— chọn trạng thái —")), *states]
        self.fields["source"].choices = _with_unknown(state_choices, [current.get("source")])
        self.fields["target"].choices = _with_unknown(state_choices, [current.get("target")])
        self.fields["roles"].choices = _with_unknown(role_choices(), current.get("roles"))
        self.fields["side_effects"].choices = _with_unknown(side_effect_choices(doctype), current.get("side_effects"))


class InsertForm(RevisionForm):
    label_vi = forms.CharField(label=_("Tên trạng thái mới"), max_length=120)
    stage = forms.ChoiceField(label=_("Giai đoạn"), choices=Stage.choices)
    roles = forms.MultipleChoiceField(label=_("Ai thực hiện ở trạng thái mới"), widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": _("Chọn ít nhất một vai trò thực hiện.")})
    action_label = forms.CharField(label=_("Nhãn nút đi tiếp từ trạng thái mới"), max_length=120, required=False,
                                   help_text=_("Để trống: “Hoàn tất …” theo tên trạng thái."))
    code = forms.RegexField(label=_("Mã trạng thái"), regex=CODE_REGEX, max_length=60, required=False,
                            help_text=CODE_HELP, error_messages={"invalid": CODE_ERROR})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices()

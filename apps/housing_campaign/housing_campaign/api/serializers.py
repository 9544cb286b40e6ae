"""What the API reads and writes, as DRF serializers: the inputs are checked strictly (types, sizes, unknown fields
refused) before a service sees them; the outputs document the answers (the OpenAPI schema is built from them, and
schemathesis checks every answer against it). The rules themselves stay in the services."""
from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from housing_campaign.campaigns.models import Category, SupportType
from housing_campaign.cases.models import PartCondition, ProgressEntry
from housing_campaign.commendations.models import Proposer
from housing_campaign.commendations.services import ACHIEVEMENT_MAX
from housing_campaign.feedback.services import ANSWER_MAX
from housing_campaign.households.models import LandStatus

# DRF's own messages have no Vietnamese: every input field speaks the product's language.
_MESSAGES = {
    "required": _("Chưa nhập trường này."),
    "null": _("Trường này không được để null."),
    "blank": _("Trường này không được để trống."),
    "invalid_choice": _("“{input}” không phải là giá trị hợp lệ."),
    "max_value": _("Không được lớn hơn {max_value}."),
    "min_value": _("Không được nhỏ hơn {min_value}."),
    "max_string_length": _("Số quá dài."),
    "max_digits": _("Tối đa {max_digits} chữ số."),
    "max_decimal_places": _("Tối đa {max_decimal_places} chữ số thập phân."),
    "max_whole_digits": _("Phần nguyên tối đa {max_whole_digits} chữ số."),
    "not_a_list": _("Phải là một danh sách (đang là {input_type})."),
    "empty": _("Danh sách không được rỗng."),
    "not_a_dict": _("Phải là một đối tượng JSON (đang là {input_type})."),
    "surrogate_characters_not_allowed": _("Có ký tự không hợp lệ."),
    "null_characters_not_allowed": _("Có ký tự NUL không hợp lệ."),
}
_BY_CLASS = {
    serializers.CharField: {"invalid": _("Phải là một chuỗi ký tự."), "max_length": _("Dài tối đa {max_length} ký tự."),
                            "min_length": _("Cần ít nhất {min_length} ký tự.")},
    serializers.IntegerField: {"invalid": _("Phải là một số nguyên.")},
    serializers.DecimalField: {"invalid": _("Phải là một số (dùng dấu chấm cho phần thập phân).")},
    serializers.BooleanField: {"invalid": _("Phải là true hoặc false.")},
    serializers.DateField: {"invalid": _("Ngày phải theo dạng YYYY-MM-DD."),
                            "datetime": _("Phải là một ngày, không phải thời điểm.")},
    serializers.DateTimeField: {"invalid": _("Thời điểm phải theo dạng ISO 8601, ví dụ 2025-07-01T08:00:00+07:00."),
                                "date": _("Phải là một thời điểm, không phải ngày."),
                                "make_aware": _("Thời điểm không hợp lệ ở múi giờ Asia/Ho_Chi_Minh."),
                                "overflow": _("Thời điểm nằm ngoài khoảng cho phép.")},
    serializers.FileField: {"invalid": _("Không phải là một tệp: hãy gửi tệp bằng multipart/form-data."),
                            "no_name": _("Tệp gửi lên không có tên."), "empty": _("Tệp gửi lên rỗng."),
                            "max_length": _("Tên tệp dài tối đa {max_length} ký tự."),
                            "required": _("Chưa chọn tệp.")},
    serializers.ListField: {"max_length": _("Tối đa {max_length} phần tử."),
                            "min_length": _("Cần ít nhất {min_length} phần tử.")},
    serializers.DictField: {},
    serializers.Serializer: {"invalid": _("Dữ liệu phải là một đối tượng JSON (đang là {datatype}).")},
    serializers.ChoiceField: {},
}


_VALIDATOR_MESSAGES = {"MinValueValidator": ("min_value", "min_value"), "MaxValueValidator": ("max_value", "max_value"),
                       "MaxLengthValidator": ("max_length", "max_length"),
                       "MinLengthValidator": ("min_length", "min_length"),
                       "ProhibitNullCharactersValidator": ("null_characters_not_allowed", None),
                       "ProhibitSurrogateCharactersValidator": ("surrogate_characters_not_allowed", None)}


def _messages_of(field_class) -> dict:
    messages = dict(_MESSAGES)
    for cls in field_class.__mro__:
        messages.update(_BY_CLASS.get(cls, {}))
    return messages


def vietnamese_message(field_class, code: str):
    """Our message for DRF's error ``code`` of ``field_class`` (a format string with DRF's placeholders), or None."""
    return _messages_of(field_class).get(code)


def _localize(field: serializers.Field) -> None:
    messages = _messages_of(type(field))
    field.error_messages.update({k: v for k, v in messages.items() if k in field.error_messages})
    # DRF built the field's validators with its English messages already: give them ours.
    for validator in getattr(field, "validators", []):
        key, placeholder = _VALIDATOR_MESSAGES.get(type(validator).__name__, (None, None))
        if key and key in messages:
            text = str(messages[key])
            validator.message = text.format(**{placeholder: validator.limit_value}) if placeholder else text
    for child in (getattr(field, "child", None),):
        if isinstance(child, serializers.Field):
            _localize(child)



def page_of(name: str, item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The schema of a cursor page of ``item`` rows (``listing.page_response``): results, next_cursor, next."""
    return type(name, (serializers.Serializer,), {
        "__module__": __name__, "results": item(many=True),
        "next_cursor": serializers.CharField(allow_null=True), "next": serializers.URLField(allow_null=True)})

class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know (a typo must not be ignored silently) and a body that is not an object."""

    default_error_messages = {"invalid": _("Dữ liệu phải là một đối tượng JSON (đang là {datatype}).")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _localize(field)

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(str(k) for k in data.keys() if k not in self.fields)
            if unknown:
                raise serializers.ValidationError({name: [gettext("Trường không có trong API này; hãy xem tài liệu "
                                                                  "/api/v1/docs/.")] for name in unknown[:20]})
        return super().to_internal_value(data)


def _text(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, allow_blank=True, trim_whitespace=True, **kwargs)


# ---------------------------------------------------------------------------- inputs
class HouseholdIn(StrictSerializer):
    head_name = _text(120)
    national_id = _text(20, required=False)
    category = serializers.ChoiceField(choices=Category.choices)
    ethnicity = _text(40, required=False)
    is_ethnic_minority = serializers.BooleanField(required=False, default=False)
    social_assistance = serializers.BooleanField(required=False, default=False)
    split_on = serializers.DateField(required=False, allow_null=True)
    earlier_support = serializers.BooleanField(required=False, default=False)
    land_status = serializers.ChoiceField(choices=LandStatus.choices, required=False, default=LandStatus.UNDISPUTED)
    commune = serializers.CharField(max_length=10, help_text=_("Mã xã (đơn vị trước 01/07/2025), ví dụ 23344."))
    village = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
                                       help_text=_("Mã (id) thôn của xã; xem /api/v1/units/{id}/."))
    address = _text(300, required=False)
    phone = _text(20, required=False)


_SURVEY_NOTE_MAX = 4000


class SurveyIn(StrictSerializer):
    strand = serializers.CharField(max_length=40, help_text=_("Mã nguồn hỗ trợ của chương trình."))
    support_type = serializers.ChoiceField(choices=SupportType.choices)
    floor_area = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0, coerce_to_string=True)
    persons = serializers.IntegerField(min_value=1, max_value=50)
    foundation = serializers.ChoiceField(choices=PartCondition.choices)
    frame_walls = serializers.ChoiceField(choices=PartCondition.choices)
    roof = serializers.ChoiceField(choices=PartCondition.choices)
    remaining_lifespan_years = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)
    surveyed_on = serializers.DateField()
    survey_note = _text(_SURVEY_NOTE_MAX, required=False)
    village = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)


class CaseCreateIn(StrictSerializer):
    campaign = serializers.CharField(max_length=40, required=False,
                                     help_text=_("Mã chương trình; mặc định: chương trình đang thực hiện mới nhất."))
    household = HouseholdIn()
    survey = SurveyIn()
    extra = serializers.DictField(required=False, default=dict, help_text=_("Trường bổ sung do quản trị định nghĩa."))


class CaseUpdateIn(StrictSerializer):
    """The fields of the stage form the case's current state opens (the desk's stage forms): survey fields in the
    survey stage, the village meeting in confirmation, the decision in funding, the handover date in handover;
    ``extra`` whenever the user may edit the case. Fields not sent keep their value."""

    lock_version = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1,
                                            help_text=_("Phiên bản hồ sơ đã đọc; khác phiên bản hiện tại: 409."))
    strand = serializers.CharField(max_length=40, required=False)
    support_type = serializers.ChoiceField(choices=SupportType.choices, required=False)
    floor_area = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0, required=False)
    persons = serializers.IntegerField(min_value=1, max_value=50, required=False)
    foundation = serializers.ChoiceField(choices=PartCondition.choices, required=False)
    frame_walls = serializers.ChoiceField(choices=PartCondition.choices, required=False)
    roof = serializers.ChoiceField(choices=PartCondition.choices, required=False)
    remaining_lifespan_years = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)
    surveyed_on = serializers.DateField(required=False)
    survey_note = _text(_SURVEY_NOTE_MAX, required=False)
    village = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    village_meeting_on = serializers.DateField(required=False)
    village_meeting_total = serializers.IntegerField(required=False, min_value=1, max_value=32767)
    village_meeting_agree = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    commune_list_number = _text(60, required=False)
    approval_decision_number = _text(60, required=False)
    approval_decision_date = serializers.DateField(required=False, allow_null=True)
    handed_over_on = serializers.DateField(required=False)
    extra = serializers.DictField(required=False)


class ProgressIn(StrictSerializer):
    date = serializers.DateField()
    stage = serializers.ChoiceField(choices=ProgressEntry.Stage.choices)
    percent = serializers.IntegerField(min_value=0, max_value=100)
    note = _text(300, required=False, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=10,
                                   help_text=_("Ảnh công trình (multipart/form-data), tối đa 10 ảnh, mỗi ảnh 10 MB."))


class AcceptanceIn(StrictSerializer):
    usable_area = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0)
    hard_foundation = serializers.BooleanField()
    hard_frame = serializers.BooleanField()
    hard_roof = serializers.BooleanField()
    lifespan_years = serializers.IntegerField(min_value=1, max_value=100)
    accepted_on = serializers.DateField()
    note = _text(4000, required=False, default="")


class AttachmentIn(StrictSerializer):
    file = serializers.FileField(help_text=_("Ảnh (JPEG, PNG, WebP) hoặc PDF, tối đa 10 MB."))
    caption = _text(300, required=False, default="")


class ActionIn(StrictSerializer):
    comment = _text(2000, required=False, default="")
    expected_state = serializers.CharField(max_length=60, required=False, allow_blank=True,
                                           help_text=_("Trạng thái mà bạn đã thấy; hồ sơ đã sang trạng thái khác: "
                                                       "409."))


class BulkActionIn(StrictSerializer):
    cases = serializers.ListField(child=serializers.CharField(max_length=30), min_length=1, max_length=10000,
                                  help_text=_("Mã các hồ sơ."))
    comment = _text(2000, required=False, default="")
    expected_states = serializers.DictField(child=serializers.CharField(max_length=60), required=False,
                                            help_text=_("{mã hồ sơ: trạng thái đã thấy} (tùy chọn)."))


class FeedbackDataIn(StrictSerializer):
    """The desk's edit form of a feedback: only the keys sent change."""

    assignee = serializers.CharField(max_length=150, required=False, allow_blank=True, allow_null=True,
                                     help_text=_("Tên đăng nhập của cán bộ hoặc chủ tịch UBND xã phụ trách xã của "
                                                 "phản ánh; rỗng hoặc null: bỏ giao."))
    answer = serializers.CharField(max_length=ANSWER_MAX, required=False, allow_blank=True, trim_whitespace=False,
                                   help_text=_("Câu trả lời (được công khai khi thực hiện thao tác trả lời)."))
    outcome = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                    help_text=_("Kết quả giải quyết (mã trong danh sách của bàn làm việc)."))


class FeedbackUpdateIn(FeedbackDataIn):
    lock_version = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1,
                                            help_text=_("Phiên bản phản ánh đã đọc; khác phiên bản hiện tại: 409."))


class FeedbackActionIn(StrictSerializer):
    comment = _text(2000, required=False, default="")
    expected_state = serializers.CharField(max_length=60, required=False, allow_blank=True,
                                           help_text=_("Trạng thái mà bạn đã thấy; phản ánh đã sang trạng thái khác: "
                                                       "409."))
    lock_version = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1,
                                            help_text=_("Phiên bản phản ánh đã đọc (khi gửi kèm data); khác phiên "
                                                        "bản hiện tại: 409."))
    data = FeedbackDataIn(required=False, help_text=_("Biểu mẫu xử lý, lưu cùng thao tác trong một giao dịch (khi "
                                                      "thao tác là bước tiến)."))
    publish_confirmed = serializers.BooleanField(required=False, default=False,
                                                 help_text=_("Xác nhận câu trả lời sẽ được công khai và không chứa "
                                                             "thông tin cá nhân; bắt buộc khi thao tác công khai câu "
                                                             "trả lời."))


class NominationCreateIn(StrictSerializer):
    campaign = serializers.CharField(max_length=40, required=False,
                                     help_text=_("Mã chương trình; mặc định: chương trình đang thực hiện mới nhất."))
    participant = serializers.IntegerField(min_value=1, max_value=2**63 - 1,
                                           help_text=_("Mã (id) đối tượng tham gia phong trào, trong địa bàn của bạn."))
    award_form = serializers.CharField(max_length=40, help_text=_("Mã hình thức khen thưởng, ví dụ giay_khen."))
    achievement = serializers.CharField(max_length=ACHIEVEMENT_MAX, allow_blank=True, trim_whitespace=False,
                                        help_text=_("Thành tích đề nghị khen thưởng."))
    proposer_kind = serializers.ChoiceField(choices=Proposer.choices, required=False, allow_blank=True,
                                            help_text=_("Đơn vị đề nghị khi bạn đề nghị thay cho nhiều đơn vị (cấp "
                                                        "tỉnh); mặc định: đơn vị đầu tiên có thẩm quyền."))


class VoteIn(StrictSerializer):
    vote = serializers.ChoiceField(choices=[("for", _("Đồng ý")), ("against", _("Không đồng ý"))])
    comment = _text(2000, required=False, default="", help_text=_("Ý kiến; bắt buộc khi không đồng ý."))
    expected_state = serializers.CharField(max_length=60, required=False, allow_blank=True,
                                           help_text=_("Trạng thái mà bạn đã thấy; đề nghị đã sang trạng thái khác: "
                                                       "409."))


# ---------------------------------------------------------------------------- outputs (documentation)
class Out(serializers.Serializer):
    """An answer: every field may be left out when the client asks for some with ``?fields=`` (sparse fields)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class UnitRef(serializers.Serializer):
    id = serializers.IntegerField()
    system = serializers.CharField()
    level = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()


class CaseListItem(Out):
    code = serializers.CharField()
    url = serializers.URLField()
    campaign = serializers.CharField()
    household = serializers.CharField()
    head_name = serializers.CharField()
    category = serializers.CharField()
    commune = UnitRef()
    commune_2025 = UnitRef(allow_null=True)
    village = serializers.CharField(allow_null=True)
    strand = serializers.CharField()
    support_type = serializers.CharField()
    support_amount = serializers.IntegerField()
    priority = serializers.IntegerField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    stage = serializers.CharField()
    state_since = serializers.DateTimeField()
    overdue = serializers.BooleanField()
    workflow_version = serializers.IntegerField()
    lock_version = serializers.IntegerField()
    progress_percent = serializers.IntegerField()
    is_eligible = serializers.BooleanField(allow_null=True)
    surveyed_on = serializers.DateField()
    handed_over_on = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()


CasePage = page_of("CasePage", CaseListItem)


class ActionOptionOut(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()
    target = serializers.CharField()
    allowed = serializers.BooleanField()
    comment_required = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    codes = serializers.ListField(child=serializers.CharField())
    missing_fields = serializers.ListField(child=serializers.CharField())


class AllocationOut(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.CharField()
    portion = serializers.CharField()
    amount = serializers.IntegerField()
    decision_number = serializers.CharField()
    decision_date = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    cancelled_at = serializers.DateTimeField(allow_null=True)


class ReleaseOut(serializers.Serializer):
    tranche = serializers.CharField()
    amount = serializers.IntegerField()
    released_on = serializers.DateField()
    reference = serializers.CharField()


class InspectionOut(serializers.Serializer):
    id = serializers.IntegerField()
    stage = serializers.CharField()
    inspected_on = serializers.DateField()
    result = serializers.CharField()
    notes = serializers.CharField()


class FundingOut(serializers.Serializer):
    norm = serializers.IntegerField()
    state_allocated = serializers.IntegerField()
    topup = serializers.IntegerField()
    topup_allocated = serializers.IntegerField()
    community = serializers.IntegerField()
    household = serializers.IntegerField()
    loan = serializers.IntegerField()
    in_kind = serializers.IntegerField()
    total_support = serializers.IntegerField()
    released = serializers.IntegerField()
    allocations = AllocationOut(many=True)
    releases = ReleaseOut(many=True)
    inspections = InspectionOut(many=True)


class AttachmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    stage = serializers.CharField()
    kind = serializers.CharField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    caption = serializers.CharField()
    taken_at = serializers.DateTimeField(allow_null=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    progress = serializers.IntegerField(allow_null=True)
    uploaded_at = serializers.DateTimeField()


class ProgressOut(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    stage = serializers.CharField()
    percent = serializers.IntegerField()
    note = serializers.CharField()
    recorded_by = serializers.CharField(allow_null=True)
    photos = serializers.ListField(child=serializers.IntegerField())


class AcceptanceOut(serializers.Serializer):
    usable_area = serializers.DecimalField(max_digits=7, decimal_places=2)
    hard_foundation = serializers.BooleanField()
    hard_frame = serializers.BooleanField()
    hard_roof = serializers.BooleanField()
    lifespan_years = serializers.IntegerField()
    accepted_on = serializers.DateField()
    result = serializers.CharField()
    note = serializers.CharField()
    checklist = serializers.ListField(child=serializers.CharField())


class CertificateOut(serializers.Serializer):
    code = serializers.CharField()
    number = serializers.CharField()
    status = serializers.CharField()
    issued_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoke_reason = serializers.CharField()


class EligibilityOut(serializers.Serializer):
    rule = serializers.CharField()
    passed = serializers.BooleanField(allow_null=True)
    reason = serializers.CharField()


class CaseDetail(CaseListItem):
    floor_area = serializers.DecimalField(max_digits=7, decimal_places=2)
    persons = serializers.IntegerField()
    foundation = serializers.CharField()
    frame_walls = serializers.CharField()
    roof = serializers.CharField()
    remaining_lifespan_years = serializers.IntegerField(allow_null=True)
    survey_note = serializers.CharField()
    village_meeting_on = serializers.DateField(allow_null=True)
    village_meeting_total = serializers.IntegerField(allow_null=True)
    village_meeting_agree = serializers.IntegerField(allow_null=True)
    commune_list_number = serializers.CharField()
    eligibility = EligibilityOut(many=True)
    approval_decision_number = serializers.CharField()
    approval_decision_date = serializers.DateField(allow_null=True)
    construction_started_on = serializers.DateField(allow_null=True)
    extra = serializers.DictField()
    can_edit = serializers.BooleanField()
    edit_reason = serializers.CharField()
    actions = ActionOptionOut(many=True)
    funding = FundingOut()
    progress = ProgressOut(many=True)
    acceptance = AcceptanceOut(allow_null=True)
    certificates = CertificateOut(many=True)
    attachments = AttachmentOut(many=True)


class HouseholdOut(Out):
    code = serializers.CharField()
    head_name = serializers.CharField()
    national_id = serializers.CharField()
    category = serializers.CharField()
    ethnicity = serializers.CharField()
    is_ethnic_minority = serializers.BooleanField()
    social_assistance = serializers.BooleanField()
    split_on = serializers.DateField(allow_null=True)
    earlier_support = serializers.BooleanField()
    land_status = serializers.CharField()
    commune = UnitRef()
    village = serializers.CharField(allow_null=True)
    address = serializers.CharField()
    phone = serializers.CharField()
    cases = serializers.ListField(child=serializers.CharField())


HouseholdPage = page_of("HouseholdPage", HouseholdOut)


class _Outcome(serializers.Serializer):
    """What one workflow action did to one document (the engine's Outcome)."""

    ok = serializers.BooleanField()
    code = serializers.CharField(allow_blank=True)
    message = serializers.CharField()
    from_state = serializers.CharField(allow_blank=True)
    to_state = serializers.CharField(allow_blank=True)
    vote_recorded = serializers.BooleanField()


class OutcomeOut(_Outcome):
    case = serializers.CharField()


class BulkOut(serializers.Serializer):
    ok = serializers.IntegerField()
    failed = serializers.IntegerField()
    results = OutcomeOut(many=True)


class ActionOut(serializers.Serializer):
    outcome = OutcomeOut()
    case = CaseDetail()


class DocumentOutcomeOut(_Outcome):
    document = serializers.CharField(help_text="Mã của văn bản (phản ánh, đề nghị khen thưởng).")


class EventOut(Out):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    acting_for = serializers.CharField(allow_null=True)
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    action = serializers.CharField()
    comment = serializers.CharField()
    workflow_version = serializers.IntegerField(allow_null=True)
    changes = serializers.DictField()
    data = serializers.DictField()


EventPage = page_of("EventPage", EventOut)


class ContributionOut(Out):
    id = serializers.IntegerField()
    campaign = serializers.CharField()
    donor_name = serializers.CharField()
    donor_kind = serializers.CharField()
    kind = serializers.CharField()
    received_amount = serializers.IntegerField()
    item = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    unit = serializers.CharField()
    value_per_day = serializers.IntegerField(allow_null=True)
    description = serializers.CharField()
    own_share = serializers.BooleanField()
    commune = UnitRef(allow_null=True)
    earmarked_case = serializers.CharField(allow_null=True)
    front_unit = UnitRef(allow_null=True)
    received_on = serializers.DateField()
    number = serializers.CharField()
    public_code = serializers.CharField()


ContributionPage = page_of("ContributionPage", ContributionOut)


class PostingEntryOut(serializers.Serializer):
    number = serializers.IntegerField()
    case = serializers.CharField()
    public_name = serializers.CharField()
    village = serializers.CharField()
    strand = serializers.CharField()
    support_type = serializers.CharField()
    amount = serializers.IntegerField()


class PostingOut(Out):
    code = serializers.CharField()
    campaign = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    commune = UnitRef()
    commune_2025 = UnitRef(allow_null=True)
    village = serializers.CharField(allow_null=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    location = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    cancelled_at = serializers.DateTimeField(allow_null=True)
    cancel_reason = serializers.CharField()
    entries = PostingEntryOut(many=True, required=False)


PostingPage = page_of("PostingPage", PostingOut)


class FeedbackOut(Out):
    code = serializers.CharField()
    kind = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    stage = serializers.CharField()
    commune = UnitRef()
    posting = serializers.CharField(allow_null=True)
    case = serializers.CharField(allow_null=True)
    holds_case = serializers.BooleanField()
    text = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()
    assignee = serializers.CharField(allow_null=True, help_text="Tên đăng nhập của người được giao xử lý.")
    lock_version = serializers.IntegerField()


FeedbackPage = page_of("FeedbackPage", FeedbackOut)


class NominationOut(Out):
    code = serializers.CharField()
    campaign = serializers.CharField()
    nominee_kind = serializers.CharField()
    nominee_name = serializers.CharField()
    award_form = serializers.CharField()
    achievement = serializers.CharField()
    group = serializers.CharField(allow_null=True, help_text="Nhóm đối tượng của phong trào (a, b, c, d, dd).")
    proposing_unit = UnitRef()
    proposer_name = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    stage = serializers.CharField()
    state_since = serializers.DateTimeField()
    decision_number = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)
    proposal_number = serializers.CharField(allow_null=True)
    cases = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()


class FeedbackActionOut(serializers.Serializer):
    outcome = DocumentOutcomeOut()
    feedback = FeedbackOut()


class NominationActionOut(serializers.Serializer):
    outcome = DocumentOutcomeOut()
    nomination = NominationOut()


NominationPage = page_of("NominationPage", NominationOut)


class VillageOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class UnitOut(Out):
    id = serializers.IntegerField()
    system = serializers.CharField()
    level = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    parent = UnitRef(allow_null=True)
    path = serializers.CharField()
    successor = UnitRef(allow_null=True)
    predecessors = UnitRef(many=True)
    villages = VillageOut(many=True, required=False)


UnitPage = page_of("UnitPage", UnitOut)


class NormOut(serializers.Serializer):
    strand = serializers.CharField()
    support_type = serializers.CharField()
    amount = serializers.IntegerField()
    valid_from = serializers.DateField()
    basis = serializers.CharField()


class StrandOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class DeadlineOut(serializers.Serializer):
    category = serializers.CharField()
    deadline = serializers.DateField()


class RoundOut(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    started_on = serializers.DateField()


class CampaignOut(Out):
    code = serializers.CharField()
    name = serializers.CharField()
    province = UnitRef()
    province_2025 = UnitRef(allow_null=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    is_active = serializers.BooleanField()
    admitted_categories = serializers.ListField(child=serializers.CharField())
    strands = StrandOut(many=True)
    norms = NormOut(many=True)
    deadlines = DeadlineOut(many=True)
    rounds = RoundOut(many=True)


class StateOut(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    label_vi = serializers.CharField()
    label_en = serializers.CharField()
    stage = serializers.CharField()
    edit_roles = serializers.ListField(child=serializers.CharField())
    required_fields = serializers.ListField(child=serializers.CharField())
    sla_days = serializers.IntegerField(allow_null=True)
    is_terminal = serializers.BooleanField()


class TransitionOut(serializers.Serializer):
    source = serializers.CharField()
    action = serializers.CharField()
    label = serializers.CharField()
    target = serializers.CharField()
    kind = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    condition = serializers.CharField()
    condition_message = serializers.CharField()
    comment_required = serializers.BooleanField()
    allow_previous_actor = serializers.BooleanField()
    quorum = serializers.IntegerField()
    territory_rule = serializers.CharField()
    automatic = serializers.BooleanField()


class WorkflowOut(serializers.Serializer):
    doctype = serializers.CharField()
    doctype_label = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    initial_state = serializers.CharField()
    states = StateOut(many=True)
    transitions = TransitionOut(many=True)

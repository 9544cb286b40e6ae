"""Desk forms parse what was typed (types, dd/mm/yyyy dates); the services validate the rules,
and their field errors come back onto these forms with everything typed kept."""
from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from housing_campaign.campaigns.models import Category, SupportType
from housing_campaign.cases.models import PartCondition, ProgressEntry
from housing_campaign.core import validators
from housing_campaign.core.errors import ServiceError
from housing_campaign.extrafields.forms import form_fields_for
from housing_campaign.households.models import LandStatus

DATE_INPUT = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}


def _missing(label) -> str:
    return gettext("Chưa nhập %(label)s.") % {"label": str(label).lower()}


_missing_lazy = lazy(_missing, str)


class CalendarDateField(forms.DateField):
    """A date field that tells a day not in the calendar (31/02/2025) from a badly written date."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            if isinstance(value, str) and validators.date_shape_without_day(value):
                raise forms.ValidationError(validators.date_error_message(self.label, value),
                                            code="invalid") from None
            raise


def date_field(label: str, required: bool = True) -> forms.DateField:
    return CalendarDateField(label=label, required=required, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                           widget=forms.DateInput(format="%d/%m/%Y", attrs=DATE_INPUT),
                           error_messages={"invalid": _("Ngày phải theo dạng dd/mm/yyyy."),
                                           "required": _missing_lazy(label)})


class ServiceErrorsMixin:
    def add_service_error(self, exc: ServiceError) -> None:
        if not exc.errors:
            self.add_error(None, exc.message)
            return
        for field, messages in exc.errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class SurveyForm(ServiceErrorsMixin, forms.Form):
    """Opening a case: the household and the house, in one form a phone can fill."""

    head_name = forms.CharField(label=_("Họ tên chủ hộ"), max_length=120, required=False)
    national_id = forms.CharField(label=_("Số CCCD chủ hộ (12 số)"), max_length=20, required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    category = forms.ChoiceField(label=_("Đối tượng"), choices=[("", _("— chọn —")), *Category.choices], required=False)
    ethnicity = forms.CharField(label=_("Dân tộc"), max_length=40, required=False)
    is_ethnic_minority = forms.BooleanField(label=_("Hộ dân tộc thiểu số"), required=False)
    social_assistance = forms.BooleanField(label=_("Đang hưởng trợ cấp xã hội"), required=False)
    split_on = date_field(_("Ngày tách hộ (nếu có)"), required=False)
    earlier_support = forms.BooleanField(label=_("Đã được hỗ trợ nhà ở trước đây"), required=False)
    land_status = forms.ChoiceField(label=_("Tình trạng đất ở"), choices=LandStatus.choices, initial="undisputed")
    commune = forms.ChoiceField(label=_("Xã"), choices=[])
    village = forms.ChoiceField(label=_("Thôn"), choices=[], required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    strand = forms.ChoiceField(label=_("Nguồn hỗ trợ"), choices=[], required=False)
    support_type = forms.ChoiceField(label=_("Hình thức hỗ trợ"), choices=[("", _("— chọn —")), *SupportType.choices],
                                     required=False)
    floor_area = forms.CharField(label=_("Diện tích nhà hiện tại (m²)"), required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    persons = forms.CharField(label=_("Số người đang ở"), required=False,
                              widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    foundation = forms.ChoiceField(label=_("Nền, móng"), choices=[("", _("— chọn —")), *PartCondition.choices],
                                   required=False)
    frame_walls = forms.ChoiceField(label=_("Khung, tường"), choices=[("", _("— chọn —")), *PartCondition.choices],
                                    required=False)
    roof = forms.ChoiceField(label=_("Mái"), choices=[("", _("— chọn —")), *PartCondition.choices], required=False)
    remaining_lifespan_years = forms.CharField(label=_("Niên hạn sử dụng còn lại (năm)"), required=False,
                                               widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    surveyed_on = date_field(_("Ngày rà soát"))
    survey_note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, communes=(), villages=(), strands=(), doctype="housing_case", extra_values=None,
                 household_fields=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(str(c.pk), c.full_name) for c in communes]
        self.fields["village"].choices = [("", _("— chọn —"))] + [(str(v.pk), f"{v.name} ({v.commune.short_name})")
                                                               for v in villages]
        self.fields["strand"].choices = [("", _("— chọn —"))] + [(str(s.pk), s.name) for s in strands]
        if not household_fields:
            for name in ("head_name", "national_id", "category", "ethnicity", "is_ethnic_minority",
                         "social_assistance", "split_on", "earlier_support", "land_status", "commune", "phone"):
                del self.fields[name]
        self.fields.update(form_fields_for(doctype, extra_values))


class ConfirmationForm(ServiceErrorsMixin, forms.Form):
    village_meeting_on = date_field(_("Ngày họp bình xét"))
    village_meeting_total = forms.CharField(label=_("Số người dự họp"),
                                            widget=forms.TextInput(attrs={"inputmode": "numeric"}), required=False)
    village_meeting_agree = forms.CharField(label=_("Số phiếu đồng ý"),
                                            widget=forms.TextInput(attrs={"inputmode": "numeric"}), required=False)
    commune_list_number = forms.CharField(label=_("Số danh sách của xã"), max_length=60, required=False)


class FundingForm(ServiceErrorsMixin, forms.Form):
    """The funding decision; the money itself is allocated from pools (the case page's “Kinh phí” panel)."""

    approval_decision_number = forms.CharField(label=_("Số quyết định phê duyệt"), max_length=200, required=False)
    approval_decision_date = date_field(_("Ngày quyết định"), required=False)


class ProgressForm(ServiceErrorsMixin, forms.Form):
    date = date_field(_("Ngày"))
    stage = forms.ChoiceField(label=_("Hạng mục"), choices=[("", _("— chọn —")), *ProgressEntry.Stage.choices],
                              required=False)
    percent = forms.CharField(label=_("Tiến độ (%)"), required=False,
                              widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)


class AcceptanceForm(ServiceErrorsMixin, forms.Form):
    usable_area = forms.CharField(label=_("Diện tích sử dụng (m²)"), required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    hard_foundation = forms.BooleanField(label=_("Nền cứng"), required=False)
    hard_frame = forms.BooleanField(label=_("Khung, tường cứng"), required=False)
    hard_roof = forms.BooleanField(label=_("Mái cứng"), required=False)
    lifespan_years = forms.CharField(label=_("Niên hạn sử dụng (năm)"), required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    accepted_on = date_field(_("Ngày nghiệm thu"))
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HandoverForm(ServiceErrorsMixin, forms.Form):
    handed_over_on = date_field(_("Ngày bàn giao"))


class AttachmentForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(label=_("Ảnh hoặc tệp PDF"), error_messages={"required": _("Chưa chọn tệp.")})
    caption = forms.CharField(label=_("Chú thích"), max_length=300, required=False)


# The stage form each stage opens on the case page, by the names of cases.services.FORM_STAGES.
STAGE_FORM_TITLES = {
    "survey": _("Thông tin rà soát"),
    "confirmation": _("Kết quả bình xét và danh sách của xã"),
    "funding": _("Phân bổ kinh phí"),
    "progress": _("Ghi tiến độ thi công"),
    "acceptance": _("Nghiệm thu"),
    "handover": _("Bàn giao"),
}

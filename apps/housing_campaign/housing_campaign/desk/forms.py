"""Desk forms parse what was typed (types, dd/mm/yyyy dates); the services validate the rules,
and their field errors come back onto these forms with everything typed kept."""
from __future__ import annotations

from django import forms

from housing_campaign.campaigns.models import Category, FundingSource, SupportType
from housing_campaign.cases.models import PartCondition, ProgressEntry
from housing_campaign.core.errors import ServiceError
from housing_campaign.extrafields.forms import form_fields_for
from housing_campaign.households.models import LandStatus

DATE_INPUT = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}


def date_field(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                           widget=forms.DateInput(format="%d/%m/%Y", attrs=DATE_INPUT),
                           error_messages={"invalid": "Ngày phải theo dạng dd/mm/yyyy.",
                                           "required": f"Chưa nhập {label.lower()}."})


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

    head_name = forms.CharField(label="Họ tên chủ hộ", max_length=120, required=False)
    national_id = forms.CharField(label="Số CCCD chủ hộ (12 số)", max_length=20, required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    category = forms.ChoiceField(label="Đối tượng", choices=[("", "— chọn —"), *Category.choices], required=False)
    ethnicity = forms.CharField(label="Dân tộc", max_length=40, required=False)
    is_ethnic_minority = forms.BooleanField(label="Hộ dân tộc thiểu số", required=False)
    social_assistance = forms.BooleanField(label="Đang hưởng trợ cấp xã hội", required=False)
    split_on = date_field("Ngày tách hộ (nếu có)", required=False)
    earlier_support = forms.BooleanField(label="Đã được hỗ trợ nhà ở trước đây", required=False)
    land_status = forms.ChoiceField(label="Tình trạng đất ở", choices=LandStatus.choices, initial="undisputed")
    commune = forms.ChoiceField(label="Xã", choices=[])
    village = forms.ChoiceField(label="Thôn", choices=[], required=False)
    phone = forms.CharField(label="Điện thoại", max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    strand = forms.ChoiceField(label="Nguồn hỗ trợ", choices=[], required=False)
    support_type = forms.ChoiceField(label="Hình thức hỗ trợ", choices=[("", "— chọn —"), *SupportType.choices],
                                     required=False)
    floor_area = forms.CharField(label="Diện tích nhà hiện tại (m²)", required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    persons = forms.CharField(label="Số người đang ở", required=False,
                              widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    foundation = forms.ChoiceField(label="Nền, móng", choices=[("", "— chọn —"), *PartCondition.choices],
                                   required=False)
    frame_walls = forms.ChoiceField(label="Khung, tường", choices=[("", "— chọn —"), *PartCondition.choices],
                                    required=False)
    roof = forms.ChoiceField(label="Mái", choices=[("", "— chọn —"), *PartCondition.choices], required=False)
    remaining_lifespan_years = forms.CharField(label="Niên hạn sử dụng còn lại (năm)", required=False,
                                               widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    surveyed_on = date_field("Ngày rà soát")
    survey_note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, communes=(), villages=(), strands=(), doctype="housing_case", extra_values=None,
                 household_fields=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(str(c.pk), c.full_name) for c in communes]
        self.fields["village"].choices = [("", "— chọn —")] + [(str(v.pk), f"{v.name} ({v.commune.short_name})")
                                                               for v in villages]
        self.fields["strand"].choices = [("", "— chọn —")] + [(str(s.pk), s.name) for s in strands]
        if not household_fields:
            for name in ("head_name", "national_id", "category", "ethnicity", "is_ethnic_minority",
                         "social_assistance", "split_on", "earlier_support", "land_status", "commune", "phone"):
                del self.fields[name]
        self.fields.update(form_fields_for(doctype, extra_values))


class ConfirmationForm(ServiceErrorsMixin, forms.Form):
    village_meeting_on = date_field("Ngày họp bình xét")
    village_meeting_total = forms.CharField(label="Số người dự họp",
                                            widget=forms.TextInput(attrs={"inputmode": "numeric"}), required=False)
    village_meeting_agree = forms.CharField(label="Số phiếu đồng ý",
                                            widget=forms.TextInput(attrs={"inputmode": "numeric"}), required=False)
    commune_list_number = forms.CharField(label="Số danh sách của xã", max_length=60, required=False)


class FundingForm(ServiceErrorsMixin, forms.Form):
    source = forms.ChoiceField(label="Nguồn kinh phí", choices=[("", "— chọn —"), *FundingSource.choices],
                               required=False)
    amount = forms.CharField(label="Số tiền (đồng)", required=False,
                             widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    decision_number = forms.CharField(label="Số quyết định", max_length=60, required=False)
    decision_date = date_field("Ngày quyết định", required=False)

    def clean_amount(self):
        return (self.cleaned_data.get("amount") or "").replace(".", "").replace(" ", "").replace("đ", "")


class ProgressForm(ServiceErrorsMixin, forms.Form):
    date = date_field("Ngày")
    stage = forms.ChoiceField(label="Hạng mục", choices=[("", "— chọn —"), *ProgressEntry.Stage.choices],
                              required=False)
    percent = forms.CharField(label="Tiến độ (%)", required=False,
                              widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    note = forms.CharField(label="Ghi chú", max_length=300, required=False)


class AcceptanceForm(ServiceErrorsMixin, forms.Form):
    usable_area = forms.CharField(label="Diện tích sử dụng (m²)", required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    hard_foundation = forms.BooleanField(label="Nền cứng", required=False)
    hard_frame = forms.BooleanField(label="Khung, tường cứng", required=False)
    hard_roof = forms.BooleanField(label="Mái cứng", required=False)
    lifespan_years = forms.CharField(label="Niên hạn sử dụng (năm)", required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    accepted_on = date_field("Ngày nghiệm thu")
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HandoverForm(ServiceErrorsMixin, forms.Form):
    handed_over_on = date_field("Ngày bàn giao")


class AttachmentForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(label="Ảnh hoặc tệp PDF", error_messages={"required": "Chưa chọn tệp."})
    caption = forms.CharField(label="Chú thích", max_length=300, required=False)

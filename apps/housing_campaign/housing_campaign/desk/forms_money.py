"""Forms of the money pages (pools, the case's allocations, inspections, releases) and of the Fatherland
Front's contributions desk. As the other desk forms, they parse what was typed (text, dd/mm/yyyy dates);
the services validate the rules, and their field errors come back here with everything typed kept."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from housing_campaign.campaigns.models import FundingSource
from housing_campaign.contributions.models import DonorKind, Kind
from housing_campaign.funding.models import Inspection, InspectionStage, PoolEntry

from .forms import ServiceErrorsMixin, date_field

NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}
DECIMAL = {"inputmode": "decimal", "autocomplete": "off"}
CHOOSE = ("", _("— chọn —"))


class OpenChoiceField(forms.ChoiceField):
    """A select whose value the service checks (territory, ownership), so a value from elsewhere gets the
    service's message naming the problem rather than a generic “invalid choice”."""

    def valid_value(self, value):
        return True


def money_field(label, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=60,
                           widget=forms.TextInput(attrs={**NUMERIC, "placeholder": _("ví dụ 60.000.000")}))


# ---------------------------------------------------------------------------- pools
class PoolCreateForm(ServiceErrorsMixin, forms.Form):
    campaign = OpenChoiceField(label=_("Chương trình"), choices=[])
    source = forms.ChoiceField(label=_("Nguồn kinh phí"), choices=[CHOOSE, *FundingSource.choices], required=False)
    unit = OpenChoiceField(label=_("Địa bàn quản lý quỹ"), choices=[])

    def __init__(self, *args, campaigns=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(str(c.pk), c.name) for c in campaigns]
        self.fields["unit"].choices = [(str(u.pk), u.full_name) for u in units]


class ReceiveForm(ServiceErrorsMixin, forms.Form):
    amount = money_field(_("Số tiền nhận vào quỹ (đồng)"))
    received_on = date_field(_("Ngày nhận"))
    origin = forms.ChoiceField(label=_("Loại khoản thu"), choices=[
        (PoolEntry.Origin.BUDGET, PoolEntry.Origin.BUDGET.label),
        (PoolEntry.Origin.TRANSFER, PoolEntry.Origin.TRANSFER.label)])
    reference = forms.CharField(label=_("Số quyết định, chứng từ"), required=False)
    note = forms.CharField(label=_("Nội dung"), required=False)


# ---------------------------------------------------------------------------- a case's money
class AllocateForm(ServiceErrorsMixin, forms.Form):
    pool = OpenChoiceField(label=_("Lấy từ quỹ"), choices=[], required=False)
    amount = money_field(_("Số tiền (đồng)"))
    topup = forms.BooleanField(label=_("Phần bổ sung lên mức của phong trào (nhà 40/20 khởi công năm 2025)"),
                               required=False)
    decision_number = forms.CharField(label=_("Số quyết định"), required=False)
    decision_date = date_field(_("Ngày quyết định"), required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False)

    def __init__(self, *args, pools=(), topup_allowed: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "id_alloc_%s")  # the case page also holds the stage's form
        super().__init__(*args, **kwargs)
        self.fields["pool"].choices = [CHOOSE] + [
            (str(p.pk), f"{p.get_source_display()} – {p.unit.name} (còn {p.balance:,} đ)".replace(",", "."))
            for p in pools]
        if not topup_allowed:
            del self.fields["topup"]


class CancelForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Lý do hủy"), required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); their content is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class InspectionForm(ServiceErrorsMixin, forms.Form):
    stage = forms.ChoiceField(label=_("Giai đoạn"), choices=[CHOOSE, *InspectionStage.choices], required=False)
    inspected_on = date_field(_("Ngày kiểm tra"))
    result = forms.ChoiceField(label=_("Kết quả"), choices=[CHOOSE, *Inspection.Result.choices], required=False)
    notes = forms.CharField(label=_("Nhận xét"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photos = MultipleFileField(label=_("Ảnh hiện trường (có ngày chụp và vị trí GPS)"), required=False,
                               widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp",
                                                               "capture": "environment"}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_insp_%s")  # the case page also holds the progress form (stage, date)
        super().__init__(*args, **kwargs)


class ReleaseForm(ServiceErrorsMixin, forms.Form):
    released_on = date_field(_("Ngày giải ngân"))
    reference = forms.CharField(label=_("Số chứng từ"), required=False)


# ---------------------------------------------------------------------------- contributions desk
EARMARKS = [("general", _("Quỹ chung (phân bổ sau)")), ("commune", _("Một xã")), ("case", _("Một hộ (theo mã hồ sơ)"))]


class DonorForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=[CHOOSE, *DonorKind.choices], required=False)
    name = forms.CharField(label=_("Tên doanh nghiệp, tổ chức, hộ hoặc cá nhân"), required=False)
    contact = forms.CharField(label=_("Liên hệ (không công khai)"), required=False,
                              help_text=_("Điện thoại, địa chỉ, người đại diện."))


class EarmarkFields(forms.Form):
    earmark = forms.ChoiceField(label=_("Dành cho"), choices=EARMARKS, initial="general")
    commune = OpenChoiceField(label=_("Xã được chỉ định"), choices=[], required=False)
    case = forms.CharField(label=_("Mã hồ sơ của hộ được chỉ định"), required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "KT2425-000123"}))

    def set_choices(self, *, donors=(), communes=(), campaigns=()):
        self.fields["commune"].choices = [CHOOSE] + [(str(c.pk), c.full_name) for c in communes]
        if "donor" in self.fields:
            self.fields["donor"].choices = [CHOOSE] + [(str(d.pk), f"{d.name} ({d.get_kind_display()})")
                                                       for d in donors]
        if "campaign" in self.fields:
            if len(campaigns) > 1:
                self.fields["campaign"].choices = [CHOOSE] + [(str(c.pk), c.name) for c in campaigns]
            else:
                del self.fields["campaign"]


class PledgeForm(ServiceErrorsMixin, EarmarkFields):
    donor = OpenChoiceField(label=_("Người ủng hộ"), choices=[], required=False)
    kind = forms.ChoiceField(label=_("Hình thức"), choices=[CHOOSE, *Kind.choices], required=False)
    amount = money_field(_("Giá trị cam kết (đồng)"))
    pledged_on = date_field(_("Ngày cam kết"))
    description = forms.CharField(label=_("Nội dung"), required=False)
    campaign = OpenChoiceField(label=_("Chương trình"), choices=[], required=False)

    field_order = ["donor", "kind", "amount", "pledged_on", "description", "earmark", "commune", "case", "campaign"]

    def __init__(self, *args, donors=(), communes=(), campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices(donors=donors, communes=communes, campaigns=campaigns)


class ReceiptForm(ServiceErrorsMixin, EarmarkFields):
    donor = OpenChoiceField(label=_("Người ủng hộ"), choices=[], required=False)
    pledge = OpenChoiceField(label=_("Theo cam kết (nếu có)"), choices=[], required=False)
    kind = forms.ChoiceField(label=_("Hình thức"), choices=[CHOOSE, *Kind.choices], required=False)
    received_on = date_field(_("Ngày nhận"))
    amount = money_field(_("Số tiền (tiền mặt) hoặc giá trị quy ra tiền (vật liệu), đồng"))
    item = forms.CharField(label=_("Vật liệu (tên)"), required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("xi măng PCB40")}))
    quantity = forms.CharField(label=_("Số lượng vật liệu, hoặc số ngày công"), required=False,
                               widget=forms.TextInput(attrs=DECIMAL))
    unit = forms.CharField(label=_("Đơn vị tính (vật liệu)"), required=False,
                           widget=forms.TextInput(attrs={"placeholder": "bao"}))
    value_per_day = forms.CharField(label=_("Giá trị một ngày công (đồng)"), required=False, max_length=60,
                                    widget=forms.TextInput(attrs={**NUMERIC, "placeholder": _("ví dụ 250.000")}))
    description = forms.CharField(label=_("Nội dung"), required=False)
    own_share = forms.BooleanField(label=_("Phần tự có của chính hộ được hỗ trợ"), required=False)
    campaign = OpenChoiceField(label=_("Chương trình"), choices=[], required=False)

    field_order = ["donor", "pledge", "kind", "received_on", "amount", "item", "quantity", "unit", "value_per_day",
                   "description", "earmark", "commune", "case", "own_share", "campaign"]

    def __init__(self, *args, donors=(), pledges=(), communes=(), campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices(donors=donors, communes=communes, campaigns=campaigns)
        self.fields["pledge"].choices = [("", _("— không theo cam kết —"))] + [
            (str(p.pk), f"{p.donor.name}: {p.get_kind_display().lower()} {p.amount:,} đ ({p.pledged_on:%d/%m/%Y})"
             .replace(",", ".")) for p in pledges]


class FrontAllocateForm(ServiceErrorsMixin, forms.Form):
    """The Front allocates general money or goods of its pools to a house, later."""

    pool = OpenChoiceField(label=_("Từ quỹ"), choices=[], required=False)
    case = forms.CharField(label=_("Mã hồ sơ của hộ"), required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "KT2425-000123"}))
    amount = money_field(_("Số tiền hoặc giá trị (đồng)"))
    note = forms.CharField(label=_("Ghi chú"), required=False)

    def __init__(self, *args, pools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].choices = [CHOOSE] + [
            (str(p.pk), f"{p.get_source_display()} – {p.unit.name} (còn {p.balance:,} đ)".replace(",", "."))
            for p in pools]

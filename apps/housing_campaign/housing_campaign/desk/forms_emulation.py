"""Forms of the emulation movement's pages. They only carry what was typed (as text, dates as dd/mm/yyyy) and
the files: ``emulation.services`` reads and checks every value, and its messages come back onto the fields with
everything typed kept (``ServiceErrorsMixin``)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from housing_campaign.emulation.models import EvidenceKey, Group, Participant, ReportingDeadline
from housing_campaign.emulation.uploads import ACCEPT

from .forms import DATE_INPUT, ServiceErrorsMixin
from .forms_money import CHOOSE, NUMERIC, OpenChoiceField

TEXTAREA = {"rows": 4}


def text_field(label, *, help_text="", attrs=None, textarea: bool = False) -> forms.CharField:
    widget = forms.Textarea(attrs={**TEXTAREA, **(attrs or {})}) if textarea else forms.TextInput(attrs=attrs or {})
    return forms.CharField(label=label, required=False, help_text=help_text, widget=widget, strip=False)


def day(label, help_text="") -> forms.CharField:
    return text_field(label, help_text=help_text, attrs=DATE_INPUT)


FILE_HELP = _("PDF, Word (.doc, .docx) hoặc ảnh chụp (JPEG, PNG, WEBP), tối đa 10 MB.")


def document_file(label, help_text=FILE_HELP):
    """A document's upload: the service reads and judges it (an empty file included), with one message naming
    the file; the form adds none of its own."""
    return forms.FileField(label=label, required=False, help_text=help_text, allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))


class ParticipantForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Loại đối tượng"), choices=[CHOOSE, *Participant.Kind.choices], required=False,
                             help_text=_("Loại quyết định nhóm tiêu chí (a–đ) của đối tượng."))
    unit = OpenChoiceField(label=_("Địa bàn"), choices=[], required=False,
                           help_text=_("Xã, huyện của Ủy ban nhân dân; tỉnh của sở, ngành; xã của hộ gia đình."))
    name = text_field(_("Tên tập thể, hộ hoặc cá nhân"), help_text=_("Để trống: lấy tên hộ, tên người ủng hộ hoặc tên "
                                                              "cán bộ đã gắn."))
    position = text_field(_("Chức vụ (cá nhân)"))
    workplace = text_field(_("Đơn vị công tác (cá nhân)"))
    donor = OpenChoiceField(label=_("Người ủng hộ trong sổ đóng góp"), choices=[], required=False)
    household_code = text_field(_("Mã hộ (hộ gia đình được hỗ trợ)"))
    user = OpenChoiceField(label=_("Tài khoản cán bộ"), choices=[], required=False)

    def __init__(self, *args, units=(), donors=(), users=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [CHOOSE, *[(str(u.pk), u.full_name) for u in units]]
        self.fields["donor"].choices = [("", _("— không —")), *[(str(d.pk), d.name) for d in donors]]
        self.fields["user"].choices = [("", _("— không —")), *[
            (str(u.pk), f"{u.get_full_name() or u.username} ({u.username})") for u in users]]
        if editing:
            del self.fields["kind"], self.fields["unit"]


class RegistrationForm(ServiceErrorsMixin, forms.Form):
    registered_on = day(_("Ngày đăng ký thi đua"))
    houses_target = text_field(_("Số nhà phấn đấu hoàn thành"), attrs=NUMERIC)
    money_target = text_field(_("Số tiền phấn đấu huy động (đồng)"), attrs={**NUMERIC, "placeholder": "500.000.000"})
    commitments = text_field(_("Nội dung đăng ký thi đua"), textarea=True)
    plan_number = text_field(_("Số kế hoạch của đơn vị"), attrs={"placeholder": "12/KH-UBND"})
    plan_date = day(_("Ngày ban hành kế hoạch"))
    plan_submitted_on = day(_("Ngày gửi kế hoạch đến Sở Nội vụ"),
                            help_text=_("Để trống: ngày đăng ký (đơn vị đăng ký kèm kế hoạch)."))
    plan_file = document_file(_("Tệp kế hoạch"))


class SubmissionForm(ServiceErrorsMixin, forms.Form):
    deadline = OpenChoiceField(label=_("Theo hạn nộp"), choices=[], required=False)
    document_number = text_field(_("Số văn bản"), attrs={"placeholder": "25/BC-UBND"})
    document_date = day(_("Ngày văn bản"))
    submitted_on = day(_("Ngày gửi đến Sở Nội vụ"))
    note = text_field(_("Ghi chú"))
    file = document_file(_("Tệp văn bản"), help_text=_("PDF, Word (.doc, .docx) hoặc ảnh chụp, tối đa 10 MB. Khi sửa "
                                                      "một văn bản đã nộp: để trống để giữ tệp cũ."))

    def __init__(self, *args, deadlines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].choices = [CHOOSE, *[(str(d.pk), f"{d.name} – {d.due_on:%d/%m/%Y}")
                                                     for d in deadlines]]


class EvidenceDocumentForm(ServiceErrorsMixin, forms.Form):
    title = text_field(_("Tên tài liệu"), attrs={"placeholder": _("Biên bản kiểm tra, bài báo, quyết định…")})
    criterion = OpenChoiceField(label=_("Cho tiêu chí"), choices=[], required=False)
    file = document_file(_("Tệp"))

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [("", _("— chung —")), *[(str(c.pk), str(c)) for c in criteria]]


class InitiativeForm(ServiceErrorsMixin, forms.Form):
    author = OpenChoiceField(label=_("Tác giả"), choices=[], required=False)
    title = text_field(_("Tên sáng kiến, đề xuất"))
    proposed_on = day(_("Ngày đề xuất"))
    description = text_field(_("Nội dung, hiệu quả"), textarea=True)
    adopted_by = text_field(_("Đơn vị công nhận, áp dụng"), help_text=_("Để trống nếu chưa được áp dụng."))
    adoption_reference = text_field(_("Số văn bản công nhận, áp dụng"))
    adopted_on = day(_("Ngày công nhận, áp dụng"))

    def __init__(self, *args, authors=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["author"]
        else:
            self.fields["author"].choices = [CHOOSE, *[(str(p.pk), f"{p.name} ({p.get_kind_display()})")
                                                       for p in authors]]


class DeadlineForm(ServiceErrorsMixin, forms.Form):
    name = text_field(_("Tên"))
    kind = forms.ChoiceField(label=_("Loại văn bản"), choices=[CHOOSE, *ReportingDeadline.Kind.choices],
                             required=False)
    due_on = day(_("Hạn nộp (ngày cuối cùng)"))
    groups = forms.MultipleChoiceField(label=_("Nhóm đối tượng phải nộp"), choices=Group.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    note = text_field(_("Ghi chú, căn cứ"))
    is_active = forms.BooleanField(label=_("Đang áp dụng"), required=False, initial=True)


class CriterionForm(ServiceErrorsMixin, forms.Form):
    group = forms.ChoiceField(label=_("Nhóm đối tượng"), choices=[CHOOSE, *Group.choices], required=False)
    order = text_field(_("Thứ tự"), attrs=NUMERIC)
    text = text_field(_("Nội dung tiêu chí"), textarea=True)
    evidence = forms.MultipleChoiceField(label=_("Minh chứng"), choices=EvidenceKey.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(label=_("Đang áp dụng"), required=False, initial=True)

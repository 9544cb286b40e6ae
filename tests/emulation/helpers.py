"""Shared builders of the emulation tests: documents of each accepted type (and impostors), participants made
through the services, and the world the permission matrix probes."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.conftest import HOME, unit


def pdf_bytes(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return out.getvalue()


def doc_bytes() -> bytes:
    """The start of an OLE2 compound file whose directory names a WordDocument stream."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 512


def jpeg_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 90, 60)).save(out, format="JPEG")
    return out.getvalue()


def upload(name: str = "ke-hoach.pdf", data: bytes | None = None, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, pdf_bytes() if data is None else data, content_type=content_type)


def day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def home_committee(people, campaign):
    """The People's Committee of the home commune, added by the emulation office."""
    from housing_campaign.emulation.services import participant_create

    return participant_create(actor=people.actor(people.office), campaign=campaign, data={
        "kind": "peoples_committee", "unit": unit(HOME).pk, "name": "Ủy ban nhân dân xã Đăk Blô"})


def register(people, participant, *, user=None, **data):
    from housing_campaign.emulation.services import registration_save

    values = {"registered_on": day(participant.campaign.starts_on + dt.timedelta(days=5)), "houses_target": "12",
              "money_target": "300.000.000", "plan_number": "12/KH-UBND",
              "plan_date": day(participant.campaign.starts_on + dt.timedelta(days=4)), **data}
    return registration_save(actor=people.actor(user or people.officer), participant_id=participant.pk, data=values,
                             plan_file=upload())


class EmulationWorld:
    """The home commune's People's Committee registered with its plan, a household of the home commune, an
    initiative; what the permission matrix's emulation probes act on."""

    def __init__(self, people, campaign, money):
        from housing_campaign.commendations.models import AwardForm
        from housing_campaign.emulation.models import Criterion, Participant, ReportingDeadline
        from housing_campaign.emulation.services import initiative_create, participant_create

        self.campaign = campaign
        # The commendations' probes may have added it already (by the same name and unit).
        self.committee = (Participant.objects.filter(campaign=campaign, kind="peoples_committee", unit=unit(HOME))
                          .first() or home_committee(people, campaign))
        register(people, self.committee)
        self.plan = self.committee.submissions.get()
        self.household = participant_create(actor=people.actor(people.officer), campaign=campaign, data={
            "kind": "household", "unit": unit(HOME).pk, "name": "Hộ A Thanh"})
        self.initiative = initiative_create(actor=people.actor(people.office), author_id=self.committee.pk, data={
            "title": "Tổ thợ xây của thôn", "proposed_on": day(timezone.localdate()),
            "description": "Thanh niên thôn góp ngày công."})
        self.report = ReportingDeadline.objects.get(campaign=campaign, code="bao_cao_2024")
        self.criterion = Criterion.objects.get(campaign=campaign, code="b4")
        self.donor = money.receipt.donor
        self.award = AwardForm.objects.get(code="bang_khen_chu_tich_tinh")
        self.today = day(timezone.localdate())

    def probe(self, name):
        from tests.test_permission_matrix import _RewindingFile

        def pdf(filename):
            file = _RewindingFile(pdf_bytes())
            file.name = filename
            return file

        pk, campaign = self.committee.pk, self.campaign.pk
        start = self.campaign.starts_on
        return {
            "emulation:participants": lambda: (reverse(name), {}),
            "emulation:participant_new": lambda: (reverse(name), {"kind": "household", "unit": unit(HOME).pk,
                                                                  "name": "Hộ Y Hoa", "campaign": campaign}),
            "emulation:participant": lambda: (reverse(name, args=[pk]), {}),
            "emulation:participant_edit": lambda: (reverse(name, args=[self.household.pk]),
                                                   {"name": "Hộ ông A Thanh"}),
            "emulation:register": lambda: (reverse(name, args=[pk]), {
                "registered_on": day(start + dt.timedelta(days=5)), "houses_target": "15",
                "money_target": "300.000.000", "plan_number": "12/KH-UBND",
                "plan_date": day(start + dt.timedelta(days=4))}),
            "emulation:submit": lambda: (reverse(name, args=[pk]), {
                "deadline": self.report.pk, "document_number": "25/BC-UBND",
                "document_date": day(self.report.due_on - dt.timedelta(days=3)),
                "submitted_on": day(self.report.due_on - dt.timedelta(days=2)), "file": pdf("bao-cao.pdf")}),
            "emulation:evidence_add": lambda: (reverse(name, args=[pk]), {
                "title": "Biên bản kiểm tra công khai", "criterion": self.criterion.pk, "file": pdf("bien-ban.pdf")}),
            "emulation:file": lambda: (reverse(name, args=[pk, "van-ban", self.plan.pk]), {}),
            "emulation:my_units": lambda: (reverse(name), {}),
            "emulation:late": lambda: (reverse(name), {}),
            "emulation:deadlines": lambda: (reverse(name), {
                "campaign": campaign, "name": "Báo cáo sơ kết 6 tháng đầu năm 2025", "kind": "interim",
                "due_on": "30/06/2025", "groups": ["b"], "is_active": "on"}),
            "emulation:deadline": lambda: (reverse(name, args=[self.report.pk]), {
                "name": self.report.name, "kind": "interim", "due_on": "30/11/2024", "groups": ["a", "b", "c"],
                "note": self.report.note, "is_active": "on"}),
            "emulation:criteria": lambda: (reverse(name), {
                "campaign": campaign, "group": "b", "order": "5", "text": "Trả lời phản ánh của người dân đúng hạn.",
                "evidence": ["complaints_answered"], "is_active": "on"}),
            "emulation:criterion": lambda: (reverse(name, args=[self.criterion.pk]), {
                "group": "b", "order": "4", "text": self.criterion.text + " (sửa)",
                "evidence": ["postings_held"], "is_active": "on"}),
            "emulation:initiatives": lambda: (reverse(name), {
                "campaign": campaign, "author": pk, "title": "Ảnh có tọa độ thay biên bản giấy",
                "proposed_on": self.today, "description": "Cán bộ xã chụp ảnh từng giai đoạn."}),
            "emulation:initiative": lambda: (reverse(name, args=[self.initiative.pk]), {
                "title": self.initiative.title, "proposed_on": self.today, "description": self.initiative.description,
                "adopted_by": "Ủy ban nhân dân huyện Đắk Glei", "adoption_reference": "318/QĐ-UBND",
                "adopted_on": self.today}),
            "emulation:suggestions": lambda: (reverse(name), {}),
            "emulation:nominate": lambda: (reverse(name), {"campaign": campaign, "candidate": f"donor:{self.donor.pk}",
                                                           "award_form": self.award.pk}),
        }[name]()

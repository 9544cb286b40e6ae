"""An upload checked by its content is kept and served under a name with the extension of what it is: a real
PDF sent as “kh.exe” is “kh.pdf” (downloads are saved under that name; it never claims another type)."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from housing_campaign.core import validators
from tests.conftest import new_case
from tests.emulation.helpers import jpeg_bytes, pdf_bytes


@pytest.mark.parametrize(("name", "content_type", "expected"), [
    ("kh.exe", "application/pdf", "kh.pdf"),
    ("Kế hoạch.PDF", "application/pdf", "Kế hoạch.PDF"),
    ("scan", "image/jpeg", "scan.jpg"),
    ("ảnh.JPEG", "image/jpeg", "ảnh.JPEG"),
    ("anh.png", "image/jpeg", "anh.jpg"),
    ("Báo cáo 12.2024", "application/pdf", "Báo cáo 12.2024.pdf"),
    (".exe", "application/pdf", "tep.pdf"),
    ("bao-cao.pdf.exe", "application/pdf", "bao-cao.pdf.pdf"),
    ("C:\\tai lieu\\kh.exe", "application/pdf", "kh.pdf"),
    ("b" * 240 + ".pdf", "application/pdf", "b" * 196 + ".pdf"),  # bounded as stored, the extension kept
    ("c" * 300, "image/jpeg", "c" * 196 + ".jpg"),
])
def test_name_for_type(name, content_type, expected):
    assert validators.name_for_type(name, content_type) == expected


def test_the_shared_inspection_names_the_file_after_its_content():
    found = validators.upload_inspect(pdf_bytes(), "kh.exe", max_bytes=10 * 1024 * 1024)
    assert found["content_type"] == "application/pdf" and found["name"] == "kh.pdf"
    found = validators.upload_inspect(jpeg_bytes(), "anh.exe", max_bytes=10 * 1024 * 1024)
    found["image"].close()
    assert found["name"] == "anh.jpg"


@pytest.mark.django_db
def test_a_case_attachment_sent_as_exe_is_kept_and_served_as_pdf(people, campaign):
    from housing_campaign.cases import services

    case = new_case(people, campaign)
    attachment = services.attachment_add(actor=people.actor(people.officer), case_id=case.pk,
                                         upload=SimpleUploadedFile("kh.exe", pdf_bytes(), "application/octet-stream"))
    assert attachment.original_name == "kh.pdf" and attachment.file.name.endswith(".pdf")
    client = Client()
    client.force_login(people.officer)
    served = client.get(reverse("desk:attachment_file", args=[case.pk, attachment.pk]))
    assert served["Content-Type"] == "application/pdf" and "kh.pdf" in served["Content-Disposition"]
    assert ".exe" not in served["Content-Disposition"]

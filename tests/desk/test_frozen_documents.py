"""Issued means frozen: after the print format is edited, every way of printing an issued document
(single print, batch PDF, batch ZIP, the admin) gives the pages it was issued with, page image for
page image; cases without an issued document print a draft of the current format."""
import io
import zipfile

import pypdfium2
import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from housing_campaign.core.models import BackgroundJob
from housing_campaign.desk import printing as desk_printing
from housing_campaign.printing import services
from housing_campaign.printing.models import PrintFormat
from tests.conftest import PASSWORD, advance, new_case

pytestmark = pytest.mark.django_db

CHANGED = "CHỮ ĐÃ ĐỔI SAU KHI CẤP"


def page_images(data: bytes) -> list[bytes]:
    """Each page rendered to pixels: equal bytes means the reader sees exactly the same page."""
    document = pypdfium2.PdfDocument(io.BytesIO(data))
    return [document[i].render(scale=1).to_pil().tobytes() for i in range(len(document))]


def page_texts(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def login(username) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def run_batch(client, monkeypatch, django_capture_on_commit_callbacks, data) -> bytes:
    from housing_campaign.core import jobs

    monkeypatch.setattr(desk_printing, "enqueue", lambda path, background=False, **kw: jobs.run_job(path, kw))
    monkeypatch.setattr(desk_printing, "_workers", lambda n: 1)  # the test's data is not committed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("desk:batch_print"), data)
    assert response.status_code == 302
    job = BackgroundJob.objects.order_by("-pk").first()
    assert job.status == "done", job.error
    download = client.get(reverse("desk:batch_download", args=[job.pk]))
    return b"".join(download.streaming_content)


def edit_format(people, code: str, old: str) -> PrintFormat:
    fmt = PrintFormat.objects.get(code=code)
    assert old in fmt.html
    return services.print_format_save(actor_user=people.admin, print_format=fmt,
                                      html=fmt.html.replace(old, CHANGED), css=fmt.css + "\nbody { color: #123; }")


def test_batch_reprint_of_issued_certificates_is_identical_to_the_issue(people, campaign, monkeypatch,
                                                                        django_capture_on_commit_callbacks):
    cases = [advance(people, new_case(people, campaign), "posting") for _ in range(3)]
    certificates = [case.certificates.get() for case in cases]
    issued = [services.issued_document_pdf(cert.document) for cert in certificates]
    assert all(len(page_images(data)) == 1 for data in issued)
    original_images = [page_images(data)[0] for data in issued]
    original_texts = [page_texts(data)[0] for data in issued]
    assert all("GIẤY CHỨNG NHẬN" in text.upper() for text in original_texts)

    edit_format(people, "handover_certificate", "Giấy chứng nhận")
    client = login("chairman_a")
    batch = run_batch(client, monkeypatch, django_capture_on_commit_callbacks,
                      {"format": "handover_certificate", "output": "pdf", "commune": str(cases[0].commune_id)})
    texts = page_texts(batch)
    assert len(texts) == 3 and not any(CHANGED in text for text in texts)
    order = sorted(range(3), key=lambda i: cases[i].code)  # the batch prints in case code order
    assert texts == [original_texts[i] for i in order]
    assert page_images(batch) == [original_images[i] for i in order]

    archive = zipfile.ZipFile(io.BytesIO(run_batch(
        client, monkeypatch, django_capture_on_commit_callbacks,
        {"format": "handover_certificate", "output": "zip", "commune": str(cases[0].commune_id)})))
    for case, original in zip(cases, original_images):
        assert page_images(archive.read(f"{case.commune.short_name}/{case.code}.pdf")) == [original]

    single = client.get(reverse("desk:case_print", args=[cases[0].pk, "handover_certificate"]))
    assert page_images(single.getvalue()) == [original_images[0]]


def test_issued_minutes_batch_as_issued_and_unissued_as_current_draft(people, campaign, monkeypatch,
                                                                      django_capture_on_commit_callbacks):
    issued_case, draft_case = (advance(people, new_case(people, campaign), "posting") for _ in range(2))
    document = desk_printing.case_document_issue(actor=people.actor(people.chairman), case=issued_case,
                                                 format_code="acceptance_minutes")
    original = services.issued_document_pdf(document)
    fmt = PrintFormat.objects.get(code="acceptance_minutes")
    word = "BIÊN BẢN" if "BIÊN BẢN" in fmt.html else "Biên bản"
    edit_format(people, "acceptance_minutes", word)

    client = login("chairman_a")
    batch = run_batch(client, monkeypatch, django_capture_on_commit_callbacks,
                      {"format": "acceptance_minutes", "output": "pdf", "commune": str(issued_case.commune_id)})
    by_case = {}
    reader = PdfReader(io.BytesIO(batch))
    texts = [" ".join(p.extract_text().split()) for p in reader.pages]
    for case in (issued_case, draft_case):
        by_case[case.pk] = [t for t in texts if case.household.head_name in t]
    issued_pages = page_texts(original)
    assert issued_pages[0] in texts and CHANGED not in " ".join(by_case[issued_case.pk])
    assert document.number_text in " ".join(by_case[issued_case.pk])
    assert CHANGED in " ".join(by_case[draft_case.pk])  # never issued: the current format, as a draft


def test_revoked_certificate_is_not_printed(people, campaign):
    from housing_campaign.certificates.services import certificate_revoke

    case = advance(people, new_case(people, campaign), "posting")
    cert = case.certificates.get()
    certificate_revoke(actor=people.actor(people.chairman), certificate=cert, reason="Hộ chuyển đi")
    response = login("chairman_a").get(reverse("desk:case_print", args=[case.pk, "handover_certificate"]))
    assert response.status_code == 404
    assert "không có giấy chứng nhận đang có hiệu lực" in response.content.decode()

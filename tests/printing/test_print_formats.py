"""Every default format renders for real data; the PDF text holds the exact Vietnamese strings;
templates are sandboxed; numbers are gap-free."""
import io
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from housing_campaign.cases.documents import case_list_context
from housing_campaign.certificates.documents import case_context
from housing_campaign.commendations.documents import nomination_context
from housing_campaign.contributions.documents import contribution_context
from housing_campaign.core.errors import ServiceError
from housing_campaign.printing import services
from housing_campaign.printing.models import PrintFormat
from tests.conftest import PASSWORD, advance, new_case, new_receipt

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def render(code: str, context: dict) -> bytes:
    fmt = PrintFormat.objects.get(code=code)
    return services.render_pdf(html=fmt.html, css=fmt.css, context={"document_number": "15/QĐ-UBND", **context})


@pytest.fixture
def handed_over(people, campaign):
    return advance(people, new_case(people, campaign), "posting")


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_handover_certificate_pdf(handed_over):
    cert = handed_over.certificates.get()
    data = render("handover_certificate", case_context(handed_over, certificate=cert))
    text = _norm(pdf_text(data))
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "GIẤY CHỨNG NHẬN",
                     "Ủy ban nhân dân xã Đăk Plô chứng nhận", "60.000.000 đ (Sáu mươi triệu đồng)",
                     handed_over.household.head_name,
                     "Số: 15/QĐ-UBND", "Xây mới", cert.code):
        assert expected in text, expected


def test_every_default_format_renders(people, campaign, handed_over):
    from housing_campaign.commendations.models import AwardForm, Nomination
    from housing_campaign.workflow.engine import initial_workflow_fields

    others = [advance(people, new_case(people, campaign), "funding") for _ in range(2)]
    nomination = Nomination.objects.create(
        code="KT-9", campaign=campaign, nominee_kind="individual", nominee_name="Ông Nguyễn Văn Minh",
        award_form=AwardForm.objects.get(code="giay_khen"), achievement="Ủng hộ 200 bao xi măng",
        proposing_unit=handed_over.commune, unit_path=handed_over.unit_path, **initial_workflow_fields("commendation"))
    contribution = new_receipt(people, campaign, amount=45_500_000)
    lists = case_list_context([handed_over, *others], campaign=campaign, commune=handed_over.commune)
    # The public list is printed from a posting (issue 13): the results posted after handover.
    from housing_campaign.postings.documents import posting_context
    from tests.conftest import post_list

    posting = post_list(people, [handed_over], kind="results")
    posted = posting_context(posting)
    expectations = {
        "acceptance_minutes": (case_context(handed_over), ["BIÊN BẢN NGHIỆM THU", "Nền cứng", "Đạt"]),
        "support_list_decision": (lists, ["QUYẾT ĐỊNH", "PHỤ LỤC", "180.000.000 đ (Một trăm tám mươi triệu đồng)"]),
        "public_posting_list": (posted, ["DANH SÁCH CÔNG KHAI", handed_over.household.head_name,
                                         f"Niêm yết từ ngày {posting.starts_on:%d/%m/%Y} đến hết ngày "
                                         f"{posting.ends_on:%d/%m/%Y} (7 ngày) tại Nhà văn hóa thôn Đăk Xế",
                                         "Hộ gia đình đã được hỗ trợ nhà ở"]),
        "commendation_certificate": (nomination_context(nomination), ["BẰNG KHEN", "Ông Nguyễn Văn Minh"]),
        "giay_khen_certificate": (nomination_context(nomination), ["GIẤY KHEN", "Ông Nguyễn Văn Minh"]),
        "contribution_receipt": (contribution_context(contribution),
                                 ["BIÊN NHẬN", "45.500.000 đ (Bốn mươi lăm triệu năm trăm nghìn đồng)"]),
    }
    from tests.commendations.helpers import award_document_contexts

    documents = award_document_contexts(campaign, nomination)
    expectations.update({
        "commendation_decision": (documents["commendation_decision"], ["QUYẾT ĐỊNH", "Số: 05/QĐ-UBND", "DANH SÁCH",
                                                                        "Ông Nguyễn Văn Minh"]),
        "commendation_proposal": (documents["commendation_proposal"], ["TỜ TRÌNH", "Kính gửi: Thủ tướng Chính phủ"]),
        "council_minutes": (documents["council_minutes"], ["BIÊN BẢN", "Ông Nguyễn Văn Minh"]),
    })
    for code, (context, strings) in expectations.items():
        text = _norm(pdf_text(render(code, context)))
        for expected in strings:
            assert expected in text, (code, expected)
    lists_text = pdf_text(render("public_posting_list", posted))
    assert handed_over.household.national_id not in lists_text  # no ID numbers on public lists


def test_long_annex_repeats_header_and_numbers_pages(people, campaign):
    cases = [new_case(people, campaign) for _ in range(60)]
    data = render("support_list_decision", case_list_context(cases, campaign=campaign,
                                                                      commune=cases[0].commune))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 3
    pages = [p.extract_text() for p in reader.pages]
    annex_pages = [t for t in pages[1:] if "Mã hồ sơ" in t]
    assert len(annex_pages) >= 2               # the header row repeats on every annex page
    # Page numbers from page 2 on (Decree 30/2020), none on the first page.
    assert not pages[0].rstrip().endswith("\n1")
    assert [p.rstrip().rsplit("\n", 1)[-1] for p in pages[1:]] == [str(n) for n in range(2, len(pages) + 1)]


@pytest.mark.parametrize("template", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ case.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}",
    "{% include '/etc/passwd' %}",
    "{% import 'settings.py' as s %}",
    "{{ settings.SECRET_KEY }}",
])
def test_sandbox_escape_refused(template, handed_over):
    with pytest.raises(ServiceError) as exc:
        services.render_html(html=template, css="", context=case_context(handed_over))
    assert exc.value.code in ("template_security", "template_error")


def test_admin_refuses_broken_template_and_keeps_old_version(people, handed_over):
    client = Client()
    client.login(username=people.admin.username, password=PASSWORD)
    fmt = PrintFormat.objects.get(code="acceptance_minutes")
    old = (fmt.version, fmt.html)
    url = reverse("admin:printing_printformat_change", args=[fmt.pk])
    base = {"code": fmt.code, "doctype": fmt.doctype, "name": fmt.name, "description": fmt.description,
            "document_kind": fmt.document_kind, "css": fmt.css, "is_active": "on",
            "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"}
    response = client.post(url, {**base, "html": "<p>\n{{ case.code }\n</p>"})
    assert response.status_code == 200
    assert "Lỗi cú pháp mẫu in (dòng 2)" in response.content.decode()
    response = client.post(url, {**base, "html": "<p>{{ ''.__class__.__mro__ }}</p>"})
    assert "không được phép" in response.content.decode() or "Lỗi" in response.content.decode()
    fmt.refresh_from_db()
    assert (fmt.version, fmt.html) == old
    response = client.post(url, {**base, "html": fmt.html + "\n<p>Ghi chú mới</p>"})
    assert response.status_code == 302
    fmt.refresh_from_db()
    assert fmt.version == old[0] + 1 and fmt.versions.count() == old[0] + 1
    preview = client.get(reverse("admin:printing_preview", args=[fmt.pk]) + f"?ref={handed_over.code}&as=pdf")
    assert preview["Content-Type"] == "application/pdf" and "Ghi chú mới" in pdf_text(preview.content)


def test_issued_document_reproduced_as_issued_after_format_edit(people, handed_over):
    cert = handed_over.certificates.get()
    before = pdf_text(services.issued_document_pdf(cert.document))
    fmt = PrintFormat.objects.get(code="handover_certificate")
    services.print_format_save(actor_user=people.admin, print_format=fmt,
                               html=fmt.html.replace("Giấy chứng nhận", "Chứng nhận đã sửa"), css=fmt.css)
    assert pdf_text(services.issued_document_pdf(cert.document)) == before


def test_document_numbers_without_gaps_or_duplicates(db):
    from django.db import transaction

    numbers = []
    for _ in range(5):
        with transaction.atomic():
            numbers.append(services.document_number_next(issuer_key="commune:23344", issuer_symbol="UBND", kind="QĐ",
                                                         year=2025))
    assert [n for n, _ in numbers] == [1, 2, 3, 4, 5]
    assert numbers[0][1] == "01/QĐ-UBND"
    with transaction.atomic():
        assert services.document_number_next(issuer_key="commune:23344", issuer_symbol="UBND", kind="QĐ",
                                             year=2026)[0] == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_numbers_on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    from django.db import connections, transaction

    got, barrier = [], threading.Barrier(8)

    def take():
        try:
            barrier.wait()
            for _ in range(5):
                with transaction.atomic():
                    got.append(services.document_number_next(issuer_key="x", issuer_symbol="UBND", kind="GCN",
                                                              year=2025)[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == list(range(1, 41))

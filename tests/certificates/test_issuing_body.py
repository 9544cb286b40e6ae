"""Issue 17, "done when": a handover certificate for a case of Xã Đăk Blô issued on 15/06/2025 names the
legacy commune's People's Committee, its place and its chairman then; one issued on 15/08/2025 names the
2025 commune Đăk Blô became (Xã Đăk Plô, Quảng Ngãi), its place and its chairman. Both go through the real
path: the case walked through the workflow, the certificate issued by the hand-over side effect, the PDF
reprinted from the issued document."""
import pytest

from housing_campaign.printing.models import Signer
from housing_campaign.printing.services import issued_document_pdf
from tests.conftest import advance, new_case
from tests.printing.issuing import AFTER, BEFORE, clock, date_line, keep_pdf, pdf_text, signers  # noqa: F401

pytestmark = pytest.mark.django_db


def _issued_on(people, campaign, clock, day):  # noqa: F811 - the fixture, passed on
    clock(day)
    case = advance(people, new_case(people, campaign), "posting")
    return case.certificates.get()


def test_certificate_issued_before_the_reorganisation_names_the_legacy_commune(people, campaign, clock,  # noqa: F811
                                                                                signers):  # noqa: F811
    cert = _issued_on(people, campaign, clock, BEFORE)
    issuer = cert.document.context["issuer"]
    assert (issuer["name"], issuer["place"], issuer["signer"]["name"]) == ("Ủy ban nhân dân xã Đăk Blô", "Đăk Blô",
                                                                          "A Blưi")
    text = pdf_text(keep_pdf("certificate-dak-blo-2025-06-15.pdf", issued_document_pdf(cert.document)))
    for expected in ("ỦY BAN NHÂN DÂN XÃ ĐĂK BLÔ", f"Số: {cert.number_text}", date_line("Đăk Blô", BEFORE),
                     "Đăk Blô, ngày 15 tháng 6 năm 2025", "Ủy ban nhân dân xã Đăk Blô chứng nhận đã bàn giao",
                     "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH A Blưi", "Ủy ban nhân dân huyện Đắk Glei (b/c)"):
        assert expected in text, expected
    for wrong in ("Kon Tum, ngày", "Ủy ban nhân dân Xã", "ĐĂK PLÔ", "Y Ngọc", "nay là"):
        assert wrong not in text, wrong


def test_certificate_issued_after_the_reorganisation_names_the_2025_commune(people, campaign, clock,  # noqa: F811
                                                                             signers):  # noqa: F811
    cert = _issued_on(people, campaign, clock, AFTER)
    issuer = cert.document.context["issuer"]
    assert (issuer["name"], issuer["place"], issuer["signer"]["name"]) == ("Ủy ban nhân dân xã Đăk Plô", "Đăk Plô",
                                                                          "Y Ngọc")
    assert issuer["unit"]["system"] == "2025" and issuer["level"] == "commune"
    text = pdf_text(keep_pdf("certificate-dak-plo-2025-08-15.pdf", issued_document_pdf(cert.document)))
    for expected in ("ỦY BAN NHÂN DÂN XÃ ĐĂK PLÔ", date_line("Đăk Plô", AFTER), "Đăk Plô, ngày 15 tháng 8 năm 2025",
                     "Ủy ban nhân dân xã Đăk Plô chứng nhận đã bàn giao", "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Y Ngọc",
                     "xã Đăk Blô, huyện Đắk Glei (nay là xã Đăk Plô)", "Ủy ban nhân dân tỉnh Quảng Ngãi (b/c)"):
        assert expected in text, expected
    for wrong in ("Kon Tum, ngày", "XÃ ĐĂK BLÔ", "huyện Đắk Glei (b/c)", "A Blưi"):
        assert wrong not in text, wrong


def test_the_two_units_number_in_their_own_registers(people, campaign, clock, signers):  # noqa: F811
    before = _issued_on(people, campaign, clock, BEFORE)
    after = _issued_on(people, campaign, clock, AFTER)
    assert before.number_text == "01/GCN-UBND" and after.number_text == "01/GCN-UBND"
    assert before.document.context["issuer"]["register_key"] != after.document.context["issuer"]["register_key"]


def test_an_issued_certificate_keeps_its_signer_when_the_records_change(people, campaign, clock,  # noqa: F811
                                                                         signers):  # noqa: F811
    cert = _issued_on(people, campaign, clock, BEFORE)
    first = pdf_text(issued_document_pdf(cert.document))
    Signer.objects.filter(pk=signers["blo"].pk).update(full_name="Người khác")
    assert pdf_text(issued_document_pdf(cert.document)) == first


def test_without_a_recorded_signer_the_name_is_left_blank_and_the_timeline_says_so(people, campaign, clock):  # noqa: F811
    from housing_campaign.core.models import DocumentEvent

    cert = _issued_on(people, campaign, clock, AFTER)
    assert cert.document.context["issuer"]["signer"] == {"name": "", "recorded": False, "position": "Chủ tịch",
                                                         "lines": ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]}
    text = pdf_text(issued_document_pdf(cert.document))
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH ……………………………" in text
    event = DocumentEvent.objects.filter(doctype="housing_case", object_id=cert.case_id,
                                         data__certificate=cert.code).get()
    assert "Chưa có người ký của Ủy ban nhân dân xã Đăk Plô vào ngày 15/08/2025" in event.comment

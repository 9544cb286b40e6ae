"""print_formats/CHECKLIST.md, checked on every format a commune, district, province or Front committee issues
(the commendation formats are checked with the same list by their own tests): each rendered to PDF for a
document of a legacy unit dated while it was in force (15/06/2025) and for one of a 2025 unit (15/08/2025),
and the PDF's text read for the checklist's elements: issuing body and place by date, number and symbol,
date line, legal basis, recipients, signer block, annex references, amounts in figures and words."""
import re

import pytest

from housing_campaign.printing import services
from housing_campaign.printing.models import PrintFormat
from tests.conftest import HOME, unit
from tests.printing.issuing import (  # noqa: F401
    AFTER,
    BEFORE,
    accepted_and_handed_over,
    case_in,
    clock,
    confirmed_for_posting,
    date_line,
    number_re,
    officer_2025,
    pdf_text,
    signers,
)

pytestmark = pytest.mark.django_db

LEGACY = {"day": BEFORE, "header": "ỦY BAN NHÂN DÂN XÃ ĐĂK BLÔ", "body": "Ủy ban nhân dân xã Đăk Blô",
          "place": "Đăk Blô", "signer": "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH A Blưi", "front": "Y Hoa",
          "front_body": "Ủy ban Mặt trận Tổ quốc Việt Nam xã Đăk Blô",
          "competence": "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;",
          "other_unit": "ĐĂK PLÔ"}
CURRENT = {"day": AFTER, "header": "ỦY BAN NHÂN DÂN XÃ ĐĂK PLÔ", "body": "Ủy ban nhân dân xã Đăk Plô",
           "place": "Đăk Plô", "signer": "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Y Ngọc", "front": "A Thuyên",
           "front_body": "Ủy ban Mặt trận Tổ quốc Việt Nam xã Đăk Plô",
           "competence": "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
           "other_unit": "ĐĂK BLÔ"}
DECISION_539 = ('Căn cứ Quyết định số 539/QĐ-TTg ngày 19 tháng 6 năm 2024 của Thủ tướng Chính phủ về ban hành Kế '
                'hoạch triển khai phong trào thi đua "Chung tay xóa nhà tạm, nhà dột nát trên phạm vi cả nước trong '
                'năm 2025";')


@pytest.fixture(params=["legacy", "2025"])
def unit_case(request, people, campaign, clock, signers, officer_2025):  # noqa: F811
    """A case handed over on the day, of Xã Đăk Blô (legacy, 15/06/2025) or of Xã Đăk Plô (2025, 15/08/2025)."""
    expected = LEGACY if request.param == "legacy" else CURRENT
    clock(expected["day"])
    if request.param == "legacy":
        officer, chairman, commune = people.officer, people.chairman, unit(HOME)
    else:
        officer, chairman, commune = officer_2025["officer"], officer_2025["chairman"], unit(HOME, "2025")
    case = case_in(people, campaign, officer=officer, commune=commune)
    confirmed_for_posting(people, case, officer=officer, chairman=chairman)
    case = accepted_and_handed_over(case, inspector=people.inspector, on=expected["day"])
    return {"case": case, "expected": expected, "officer": officer, "system": request.param}


def render(code: str, context: dict) -> str:
    fmt = PrintFormat.objects.get(code=code)
    return pdf_text(services.render_pdf(html=fmt.html, css=fmt.css, context=context))


def check_header(text: str, expected: dict, *, kind: str, symbol: str = "UBND", header: str | None = None,
                 place: str | None = None) -> None:
    """Issuing body and place by date, number and symbol, date line (the national title and motto too)."""
    assert (header or expected["header"]) in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc" in text
    assert number_re(kind, symbol).search(text), f"number …/{kind}-{symbol}"
    assert date_line(place or expected["place"], expected["day"]) in text
    assert "Kon Tum, ngày" not in text or place == "Kon Tum"
    assert not re.search(r"(nhân dân|Quốc Việt Nam) (Xã|Huyện|Tỉnh|Phường) ", text), "type word capitalised"
    assert expected["other_unit"] not in text


def test_handover_certificate(unit_case):
    from housing_campaign.certificates.documents import case_context
    from housing_campaign.certificates.services import certificate_issue

    case, expected = unit_case["case"], unit_case["expected"]
    cert = certificate_issue(case=case)
    text = render("handover_certificate", {**case_context(case, certificate=cert), "document_number": cert.number_text})
    check_header(text, expected, kind="GCN")
    assert f"{expected['body']} chứng nhận đã bàn giao nhà ở" in text
    assert "Nơi nhận: - Hộ ông (bà)" in text and "- Lưu: VT." in text
    assert expected["signer"] in text
    assert "60.000.000 đ (Sáu mươi triệu đồng)" in text
    assert cert.code in text


def test_acceptance_minutes(unit_case):
    from housing_campaign.certificates.documents import case_context

    case, expected = unit_case["case"], unit_case["expected"]
    text = render("acceptance_minutes", {**case_context(case, on=expected["day"]), "document_number": "……/BB-UBND"})
    check_header(text, expected, kind="BB")
    # Every party present signs: the household, the inspector, the commune People's Committee and Front.
    for party in (f"Đại diện {expected['body']}: ông (bà) {expected['signer'].split()[-2]}",
                  f"Đại diện {expected['front_body']}: ông (bà) {expected['front']}",
                  "Người nghiệm thu: ông (bà)", "Đại diện hộ gia đình: ông (bà)",
                  "ĐẠI DIỆN HỘ GIA ĐÌNH", "NGƯỜI NGHIỆM THU", f"ĐẠI DIỆN {expected['front_body'].upper()}",
                  f"ĐẠI DIỆN {expected['body'].upper()}"):
        assert party in text, party
    # The campaign's new-build thresholds (data), and where each copy goes.
    assert "Diện tích sử dụng ≥ 30 m² 36 m²" in text and "Niên hạn sử dụng ≥ 20 năm 25 năm" in text
    assert "Biên bản được lập thành 04 bản" in text


def test_acceptance_minutes_of_a_repair_use_the_repair_thresholds(people, campaign, clock, signers):  # noqa: F811
    from housing_campaign.certificates.documents import case_context

    clock(BEFORE)
    campaign.repaired_min_lifespan = 12
    campaign.save()
    case = case_in(people, campaign, officer=people.officer, commune=unit(HOME), support_type="repair")
    case = accepted_and_handed_over(case, inspector=people.inspector, on=BEFORE, area="22", lifespan=15)
    text = render("acceptance_minutes", {**case_context(case, on=BEFORE), "document_number": "……/BB-UBND"})
    assert "Hoàn thành sửa chữa nhà ở" in text and "theo tiêu chí nhà sửa chữa" in text
    assert "Niên hạn sử dụng sau sửa chữa ≥ 12 năm 15 năm" in text
    assert "≥ 30 m²" not in text and "Diện tích sử dụng ≥" not in text


def test_support_list_decision(unit_case, campaign):
    from housing_campaign.cases.documents import case_list_context

    case, expected = unit_case["case"], unit_case["expected"]
    context = {**case_list_context([case], campaign=campaign, commune=case.commune), "document_number": "……/QĐ-UBND"}
    text = render("support_list_decision", context)
    if unit_case["system"] == "legacy":
        # A commune's list was approved by the district while districts existed; its vice-chairman signs for
        # the chairman.
        check_header(text, expected, kind="QĐ", header="ỦY BAN NHÂN DÂN HUYỆN ĐẮK GLEI", place="Đắk Glei")
        body = "Ủy ban nhân dân huyện Đắk Glei"
        signer = "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Trần Thị Mai"
        assert "Xét đề nghị của Ủy ban nhân dân xã Đăk Blô" in text
        assert "Chủ tịch Ủy ban nhân dân xã Đăk Blô và các hộ gia đình có tên tại Phụ lục chịu trách nhiệm thi hành" \
            in text
        assert "- Ủy ban nhân dân tỉnh Kon Tum (b/c);" in text
    else:
        check_header(text, expected, kind="QĐ")
        body, signer = expected["body"], expected["signer"]
        assert "trưởng các thôn có hộ được hỗ trợ và các hộ gia đình có tên tại Phụ lục chịu trách nhiệm thi hành" \
            in text
        assert "- Ủy ban nhân dân tỉnh Quảng Ngãi (b/c);" in text
    assert "QUYẾT ĐỊNH Phê duyệt danh sách hộ gia đình được hỗ trợ nhà ở xã Đăk Blô" in text or \
        "QUYẾT ĐỊNH Phê duyệt danh sách hộ gia đình được hỗ trợ nhà ở xã Đăk Plô" in text
    assert body.upper() in text  # the deciding authority's line above the grounds
    # Competence and legal basis, with the right law for the date and 539/QĐ-TTg in full.
    assert expected["competence"] in text and DECISION_539 in text
    # Recipients match the articles: "Như Điều 3" and an Điều 3 that names who executes the decision.
    assert "Nơi nhận: - Như Điều 3;" in text and "Điều 3. Quyết định này có hiệu lực kể từ ngày ký." in text
    assert signer in text
    assert "60.000.000 đ (Sáu mươi triệu đồng)" in text
    from housing_campaign.core.formatting import date_in_words

    assert f"(Kèm theo Quyết định số ……/QĐ-UBND {date_in_words(expected['day'])} của {body})" in text


def test_public_posting_list(unit_case, people, officer_2025):  # noqa: F811
    from housing_campaign.postings.documents import posting_context
    from tests.conftest import post_list

    case, expected = unit_case["case"], unit_case["expected"]
    posting = post_list(people, [case], kind="review_list", user=unit_case["officer"])
    text = render("public_posting_list", {**posting_context(posting), "document_number": "……/DS-UBND"})
    check_header(text, expected, kind="DS")
    assert f"gửi {expected['body']} trong thời gian niêm yết" in text
    assert "Nơi nhận: - Niêm yết tại Nhà văn hóa thôn Đăk Xế;" in text and "- Lưu: VT." in text
    assert expected["signer"] in text
    assert "Tổng kinh phí hỗ trợ: 60.000.000 đ (Sáu mươi triệu đồng)" in text


@pytest.mark.parametrize("system", ["legacy", "2025"])
def test_contribution_receipt(system, people, campaign, clock, signers, officer_2025):  # noqa: F811
    from housing_campaign.contributions import services as gifts

    day = BEFORE if system == "legacy" else AFTER
    clock(day)
    user = people.front if system == "legacy" else officer_2025["front"]
    actor = people.actor(user)
    donor = gifts.donor_create(actor=actor, data={"kind": "business", "name": "Công ty CP Cao su Kon Tum",
                                                  "contact": "0260 3862 123"})
    receipt = gifts.contribution_receive(actor=actor, data={"donor": donor.pk, "kind": "cash", "amount": 45_500_000,
                                                            "received_on": day, "campaign": campaign.pk})
    province, signer = ("Kon Tum", "Lê Văn Bình") if system == "legacy" else ("Quảng Ngãi", "Phạm Thị Lan")
    text = pdf_text(services.issued_document_pdf(receipt.document))
    header = f"ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM TỈNH {province.upper()} BAN THƯỜNG TRỰC"
    assert header in text and "MẶT TRẬN TỔ QUỐC VIỆT NAM" in text
    assert number_re("BN", "MTTQ").search(text) and date_line(province, day) in text
    # One signer block, the standing committee's, consistently with the body text (no "Ban vận động").
    assert f"Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh {province} xác nhận đã tiếp nhận" in text
    assert f"TM. BAN THƯỜNG TRỰC CHỦ TỊCH {signer}" in text and "Ban vận động" not in text
    assert "45.500.000 đ (Bốn mươi lăm triệu năm trăm nghìn đồng)" in text
    assert ("Quảng Ngãi" if system == "legacy" else "tỉnh Kon Tum") not in text


@pytest.mark.parametrize("code", ["progress_report", "summary_report"])
@pytest.mark.parametrize("system", ["legacy", "2025"])
def test_reports(code, system, campaign, clock, signers):  # noqa: F811
    from housing_campaign.reports.documents import report_context

    expected = LEGACY if system == "legacy" else CURRENT
    clock(expected["day"])
    kind = "progress" if code == "progress_report" else "summary"
    context = report_context(campaign=campaign, kind=kind, unit=unit(HOME, system), units=system,
                             as_of=expected["day"], today=expected["day"])
    text = render(code, {**context, "document_number": "……/BC-UBND"})
    check_header(text, expected, kind="BC")
    province = "Kon Tum" if system == "legacy" else "Quảng Ngãi"
    to = f"Sở Nội vụ tỉnh {province}" if kind == "progress" else f"Ủy ban nhân dân tỉnh {province}"
    assert f"Kính gửi: {to}." in text
    assert "Nơi nhận: - Như trên;" in text and "- Lưu: VT." in text
    assert expected["signer"] in text


@pytest.mark.parametrize("system", ["legacy", "2025"])
def test_province_report_of_the_department_of_home_affairs(system, campaign, clock, signers):  # noqa: F811
    from housing_campaign.reports.documents import report_context

    day = BEFORE if system == "legacy" else AFTER
    clock(day)
    province_code = "62" if system == "legacy" else "51"
    context = report_context(campaign=campaign, kind="province", unit=unit(province_code, system), units=system,
                             as_of=day, today=day)
    text = render("progress_report", {**context, "document_number": "……/BC-SNV"})
    province, signer = ("Kon Tum", "Võ Thị Hạnh") if system == "legacy" else ("Quảng Ngãi", "Hồ Văn Kiên")
    assert f"ỦY BAN NHÂN DÂN TỈNH {province.upper()} SỞ NỘI VỤ" in text
    assert number_re("BC", "SNV").search(text) and date_line(province, day) in text
    assert f"Kính gửi: - Bộ Nội vụ; - Ủy ban nhân dân tỉnh {province}." in text
    assert f"GIÁM ĐỐC {signer}" in text and "TM." not in text.split("GIÁM ĐỐC")[0][-40:]


def test_checklist_covers_every_format_but_the_commendations():
    """A format added to print_formats/ gets a checklist test here (the commendation formats in their own)."""
    from housing_campaign.printing import formats_io

    checked = {"handover_certificate", "acceptance_minutes", "support_list_decision", "public_posting_list",
               "contribution_receipt", "progress_report", "summary_report"}
    folder = formats_io.formats_dir()
    unchecked = {data["code"] for data in (formats_io.parse_format_file(p.read_text(encoding="utf-8"))
                                           for p in folder.glob("*.html"))
                 if data["code"] not in checked and data["doctype"] not in ("commendation", "award_document")}
    assert not unchecked, f"formats without a checklist test: {sorted(unchecked)}"
    assert (folder / "CHECKLIST.md").exists()

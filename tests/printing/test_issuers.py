"""The issuing body of a document on its date (printing.issuers): the unit in force, names and place, the
competence, the signer in office; signers edited in the admin with territory scoping and refused overlaps;
the preview warning about what a document lacks."""
import datetime as dt

import pytest
from django.test import Client

from housing_campaign.core.errors import ServiceError
from housing_campaign.geography.selectors import in_text, place_name, unit_in_force
from housing_campaign.printing.issuers import issuing_body, signer_lines
from housing_campaign.printing.models import Organ, Signer
from housing_campaign.printing.services import signer_create
from tests.conftest import HOME, PASSWORD, unit
from tests.printing.issuing import AFTER, BEFORE, signers  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_unit_in_force_follows_the_reorganisation(reference_data):
    blo, plo, district = unit(HOME), unit(HOME, "2025"), unit("610")
    assert unit_in_force(blo, dt.date(2025, 6, 30)) == (blo, "")
    assert unit_in_force(blo, dt.date(2025, 7, 1)) == (plo, "")
    moved, note = unit_in_force(district, AFTER)
    assert moved == unit("51", "2025") and "không còn từ ngày 01/07/2025" in note
    assert unit_in_force(unit("62"), AFTER)[0] == unit("51", "2025")
    same, note = unit_in_force(plo, BEFORE)
    assert same == plo and "được thành lập từ ngày 01/07/2025" in note


def test_names_inside_a_sentence_and_places(reference_data):
    assert in_text("Xã Đăk Blô") == "xã Đăk Blô" and in_text("Huyện Đắk Glei") == "huyện Đắk Glei"
    assert in_text("Thành phố Kon Tum") == "thành phố Kon Tum" and in_text("Thị trấn Đắk Glei") == "thị trấn Đắk Glei"
    assert place_name(unit(HOME)) == "Đăk Blô" and place_name(unit("62")) == "Kon Tum"
    from housing_campaign.geography.models import AdminUnit

    numbered = AdminUnit.objects.filter(name="Phường 1").first()
    assert numbered is None or place_name(numbered) == "Phường 1"


def test_issuing_body_before_and_after(signers):  # noqa: F811
    before = issuing_body(unit=unit(HOME), on=BEFORE).context()
    assert before["name"] == "Ủy ban nhân dân xã Đăk Blô" and before["header"] == ["ỦY BAN NHÂN DÂN", "XÃ ĐĂK BLÔ"]
    assert before["place"] == "Đăk Blô" and before["superior"] == "Ủy ban nhân dân huyện Đắk Glei"
    assert before["signer"] == {"name": "A Blưi", "recorded": True, "position": "Chủ tịch",
                                "lines": ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]}
    assert before["competence"] == ["Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025"]
    assert before["register_key"] == "commune:23344" and before["warnings"] == []
    after = issuing_body(unit=unit(HOME), on=AFTER).context()
    assert after["name"] == "Ủy ban nhân dân xã Đăk Plô" and after["place"] == "Đăk Plô"
    assert after["signer"]["name"] == "Y Ngọc" and after["superior"] == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert after["competence"] == ["Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025"]
    assert after["register_key"] == "unit:2025:23344"


def test_a_deputy_signs_for_the_head(signers):  # noqa: F811
    district = issuing_body(unit=unit("610"), on=BEFORE).context()
    assert district["signer"]["lines"] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert signer_lines(organ=Organ.HOME_AFFAIRS) == ["GIÁM ĐỐC"]
    assert signer_lines(organ=Organ.HOME_AFFAIRS, authority="deputy", position="Phó Giám đốc") == [
        "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert signer_lines(organ=Organ.FATHERLAND_FRONT) == ["TM. BAN THƯỜNG TRỰC", "CHỦ TỊCH"]
    # The chairman deciding in their own competence (a Bằng khen of the chairman): no "TM." line.
    own = issuing_body(unit=unit("610"), on=BEFORE).context(collective=False)
    assert own["signer"]["lines"] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] and own["signer"]["name"] == "Trần Thị Mai"


def test_the_signer_in_office_on_the_day(reference_data):
    blo = unit(HOME)
    signer_create(unit=blo, organ=Organ.PEOPLE_COMMITTEE, full_name="Người Trước", valid_from=dt.date(2021, 7, 1),
                  valid_to=dt.date(2024, 12, 31))
    signer_create(unit=blo, organ=Organ.PEOPLE_COMMITTEE, full_name="Người Sau", valid_from=dt.date(2025, 1, 1),
                  valid_to=dt.date(2025, 6, 30))
    assert issuing_body(unit=blo, on=dt.date(2024, 12, 31)).context()["signer"]["name"] == "Người Trước"
    assert issuing_body(unit=blo, on=dt.date(2025, 1, 1)).context()["signer"]["name"] == "Người Sau"


def test_no_signer_recorded_leaves_the_name_blank_and_warns(reference_data):
    body = issuing_body(unit=unit(HOME), on=BEFORE).context()
    assert body["signer"]["name"] == "" and body["signer"]["lines"] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert body["warnings"] == ["Chưa có người ký của Ủy ban nhân dân xã Đăk Blô vào ngày 15/06/2025 (Quản trị › "
                                "Người ký văn bản): văn bản để trống họ tên người ký."]


@pytest.mark.parametrize("data, field, message", [
    ({"valid_from": dt.date(2025, 1, 1), "valid_to": dt.date(2024, 1, 1)}, "valid_from",
     "Ngày kết thúc không được trước ngày bắt đầu."),
    ({"valid_from": dt.date(2025, 3, 1)}, "valid_from", "Thời gian ký trùng với A Blưi (01/07/2021 – 30/06/2025)"),
    ({"valid_from": dt.date(2026, 1, 1), "full_name": "  "}, "full_name", "Chưa nhập họ và tên người ký."),
    ({"valid_from": dt.date(2026, 1, 1), "authority": "deputy"}, "position", "Cấp phó ký thay phải ghi chức vụ"),
])
def test_signer_records_are_checked(signers, data, field, message):  # noqa: F811
    values = {"unit": unit(HOME), "organ": Organ.PEOPLE_COMMITTEE, "full_name": "Y Khác", **data}
    count = Signer.objects.count()
    with pytest.raises(ServiceError) as caught:
        signer_create(**values)
    assert message in caught.value.message and caught.value.field == field
    assert Signer.objects.count() == count


def _admin_client(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_signers_in_the_admin_are_scoped_to_the_territory(people, signers):  # noqa: F811
    client = _admin_client(people.admin)  # administrator of tỉnh Kon Tum (legacy)
    page = client.get("/admin/printing/signer/").content.decode()
    assert "A Blưi" in page and "Trần Thị Mai" in page and "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" in page
    assert "Phạm Thị Lan" not in page  # tỉnh Quảng Ngãi's Front: outside a Kon Tum administrator's territory
    outside = unit("01")  # Hà Nội
    response = client.post("/admin/printing/signer/add/", {
        "unit": outside.pk, "organ": "people_committee", "full_name": "Ai Đó", "authority": "head", "position": "",
        "valid_from": "01/07/2025", "valid_to": "", "note": ""})
    assert response.status_code == 200 and "nằm ngoài địa bàn" in response.content.decode()
    assert not Signer.objects.filter(full_name="Ai Đó").exists()


def test_an_overlapping_signer_is_refused_in_the_admin_with_a_message(people, signers):  # noqa: F811
    client = _admin_client(people.admin)
    response = client.post("/admin/printing/signer/add/", {
        "unit": unit(HOME).pk, "organ": "people_committee", "full_name": "Y Khác", "authority": "head",
        "position": "", "valid_from": "01/01/2025", "valid_to": "31/12/2025", "note": ""})
    text = response.content.decode()
    assert response.status_code == 200 and "Thời gian ký trùng với A Blưi" in text
    response = client.post("/admin/printing/signer/add/", {
        "unit": unit(HOME).pk, "organ": "people_committee", "full_name": "Y Khác", "authority": "head",
        "position": "", "valid_from": "01/07/2025", "valid_to": "30/06/2025", "note": ""})
    assert response.status_code == 200 and "Ngày kết thúc không được trước ngày bắt đầu." in response.content.decode()
    assert not Signer.objects.filter(full_name="Y Khác").exists()
    response = client.post("/admin/printing/signer/add/", {
        "unit": unit(HOME).pk, "organ": "fatherland_front", "full_name": "Y Khác", "authority": "deputy",
        "position": "Phó Chủ tịch", "valid_from": "01/07/2025", "valid_to": "", "note": ""})
    assert response.status_code == 302 and Signer.objects.filter(full_name="Y Khác").exists()


def test_the_preview_warns_when_no_signer_is_recorded(people, campaign):
    from housing_campaign.printing.models import PrintFormat
    from tests.conftest import advance, new_case

    case = advance(people, new_case(people, campaign), "posting")
    fmt = PrintFormat.objects.get(code="handover_certificate")
    client = _admin_client(people.admin)
    page = client.get(f"/admin/printing/printformat/{fmt.pk}/preview/?as=html&ref={case.code}").content.decode()
    assert "⚠ Chưa có người ký của Ủy ban nhân dân xã Đăk Plô" in page
    form = client.get(f"/admin/printing/printformat/{fmt.pk}/change/").content.decode()
    assert "Chưa có người ký của Ủy ban nhân dân xã Đăk Plô" in form
    pdf = client.get(f"/admin/printing/printformat/{fmt.pk}/preview/?as=pdf&ref={case.code}")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_preview_of_another_case_format_shows_a_draft_number_not_the_certificate_s(people, campaign):
    from housing_campaign.printing.models import PrintFormat
    from tests.conftest import advance, new_case

    case = advance(people, new_case(people, campaign), "posting")
    fmt = PrintFormat.objects.get(code="acceptance_minutes")
    page = _admin_client(people.admin).get(f"/admin/printing/printformat/{fmt.pk}/preview/?as=html&ref={case.code}")
    text = page.content.decode()
    assert "Số: ……/BB-UBND" in text and case.certificates.get().number_text not in text

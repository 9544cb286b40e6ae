"""Bad input of the foundation issue: a clear Vietnamese error naming the field, nothing saved."""
import datetime as dt
from decimal import Decimal

import pytest

from housing_campaign.cases import services
from housing_campaign.cases.eligibility import evaluate_case, overall
from housing_campaign.cases.models import HousingCase
from housing_campaign.core.errors import ServiceError
from housing_campaign.households.models import Household
from tests.conftest import FAR, HOME, new_case, new_household, survey_data, unit

pytestmark = pytest.mark.django_db


def _counts():
    return Household.objects.count(), HousingCase.objects.count()


@pytest.mark.parametrize("bad_id, fragment", [("06208500123", "11 ký tự"), ("06208500123A", "12 chữ số"),
                                               ("0620850012345", "13 ký tự")])
def test_national_id_must_be_twelve_digits(people, campaign, bad_id, fragment):
    before = _counts()
    with pytest.raises(ServiceError) as exc:
        new_household(people, campaign, national_id=bad_id)
    assert "national_id" in exc.value.errors
    message = exc.value.errors["national_id"][0]
    assert "Số CCCD phải gồm đúng 12 chữ số" in message and fragment in message
    assert _counts() == before


@pytest.mark.parametrize("area", ["-5", "0"])
def test_floor_area_must_be_positive(people, campaign, area):
    household = new_household(people, campaign)
    before = _counts()
    with pytest.raises(ServiceError) as exc:
        new_case(people, campaign, household=household, floor_area=area)
    assert exc.value.errors["floor_area"] == [f"Diện tích nhà hiện tại phải lớn hơn 0 (đang nhập {area})."]
    assert _counts() == before


def test_zero_persons_refused(people, campaign):
    household = new_household(people, campaign)
    with pytest.raises(ServiceError) as exc:
        new_case(people, campaign, household=household, persons=0)
    assert exc.value.errors["persons"] == ["Số người đang ở phải từ 1 trở lên (đang nhập 0)."]
    assert not HousingCase.objects.filter(household=household).exists()


def test_every_bad_field_reported_at_once(people, campaign):
    household = new_household(people, campaign)
    with pytest.raises(ServiceError) as exc:
        new_case(people, campaign, household=household, persons=0, floor_area="0", roof="", support_type="")
    assert {"persons", "floor_area", "roof", "support_type"} <= set(exc.value.errors)


def test_commune_outside_campaign_refused(people, campaign):
    from housing_campaign.cases.services import household_create

    da_nang_commune = unit("20194")  # a commune of the former Đà Nẵng, outside Kon Tum
    before = _counts()
    with pytest.raises(ServiceError) as exc:
        household_create(actor=people.actor(people.officer), campaign=campaign, data={
            "head_name": "Nguyễn Văn A", "national_id": "048085000001", "category": "poor",
            "commune": da_nang_commune})
    assert "không thuộc địa bàn của chương trình" in exc.value.errors["commune"][0]
    assert _counts() == before


def test_commune_outside_officer_territory_refused(people, campaign):
    before = _counts()
    with pytest.raises(ServiceError) as exc:
        new_household(people, campaign, commune_code=FAR)  # officer_b's helper only covers OTHER
    assert "ngoài địa bàn" in exc.value.errors["commune"][0] or "không có quyền" in exc.value.message
    assert _counts() == before


def test_same_household_twice_in_a_campaign_refused(people, campaign):
    case = new_case(people, campaign)
    with pytest.raises(ServiceError) as exc:
        new_case(people, campaign, household=case.household)
    assert "đã có hồ sơ trong chương trình này" in exc.value.errors["household"][0]
    assert HousingCase.objects.filter(household=case.household).count() == 1


def test_case_keeps_created_unit_and_knows_its_2025_unit(people, campaign):
    case = new_case(people, campaign)
    assert case.commune.code == HOME and case.commune.system == "legacy"
    assert case.commune_2025 is not None and case.commune_2025.system == "2025"
    assert case.commune_2025.parent.code == "51"
    assert case.unit_path == case.commune.path and case.unit_2025_path == case.commune_2025.path


def test_support_amount_from_norms(people, campaign):
    assert new_case(people, campaign).support_amount == 60_000_000
    assert new_case(people, campaign, support_type="repair").support_amount == 30_000_000
    poverty = campaign.strands.get(code="giam_ngheo")
    assert new_case(people, campaign, strand=poverty).support_amount == 40_000_000


def test_eligibility_reasons_in_vietnamese(people, campaign):
    household = new_household(people, campaign)
    results = evaluate_case(campaign=campaign, household=household, floor_area=Decimal("24"), persons=4,
                            foundation="stable", frame_walls="stable", roof="unstable",
                            remaining_lifespan_years=10, on=dt.date(2025, 1, 10))
    by_code = {r["code"]: r for r in results}
    assert by_code["house_area"]["reason"] == "Diện tích 24 m² < 30 m² và 6 m²/người < 8 m²/người"
    assert by_code["house_area"]["passed"] is True
    assert by_code["house_parts"]["passed"] is False
    assert by_code["house_parts"]["reason"] == "1/3 bộ phận chính (nền móng, khung tường, mái) không bền vững"
    assert overall(results) is True


def test_split_household_less_than_three_years_is_not_eligible(people, campaign):
    household = new_household(people, campaign, split_on=dt.date(2023, 6, 1))
    results = evaluate_case(campaign=campaign, household=household, floor_area=Decimal("12"), persons=3,
                            foundation="unstable", frame_walls="unstable", roof="unstable",
                            remaining_lifespan_years=1, on=dt.date(2025, 1, 10))
    split = next(r for r in results if r["code"] == "split")
    assert {k: v for k, v in split.items() if k != "message"} == {
        "code": "split", "label": "Thời gian tách hộ", "passed": False, "reason": "Tách hộ 1 năm < 3 năm"}
    assert overall(results) is False


def test_single_person_threshold(people, campaign):
    household = new_household(people, campaign)
    results = evaluate_case(campaign=campaign, household=household, floor_area=Decimal("20"), persons=1,
                            foundation="stable", frame_walls="stable", roof="stable", remaining_lifespan_years=None,
                            on=dt.date(2025, 1, 10))
    area = next(r for r in results if r["code"] == "house_area")
    assert area["passed"] is False and area["reason"] == "Diện tích 20 m² ≥ 18 m² (1 người)"
    assert overall(results) is False


def test_survey_edit_records_old_and_new_values(people, campaign):
    from housing_campaign.core.models import DocumentEvent

    case = new_case(people, campaign)
    data = survey_data(campaign, floor_area=Decimal("20"), persons=5)
    services.case_update_survey(actor=people.actor(people.officer), case_id=case.pk, data=data)
    event = DocumentEvent.objects.filter(object_id=case.pk, kind="edited").latest("id")
    assert event.changes["floor_area"] == ["24", "20"]
    assert event.changes["persons"] == [4, 5]
    assert event.actor_id == people.officer.pk


def test_survey_edit_locked_after_submit(people, campaign):
    from tests.conftest import transition

    case = new_case(people, campaign)
    transition(people, people.officer, case, "submit")
    with pytest.raises(ServiceError) as exc:
        services.case_update_survey(actor=people.actor(people.officer), case_id=case.pk,
                                    data=survey_data(campaign, persons=6))
    assert exc.value.code == "field_locked"
    case.refresh_from_db()
    assert case.persons == 4


def test_upload_rejects_non_images_and_keeps_exif(people, campaign):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    case = new_case(people, campaign)
    actor = people.actor(people.officer)
    fake = SimpleUploadedFile("anh.jpg", b"not really a jpeg", content_type="image/jpeg")
    with pytest.raises(ServiceError) as exc:
        services.attachment_add(actor=actor, case_id=case.pk, upload=fake)
    assert "không phải ảnh JPEG, PNG, WEBP hoặc tệp PDF hợp lệ" in exc.value.message

    image = Image.new("RGB", (64, 48), "brown")
    exif = Image.Exif()
    exif[0x0132] = "2025:03:05 09:15:00"
    gps = {1: "N", 2: (14.0, 42.0, 0.0), 3: "E", 4: (107.0, 54.0, 0.0)}
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("nha.jpg", buffer.getvalue(), content_type="image/jpeg")
    attachment = services.attachment_add(actor=actor, case_id=case.pk, upload=upload, caption="Hiện trạng")
    assert attachment.kind == "photo"
    assert attachment.taken_at is not None and attachment.taken_at.strftime("%d/%m/%Y") == "05/03/2025"
    assert round(attachment.latitude, 2) == 14.70 and round(attachment.longitude, 2) == 107.90

"""Issue 8 item 7 and the rest of the input rules at the service level (what imports and the API
will call) and on the admin path: CCCD, duplicates, plausible dates, bounded numbers, uploads."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from housing_campaign.cases import services
from housing_campaign.cases.models import Attachment, HousingCase
from housing_campaign.core.errors import ServiceError
from housing_campaign.households.models import Household
from tests.conftest import OTHER, PASSWORD, advance, new_case, new_household
from tests.core.test_validators import png_of_size

pytestmark = pytest.mark.django_db


def test_household_full_width_cccd_stored_ascii(people, campaign):
    household = new_household(people, campaign, national_id="０６２１８５ ９９９ ９９９")
    assert household.national_id == "062185999999"


def test_household_arabic_indic_cccd_refused(people, campaign):
    with pytest.raises(ServiceError) as exc:
        new_household(people, campaign, national_id="٠٦٢١٨٥٩٩٩٩٩٩")
    assert exc.value.errors["national_id"][0].startswith("Số CCCD phải gồm đúng 12 chữ số 0–9")
    assert not Household.objects.exists()


def test_duplicate_cccd_refused_in_the_service(people, campaign):
    mine = new_case(people, campaign)
    theirs = new_case(people, campaign, commune_code=OTHER)
    before = Household.objects.count()
    with pytest.raises(ServiceError) as exc:
        new_household(people, campaign, national_id=mine.household.national_id)
    assert exc.value.errors["national_id"] == [
        f"Đã có hộ khác dùng số CCCD này: hộ {mine.household.head_name}, hồ sơ {mine.code}."]
    with pytest.raises(ServiceError) as exc:  # officer_a may not see the other commune's case
        new_household(people, campaign, national_id=theirs.household.national_id)
    assert exc.value.errors["national_id"] == ["Đã có hộ khác dùng số CCCD này."]
    with pytest.raises(ServiceError):  # the same number typed in full-width digits is the same number
        new_household(people, campaign, national_id="".join(chr(ord(c) + 0xFEE0)
                                                            for c in mine.household.national_id))
    assert Household.objects.count() == before


def test_model_refuses_a_non_ascii_cccd(people, campaign):
    household = new_household(people, campaign)
    household.national_id = "٠٦٢١٨٥٩٩٩٩٩٩"
    with pytest.raises(ValidationError) as exc:
        household.full_clean()
    assert "national_id" in exc.value.message_dict


def test_admin_household_form_normalises_and_refuses_duplicates(people, campaign):
    first, second = new_household(people, campaign), new_household(people, campaign)
    client = Client()
    client.login(username=people.admin.username, password=PASSWORD)
    url = reverse("admin:households_household_change", args=[second.pk])
    data = {"code": second.code, "head_name": second.head_name, "category": "poor", "land_status": "undisputed",
            "commune": second.commune_id, "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0"}
    response = client.post(url, {**data, "national_id": first.national_id})
    assert response.status_code == 200 and "Đã có hộ khác dùng số CCCD này." in response.content.decode()
    response = client.post(url, {**data, "national_id": "٠٦٢١٨٥٩٩٩٩٩٩"})
    assert response.status_code == 200 and "12 chữ số 0–9" in response.content.decode()
    second.refresh_from_db()
    assert second.national_id not in (first.national_id, "٠٦٢١٨٥٩٩٩٩٩٩")
    response = client.post(url, {**data, "national_id": "０６２１８５７７７７７７"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.national_id == "062185777777"


@pytest.mark.parametrize("field, value, message", [
    ("surveyed_on", dt.date(1, 1, 1), "Ngày rà soát không được trước ngày 01/01/2000 (đang nhập 01/01/0001)."),
    ("floor_area", "NaN", "Diện tích nhà hiện tại phải là số (đang nhập “NaN”)."),
    ("floor_area", Decimal("NaN"), "Diện tích nhà hiện tại phải là số."),
    ("floor_area", float("inf"), "Diện tích nhà hiện tại phải là số."),
    ("persons", "١٢", "Số người đang ở phải là số nguyên (đang nhập “١٢”)."),
    ("remaining_lifespan_years", "7" * 30, "Niên hạn còn lại không được quá 100"),
])
def test_case_create_refuses_bad_values(people, campaign, field, value, message):
    household = new_household(people, campaign)
    with pytest.raises(ServiceError) as exc:
        new_case(people, campaign, household=household, **{field: value})
    assert exc.value.errors[field][0].startswith(message)
    assert not HousingCase.objects.exists()


def test_case_create_converts_typed_values(people, campaign):
    case = new_case(people, campaign, floor_area="１４,５", persons="３", remaining_lifespan_years="4")
    case.refresh_from_db()
    assert (case.floor_area, case.persons, case.remaining_lifespan_years) == (Decimal("14.50"), 3, 4)


def test_split_date_before_1900_refused(people, campaign):
    with pytest.raises(ServiceError) as exc:
        new_household(people, campaign, split_on=dt.date(1, 1, 1))
    assert exc.value.errors["split_on"] == ["Ngày tách hộ không được trước ngày 01/01/1900 (đang nhập 01/01/0001)."]


def test_stage_dates_and_amounts_bounded(people, campaign):
    case = advance(people, new_case(people, campaign), "commune_confirmation")
    with pytest.raises(ServiceError) as exc:
        services.case_update_confirmation(actor=people.actor(people.chairman), case_id=case.pk, data={
            "village_meeting_on": dt.date(1999, 12, 31), "village_meeting_total": "9" * 30,
            "village_meeting_agree": "1"})
    assert exc.value.errors["village_meeting_on"][0].startswith("Ngày họp bình xét không được trước ngày 01/01/2000")
    assert exc.value.errors["village_meeting_total"][0].startswith("Số người dự họp không được quá 32767")
    case = advance(people, new_case(people, campaign), "funding")
    from housing_campaign.funding.models import Allocation
    from housing_campaign.funding.services import allocation_create
    from tests.conftest import state_pool

    with pytest.raises(ServiceError) as exc:
        allocation_create(actor=people.actor(people.finance), case_id=case.pk, pool_id=state_pool(people, campaign).pk,
                          amount="9" * 25, decision_date=dt.date(1, 1, 1))
    assert "amount" in exc.value.errors and "decision_date" in exc.value.errors
    assert not Allocation.objects.filter(case=case).exists()


def test_bad_lock_version_is_a_stale_form_not_an_error(people, campaign):
    case = new_case(people, campaign)
    for expected in ("abc", "9" * 30, "-1"):
        with pytest.raises(ServiceError) as exc:
            services.case_update_survey(actor=people.actor(people.officer), case_id=case.pk,
                                        data={"persons": 5}, expected_lock_version=expected)
        assert exc.value.code == "stale_state"


def test_progress_photo_over_the_pixel_limit_refused(people, campaign):
    case = advance(people, new_case(people, campaign), "construction")
    photo = SimpleUploadedFile("lon.png", png_of_size(12000, 12000), content_type="image/png")
    with pytest.raises(ServiceError) as exc:
        services.progress_add(actor=people.actor(people.inspector), case_id=case.pk, date=dt.date.today(),
                              stage="foundation", percent=10, photos=[photo])
    assert exc.value.errors["photos"][0].startswith("Ảnh “lon.png” quá lớn")
    assert not Attachment.objects.exists()


def test_photo_stored_under_the_extension_of_its_content(people, campaign):
    import io

    from PIL import Image

    case = new_case(people, campaign)
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "red").save(buffer, format="PNG")
    upload = SimpleUploadedFile("nha.html", buffer.getvalue(), content_type="text/html")
    attachment = services.attachment_add(actor=people.actor(people.officer), case_id=case.pk, upload=upload)
    assert attachment.content_type == "image/png" and attachment.file.name.endswith("nha.png")
    # The name kept (and served for download) says what the file is, not what it was sent as.
    assert attachment.original_name == "nha.png"

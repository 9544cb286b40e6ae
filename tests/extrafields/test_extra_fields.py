import pytest
from django.test import Client
from django.urls import reverse

from housing_campaign.core.errors import ServiceError
from housing_campaign.core.models import DocumentEvent
from housing_campaign.extrafields.models import ExtraField
from housing_campaign.extrafields.services import extra_field_retire, extra_values_clean
from tests.conftest import PASSWORD, new_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def fields(db):
    return [
        ExtraField.objects.create(doctype="housing_case", code="so_tang", label_vi="Số tầng", field_type="integer",
                                  min_value=1, max_value=3, required=True),
        ExtraField.objects.create(doctype="housing_case", code="nguon_nuoc", label_vi="Nguồn nước",
                                  field_type="choice", choices=[["gieng", "Giếng"], ["may", "Nước máy"]]),
        ExtraField.objects.create(doctype="housing_case", code="ngay_kiem_tra", label_vi="Ngày kiểm tra",
                                  field_type="date"),
        ExtraField.objects.create(doctype="housing_case", code="ma_lo", label_vi="Mã lô đất", field_type="text",
                                  pattern=r"[A-Z]{2}-\d{3}"),
    ]


def test_values_validated_like_built_in_fields(fields):
    with pytest.raises(ServiceError) as exc:
        extra_values_clean(doctype="housing_case", values={"so_tang": "5", "nguon_nuoc": "song",
                                                           "ngay_kiem_tra": "31/02/2025", "ma_lo": "x"})
    errors = exc.value.errors
    assert errors["extra__so_tang"] == ["“Số tầng” không được lớn hơn 3."]
    assert errors["extra__nguon_nuoc"] == ["“Nguồn nước”: giá trị “song” không có trong danh sách chọn."]
    assert errors["extra__ngay_kiem_tra"] == ["“Ngày kiểm tra”: ngày 31/02/2025 không có trong lịch."]
    assert errors["extra__ma_lo"] == ["“Mã lô đất” không đúng định dạng yêu cầu."]
    with pytest.raises(ServiceError) as exc:
        extra_values_clean(doctype="housing_case", values={})
    assert exc.value.errors == {"extra__so_tang": ["Trường “Số tầng” là bắt buộc."]}
    assert extra_values_clean(doctype="housing_case", values={"so_tang": "2", "ngay_kiem_tra": "05/03/2025",
                                                              "ma_lo": "KT-012"}) == {
        "so_tang": 2, "ngay_kiem_tra": "2025-03-05", "ma_lo": "KT-012"}


def test_bad_value_on_case_saves_nothing_and_retire_keeps_values(people, campaign, fields):
    with pytest.raises(ServiceError):  # "Số tầng" is required: a case without it is refused
        new_case(people, campaign)
    from housing_campaign.cases.services import case_create
    from tests.conftest import new_household, survey_data

    household = new_household(people, campaign)
    case = case_create(actor=people.actor(people.officer), campaign=campaign, household=household,
                       survey_round=campaign.rounds.first(), data=survey_data(campaign),
                       extra={"so_tang": "1", "nguon_nuoc": "gieng"})
    assert case.extra == {"so_tang": 1, "nguon_nuoc": "gieng"}
    extra_field_retire(field=fields[1])
    from housing_campaign.cases.services import case_update_extra

    case_update_extra(actor=people.actor(people.officer), case_id=case.pk, values={"so_tang": "2"})
    case.refresh_from_db()
    assert case.extra == {"so_tang": 2, "nguon_nuoc": "gieng"}   # the retired field's value stays
    assert DocumentEvent.objects.filter(object_id=case.pk, kind="edited").exists()


def test_admin_adds_field_without_code_and_case_form_shows_it(people, campaign):
    client = Client()
    client.login(username=people.admin.username, password=PASSWORD)
    response = client.post(reverse("admin:extrafields_extrafield_add"), {
        "doctype": "housing_case", "code": "Bad Code", "label_vi": "Sai", "field_type": "choice", "choices": "[]",
        "order": 0, "is_active": "on", "stage": "survey"})
    text = response.content.decode()
    assert response.status_code == 200 and "Mã trường chỉ gồm chữ thường" in text and "Danh sách chọn" in text
    assert not ExtraField.objects.exists()
    response = client.post(reverse("admin:extrafields_extrafield_add"), {
        "doctype": "housing_case", "code": "co_nha_ve_sinh", "label_vi": "Có nhà vệ sinh", "label_en": "Has toilet",
        "field_type": "boolean", "choices": "[]", "order": 1, "is_active": "on", "stage": "survey"})
    assert response.status_code == 302
    case = new_case(people, campaign)
    officer = Client()
    officer.login(username="officer_a", password=PASSWORD)
    page = officer.get(reverse("desk:case", args=[case.pk])).content.decode()
    assert "Có nhà vệ sinh" in page and 'name="extra__co_nha_ve_sinh"' in page


def test_queue_filters_on_extra_fields(people, campaign):
    from housing_campaign.cases.services import case_update_extra

    ExtraField.objects.create(doctype="housing_case", code="nguon_nuoc", label_vi="Nguồn nước", field_type="choice",
                              choices=[["gieng", "Giếng"], ["may", "Nước máy"]])
    well, tap = new_case(people, campaign), new_case(people, campaign)
    case_update_extra(actor=people.actor(people.officer), case_id=well.pk, values={"nguon_nuoc": "gieng"})
    case_update_extra(actor=people.actor(people.officer), case_id=tap.pk, values={"nguon_nuoc": "may"})
    client = Client()
    client.login(username="officer_a", password=PASSWORD)
    page = client.get(reverse("desk:queue") + "?x_nguon_nuoc=gieng").content.decode()
    assert "Nguồn nước" in page
    assert f"/desk/cases/{well.pk}/" in page and f"/desk/cases/{tap.pk}/" not in page


@pytest.mark.parametrize("code, raw, message", [
    ("so_tang", "NaN", "“Số tầng” phải là số nguyên"),
    ("so_tang", "١", "“Số tầng” phải là số nguyên"),
    ("so_tang", "1_0", "“Số tầng” phải là số nguyên"),
    ("so_tang", "9" * 40, "“Số tầng” không được quá 1000000000000"),
    ("dien_tich", "NaN", "“Diện tích sân” phải là số"),
    ("dien_tich", "Infinity", "“Diện tích sân” phải là số"),
    ("dien_tich", "1e999999", "“Diện tích sân” phải là số"),
    ("dien_tich", "9" * 20, "“Diện tích sân” quá lớn"),
    ("ngay_kiem_tra", "01/01/0001", "“Ngày kiểm tra” không được trước ngày 01/01/1900"),
])
def test_numbers_and_dates_bounded_without_nan(fields, code, raw, message):
    """Before: 1e999999 was stored as Infinity (PostgreSQL's JSON refuses it: a server error) and
    year 1 was accepted."""
    ExtraField.objects.create(doctype="housing_case", code="dien_tich", label_vi="Diện tích sân",
                              field_type="decimal")
    with pytest.raises(ServiceError) as exc:
        extra_values_clean(doctype="housing_case", values={"so_tang": "2", code: raw})
    assert exc.value.errors[f"extra__{code}"][0].startswith(message)


def test_text_and_numbers_normalised(fields):
    cleaned = extra_values_clean(doctype="housing_case", values={"so_tang": "２", "ma_lo": "AB-123\x00",
                                                                 "ngay_kiem_tra": "05/03/2025"})
    assert cleaned["so_tang"] == 2 and cleaned["ma_lo"] == "AB-123" and cleaned["ngay_kiem_tra"] == "2025-03-05"


def test_administrator_pattern_cannot_freeze_the_server(reference_data):
    """(a+)+$ backtracks exponentially in Python's re (minutes on 40 characters); RE2 answers at once."""
    import time

    from housing_campaign.extrafields.services import extra_field_definition_errors

    field = ExtraField(doctype="housing_case", code="ma_thon", label_vi="Mã thôn", field_type="text",
                       pattern=r"(a+)+$", max_length=200)
    assert extra_field_definition_errors(field) == {}
    field.save()
    started = time.monotonic()
    with pytest.raises(ServiceError, match="không đúng định dạng"):
        extra_values_clean(doctype="housing_case", values={"ma_thon": "a" * 60 + "!"})
    assert time.monotonic() - started < 1
    back_reference = ExtraField(doctype="housing_case", code="ma_lap", label_vi="Mã lặp", field_type="text",
                                pattern=r"(ab)\1")
    problems = extra_field_definition_errors(back_reference)["pattern"]
    assert "không được hỗ trợ" in problems[0] and "\\1" in problems[0]


def test_a_refused_admin_edit_says_so_and_saves_nothing(people, campaign):
    """The admin used to catch the service's refusal and still report success."""
    from django.contrib.auth import get_user_model

    from tests.conftest import advance

    ExtraField.objects.create(doctype="housing_case", code="so_to_ban_do", label_vi="Số tờ bản đồ",
                              field_type="text", max_length=20)
    case = advance(people, new_case(people, campaign), "closed")  # nobody edits a closed case
    root = get_user_model().objects.create_superuser("root", "root@example.invalid", PASSWORD)
    client = Client()
    client.force_login(root)
    url = reverse("admin:cases_housingcase_change", args=[case.pk])
    from html.parser import HTMLParser

    class Inputs(HTMLParser):  # what the browser would send back: every input of the page as it is
        fields: dict = {}

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "input" and attrs.get("name") and attrs.get("type") not in ("checkbox", "submit"):
                self.fields[attrs["name"]] = attrs.get("value") or ""

    page = Inputs()
    page.feed(client.get(url).content.decode())
    response = client.post(url, {**page.fields, "extra__so_to_ban_do": "12"}, follow=True)
    text = response.content.decode()
    assert "Chưa lưu" in text and "đã được thay đổi thành công" not in text
    case.refresh_from_db()
    assert "so_to_ban_do" not in case.extra

"""Stage inspections and tranche releases (issue 12): an inspection is a record with at least one dated,
geotagged photo; a tranche is released only after the inspection it waits for passed, never twice; the
release shows on the case page, in the timeline and in the dashboard's figures."""
import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from housing_campaign.cases.models import Attachment
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.models import DocumentEvent
from housing_campaign.funding import selectors
from housing_campaign.funding import services as funding
from housing_campaign.funding.models import Inspection, Release
from tests.conftest import PASSWORD, advance, make_user, new_case, new_receipt, unit
from tests.funding.helpers import photo_upload

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def building(people, campaign):
    """A case under construction with its 60.000.000 đ of state support allocated."""
    return advance(people, new_case(people, campaign), "construction")


def inspect(people, case, stage="start", result="passed", **kwargs):
    return funding.inspection_record(actor=people.actor(people.inspector), case_id=case.pk, stage=stage,
                                     inspected_on=kwargs.pop("on", TODAY()), result=result,
                                     notes=kwargs.pop("notes", ""), photos=kwargs.pop("photos", [photo_upload()]))


def tranches(campaign):
    return list(campaign.tranches.order_by("order"))


def test_campaign_tranches_are_data(campaign):
    first, rest = tranches(campaign)
    assert (first.kind, first.percent, first.inspection_stage) == ("percent", 50, "start")
    assert (rest.kind, rest.inspection_stage) == ("rest", "acceptance")


def test_an_inspection_needs_a_dated_geotagged_photo(people, campaign, building):
    cases = [
        ([], "Cần ít nhất một ảnh hiện trường có ngày chụp và vị trí GPS."),
        ([photo_upload("khong-gps.jpg", gps=False)], "Ảnh “khong-gps.jpg” không có vị trí GPS trong dữ liệu ảnh"),
        ([photo_upload("khong-ngay.jpg", dated=False)], "Ảnh “khong-ngay.jpg” không có ngày giờ chụp"),
        ([photo_upload("sau.jpg", taken=TODAY() + dt.timedelta(days=1))], "sau ngày kiểm tra"),
        ([photo_upload("cu.jpg", taken=TODAY() - dt.timedelta(days=90))], "quá 60 ngày trước ngày kiểm tra"),
    ]
    for photos, message in cases:
        with pytest.raises(ServiceError) as refused:
            inspect(people, building, photos=photos)
        assert message in refused.value.errors["photos"][0], message
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ServiceError) as refused:
        inspect(people, building, photos=[SimpleUploadedFile("a.jpg", b"<script>", content_type="image/jpeg")])
    assert "không phải ảnh JPEG, PNG hoặc WEBP hợp lệ" in refused.value.errors["photos"][0]
    with pytest.raises(ServiceError) as refused:
        inspect(people, building, result="failed")
    assert refused.value.errors["notes"] == ["Kiểm tra không đạt: hãy ghi rõ lý do trong phần nhận xét."]
    with pytest.raises(ServiceError) as refused:
        funding.inspection_record(actor=people.actor(people.inspector), case_id=building.pk, stage="roof-ish",
                                  inspected_on=TODAY(), result="maybe", notes="x" * 2001, photos=[photo_upload()])
    assert set(refused.value.errors) == {"stage", "result", "notes"}
    assert not Inspection.objects.exists() and not Attachment.objects.filter(case=building).exists()


def test_only_an_inspector_of_the_territory_records_it(people, campaign, building):
    outsider = make_user("giamsat_608", "inspector", "608")
    for user in (people.officer, people.finance, people.auditor, outsider):
        with pytest.raises(ServiceError) as refused:
            funding.inspection_record(actor=people.actor(user), case_id=building.pk, stage="start",
                                      inspected_on=TODAY(), result="passed", photos=[photo_upload()])
        assert refused.value.code in (ErrorCode.PERMISSION_DENIED, ErrorCode.NOT_FOUND)
    inspection = inspect(people, building, notes="Móng đúng thiết kế")
    photo = inspection.photos.get()
    assert photo.kind == "photo" and photo.taken_at.date() == TODAY() and round(photo.latitude, 3) == 15.108
    event = DocumentEvent.objects.get(object_id=building.pk, data__inspection=inspection.pk)
    assert event.changes["inspection"][1].startswith("Khởi công: Đạt")


def test_release_waits_for_a_passed_inspection_and_happens_once(people, campaign, building):
    finance = people.actor(people.finance)
    first, rest = tranches(campaign)
    with pytest.raises(ServiceError) as refused:
        funding.tranche_release(actor=finance, case_id=building.pk, tranche_id=first.pk)
    assert refused.value.code == ErrorCode.INSPECTION_REQUIRED
    assert refused.value.message.startswith("Chưa giải ngân được đợt “Đợt 1: tạm ứng khi khởi công”: chưa có kết quả "
                                            "kiểm tra giai đoạn “Khởi công” đạt")
    inspect(people, building, result="failed", notes="Chưa tập kết đủ vật liệu")
    with pytest.raises(ServiceError) as refused:
        funding.tranche_release(actor=finance, case_id=building.pk, tranche_id=first.pk)
    assert "không đạt: Chưa tập kết đủ vật liệu" in refused.value.message
    assert not Release.objects.exists()
    inspect(people, building)
    with pytest.raises(ServiceError) as refused:  # the rest waits for tranche 1 and for acceptance
        funding.tranche_release(actor=finance, case_id=building.pk, tranche_id=rest.pk)
    assert refused.value.message == ("Phải giải ngân đợt “Đợt 1: tạm ứng khi khởi công” trước đợt "
                                     "“Đợt 2: phần còn lại sau nghiệm thu”.")
    release = funding.tranche_release(actor=finance, case_id=building.pk, tranche_id=first.pk, reference="UNC 15")
    assert release.amount == 30_000_000 and release.released_by == people.finance
    with pytest.raises(ServiceError) as refused:
        funding.tranche_release(actor=finance, case_id=building.pk, tranche_id=first.pk)
    assert refused.value.code == ErrorCode.ALREADY_RELEASED and "không giải ngân lần hai" in refused.value.message
    with pytest.raises(ServiceError) as refused:
        funding.tranche_release(actor=finance, case_id=building.pk, tranche_id=rest.pk)
    assert refused.value.code == ErrorCode.INSPECTION_REQUIRED and "Nghiệm thu hoàn thành" in refused.value.message
    inspect(people, building, stage="acceptance")
    final = funding.tranche_release(actor=finance, case_id=building.pk, tranche_id=rest.pk)
    assert final.amount == 30_000_000 and Release.objects.filter(case=building).count() == 2
    event = DocumentEvent.objects.get(object_id=building.pk, data__release=release.pk)
    assert event.changes["release"][1].startswith("Đợt 1: tạm ứng khi khởi công: 30.000.000 đ")
    figures = selectors.release_figures(unit=unit("610"))
    assert (figures["total"], figures["houses"]) == (60_000_000, 1)
    assert [(t["order"], t["count"], t["amount"]) for t in figures["per_tranche"]] == [(1, 1, 30_000_000),
                                                                                      (2, 1, 30_000_000)]


def test_release_includes_the_communitys_cash_but_not_goods(people, campaign, building):
    finance = people.actor(people.finance)
    cash = new_receipt(people, campaign, amount=10_000_000, earmark="case", case=building.code)
    goods = new_receipt(people, campaign, kind="materials", amount=4_000_000, item="xi măng", quantity="80",
                        unit="bao", earmark="case", case=building.code)
    assert cash.allocation.portion == goods.allocation.portion == "community"
    money = selectors.case_money(building)
    assert (money.base, money.in_kind) == (70_000_000, 4_000_000)
    inspect(people, building)
    release = funding.tranche_release(actor=finance, case_id=building.pk, tranche_id=tranches(campaign)[0].pk)
    assert release.amount == 35_000_000


def test_release_refusals_are_clear(people, campaign):
    finance = people.actor(people.finance)
    funding_case = advance(people, new_case(people, campaign), "funding")
    first = tranches(campaign)[0]
    with pytest.raises(ServiceError) as refused:
        funding.tranche_release(actor=finance, case_id=funding_case.pk, tranche_id=first.pk)
    assert refused.value.code == ErrorCode.FIELD_LOCKED and "chưa hoàn tất phân bổ" in refused.value.message
    for garbage in ("x", "9" * 30, None, -3):
        with pytest.raises(ServiceError) as refused:
            funding.tranche_release(actor=finance, case_id=funding_case.pk, tranche_id=garbage)
        assert refused.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(ServiceError) as refused:
        funding.tranche_release(actor=people.actor(people.inspector), case_id=funding_case.pk, tranche_id=first.pk)
    assert refused.value.code == ErrorCode.PERMISSION_DENIED


def test_release_date_not_before_the_inspection(people, campaign, building):
    inspect(people, building, on=TODAY())
    with pytest.raises(ServiceError) as refused:
        funding.tranche_release(actor=people.actor(people.finance), case_id=building.pk,
                                tranche_id=tranches(campaign)[0].pk, released_on=TODAY() - dt.timedelta(days=1))
    assert "không được trước ngày kiểm tra đạt" in refused.value.errors["released_on"][0]


def test_cancelling_an_allocation_below_what_was_released_is_refused(people, campaign, building):
    finance = people.actor(people.finance)
    inspect(people, building)
    funding.tranche_release(actor=finance, case_id=building.pk, tranche_id=tranches(campaign)[0].pk)
    allocation = building.allocations.get()
    with pytest.raises(ServiceError) as refused:
        funding.allocation_cancel(actor=finance, allocation_id=allocation.pk, reason="Sai nguồn")
    assert "Đã giải ngân 30.000.000 đ cho hồ sơ" in refused.value.message


# ---------------------------------------------------------------------------- on the desk
def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_case_page_shows_money_and_the_forms_of_each_role(people, campaign, building):
    page = login(people.finance).get(reverse("desk:case", args=[building.pk])).content.decode()
    assert 'id="kinh-phi"' in page and "60.000.000 đ" in page and "đủ định mức" in page
    assert "chưa có kết quả kiểm tra giai đoạn “Khởi công” đạt" in page
    inspector_page = login(people.inspector).get(reverse("desk:case", args=[building.pk])).content.decode()
    assert reverse("money:inspect", args=[building.pk]) in inspector_page
    assert reverse("money:release", args=[building.pk]) not in inspector_page
    auditor_page = login(people.auditor).get(reverse("desk:case", args=[building.pk])).content.decode()
    assert 'id="kinh-phi"' in auditor_page and "<form" not in auditor_page.split('id="kinh-phi"')[1]


def test_inspection_and_release_through_the_desk(people, campaign, building):
    inspector = login(people.inspector)
    url = reverse("money:inspect", args=[building.pk])
    today = TODAY().strftime("%d/%m/%Y")
    response = inspector.post(url, {"stage": "start", "inspected_on": today, "result": "passed", "notes": "Tốt",
                                    "photos": photo_upload("no-gps.jpg", gps=False)})
    text = response.content.decode()
    assert response.status_code == 400 and "Ảnh “no-gps.jpg” không có vị trí GPS" in text and "Tốt</textarea>" in text
    assert text.count("Ảnh “no-gps.jpg” không có vị trí GPS") == 3  # the summary, the message, under the photo field
    response = inspector.post(url, {"stage": "start", "inspected_on": today, "result": "passed",
                                    "photos": [photo_upload("a.jpg"), photo_upload("b.jpg")]})
    assert response.status_code == 302 and Inspection.objects.get().photos.count() == 2
    finance = login(people.finance)
    first = tranches(campaign)[0]
    response = finance.post(reverse("money:release", args=[building.pk]),
                            {"tranche": first.pk, "released_on": today, "reference": "UNC 1"})
    assert response.status_code == 302
    again = finance.post(reverse("money:release", args=[building.pk]),
                         {"tranche": first.pk, "released_on": today, "reference": "UNC 1"})
    assert again.status_code == 400 and "không giải ngân lần hai" in again.content.decode()
    page = finance.get(reverse("desk:case", args=[building.pk])).content.decode()
    assert "Đã giải ngân" in page and "30.000.000 đ" in page and "giải ngân" in page
    assert Release.objects.count() == 1

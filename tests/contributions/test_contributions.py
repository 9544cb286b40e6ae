"""The Fatherland Front's contributions (issue 12): donors with a private contact, pledges, receipts of
cash, materials and workdays earmarked to a commune, a house or the general fund; each receipt numbered,
printed with a QR code that verifies on a public page; a donor's history; bad input refused by name."""
import io
from urllib.parse import urlparse

import pypdfium2
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pyzbar.pyzbar import decode

from housing_campaign.contributions import selectors, services
from housing_campaign.contributions.models import Contribution, Donor, Pledge
from housing_campaign.contributions.tokens import receipt_token
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.funding.models import FundingPool, PoolEntry
from housing_campaign.printing.services import issued_document_pdf
from tests.conftest import FAR, HOME, OTHER, PASSWORD, advance, make_user, new_case, new_receipt, unit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def front(people):
    return people.actor(people.front)


def donor(people, **data):
    return services.donor_create(actor=front(people), data={
        "kind": "business", "name": "Công ty Thủy điện Thượng Kon Tum", "contact": "0260 3 999 888 – bà Hạnh", **data})


def receive(people, campaign, **data):
    return services.contribution_receive(actor=front(people), data={"received_on": TODAY(), "campaign": campaign.pk,
                                                                    **data})


def test_cash_for_a_commune_goes_into_its_front_pool_with_a_numbered_receipt(people, campaign):
    giver = donor(people)
    first = receive(people, campaign, donor=giver.pk, kind="cash", amount="50.000.000", earmark="commune",
                    commune=unit(HOME).pk)
    second = receive(people, campaign, donor=giver.pk, kind="cash", amount=5_000_000, earmark="general")
    assert (first.number_text, second.number_text) == ("01/BN-MTTQ", "02/BN-MTTQ")
    pool = first.pool_entry.pool
    assert (pool.source, pool.unit, pool.received, pool.allocated) == ("fatherland_front", unit(HOME), 50_000_000, 0)
    assert second.pool_entry.pool.unit == unit("62")  # general money stays with the receiving committee
    assert first.document.context["contribution"]["received_amount"] == 50_000_000
    assert len(first.public_code) == 10 and first.allocation is None


def test_materials_for_a_house_are_allocated_to_it_on_top_of_the_state_support(people, campaign):
    case = advance(people, new_case(people, campaign), "funding")
    receipt = receive(people, campaign, donor=donor(people).pk, kind="materials", item="Xi măng PCB40",
                      quantity="200", unit="bao", amount="18.000.000", earmark="case", case=case.code.lower())
    assert receipt.earmarked_case == case and receipt.allocation.portion == "community"
    assert receipt.allocation.source == "materials" and receipt.allocation.amount == 18_000_000
    pool = receipt.pool_entry.pool
    assert (pool.received, pool.allocated) == (18_000_000, 18_000_000)
    assert PoolEntry.objects.filter(pool=pool).count() == 2


def test_workdays_are_valued_by_the_day(people, campaign):
    receipt = receive(people, campaign, donor=donor(people, kind="organisation", name="Đoàn Thanh niên huyện").pk,
                      kind="workdays", quantity="45,5", value_per_day="250.000", earmark="commune",
                      commune=unit(HOME).pk)
    assert receipt.received_amount == 11_375_000 and receipt.unit == "ngày công"
    assert receipt.pool_entry.pool.source == "workdays"


def test_the_households_own_share_is_its_own(people, campaign):
    case = advance(people, new_case(people, campaign), "funding")
    own = donor(people, kind="household", name=case.household.head_name, contact="")
    receipt = receive(people, campaign, donor=own.pk, kind="cash", amount="10.000.000", earmark="case",
                      case=case.code, own_share="on")
    assert receipt.allocation.portion == "household" and receipt.pool_entry.pool.source == "household"
    with pytest.raises(ServiceError) as refused:
        receive(people, campaign, donor=own.pk, kind="cash", amount="1", earmark="general", own_share="on")
    assert "own_share" in refused.value.errors


@pytest.mark.parametrize("data, field, message", [
    ({"kind": "materials", "item": "Tôn", "quantity": "50", "unit": "tấm"}, "amount",
     "Đóng góp bằng vật liệu phải có giá trị quy ra tiền (đồng) để ghi sổ và công khai."),
    ({"kind": "materials", "item": "Tôn", "quantity": "0", "unit": "tấm", "amount": "5.000.000"}, "quantity",
     "Số lượng vật liệu phải lớn hơn 0."),
    ({"kind": "materials", "quantity": "5", "unit": "tấm", "amount": "5.000.000"}, "item", "Chưa nhập tên vật liệu."),
    ({"kind": "workdays", "quantity": "10"}, "value_per_day",
     "Đóng góp bằng ngày công phải có giá trị một ngày công (đồng) để ghi sổ và công khai."),
    ({"kind": "cash", "amount": "-200.000"}, "amount",
     "Số tiền phải lớn hơn 0 đồng, không được âm (đang nhập “-200.000”)."),
    ({"kind": "cash", "amount": "0"}, "amount", "Số tiền phải lớn hơn 0 đồng."),
    ({"kind": "gold", "amount": "1"}, "kind", "Chưa chọn hình thức (tiền mặt, vật liệu, ngày công)."),
    ({"kind": "cash", "amount": "1", "description": "x" * 301}, "description",
     "Nội dung dài tối đa 300 ký tự (đang có 301)."),
    ({"kind": "cash", "amount": "1", "earmark": "case", "case": "KT2425-999999"}, "case",
     "Không tìm thấy hồ sơ “KT2425-999999” trong địa bàn bạn phụ trách."),
    ({"kind": "cash", "amount": "1", "earmark": "commune", "commune": "abc"}, "commune", "Chưa chọn xã được chỉ định."),
    ({"kind": "cash", "amount": "1", "received_on": "31/12/9999"}, "received_on",
     "Ngày nhận không được sau ngày hôm nay."),
])
def test_bad_receipts_are_refused_by_name_and_write_nothing(people, campaign, data, field, message):
    giver = donor(people)
    with pytest.raises(ServiceError) as refused:
        receive(people, campaign, donor=giver.pk, **data)
    assert message in refused.value.errors[field]
    assert not Contribution.objects.exists() and not PoolEntry.objects.exists() and not FundingPool.objects.exists()


def test_a_receipt_for_another_territory_is_refused(people, campaign):
    district_front = make_user("mttq_610", "fatherland_front", "610")
    actor = people.actor(district_front)
    giver = services.donor_create(actor=actor, data={"kind": "individual", "name": "Bà Trần Thị Thu"})
    far_case = advance(people, new_case(people, campaign, commune_code=HOME), "funding")
    from housing_campaign.cases.models import HousingCase

    HousingCase.objects.filter(pk=far_case.pk).update(unit_path=unit(FAR).path, commune=unit(FAR),
                                                      unit_2025_path=unit(FAR).successor.path)
    for data, field in (({"earmark": "commune", "commune": unit(FAR).pk}, "commune"),
                        ({"earmark": "case", "case": far_case.code}, "case")):
        with pytest.raises(ServiceError) as refused:
            services.contribution_receive(actor=actor, data={"donor": giver.pk, "kind": "cash", "amount": "1.000.000",
                                                             "received_on": TODAY(), **data})
        assert field in refused.value.errors
        assert "ngoài địa bàn" in refused.value.errors[field][0] or "Không tìm thấy" in refused.value.errors[field][0]
    assert not Contribution.objects.exists()


def test_only_the_front_records_and_a_house_must_be_approved(people, campaign):
    giver = donor(people)
    for user in (people.finance, people.officer, people.auditor):
        with pytest.raises(ServiceError) as refused:
            services.contribution_receive(actor=people.actor(user), data={"donor": giver.pk, "kind": "cash",
                                                                          "amount": "1", "received_on": TODAY()})
        assert refused.value.code == ErrorCode.PERMISSION_DENIED
    surveyed = new_case(people, campaign)
    with pytest.raises(ServiceError) as refused:
        receive(people, campaign, donor=giver.pk, kind="cash", amount="1.000.000", earmark="case", case=surveyed.code)
    assert "hãy ghi nhận cho xã rồi phân bổ sau" in refused.value.errors["case"][0]


def test_pledges_and_a_donors_history(people, campaign):
    giver = donor(people)
    actor = front(people)
    pledge = services.pledge_create(actor=actor, data={"donor": giver.pk, "kind": "cash", "amount": "100.000.000",
                                                       "pledged_on": TODAY(), "earmark": "commune",
                                                       "commune": unit(HOME).pk, "campaign": campaign.pk})
    receive(people, campaign, donor=giver.pk, pledge=pledge.pk, kind="cash", amount="60.000.000", earmark="commune",
            commune=unit(HOME).pk)
    receive(people, campaign, donor=giver.pk, kind="materials", item="Thép", quantity="2", unit="tấn",
            amount="30.000.000", earmark="general")
    history = selectors.donor_history(actor=actor, donor=giver)
    assert (history.pledged, history.received, history.outstanding) == (100_000_000, 90_000_000, 40_000_000)
    assert history.by_kind == {"cash": 60_000_000, "materials": 30_000_000}
    totals = selectors.donor_totals(donor_ids=[giver.pk], campaign_id=campaign.pk)[giver.pk]
    assert (totals["pledged"], totals["received"]) == (100_000_000, 90_000_000)
    with pytest.raises(ServiceError) as refused:
        services.pledge_create(actor=actor, data={"donor": giver.pk, "kind": "cash", "amount": "0",
                                                  "pledged_on": TODAY(), "campaign": campaign.pk})
    assert refused.value.errors["amount"] == ["Giá trị cam kết phải lớn hơn 0 đồng."]
    other = services.donor_create(actor=actor, data={"kind": "individual", "name": "Ông Nguyễn Văn Minh"})
    with pytest.raises(ServiceError) as refused:
        receive(people, campaign, donor=other.pk, pledge=pledge.pk, kind="cash", amount="1")
    assert refused.value.errors["pledge"] == ["Cam kết đã chọn không phải của người ủng hộ này."]
    assert Pledge.objects.count() == 1


def test_donor_needs_a_kind_and_a_name(people):
    with pytest.raises(ServiceError) as refused:
        services.donor_create(actor=front(people), data={"kind": "alien", "name": " ", "contact": "x" * 301})
    assert set(refused.value.errors) == {"kind", "name", "contact"}
    assert not Donor.objects.exists()


# ---------------------------------------------------------------------------- the printed receipt and its QR
def qr_from_pdf(data: bytes) -> str:
    page = pypdfium2.PdfDocument(io.BytesIO(data))[0].render(scale=2).to_pil()
    found = decode(page)
    assert found, "no QR code found on the rendered receipt"
    return found[0].data.decode()


def test_the_receipt_prints_with_a_qr_code_that_verifies(people, campaign, settings):
    from tests.printing.test_print_formats import pdf_text

    receipt = new_receipt(people, campaign, kind="materials", item="Xi măng PCB40", quantity="200", unit="bao",
                          amount="18.500.000", donor_name="Bà Trần Thị Thu", donor_kind="individual",
                          earmark="commune", commune=unit(HOME).pk)
    pdf = issued_document_pdf(receipt.document)
    text = " ".join(pdf_text(pdf).split())
    for expected in ("BIÊN NHẬN", "Số: 01/BN-MTTQ", "Bà Trần Thị Thu", "Xi măng PCB40, 200 bao",
                     "18.500.000 đ (Mười tám triệu năm trăm nghìn đồng)",
                     "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM TỈNH QUẢNG NGÃI BAN THƯỜNG TRỰC"):
        assert expected in text, expected
    url = qr_from_pdf(pdf)
    assert url == f"{settings.SITE_BASE_URL}/bien-nhan/{receipt.public_code}?t={receipt_token(receipt.public_code)}"
    parsed = urlparse(url)
    response = Client().get(f"{parsed.path}?{parsed.query}")
    page = response.content.decode()
    assert response.status_code == 200 and "Biên nhận hợp lệ" in page and "01/BN-MTTQ" in page
    assert "Bà T*** T*** T***" in page and "Bà Trần Thị Thu" not in page  # a person by initials
    assert "0260 3862 123" not in page and "18.500.000 đ" in page
    altered = Client().get(f"{parsed.path}?t={receipt_token(receipt.public_code)[:-1]}x")
    assert altered.status_code == 404 and "Không xác thực được" in altered.content.decode()
    certificate_token = Client().get(f"/bien-nhan/{receipt.public_code}?t=" +
                                     __import__("housing_campaign.certificates.tokens", fromlist=["x"]).token_for(
                                         receipt.public_code))
    assert certificate_token.status_code == 404  # a certificate's signature never verifies a receipt


# ---------------------------------------------------------------------------- the desk
def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_front_records_a_pledge_and_materials_and_prints_on_the_desk(people, campaign):
    client = login(people.front)
    response = client.post(reverse("donations:donor_new"), {"kind": "business", "name": "Công ty CP Cao su Kon Tum",
                                                            "contact": "0260 3 777 666"})
    giver = Donor.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("donations:donor", args=[giver.pk])
    today = TODAY().strftime("%d/%m/%Y")
    response = client.post(reverse("donations:pledge_new"), {"donor": giver.pk, "kind": "materials",
                                                             "amount": "20.000.000", "pledged_on": today,
                                                             "earmark": "commune", "commune": unit(HOME).pk})
    assert response.status_code == 302 and Pledge.objects.count() == 1
    bad = client.post(reverse("donations:receipt_new"), {"donor": giver.pk, "kind": "materials", "item": "Tôn lạnh",
                                                         "quantity": "120", "unit": "tấm", "received_on": today,
                                                         "earmark": "commune", "commune": unit(HOME).pk})
    text = bad.content.decode()
    assert bad.status_code == 400 and "phải có giá trị quy ra tiền" in text and 'value="Tôn lạnh"' in text
    assert not Contribution.objects.exists()
    good = client.post(reverse("donations:receipt_new"), {"donor": giver.pk, "kind": "materials", "item": "Tôn lạnh",
                                                          "quantity": "120", "unit": "tấm", "amount": "14.400.000",
                                                          "received_on": today, "earmark": "commune",
                                                          "commune": unit(HOME).pk, "pledge": Pledge.objects.get().pk})
    receipt = Contribution.objects.get()
    assert good.status_code == 302 and good["Location"] == reverse("donations:receipt", args=[receipt.pk])
    pdf = client.get(reverse("donations:receipt_pdf", args=[receipt.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert receipt.public_code in qr_from_pdf(b"".join(pdf.streaming_content))
    history = client.get(reverse("donations:donor", args=[giver.pk])).content.decode()
    assert "14.400.000 đ" in history and "0260 3 777 666" in history and "01/BN-MTTQ" in history


def test_contacts_are_private_and_other_roles_only_read(people, campaign):
    receipt = new_receipt(people, campaign, earmark="commune", commune=unit(HOME).pk)
    officer = login(people.officer)
    page = officer.get(reverse("donations:donor", args=[receipt.donor_id])).content.decode()
    assert receipt.donor_name in page and "0260 3862 123" not in page
    assert officer.get(reverse("donations:receipt_new")).status_code == 403
    assert "0260 3862 123" in login(people.auditor).get(
        reverse("donations:donor", args=[receipt.donor_id])).content.decode()
    # An officer of another commune does not see it at all.
    assert login(people.officer_b).get(reverse("donations:receipt", args=[receipt.pk])).status_code == 404
    assert OTHER  # (imported for symmetry with the territory tests)


def test_the_front_allocates_general_money_later(people, campaign):
    receipt = new_receipt(people, campaign, amount=40_000_000, earmark="commune", commune=unit(HOME).pk)
    case = advance(people, new_case(people, campaign), "construction")
    client = login(people.front)
    pool = receipt.pool_entry.pool
    response = client.post(reverse("donations:allocate"), {"pool": pool.pk, "case": case.code, "amount": "45.000.000"})
    assert response.status_code == 400 and "chỉ còn 40.000.000 đ" in response.content.decode()
    response = client.post(reverse("donations:allocate"), {"pool": pool.pk, "case": "KT-NOPE", "amount": "1"})
    assert response.status_code == 400 and "Không tìm thấy hồ sơ “KT-NOPE”" in response.content.decode()
    response = client.post(reverse("donations:allocate"), {"pool": pool.pk, "case": case.code,
                                                           "amount": "15.000.000"})
    assert response.status_code == 302
    pool.refresh_from_db()
    assert (pool.allocated, pool.balance) == (15_000_000, 25_000_000)
    assert case.allocations.filter(portion="community", amount=15_000_000).exists()

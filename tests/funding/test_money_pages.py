"""The money pages on the desk (issue 12): every role reads its territory's pools and reconciliation;
bad input on every money form comes back as a clear Vietnamese message with what was typed, nothing
written, never a server error."""
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from housing_campaign.funding.models import Allocation, FundingPool, Inspection, PoolEntry, Release
from tests.conftest import PASSWORD, advance, new_case, state_pool, unit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate().strftime("%d/%m/%Y")
FUZZ = ["NaN", "Infinity", "1e400", "9" * 30, "-" + "9" * 30, "١٢", "x\x00y", "01/01/0001", "31/12/9999", "💥",
        "<script>alert(1)</script>", "x" * 5000]


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def written() -> tuple[int, ...]:
    return (FundingPool.objects.count(), PoolEntry.objects.count(), Allocation.objects.count(),
            Inspection.objects.count(), Release.objects.count())


def test_every_role_reads_the_money_of_its_territory(people, campaign):
    pool = state_pool(people, campaign)
    for user in (people.finance, people.officer, people.inspector, people.front, people.auditor, people.reviewer):
        client = login(user)
        for name in ("money:pools", "money:reconciliation", "donations:home", "donations:donors"):
            assert client.get(reverse(name)).status_code == 200, (user, name)
    assert "Tiết kiệm 5% chi thường xuyên" in login(people.finance).get(reverse("money:pools")).content.decode()
    assert login(people.finance).get(reverse("money:pool", args=[pool.pk])).status_code == 200
    # The province's pool is outside a commune officer's territory: not found, not forbidden.
    assert login(people.officer_b).get(reverse("money:pool", args=[pool.pk])).status_code == 404
    assert "Mở quỹ mới" not in login(people.auditor).get(reverse("money:pools")).content.decode()


def test_pool_forms_refuse_bad_input_by_name(people, campaign):
    client = login(people.finance)
    before = written()
    response = client.post(reverse("money:pool_create"), {"campaign": campaign.pk, "source": "",
                                                          "unit": unit("610").pk})
    assert response.status_code == 400 and "Chưa chọn nguồn kinh phí." in response.content.decode()
    far = unit("01")  # Hà Nội: not in the campaign
    response = client.post(reverse("money:pool_create"), {"campaign": campaign.pk, "source": "district",
                                                          "unit": far.pk})
    assert response.status_code == 400 and "không thuộc địa bàn của chương trình" in response.content.decode()
    assert written() == before
    pool = state_pool(people, campaign)
    response = client.post(reverse("money:pool_create"), {"campaign": campaign.pk, "source": "savings_5pct",
                                                          "unit": unit("62").pk})
    assert response.status_code == 400 and "Đã có quỹ Tiết kiệm 5% chi thường xuyên" in response.content.decode()
    before = written()
    response = client.post(reverse("money:pool_receive", args=[pool.pk]), {
        "amount": "-1.000.000", "received_on": TODAY, "origin": "budget", "reference": "R" * 61, "note": "Giao vốn"})
    text = response.content.decode()
    assert response.status_code == 400 and "không được âm" in text and "dài tối đa 60 ký tự" in text
    assert 'value="-1.000.000"' in text and 'value="Giao vốn"' in text
    assert written() == before
    assert client.post(reverse("money:pool_receive", args=[10**12]), {"amount": "1"}).status_code in (400, 404)
    officer = login(people.officer)
    response = officer.post(reverse("money:pool_receive", args=[pool.pk]), {
        "amount": "1.000.000", "received_on": TODAY, "origin": "budget", "reference": "01"})
    assert response.status_code in (400, 404) and written() == before


def test_allocation_form_fuzzed_never_fails_and_never_writes(people, campaign):
    pool = state_pool(people, campaign)
    case = advance(people, new_case(people, campaign), "funding")
    client = login(people.finance)
    url = reverse("money:allocate", args=[case.pk])
    good = {"pool": pool.pk, "amount": "1.000.000", "decision_number": "01/QĐ", "decision_date": TODAY, "note": "x"}
    before = written()
    for field in good:
        for value in FUZZ:
            response = client.post(url, {**good, field: value})
            assert response.status_code in (302, 400), (field, value, response.status_code)
            if response.status_code == 302:  # only free text accepts anything (and a note of 5000 is refused)
                assert field in ("decision_number", "note") and len(value) <= 300, (field, value)
                PoolEntry.objects.filter(kind="allocation").delete()
                Allocation.objects.filter(case=case).delete()
                FundingPool.objects.filter(pk=pool.pk).update(allocated=0)
    assert written()[2] == before[2]
    response = client.post(url, {**good, "amount": "abc"})
    text = response.content.decode()
    assert "Số tiền phân bổ phải là số đồng, ví dụ 40.000.000" in text and 'value="abc"' in text
    assert "<script>alert(1)</script>" not in client.post(url, {**good, "note": "<script>alert(1)</script>" * 30}
                                                          ).content.decode()


def test_cancel_and_release_forms_refuse_by_name(people, campaign):
    case = advance(people, new_case(people, campaign), "construction")
    allocation = case.allocations.get()
    client = login(people.finance)
    response = client.post(reverse("money:allocation_cancel", args=[allocation.pk]), {"reason": ""})
    assert response.status_code == 400 and "Chưa nhập lý do hủy." in response.content.decode()
    assert client.post(reverse("money:allocation_cancel", args=[10**15]), {"reason": "x"}).status_code == 404
    tranche = campaign.tranches.order_by("order").first()
    response = client.post(reverse("money:release", args=[case.pk]), {"tranche": tranche.pk, "released_on": TODAY})
    assert response.status_code == 400 and "chưa có kết quả kiểm tra giai đoạn “Khởi công” đạt" in \
        response.content.decode()
    for garbage in ("", "abc", "9" * 40, "-1"):
        response = client.post(reverse("money:release", args=[case.pk]), {"tranche": garbage, "released_on": TODAY})
        assert response.status_code == 400 and "Không tìm thấy đợt giải ngân" in response.content.decode()
    assert not Release.objects.exists() and case.allocations.get().cancelled_at is None

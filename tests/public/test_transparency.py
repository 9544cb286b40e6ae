"""The public money page of a territory (issue 12): /cong-khai/<unit code>/ with a legacy or a 2025 code,
no login, money received by source, contributions by kind, allocated and released per house with the
household only as PRODUCT.md allows; sums for a district and a province; flat query count; a change
shows at once."""
import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from housing_campaign.funding import services as funding
from tests.conftest import HOME, OTHER, advance, new_case, new_receipt, state_pool, unit
from tests.funding.helpers import photo_upload

pytestmark = pytest.mark.django_db


def advance_other(people, case, until):
    """``advance`` walks a home-commune case; the other commune has its own officer and chairman."""
    officer, chairman = people.officer, people.chairman
    people.officer, people.chairman = people.officer_b, people.chairman_b
    try:
        return advance(people, case, until)
    finally:
        people.officer, people.chairman = officer, chairman


@pytest.fixture
def money(people, campaign):
    today = timezone.localdate()
    built = advance(people, new_case(people, campaign), "construction")
    funding.inspection_record(actor=people.actor(people.inspector), case_id=built.pk, stage="start",
                              inspected_on=today, result="passed", photos=[photo_upload()])
    funding.tranche_release(actor=people.actor(people.finance), case_id=built.pk,
                            tranche_id=campaign.tranches.order_by("order").first().pk)
    waiting = advance(people, new_case(people, campaign), "construction")
    neighbour = advance_other(people, new_case(people, campaign, commune_code=OTHER), "construction")
    cash = new_receipt(people, campaign, amount=50_000_000, earmark="commune", commune=unit(HOME).pk,
                       donor_name="Bà Trần Thị Thu", donor_kind="individual")
    new_receipt(people, campaign, kind="materials", item="Xi măng", quantity="100", unit="bao", amount=9_000_000,
                earmark="case", case=waiting.code)
    new_receipt(people, campaign, kind="workdays", quantity="20", value_per_day="200.000", amount=None,
                earmark="commune", commune=unit(HOME).pk)
    return {"built": built, "waiting": waiting, "neighbour": neighbour, "cash": cash}


def page(path) -> tuple[int, str]:
    response = Client().get(path)
    return response.status_code, response.content.decode()


def test_the_communes_page_shows_the_money_and_nothing_personal(money):
    status, text = page(f"/cong-khai/{HOME}/")
    assert status == 200 and "Công khai: Xã Đăk Blô" in text and 'name="robots" content="noindex"' in text
    assert "Đã nhận vào các quỹ của địa bàn" in text and "Mặt trận Tổ quốc, Quỹ Vì người nghèo" in text
    for figure in ("50.000.000 đ", "9.000.000 đ", "4.000.000 đ", "30.000.000 đ"):  # cash, goods, workdays, released
        assert figure in text, figure
    assert "Tiền mặt" in text and "Vật liệu" in text and "Ngày công" in text
    for case in (money["built"], money["waiting"]):
        household = case.household
        from housing_campaign.core.formatting import mask_name

        assert mask_name(household.head_name) in text and household.head_name not in text
        assert household.national_id not in text and case.code not in text
        assert "Thôn Đăk Xế" in text
    houses = text.split('id="h-houses"', 1)[1]  # the money section (the postings' lists come before it)
    assert houses.count("<tr><td><b>") == 2  # Đăk Blô's two houses; Đăk Man's house is not on its page
    assert "0260 3862 123" not in text and "Bà Trần Thị Thu" not in text  # no donors' names or contacts
    assert "Xơ Đăng" not in text  # no ethnicity
    assert len(text) < 40_000


def test_legacy_and_2025_codes_and_sums_above_the_commune(money):
    status, text = page(f"/cong-khai/{HOME}/?he=2025")
    assert status == 200 and "Công khai: Xã Đăk Plô" in text and "Xã Đăk Blô" in text  # its predecessors
    from housing_campaign.core.formatting import mask_name

    for case in (money["built"], money["waiting"], money["neighbour"]):
        assert mask_name(case.household.head_name) in text
    status, district = page("/cong-khai/610/")
    assert status == 200 and "Huyện Đắk Glei" in district and "Theo địa bàn" in district
    assert "Xã Đăk Blô" in district and "Xã Đăk Man" in district and "Từng nhà" not in district
    status, province = page("/cong-khai/62/")
    assert status == 200 and "Huyện Đắk Glei" in province and "180.000.000 đ" in province  # 3 houses × 60
    status, new_province = page("/cong-khai/51/?he=2025")
    assert status == 200 and "Tỉnh Quảng Ngãi" in new_province and "Xã Đăk Plô" in new_province


def test_unknown_or_garbage_codes_are_a_plain_404(money):
    for code in ("99999", "abc", "%3Cscript%3E", "1" * 40):
        status, text = page(f"/cong-khai/{code}/")
        assert status == 404 and "Không tìm thấy địa bàn" in text and "<script>" not in text


def test_query_count_is_flat_and_a_change_shows_at_once(people, campaign, money):
    from django.core.cache import cache

    def queries(path) -> tuple[int, str]:
        """Statements a request runs (counted at the connection: Django clears its query log when a
        request starts, so CaptureQueriesContext would undercount)."""
        count = []

        def counter(execute, sql, params, many, context):
            count.append(sql)
            return execute(sql, params, many, context)
        with connection.execute_wrapper(counter):
            response = Client().get(path)
        assert response.status_code == 200
        return len(count), response.content.decode()

    cache.clear()
    few, _ = queries(f"/cong-khai/{HOME}/")
    for _ in range(4):
        advance(people, new_case(people, campaign), "construction")
    cache.clear()
    many, text = queries(f"/cong-khai/{HOME}/")
    assert few == many and 8 <= few <= 16, (few, many)
    cached, _ = queries(f"/cong-khai/{HOME}/")
    assert cached <= 3
    print(f"\npublic commune page: {few} queries with 2 houses, {many} with 6, {cached} when cached")
    before = text.count("60.000.000 đ")
    waiting = money["waiting"]
    funding.inspection_record(actor=people.actor(people.inspector), case_id=waiting.pk, stage="start",
                              inspected_on=timezone.localdate(), result="passed", photos=[photo_upload()])
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):  # as after a real commit: the money version moves on
        funding.tranche_release(actor=people.actor(people.finance), case_id=waiting.pk,
                                tranche_id=campaign.tranches.order_by("order").first().pk)
    _, after = page(f"/cong-khai/{HOME}/")
    assert "Đã giải ngân<b>60.000.000 đ</b>" in after.replace("\n", "") and after != text
    assert before >= 1


def test_loans_are_recorded_apart_from_support(people, campaign, money):
    loan_pool = state_pool(people, campaign, source="vbsp_loan")
    funding.allocation_create(actor=people.actor(people.finance), case_id=money["waiting"].pk, pool_id=loan_pool.pk,
                              amount=40_000_000)
    _, text = page(f"/cong-khai/{HOME}/")
    assert "hộ vay vốn Ngân hàng Chính sách xã hội: 40.000.000 đ (vốn vay, không phải hỗ trợ)" in text


def test_the_parts_add_up_to_the_whole(money):
    from housing_campaign.funding import selectors

    for code in ("610", "62"):
        whole = selectors.money_figures(unit=unit(code))
        parts = selectors.money_by_child(unit(code), selectors.child_units(unit(code))).values()
        assert sum(p["houses"] for p in parts) == whole.houses_allocated
        assert sum(p["allocated"] for p in parts) == whole.allocated
        assert sum(p["released"] for p in parts) == whole.released
        assert sum(p["state"] for p in parts) == whole.state_allocated



def test_public_pages_are_kept_by_proxies_one_copy_per_language_cookie(money):
    """Public pages may be cached by shared proxies; the language is a cookie, so the answer varies by it."""
    for path in (f"/cong-khai/{HOME}/", "/cong-khai/"):
        response = Client().get(path)
        assert "public" in response["Cache-Control"] and "Cookie" in response["Vary"], path


def test_a_communes_pages_are_vietnamese_whatever_the_switch(money):
    """The residents' pages are notices: with the English switch on, every word is still Vietnamese (the labels
    of funding sources, kinds of contribution and support types included)."""
    english = Client()
    english.cookies["django_language"] = "en"
    for path in (f"/cong-khai/{HOME}/", "/cong-khai/"):
        response = english.get(path)
        text = response.content.decode()
        assert response.status_code == 200 and response["Content-Language"] == "vi", path
        for word in ("Provincial budget", "In kind", "New build", "Cash", "Workdays"):
            assert word not in text, (path, word)
    assert "Tiền mặt" in english.get(f"/cong-khai/{HOME}/").content.decode()

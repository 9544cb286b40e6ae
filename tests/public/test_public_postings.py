"""Public postings (issue 13): the communes list /cong-khai/, the postings on a commune's page (open ones and
those of the last twelve months, with their lists: masked names only), the criteria in plain words, the
commune's contact, the printable list; legacy and 2025 codes; flat query counts; the cache follows postings."""
import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from housing_campaign.core.formatting import format_vnd, mask_name
from housing_campaign.postings.models import CommuneContact, Posting
from tests.conftest import HOME, advance, new_case, post_list, unit
from tests.public.conftest import FULL_NAME, NATIONAL_ID

pytestmark = pytest.mark.django_db


def get(path):
    response = Client().get(path)
    return response, response.content.decode()


def test_communes_list_groups_by_district_with_both_names_and_open_postings(listed):
    response, text = get("/cong-khai/")
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"
    home = unit(HOME)
    assert "Huyện Đắk Glei" in text and home.name in text and home.successor.name in text
    assert f'href="/cong-khai/{HOME}/?he=cu"' in text and f'href="/cong-khai/{home.successor.code}/?he=2025"' in text
    assert "1 đang niêm yết" in text
    assert len(response.content) < 30_000, len(response.content)
    assert FULL_NAME not in text


@pytest.mark.parametrize("query", ["dak blo", "Đăk Blô", "DAK  BLÔ", "đắk blô"])
def test_communes_search_folds_diacritics_without_javascript(reference_data, campaign, query):
    response, text = get(f"/cong-khai/?q={query}")
    assert response.status_code == 200 and "Xã Đăk Blô" in text
    assert "Xã Đăk Man" not in text  # another commune of the district is filtered out


def test_communes_list_query_count_is_fixed(reference_data, campaign):
    from django.core.cache import cache

    with CaptureQueriesContext(connection) as queries:
        assert Client().get("/cong-khai/").status_code == 200
    assert len(queries) <= 5, [q["sql"][:80] for q in queries]
    cache.clear()
    with CaptureQueriesContext(connection) as again:
        Client().get("/cong-khai/?q=zzz")
    assert len(again) == len(queries)


def test_commune_page_shows_the_open_posting_with_masked_names_only(listed, people):
    posting, case = listed["posting"], listed["case"]
    response, text = get(f"/cong-khai/{HOME}/")
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"
    assert 'name="robots" content="noindex"' in text
    assert "Danh sách đang niêm yết" in text and posting.code in text
    assert mask_name(FULL_NAME) in text and FULL_NAME not in text and NATIONAL_ID not in text
    assert posting.starts_on.strftime("%d/%m/%Y") in text and posting.ends_on.strftime("%d/%m/%Y") in text
    assert "Nhà văn hóa thôn Đăk Xế" in text and "Toàn xã" in text
    entry = posting.entries.get(case=case)
    assert format_vnd(entry.amount) in text and "Thôn Đăk Xế" in text
    assert f"niem-yet/{posting.code}/?he=cu" in text
    assert f"phan-anh/?he=cu&amp;niem-yet={posting.code}&amp;ho={entry.number}" in text
    # criteria in plain words from the campaign's own thresholds
    assert "Tiêu chí được hỗ trợ" in text and "Hộ nghèo" in text and "nền móng, khung tường, mái" in text
    assert "dưới 30 m²" in text or "dưới 30 m²" in text.replace("\xa0", " ")
    # no contact entered: the plain sentence
    assert "Xin liên hệ trực tiếp Ủy ban nhân dân xã" in text


def test_commune_contact_shown_when_entered(listed):
    CommuneContact.objects.create(unit=unit(HOME), office="Bộ phận một cửa UBND xã Đăk Blô",
                                  address="Thôn Đăk Xế, xã Đăk Blô", phone="0260 3 123 456", hours="Sáng thứ Hai–Sáu")
    response, text = get(f"/cong-khai/{HOME}/")
    assert "Bộ phận một cửa UBND xã Đăk Blô" in text and 'href="tel:02603123456"' in text
    assert "Sáng thứ Hai–Sáu" in text


def test_2025_page_shows_the_predecessors_postings(listed):
    successor = unit(HOME).successor
    response, text = get(f"/cong-khai/{successor.code}/?he=2025")
    assert response.status_code == 200 and listed["posting"].code in text
    assert "niem-yet/" in text and "he=2025" in text


def test_past_postings_are_collapsed_and_cancelled_ones_hidden(listed, people):
    from housing_campaign.postings.services import posting_cancel

    past = advance(people, new_case(people, listed["case"].campaign), "village_posting")
    ended = post_list(people, [past], starts_days_ago=20, days=7)
    response, text = get(f"/cong-khai/{HOME}/")
    assert "Đã niêm yết trong 12 tháng qua" in text and "<details" in text and ended.code in text
    posting_cancel(actor=people.actor(people.officer), posting_id=listed["posting"].pk, reason="Dán nhầm danh sách")
    response, text = get(f"/cong-khai/{HOME}/")  # the cache key follows the postings: shown at once
    assert listed["posting"].code not in text and "Hiện không có danh sách nào đang niêm yết" in text
    assert Client().get(f"/cong-khai/{HOME}/niem-yet/{listed['posting'].code}/").status_code == 404


def test_a_new_posting_shows_at_once_despite_the_cache(listed, people):
    get(f"/cong-khai/{HOME}/")
    more = advance(people, new_case(people, listed["case"].campaign), "village_posting")
    newer = post_list(people, [more])
    response, text = get(f"/cong-khai/{HOME}/")
    assert newer.code in text


def test_printable_list(listed):
    posting = listed["posting"]
    response, text = get(f"/cong-khai/{HOME}/niem-yet/{posting.code}/")
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"
    assert "@media print" in text and "ỦY BAN NHÂN DÂN XÃ ĐĂK BLÔ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Nhà văn hóa thôn Đăk Xế" in text
    assert posting.starts_on.strftime("%d/%m/%Y") in text and "Tổng cộng: 2 hộ" in text
    assert mask_name(FULL_NAME) in text and FULL_NAME not in text and NATIONAL_ID not in text
    # another commune's page, an unknown code, a bad unit: the same plain 404
    assert Client().get(f"/cong-khai/23347/niem-yet/{posting.code}/").status_code == 404
    assert Client().get(f"/cong-khai/{HOME}/niem-yet/NY-0/").status_code == 404
    assert Client().get(f"/cong-khai/abc/niem-yet/{posting.code}/").status_code == 404
    assert Client().get(f"/cong-khai/{HOME}/niem-yet/{posting.code}/").status_code == 200


def test_commune_page_query_count_does_not_grow_with_postings(people, campaign):
    from django.core.cache import cache

    def count() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(f"/cong-khai/{HOME}/").status_code == 200
        return len(queries)

    first = advance(people, new_case(people, campaign), "village_posting")
    post_list(people, [first])
    one = count()
    for _ in range(3):
        cases = [advance(people, new_case(people, campaign), "village_posting") for _ in range(3)]
        post_list(people, cases)
    post_list(people, [advance(people, new_case(people, campaign), "village_posting")], starts_days_ago=30)
    assert Posting.objects.count() >= 5
    assert count() == one
    with CaptureQueriesContext(connection) as queries:
        Client().get(f"/cong-khai/{HOME}/niem-yet/{Posting.objects.first().code}/")
    assert len(queries) <= 6


def test_certificate_page_links_to_the_commune_page(people, campaign):
    from housing_campaign.certificates.services import token_for

    case = advance(people, new_case(people, campaign), "posting")
    certificate = case.certificates.get(status="valid")
    response = Client().get(f"/verify/{certificate.code}?t={token_for(certificate.code)}")
    assert response.status_code == 200 and f'href="/cong-khai/{HOME}/?he=cu"' in response.content.decode()


def test_unknown_commune_and_postings_over_a_year_old(listed):
    assert Client().get("/cong-khai/99999/").status_code == 404
    Posting.objects.filter(pk=listed["posting"].pk).update(
        starts_on=timezone.localdate() - dt.timedelta(days=400), ends_on=timezone.localdate() - dt.timedelta(days=395))
    response, text = get(f"/cong-khai/{HOME}/")
    assert listed["posting"].code not in text


def test_a_district_has_no_feedback_form_and_no_postings_block(reference_data, campaign):
    assert Client().get("/cong-khai/610/phan-anh/").status_code == 404
    assert Client().get("/cong-khai/abc/phan-anh/").status_code == 404
    response, text = get("/cong-khai/610/")
    assert response.status_code == 200 and "Danh sách đang niêm yết" not in text

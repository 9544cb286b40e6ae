"""The public honour roll /vinh-danh/<campaign code>/ (issue 15): decided awards only, names, units, award and
decision; nothing else personal; cached; a fixed number of queries; 404 for an unknown campaign."""
import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from housing_campaign.commendations import services as s
from tests.commendations.helpers import nominate, participant, to_council_decision

pytestmark = pytest.mark.django_db


def _decide(people, nominations, day=dt.date(2025, 6, 30)):
    return s.nomination_decide(actor=people.actor(people.office), nomination_ids=[n.pk for n in nominations],
                               signer_name="Nguyễn Văn Hòa", decided_on=day)


def test_only_decided_awards_with_names_units_and_decisions(people, campaign):
    official = participant(campaign, kind="official", name="Nguyễn Văn Minh", code="62",
                           position="Phó Giám đốc", workplace="Sở Xây dựng tỉnh Kon Tum")
    decided = to_council_decision(people, nominate(people, campaign, official,
                                                   achievement="Tham mưu bí mật 0912345678"))
    document = _decide(people, [decided])
    pending = nominate(people, campaign, participant(campaign, kind="business", name="Công ty Chưa Xét"))
    page = Client().get(reverse("public:honour_roll", args=[campaign.code]))
    text = page.content.decode()
    assert page.status_code == 200 and "Nguyễn Văn Minh" in text and "Sở Xây dựng tỉnh Kon Tum" in text
    assert document.number in text and "30/06/2025" in text and "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh" in text
    assert pending.nominee_name not in text
    for private in ("0912345678", "Tham mưu", "Phó Giám đốc", "Sở Nội vụ", decided.code, "Nguyễn Văn Hòa"):
        assert private not in text, private
    assert page["Cache-Control"].startswith("public")


def test_unknown_campaign_is_404():
    response = Client().get(reverse("public:honour_roll", args=["khong-co"]))
    assert response.status_code == 404 and "Không tìm thấy chương trình" in response.content.decode()
    assert Client().get("/vinh-danh/" + "x" * 500 + "/").status_code == 404


def test_fixed_queries_and_cache(people, campaign, django_assert_max_num_queries):
    url = reverse("public:honour_roll", args=[campaign.code])
    first = [to_council_decision(people, nominate(people, campaign, participant(
        campaign, kind="business", name=f"Công ty {i}"))) for i in range(2)]
    _decide(people, first)
    cache.clear()
    with django_assert_max_num_queries(4) as cold:
        Client().get(url)
    with django_assert_max_num_queries(2):  # the campaign and the version: the rows come from the cache
        Client().get(url)
    more = [to_council_decision(people, nominate(people, campaign, participant(
        campaign, kind="person", name=f"Ông {i}"))) for i in range(6)]
    _decide(people, more)
    with django_assert_max_num_queries(len(cold.captured_queries)):
        text = Client().get(url).content.decode()  # a new decision shows at once (the version changed)
    assert all(f"Ông {i}" in text for i in range(6))

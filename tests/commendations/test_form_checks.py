"""The nomination's desk forms: an action or a vote sent without the state the page showed is refused as a stale
page (never applied unchecked); a too long achievement is refused with its real length."""
import pytest
from django.test import Client
from django.urls import reverse

from housing_campaign.commendations.models import Nomination
from tests.commendations.helpers import act, award, nominate, participant

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("sent", [{"expected_state": ""}, {}, {"expected_state": "   "}])
def test_an_action_without_the_page_s_state_moves_nothing(people, campaign, sent):
    nomination = nominate(people, campaign)
    act(people, people.office, nomination, "submit")
    office = client_for(people.office)
    response = office.post(reverse("desk:nomination_act", args=[nomination.pk]), {"action": "approve", **sent})
    assert response.status_code == 409
    assert "Hãy tải lại trang" in response.content.decode()
    assert Nomination.objects.get(pk=nomination.pk).state == "office_review"
    # The same action from the page (its state with it) is taken.
    assert office.post(reverse("desk:nomination_act", args=[nomination.pk]), {
        "action": "approve", "expected_state": "office_review"}).status_code == 302
    assert Nomination.objects.get(pk=nomination.pk).state != "office_review"


def test_a_vote_without_the_page_s_state_is_not_counted(people, campaign):
    nomination = nominate(people, campaign)
    act(people, people.office, nomination, "submit")
    act(people, people.office, nomination, "approve")
    nomination.refresh_from_db()
    assert nomination.state == "council_vote"
    member = client_for(people.council[0])
    url = reverse("desk:nomination_vote", args=[nomination.pk])
    response = member.post(url, {"vote": "for", "expected_state": ""})
    assert response.status_code == 409
    # Not counted: the member's vote from the page is their first one.
    assert member.post(url, {"vote": "for", "expected_state": "council_vote"}).status_code == 302


def test_a_too_long_achievement_is_refused_with_its_real_length(people, campaign):
    commune = participant(campaign, kind="business", name="Công ty Dài Dòng", code="62")
    text = "Thành tích rất dài. " * 10_000  # 200 000 characters
    response = client_for(people.office).post(reverse("desk:nomination_new"), {
        "campaign": campaign.pk, "participant": commune.pk, "award_form": award("bang_khen_chu_tich_tinh").pk,
        "achievement": text})
    page = response.content.decode()
    assert response.status_code == 400
    assert f"(đang có {len(text.strip())})" in page and "(đang có 4100)" not in page
    assert not Nomination.objects.exists()

"""The case's and the feedback's action forms always carry the state the page showed; a post without it (or
with it empty) is refused as a stale page (409, reload), nothing moved – never applied unchecked."""
import pytest
from django.test import Client
from django.urls import reverse

from housing_campaign.cases.models import HousingCase
from housing_campaign.feedback.models import Feedback
from tests.conftest import PASSWORD, new_case
from tests.feedback.helpers import submit

pytestmark = pytest.mark.django_db


def login(username) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.mark.parametrize("sent", [{}, {"expected_state": ""}])
def test_a_case_action_without_the_page_s_state_moves_nothing(people, campaign, sent):
    case = new_case(people, campaign)
    client = login("officer_a")
    response = client.post(reverse("desk:case_transition", args=[case.pk]), {"action": "submit", **sent})
    assert response.status_code == 409 and "Hãy tải lại trang" in response.content.decode()
    assert HousingCase.objects.get(pk=case.pk).state == "survey"
    assert client.post(reverse("desk:case_transition", args=[case.pk]),
                       {"action": "submit", "expected_state": "survey"}).status_code == 302
    assert HousingCase.objects.get(pk=case.pk).state != "survey"


@pytest.mark.parametrize("sent", [{}, {"expected_state": ""}])
def test_a_feedback_action_without_the_page_s_state_moves_nothing(people, campaign, sent):
    feedback = submit()
    client = Client()
    client.force_login(people.officer)
    response = client.post(reverse("feedback:act", args=[feedback.pk]), {
        "action": "mark_spam", "comment": "Quảng cáo", "lock_version": feedback.lock_version, **sent})
    assert response.status_code == 409 and "Hãy tải lại trang" in response.content.decode()
    assert Feedback.objects.get(pk=feedback.pk).state == "received"

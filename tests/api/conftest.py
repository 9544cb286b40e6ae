"""API test helpers: a token per user (created through the real service), clients that send it."""
from __future__ import annotations

import json

import pytest
from django.test import Client


class ApiClient:
    """A Django test client sending ``Authorization: Bearer <token>`` and JSON bodies."""

    def __init__(self, token: str | None):
        self.token = token
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}") if token else Client()

    def get(self, url, params=None):
        return self.client.get(url, params or {})

    def post(self, url, body=None, **kwargs):
        return self.client.post(url, json.dumps(body if body is not None else {}), content_type="application/json",
                                **kwargs)

    def patch(self, url, body=None):
        return self.client.patch(url, json.dumps(body if body is not None else {}), content_type="application/json")

    def multipart(self, url, data):
        return self.client.post(url, data)


def token_for(user, **kwargs) -> str:
    from housing_campaign.api.services import token_create

    return token_create(user=user, label="tests", **kwargs)[1]


@pytest.fixture
def api_as(people):
    """api_as(user, read_only=False) -> ApiClient with a fresh token of that user."""
    def make(user, **kwargs):
        return ApiClient(token_for(user, **kwargs))
    return make


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "field", "errors", "details"}, body
    return body["error"]


@pytest.fixture
def fast_pdf(monkeypatch):
    """Who may do what is checked here, not WeasyPrint: PDF rendering answers at once."""
    from housing_campaign.printing import services

    monkeypatch.setattr(services, "render_pdf", lambda **kwargs: b"%PDF-1.4\n%test\n")


class ApiWorld:
    """Records of the home commune in every kind the API reads, and one case of another commune."""

    def __init__(self, people, campaign):
        from django.utils import timezone

        from housing_campaign.commendations.models import AwardForm, Nomination
        from housing_campaign.workflow.engine import initial_workflow_fields
        from tests.conftest import HOME, OTHER, advance, new_case, new_receipt, post_list, unit
        from tests.test_permission_matrix import _feedback_probe

        self.survey = new_case(people, campaign)
        self.confirm = advance(people, new_case(people, campaign), "commune_confirmation")
        self.review = advance(people, new_case(people, campaign), "eligibility_review")
        self.funding = advance(people, new_case(people, campaign), "funding")
        self.building = advance(people, new_case(people, campaign), "construction")
        self.accepting = advance(people, new_case(people, campaign), "acceptance")
        self.handover = advance(people, new_case(people, campaign), "handover")
        self.done = advance(people, new_case(people, campaign), "posting")
        self.listed = advance(people, new_case(people, campaign), "village_posting")
        self.posting = post_list(people, [self.listed])
        self.other = new_case(people, campaign, commune_code=OTHER)
        self.feedback = _feedback_probe()
        self.receipt = new_receipt(people, campaign, amount=20_000_000, earmark="commune", commune=unit(HOME).pk)
        self.nomination = Nomination.objects.create(
            code="T-1", campaign=campaign, nominee_kind="collective", nominee_name="UBND xã Đăk Blô",
            award_form=AwardForm.objects.get(code="giay_khen"), achievement="Hoàn thành sớm",
            proposing_unit=unit(HOME), proposer_kind="commune", proposer_name="Ủy ban nhân dân xã Đăk Blô",
            unit_path=unit(HOME).path, unit_2025_path=unit(HOME).successor.path,
            **initial_workflow_fields("commendation"))
        self.nomination.cases.add(self.done)
        from tests.commendations.helpers import participant

        self.participant = participant(campaign)  # the home commune's People's Committee, not nominated yet
        self.home = unit(HOME)
        self.today = timezone.localdate()
        self.campaign = campaign


@pytest.fixture
def api_world(people, campaign, fast_pdf):
    return ApiWorld(people, campaign)

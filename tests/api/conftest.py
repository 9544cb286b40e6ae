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

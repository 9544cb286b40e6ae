"""Bad input gets the documented error shape and writes nothing; tokens (hashed, expiring, revocable, read-only),
the rate limit, the token command and the desk's “Khóa API” page."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from housing_campaign.api.models import ApiToken
from housing_campaign.core.models import DocumentEvent
from tests.api.conftest import ApiClient, error_of, token_for
from tests.conftest import PASSWORD, advance, new_case

pytestmark = pytest.mark.django_db


def _nothing_written(before: int) -> bool:
    return DocumentEvent.objects.count() == before


def test_bad_bodies_are_refused_in_one_shape(people, campaign, api_as):
    case = advance(people, new_case(people, campaign), "eligibility_review")
    api = api_as(people.reviewer)
    url = f"/api/v1/cases/{case.code}/actions/approve/"
    before = DocumentEvent.objects.count()
    malformed = api.client.post(url, '{"comment": "thiếu ngoặc"', content_type="application/json")
    assert malformed.status_code == 400 and error_of(malformed)["code"] == "malformed_request"
    wrong_type = api.post(url, {"comment": ["a", "b"]})
    assert wrong_type.status_code == 400
    assert error_of(wrong_type)["field"] == "comment" and error_of(wrong_type)["code"] == "validation"
    unknown = api.post(url, {"commnet": "gõ nhầm"})
    assert unknown.status_code == 400 and error_of(unknown)["field"] == "commnet"
    not_object = api.post(url, [1, 2])
    assert not_object.status_code == 400 and error_of(not_object)["code"] == "validation"
    huge = api.client.post(url, json.dumps({"comment": "x" * (10 * 1024 * 1024)}), content_type="application/json")
    assert huge.status_code == 413 and error_of(huge)["code"] == "payload_too_large"
    form = api.client.post(url, "comment=x", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415 and error_of(form)["code"] == "unsupported_media_type"
    assert api.client.put(url, "{}", content_type="application/json").status_code == 405
    stale = api.post(url, {"expected_state": "survey"})
    assert stale.status_code == 409
    assert error_of(stale)["code"] == "stale_state" and error_of(stale)["field"] == "expected_state"
    no_such = api.post(f"/api/v1/cases/{case.code}/actions/khong_co/", {})
    assert no_such.status_code == 409 and error_of(no_such)["code"] == "transition_not_allowed"
    # Handing over is never the reviewer's: a refused role hears 403, before anything about the state.
    not_theirs = api.post(f"/api/v1/cases/{case.code}/actions/hand_over/", {"expected_state": "survey"})
    assert not_theirs.status_code == 403 and error_of(not_theirs)["code"] == "permission_denied"
    assert api.get("/api/v1/cases/", {"page_size": "0"}).status_code == 400
    assert error_of(api.get("/api/v1/cases/", {"stage": "nope"}))["field"] == "stage"
    assert error_of(api.get("/api/v1/cases/", {"cursor": "forged"}))["field"] == "cursor"
    assert error_of(api.get("/api/v1/cases/", {"fields": "code,cccd"}))["field"] == "fields"
    assert error_of(api.get("/api/v1/cases/", {"updated_since": "hôm qua"}))["field"] == "updated_since"
    assert api.get("/api/v1/cases/KT%00x/").status_code == 404  # a NUL never reaches PostgreSQL
    assert api.get("/api/v1/cases/", {"state": "a\x00b", "q": "\x00"}).status_code == 200
    unknown_route = api.post("/api/v1/khong-co-dia-chi-nay/", {})
    assert unknown_route.status_code == 404 and error_of(unknown_route)["code"] == "not_found"
    assert _nothing_written(before)
    case.refresh_from_db()
    assert case.state == "eligibility_review"


def test_comment_required_names_the_field(people, campaign, api_as):
    case = advance(people, new_case(people, campaign), "eligibility_review")
    response = api_as(people.reviewer).post(f"/api/v1/cases/{case.code}/actions/return/", {})
    assert response.status_code == 400
    assert error_of(response)["code"] == "comment_required" and error_of(response)["field"] == "comment"


def test_create_case_like_the_survey_form(people, campaign, api_as):
    api = api_as(people.officer)
    today = timezone.localdate()
    body = {"household": {"head_name": "Y Hoa", "national_id": "062085999991", "category": "poor", "commune": "23344",
                          "is_ethnic_minority": True},
            "survey": {"strand": "phong_trao", "support_type": "new_build", "floor_area": "20.5", "persons": 4,
                       "foundation": "unstable", "frame_walls": "unstable", "roof": "unstable",
                       "surveyed_on": (today - dt.timedelta(days=1)).isoformat()}}
    response = api.post("/api/v1/cases/", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["state"] == "survey" and created["floor_area"] == "20.50" and created["support_amount"] > 0
    events = DocumentEvent.objects.filter(doctype="housing_case", kind="created")
    assert events.filter(actor=people.officer).count() == 1
    again = api.post("/api/v1/cases/", body)
    assert again.status_code == 400 and error_of(again)["field"] == "household.national_id"
    far = api.post("/api/v1/cases/", {**body, "household": {**body["household"], "commune": "23311",
                                                               "national_id": "062085999992"}})
    assert far.status_code == 400 and error_of(far)["field"] == "household.commune"
    reviewer = api_as(people.reviewer).post("/api/v1/cases/", {**body, "household": {
        **body["household"], "national_id": "062085999993"}})
    assert reviewer.status_code == 400  # only the survey's editing role opens a case, as on the desk


def test_tokens_hashed_expired_revoked(people, campaign):
    from housing_campaign.api.services import token_revoke

    raw = token_for(people.officer, read_only=False, days=5)
    row = ApiToken.objects.get(user=people.officer)
    assert raw.startswith(f"hc_{row.prefix}_") and raw not in row.secret_hash
    assert row.secret_hash == hashlib.sha256(raw.encode()).hexdigest()
    api = ApiClient(raw)
    assert api.get("/api/v1/cases/").status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None
    for header in ("Bearer", "Bearer a b", "Bearer hc_x", f"Bearer {raw}x", "Bearer hc_zzzzzzzzzz_abc"):
        response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/cases/")
        assert response.status_code == 401, header
        assert error_of(response)["code"] == "not_authenticated"
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = api.get("/api/v1/cases/")
    assert expired.status_code == 401 and "hết hạn" in error_of(expired)["message"]
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    token_revoke(user=people.officer, token_id=row.pk)
    revoked = api.get("/api/v1/cases/")
    assert revoked.status_code == 401 and error_of(revoked)["message"] == "Khóa API đã bị thu hồi."
    chairman = ApiClient(token_for(people.chairman))
    people.chairman.is_active = False
    people.chairman.save()
    blocked = chairman.get("/api/v1/cases/")
    assert blocked.status_code == 401 and error_of(blocked)["message"] == "Tài khoản của khóa API đã bị khóa."


def test_writes_are_attributed_to_the_tokens_user(people, campaign, api_as):
    case = advance(people, new_case(people, campaign), "eligibility_review")
    api_as(people.reviewer).post(f"/api/v1/cases/{case.code}/actions/approve/", {"comment": "Đủ điều kiện"})
    event = DocumentEvent.objects.filter(object_id=case.pk, kind="transition").latest("id")
    assert (event.actor_id, event.action, event.comment) == (people.reviewer.pk, "approve", "Đủ điều kiện")


def test_rate_limit_per_token(people, campaign, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    first, second = ApiClient(token_for(people.officer)), ApiClient(token_for(people.officer))
    assert [first.get("/api/v1/norms/").status_code for _ in range(3)] == [200, 200, 200]
    limited = first.get("/api/v1/norms/")
    assert limited.status_code == 429 and error_of(limited)["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert second.get("/api/v1/norms/").status_code == 200  # per token


def test_token_command_prints_the_token_alone(people):
    out = io.StringIO()
    call_command("api_token", "create", people.reviewer.username, "--read-only", "--label", "Sở", "--days", "7",
                 stdout=out)
    token = out.getvalue().strip()
    assert token.startswith("hc_") and "\n" not in token
    row = ApiToken.objects.get(user=people.reviewer)
    assert row.read_only and row.label == "Sở" and (row.expires_at - timezone.now()).days in (6, 7)
    assert ApiClient(token).get("/api/v1/cases/").status_code == 200
    with pytest.raises(Exception, match="Số ngày hiệu lực"):
        call_command("api_token", "create", people.reviewer.username, "--days", "0", stdout=io.StringIO())


def test_desk_page_shows_the_token_once_and_revokes(people):
    client = Client()
    assert client.login(username=people.officer.username, password=PASSWORD)
    page = client.get("/desk/khoa-api/")
    assert page.status_code == 200 and "Khóa API" in page.content.decode()
    created = client.post("/desk/khoa-api/", {"label": "Phần mềm của huyện", "days": "30"})
    raw = created.context["created"]["token"]
    assert raw in created.content.decode()
    assert raw not in client.get("/desk/khoa-api/").content.decode()  # shown once
    assert ApiClient(raw).get("/api/v1/cases/").status_code == 200
    refused = client.post("/desk/khoa-api/", {"label": "", "days": "999"})
    assert refused.status_code == 400 and ApiToken.objects.filter(user=people.officer).count() == 1
    row = ApiToken.objects.get(user=people.officer)
    other = Client()
    other.login(username=people.chairman.username, password=PASSWORD)
    other.post(f"/desk/khoa-api/{row.pk}/thu-hoi/")
    row.refresh_from_db()
    assert row.revoked_at is None  # another user cannot revoke it
    client.post(f"/desk/khoa-api/{row.pk}/thu-hoi/")
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert ApiClient(raw).get("/api/v1/cases/").status_code == 401


def test_session_writes_keep_the_csrf_check(people, campaign):
    case = advance(people, new_case(people, campaign), "eligibility_review")
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.reviewer)
    assert client.get("/api/v1/cases/").status_code == 200
    response = client.post(f"/api/v1/cases/{case.code}/actions/approve/", "{}", content_type="application/json")
    assert response.status_code == 403 and error_of(response)["code"] == "permission_denied"
    case.refresh_from_db()
    assert case.state == "eligibility_review"

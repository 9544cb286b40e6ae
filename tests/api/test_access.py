"""Who reads and writes what over the API: every endpoint as nobody, as each role, and across communes. Another
commune's record is a 404 by every route, in the one error shape."""
from __future__ import annotations

import pytest

from tests.api.conftest import ApiClient, error_of
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

ROLES = ("officer", "chairman", "reviewer", "finance", "inspector", "front", "admin", "auditor")


def _reads(world):
    return [
        "/api/v1/cases/", f"/api/v1/cases/{world.done.code}/", f"/api/v1/cases/{world.done.code}/events/",
        "/api/v1/households/", f"/api/v1/households/{world.done.household.code}/", "/api/v1/contributions/",
        f"/api/v1/contributions/{world.receipt.pk}/", "/api/v1/postings/", f"/api/v1/postings/{world.posting.code}/",
        "/api/v1/feedback/", f"/api/v1/feedback/{world.feedback.code}/",
        f"/api/v1/feedback/{world.feedback.code}/events/",
        "/api/v1/nominations/", f"/api/v1/nominations/{world.nomination.code}/",
        f"/api/v1/nominations/{world.nomination.code}/events/", "/api/v1/units/", f"/api/v1/units/{world.home.pk}/",
        "/api/v1/campaigns/", f"/api/v1/campaigns/{world.campaign.code}/", "/api/v1/norms/", "/api/v1/workflows/",
        "/api/v1/workflows/housing_case/",
    ]


def test_every_read_needs_credentials_and_answers_every_role(api_world, people, api_as):
    anonymous = ApiClient(None)
    for url in _reads(api_world):
        response = anonymous.get(url)
        assert response.status_code == 401, url
        assert error_of(response)["code"] == "not_authenticated"
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    for role in ROLES:
        api = api_as(getattr(people, role))
        for url in _reads(api_world):
            response = api.get(url)
            assert response.status_code == 200, (role, url, response.content[:300])
            assert response["Content-Type"] == "application/json"
    # The schema and the documentation are public (they hold no data).
    assert anonymous.get("/api/v1/schema/").status_code == 200
    docs = anonymous.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"/static/drf_spectacular_sidecar/" in docs.content
    assert b"cdn" not in docs.content


def test_another_communes_case_is_404_by_every_route(api_world, people, api_as):
    other = api_world.other  # Xã Đăk Man: outside officer_a's and chairman_a's territory
    for user in (people.officer, people.chairman):
        api = api_as(user)
        gets = [f"/api/v1/cases/{other.code}/", f"/api/v1/cases/{other.code}/events/",
                f"/api/v1/households/{other.household.code}/"]
        for url in gets:
            response = api.get(url)
            assert response.status_code == 404, url
            assert error_of(response)["code"] == "not_found"
        writes = [(f"/api/v1/cases/{other.code}/actions/submit/", {}),
                  (f"/api/v1/cases/{other.code}/progress/", {"date": "2025-07-01", "stage": "roof", "percent": 10}),
                  (f"/api/v1/cases/{other.code}/acceptance/", {
                      "usable_area": "36", "hard_foundation": True, "hard_frame": True, "hard_roof": True,
                      "lifespan_years": 25, "accepted_on": "2025-07-01"})]
        for url, body in writes:
            response = api.post(url, body)
            assert response.status_code == 404, (url, response.content)
        assert api.patch(f"/api/v1/cases/{other.code}/", {"persons": 3}).status_code == 404
        assert api.client.post(f"/api/v1/cases/{other.code}/attachments/", {"caption": "x"}).status_code in (400, 404)
        listed = api.get("/api/v1/cases/", {"page_size": 200}).json()["results"]
        assert other.code not in {c["code"] for c in listed}
        bulk = api.post("/api/v1/cases/actions/submit/", {"cases": [other.code]}).json()
        assert bulk["results"][0]["code"] == "not_found" and bulk["ok"] == 0
    other.refresh_from_db()
    assert other.state == "survey" and other.lock_version == 0
    # The reviewer of the district sees it.
    assert api_as(people.reviewer).get(f"/api/v1/cases/{other.code}/").status_code == 200


def test_writes_follow_the_workflow_roles(api_world, people, api_as):
    review = api_world.review.code
    for role in ("officer", "chairman", "finance", "inspector", "front", "admin", "auditor"):
        response = api_as(getattr(people, role)).post(f"/api/v1/cases/{review}/actions/approve/", {})
        assert response.status_code in (403, 409), (role, response.content)
        assert error_of(response)["code"] in ("permission_denied", "out_of_territory", "previous_actor"), role
    api_world.review.refresh_from_db()
    assert api_world.review.state == "eligibility_review"
    response = api_as(people.reviewer).post(f"/api/v1/cases/{review}/actions/approve/",
                                            {"expected_state": "eligibility_review"})
    assert response.status_code == 200, response.content
    assert response.json()["case"]["state"] == "funding"


def test_stage_forms_by_patch(api_world, people, api_as):
    survey = api_world.survey.code
    response = api_as(people.chairman).patch(f"/api/v1/cases/{survey}/", {"persons": 5})
    assert response.status_code == 403 and error_of(response)["code"] == "field_locked"
    response = api_as(people.officer).patch(f"/api/v1/cases/{survey}/", {"persons": 5, "lock_version": 0})
    assert response.status_code == 200, response.content
    assert response.json()["persons"] == 5 and response.json()["lock_version"] == 1
    stale = api_as(people.officer).patch(f"/api/v1/cases/{survey}/", {"persons": 6, "lock_version": 0})
    assert stale.status_code == 409 and error_of(stale)["field"] == "lock_version"
    # The survey form is closed once the case moved on: the confirmation form is open for the chairman.
    confirm = api_world.confirm.code
    locked = api_as(people.officer).patch(f"/api/v1/cases/{confirm}/", {"persons": 2})
    assert locked.status_code == 403 and error_of(locked)["code"] == "field_locked"
    missing = api_as(people.chairman).patch(f"/api/v1/cases/{confirm}/", {"commune_list_number": "09/DS-UBND"})
    assert missing.status_code == 400 and error_of(missing)["field"] == "village_meeting_on"  # the form's own rule
    ok = api_as(people.chairman).patch(f"/api/v1/cases/{confirm}/", {
        "commune_list_number": "09/DS-UBND", "village_meeting_on": api_world.today.isoformat(),
        "village_meeting_total": 30, "village_meeting_agree": 28})
    assert ok.status_code == 200 and ok.json()["commune_list_number"] == "09/DS-UBND"
    bad = api_as(people.chairman).patch(f"/api/v1/cases/{confirm}/", {"village_meeting_agree": 999})
    assert bad.status_code == 400 and error_of(bad)["field"] == "village_meeting_agree"


def test_read_only_token_and_auditor_change_nothing(api_world, people, api_as):
    from housing_campaign.core.models import DocumentEvent

    before = DocumentEvent.objects.count()
    read_only = api_as(people.reviewer, read_only=True)
    assert read_only.get("/api/v1/cases/").status_code == 200
    response = read_only.post(f"/api/v1/cases/{api_world.review.code}/actions/approve/", {})
    assert response.status_code == 403
    assert error_of(response)["message"] == "Khóa API này chỉ được đọc; thao tác ghi bị từ chối."
    auditor = api_as(people.auditor).post(f"/api/v1/cases/{api_world.review.code}/actions/approve/", {})
    assert auditor.status_code == 403
    assert DocumentEvent.objects.count() == before


def test_staff_flag_grants_nothing(api_world, people, api_as):
    stranger = make_user("no_role", "commune_officer", "23311", staff=True)  # Xã Đăk Cấm, another district
    api = api_as(stranger)
    assert api.get("/api/v1/cases/").json()["results"] == []
    assert api.get(f"/api/v1/cases/{api_world.survey.code}/").status_code == 404

import pytest

from tests.conftest import advance, new_case

pytestmark = pytest.mark.django_db


def test_list_and_detail(people, campaign, api_as):
    case = new_case(people, campaign)
    api = api_as(people.officer)
    response = api.get("/api/v1/cases/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["code"] for r in body["results"]] == [case.code]
    response = api.get(f"/api/v1/cases/{case.code}/")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "survey"


def test_action(people, campaign, api_as):
    case = advance(people, new_case(people, campaign), "eligibility_review")
    api = api_as(people.reviewer)
    response = api.post(f"/api/v1/cases/{case.code}/actions/approve/", {"expected_state": "eligibility_review"})
    assert response.status_code == 200, response.content
    assert response.json()["outcome"]["to_state"] == "funding"


def test_create(people, campaign, api_as):
    import datetime as dt

    from django.utils import timezone
    api = api_as(people.officer)
    body = {"household": {"head_name": "Y Hoa", "national_id": "062085999991", "category": "poor",
                          "commune": "23344"},
            "survey": {"strand": "phong_trao", "support_type": "new_build", "floor_area": "20", "persons": 4,
                       "foundation": "unstable", "frame_walls": "unstable", "roof": "unstable",
                       "surveyed_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat()}}
    response = api.post("/api/v1/cases/", body)
    assert response.status_code == 201, response.json()

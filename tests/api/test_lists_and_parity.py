"""The case list is the desk's queue (same filters, same scope), paged by a cursor that is stable under inserts, in
a fixed number of queries; an API write and a desk write of the same thing leave the same log rows."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from housing_campaign.cases.queue import QueueFilters, queue_queryset
from housing_campaign.core.models import DocumentEvent
from tests.conftest import OTHER, advance, new_case

pytestmark = pytest.mark.django_db


def _all_pages(api, params):
    codes, cursor, pages = [], None, 0
    while True:
        body = api.get("/api/v1/cases/", {**params, **({"cursor": cursor} if cursor else {})}).json()
        codes += [c["code"] for c in body["results"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return codes, pages
        assert body["next"].startswith("http://testserver/api/v1/cases/?")


def test_filters_match_the_desk(people, campaign, api_as):
    cases = [new_case(people, campaign) for _ in range(3)]
    cases.append(new_case(people, campaign, support_type="repair"))
    cases.append(advance(people, new_case(people, campaign), "commune_confirmation"))
    new_case(people, campaign, commune_code=OTHER)
    reviewer = people.actor(people.reviewer)
    api = api_as(people.reviewer)
    for params, filters in (
            ({}, QueueFilters(scope="all")),
            ({"scope": "mine"}, QueueFilters(scope="mine")),
            ({"territory": "23344"}, QueueFilters(scope="all", unit=cases[0].unit_path)),
            ({"territory": cases[0].commune_2025.code, "territory_system": "2025"},
             QueueFilters(scope="all", unit=cases[0].unit_2025_path)),
            ({"stage": "confirmation"}, QueueFilters(scope="all", stage="confirmation")),
            ({"state": "survey"}, QueueFilters(scope="all", state="survey")),
            ({"support_type": "repair"}, QueueFilters(scope="all", support_type="repair")),
            ({"category": "poor"}, QueueFilters(scope="all", category="poor")),
            ({"overdue": "true"}, QueueFilters(scope="all", overdue=True)),
            ({"q": cases[0].household.head_name}, QueueFilters(scope="all", q=cases[0].household.head_name))):
        expected = list(queue_queryset(reviewer, filters).order_by("state_since", "id").values_list("code", flat=True))
        got, _ = _all_pages(api, {**params, "page_size": 2})
        assert got == expected, params
    since = timezone.now()
    DocumentEvent.objects.filter(object_id=cases[4].pk).update(at=since + dt.timedelta(seconds=1))
    got, _ = _all_pages(api, {"updated_since": since.isoformat()})
    assert got == [cases[4].code]


def test_cursor_is_stable_under_inserts_and_ordering(people, campaign, api_as):
    first = [new_case(people, campaign) for _ in range(5)]
    api = api_as(people.officer)
    page = api.get("/api/v1/cases/", {"page_size": 2, "ordering": "code"}).json()
    assert [c["code"] for c in page["results"]] == [c.code for c in first[:2]]
    later = [new_case(people, campaign) for _ in range(2)]  # inserted while the client pages
    rest, _ = _all_pages(api, {"page_size": 2, "ordering": "code", "cursor": page["next_cursor"]})
    assert rest == [c.code for c in first[2:] + later]
    descending, _ = _all_pages(api, {"page_size": 3, "ordering": "-code"})
    assert descending == sorted([c.code for c in first + later], reverse=True)
    mixed = api.get("/api/v1/cases/", {"ordering": "id", "cursor": page["next_cursor"]})
    assert mixed.status_code == 400  # a cursor belongs to its ordering


def test_sparse_fields(people, campaign, api_as):
    case = new_case(people, campaign)
    api = api_as(people.officer)
    assert api.get("/api/v1/cases/", {"fields": "code,state"}).json()["results"] == [
        {"code": case.code, "state": "survey"}]
    assert api.get(f"/api/v1/cases/{case.code}/", {"fields": "code,actions"}).json().keys() == {"code", "actions"}


def test_list_queries_do_not_grow_with_the_page(people, campaign, api_as):
    for _ in range(12):
        new_case(people, campaign)
    api = api_as(people.officer)
    api.get("/api/v1/cases/", {"page_size": 1})  # warm the caches (workflow definition, token's last use)
    counts = []
    for size in (1, 5, 12):
        with CaptureQueriesContext(connection) as ctx:
            body = api.get("/api/v1/cases/", {"page_size": size, "territory": "23344"}).json()
        assert len(body["results"]) == size
        counts.append(len(ctx))
    assert counts[0] == counts[1] == counts[2] and counts[0] <= 8, counts


def _rows(case):
    return [(e.kind, e.from_state, e.to_state, e.action, e.comment, e.changes, e.data, e.actor_id, e.acting_for_id,
             e.workflow_version) for e in DocumentEvent.objects.filter(doctype="housing_case", object_id=case.pk)
            .order_by("id")]


def test_api_and_desk_writes_leave_the_same_log_rows(people, campaign, api_as):
    by_desk = advance(people, new_case(people, campaign), "commune_confirmation")
    by_api = advance(people, new_case(people, campaign), "commune_confirmation")
    before_desk, before_api = len(_rows(by_desk)), len(_rows(by_api))
    today = timezone.localdate()
    # The village meeting's form, then the chairman's confirmation: on the desk and over the API.
    desk = Client()
    desk.force_login(people.chairman)
    response = desk.post(reverse("desk:case_form", args=[by_desk.pk, "confirmation"]), {
        "village_meeting_on": today.strftime("%d/%m/%Y"), "village_meeting_total": "30",
        "village_meeting_agree": "28", "commune_list_number": "07/DS-UBND",
        "lock_version": by_desk.lock_version})
    assert response.status_code == 302, response.content[:500]
    response = desk.post(reverse("desk:case_transition", args=[by_desk.pk]), {
        "action": "confirm", "comment": "Thống nhất", "expected_state": "commune_confirmation"})
    assert response.status_code == 302
    api = api_as(people.chairman)
    response = api.patch(f"/api/v1/cases/{by_api.code}/", {
        "village_meeting_on": today.isoformat(), "village_meeting_total": 30, "village_meeting_agree": 28,
        "commune_list_number": "07/DS-UBND", "lock_version": by_api.lock_version})
    assert response.status_code == 200, response.content
    response = api.post(f"/api/v1/cases/{by_api.code}/actions/confirm/",
                        {"comment": "Thống nhất", "expected_state": "commune_confirmation"})
    assert response.status_code == 200, response.content
    desk_rows, api_rows = _rows(by_desk)[before_desk:], _rows(by_api)[before_api:]
    assert len(desk_rows) == 2 and desk_rows == api_rows
    by_desk.refresh_from_db()
    by_api.refresh_from_db()
    assert (by_desk.state, by_desk.lock_version) == (by_api.state, by_api.lock_version)

"""Residents' feedback and commendation nominations moved over the API through the desk's services: success as the
right role, the same log rows as the desk, every refusal in the one error shape with its status (400, 403, 404,
409), another commune's document a 404 by every route, read-only tokens and the auditor refused (403 before any
stale state)."""
from __future__ import annotations

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from housing_campaign.commendations.models import Nomination
from housing_campaign.core.models import DocumentEvent
from tests.api.conftest import error_of
from tests.commendations.helpers import act, participant, vote
from tests.conftest import HOME, OTHER, unit

pytestmark = pytest.mark.django_db


def _feedback(commune=HOME, client="api"):
    from housing_campaign.feedback.services import feedback_submit

    return feedback_submit(commune_id=unit(commune).pk, kind="other", text="Đường vào thôn bị sạt lở, xin kiểm tra.",
                           client_key=client)


def _events(doctype, pk):
    return [(e.kind, e.from_state, e.to_state, e.action, e.comment, e.changes, e.data, e.actor_id, e.acting_for_id,
             e.workflow_version) for e in DocumentEvent.objects.filter(doctype=doctype, object_id=pk).order_by("id")]


# ---------------------------------------------------------------------------- feedback
def test_feedback_assigned_and_answered_over_the_api(people, campaign, api_as):
    feedback = _feedback()
    api = api_as(people.officer)
    url = f"/api/v1/feedback/{feedback.code}/actions/"
    read = api.get(f"/api/v1/feedback/{feedback.code}/").json()
    assert read["lock_version"] == 0 and read["assignee"] is None
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api.post(url + "assign/", {"expected_state": "received", "lock_version": 0,
                                              "data": {"assignee": people.officer.username}})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["outcome"]["document"] == feedback.code and body["outcome"]["to_state"] == "assigned"
    assert body["feedback"]["state"] == "assigned" and body["feedback"]["assignee"] == people.officer.username
    # Publishing the answer needs the confirmation, as the desk's tick box: nothing written without it.
    data = {"answer": "Đã kiểm tra, xã sửa đường trong tuần.", "outcome": "upheld"}
    unconfirmed = api.post(url + "answer/", {"expected_state": "assigned", "data": data})
    assert unconfirmed.status_code == 400 and error_of(unconfirmed)["field"] == "publish_confirmed"
    feedback.refresh_from_db()
    assert feedback.state == "assigned" and feedback.answer == ""
    answered = api.post(url + "answer/", {"expected_state": "assigned", "data": data, "publish_confirmed": True,
                                          "lock_version": feedback.lock_version})
    assert answered.status_code == 200, answered.content
    feedback.refresh_from_db()
    assert feedback.state == "answered" and feedback.answer == data["answer"] and feedback.outcome == "upheld"
    assert feedback.answered_at is not None and feedback.answered_by_id == people.officer.pk
    assert answered.json()["feedback"]["answer"] == data["answer"]


def test_feedback_refusals_in_the_one_shape(people, campaign, api_as):
    feedback = _feedback()
    url = f"/api/v1/feedback/{feedback.code}/actions/"
    officer = api_as(people.officer)
    before = DocumentEvent.objects.count()
    stale_state = officer.post(url + "assign/", {"expected_state": "assigned"})
    assert stale_state.status_code == 409
    assert error_of(stale_state)["code"] == "stale_state" and error_of(stale_state)["field"] == "expected_state"
    stale_version = officer.post(url + "assign/", {"expected_state": "received", "lock_version": 7,
                                                   "data": {"outcome": "partly"}})
    assert stale_version.status_code == 409 and error_of(stale_version)["field"] == "lock_version"
    no_reason = officer.post(url + "mark_spam/", {"expected_state": "received"})
    assert no_reason.status_code == 400
    assert error_of(no_reason)["code"] == "comment_required" and error_of(no_reason)["field"] == "comment"
    bad_outcome = officer.post(url + "assign/", {"data": {"outcome": "maybe"}})
    assert bad_outcome.status_code == 400 and error_of(bad_outcome)["field"] == "data.outcome"
    stranger = officer.post(url + "assign/", {"data": {"assignee": people.reviewer.username}})
    assert stranger.status_code == 400 and error_of(stranger)["field"] == "data.assignee"
    assert "Chỉ giao được cho cán bộ" in error_of(stranger)["message"]
    unknown = officer.post(url + "assign/", {"data": {"asignee": "x"}})
    assert unknown.status_code == 400 and error_of(unknown)["field"] == "data.asignee"
    not_object = officer.post(url + "assign/", {"data": "x"})
    assert not_object.status_code == 400 and "đối tượng JSON" in error_of(not_object)["message"]
    no_such = api_as(people.chairman).post(url + "close/", {})  # the chairman's step, from "answered" only
    assert no_such.status_code == 409 and error_of(no_such)["code"] == "transition_not_allowed"
    # Roles: the reviewer does not assign (403), whatever state they send; the auditor is refused before 409.
    reviewer = api_as(people.reviewer).post(url + "assign/", {"expected_state": "answered"})
    assert reviewer.status_code == 403 and error_of(reviewer)["code"] == "permission_denied"
    auditor = api_as(people.auditor).post(url + "assign/", {"expected_state": "answered"})
    assert auditor.status_code == 403 and error_of(auditor)["code"] == "permission_denied"
    auditor_patch = api_as(people.auditor).patch(f"/api/v1/feedback/{feedback.code}/",
                                                 {"outcome": "partly", "lock_version": 9})
    assert auditor_patch.status_code == 403
    read_only = api_as(people.officer, read_only=True).post(url + "assign/", {"expected_state": "received"})
    assert read_only.status_code == 403
    assert error_of(read_only)["message"] == "Khóa API này chỉ được đọc; thao tác ghi bị từ chối."
    assert api_as(people.officer, read_only=True).patch(f"/api/v1/feedback/{feedback.code}/",
                                                        {"outcome": "partly"}).status_code == 403
    assert DocumentEvent.objects.count() == before
    feedback.refresh_from_db()
    assert (feedback.state, feedback.lock_version, feedback.outcome) == ("received", 0, "")


def test_feedback_patch_saves_the_edit_form(people, campaign, api_as):
    feedback = _feedback()
    url = f"/api/v1/feedback/{feedback.code}/"
    api = api_as(people.chairman)
    response = api.patch(url, {"answer": "Đang kiểm tra.", "assignee": people.officer.username, "lock_version": 0})
    assert response.status_code == 200, response.content
    assert response.json()["lock_version"] == 1 and response.json()["assignee"] == people.officer.username
    stale = api.patch(url, {"answer": "Khác", "lock_version": 0})
    assert stale.status_code == 409 and error_of(stale)["code"] == "stale_state"
    assert error_of(stale)["field"] == "lock_version"
    empty = api.patch(url, {"lock_version": 1})
    assert empty.status_code == 400
    too_long = api.patch(url, {"answer": "x" * 5000})
    assert too_long.status_code == 400 and error_of(too_long)["field"] == "answer"
    reviewer = api_as(people.reviewer).patch(url, {"answer": "Khác"})
    assert reviewer.status_code == 403
    assert [e[0] for e in _events("feedback", feedback.pk)].count("edited") == 1
    feedback.refresh_from_db()
    assert feedback.answer == "Đang kiểm tra." and feedback.assignee_id == people.officer.pk


def test_another_communes_feedback_is_404_by_every_route(people, campaign, api_as):
    other = _feedback(OTHER, client="other")
    api = api_as(people.officer)
    base = f"/api/v1/feedback/{other.code}/"
    for response in (api.get(base), api.get(base + "events/"), api.patch(base, {"outcome": "partly"}),
                     api.post(base + "actions/assign/", {"expected_state": "received"})):
        assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    assert other.code not in {f["code"] for f in api.get("/api/v1/feedback/").json()["results"]}
    assert api_as(people.officer_b).get(base).status_code == 200
    other.refresh_from_db()
    assert other.state == "received" and other.lock_version == 0


def test_api_and_desk_feedback_writes_leave_the_same_log_rows(people, campaign, api_as):
    by_desk, by_api = _feedback(client="desk"), _feedback(client="api2")
    form = {"assignee": str(people.officer.pk), "answer": "Xã đã kiểm tra thực tế.", "outcome": "partly"}
    desk = Client()
    desk.force_login(people.chairman)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = desk.post(reverse("feedback:act", args=[by_desk.pk]), {
            "action": "assign", "comment": "Giao cán bộ xã", "with_form": "1", "expected_state": "received",
            "lock_version": 0, **form})
    assert response.status_code == 302, response.content[:300]
    api = api_as(people.chairman)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api.post(f"/api/v1/feedback/{by_api.code}/actions/assign/", {
            "comment": "Giao cán bộ xã", "expected_state": "received", "lock_version": 0,
            "data": {**form, "assignee": people.officer.username}})
    assert response.status_code == 200, response.content
    desk_rows, api_rows = _events("feedback", by_desk.pk), _events("feedback", by_api.pk)
    assert [r[0] for r in desk_rows] == ["created", "edited", "transition"] and desk_rows[1:] == api_rows[1:]
    by_desk.refresh_from_db()
    by_api.refresh_from_db()
    assert (by_desk.state, by_desk.lock_version, by_desk.assignee_id, by_desk.answer, by_desk.outcome) == (
        by_api.state, by_api.lock_version, by_api.assignee_id, by_api.answer, by_api.outcome)


# ---------------------------------------------------------------------------- nominations
def _commune(campaign):
    return participant(campaign)  # Ủy ban nhân dân xã Đăk Blô (the home commune)


def _create_body(campaign, who, form="giay_khen_chu_tich_huyen", **extra):
    return {"campaign": campaign.code, "participant": who.pk, "award_form": form,
            "achievement": "Hoàn thành 20/20 nhà trước hạn", **extra}


def test_nomination_filed_like_the_desk_form(people, campaign, api_as):
    api = api_as(people.officer)
    response = api.post("/api/v1/nominations/", _create_body(campaign, _commune(campaign)))
    assert response.status_code == 201, response.content
    body = response.json()
    nomination = Nomination.objects.get(code=body["code"])
    assert body["state"] == "proposed" and body["award_form"] == "giay_khen_chu_tich_huyen"
    assert nomination.created_by_id == people.officer.pk and nomination.proposer_kind == "commune"
    assert isinstance(nomination.evidence, dict)  # the evidence snapshot the desk's form keeps
    assert [e[0] for e in _events("commendation", nomination.pk)] == ["created"]
    # The same achievement twice: 409 with the first nomination's code, nothing written.
    again = api.post("/api/v1/nominations/", _create_body(campaign, _commune(campaign)))
    assert again.status_code == 409 and error_of(again)["code"] == "duplicate"
    assert nomination.code in error_of(again)["message"] and Nomination.objects.count() == 1


def test_nomination_create_refusals(people, campaign, api_as):
    api = api_as(people.officer)
    commune = _commune(campaign)
    cases = [
        ({**_create_body(campaign, commune), "campaign": "KHONG-CO"}, 400, "campaign"),
        ({**_create_body(campaign, commune), "participant": 999999}, 400, "participant"),
        (_create_body(campaign, commune, form="khong_co"), 400, "award_form"),
        (_create_body(campaign, commune, form="bang_khen_chu_tich_tinh"), 403, "award_form"),  # not competent
        (_create_body(campaign, commune, achievement="   "), 400, "achievement"),
        (_create_body(campaign, commune, proposer_kind="nope"), 400, "proposer_kind"),
        ({"campaign": campaign.code}, 400, "participant"),
    ]
    for body, status, field in cases:
        response = api.post("/api/v1/nominations/", body)
        assert response.status_code == status, (body, response.content)
        assert error_of(response)["field"] == field, (body, response.content)
    # Another commune's participant is not in the officer's territory: the same answer as an unknown one.
    far = participant(campaign, name="Ủy ban nhân dân xã Đăk Man", code=OTHER)
    outside = api.post("/api/v1/nominations/", _create_body(campaign, far))
    assert outside.status_code == 400 and error_of(outside)["field"] == "participant"
    assert api_as(people.auditor).post("/api/v1/nominations/", _create_body(campaign, commune)).status_code == 403
    read_only = api_as(people.officer, read_only=True).post("/api/v1/nominations/", _create_body(campaign, commune))
    assert read_only.status_code == 403
    assert not Nomination.objects.exists()


def _file(people, campaign, name="Hộ ông A Sớ", by=None, form="giay_khen_chu_tich_xa", kind="household", code=HOME):
    from housing_campaign.commendations import services
    from tests.commendations.helpers import award

    return services.nomination_create(actor=people.actor(by or people.officer), campaign=campaign,
                                      participant=participant(campaign, kind=kind, name=name, code=code),
                                      award_form=award(form), achievement="Góp 30 ngày công", evidence={})


def _at_council(people, campaign):
    nomination = _file(people, campaign, "Công ty Xây dựng Đăk Blô", by=people.office, form="bang_khen_chu_tich_tinh",
                       kind="business")
    act(people, people.office, nomination, "submit")
    act(people, people.office, nomination, "approve")
    nomination.refresh_from_db()
    assert nomination.state == "council_vote"
    return nomination


def test_nomination_steps_over_the_api(people, campaign, api_as):
    nomination = _file(people, campaign)
    url = f"/api/v1/nominations/{nomination.code}/actions/"
    officer = api_as(people.officer)
    stale = officer.post(url + "submit/", {"expected_state": "council_vote"})
    assert stale.status_code == 409 and error_of(stale)["field"] == "expected_state"
    office_only = officer.post(url + "approve/", {})
    assert office_only.status_code == 403 and error_of(office_only)["code"] == "permission_denied"
    auditor = api_as(people.auditor).post(url + "submit/", {"expected_state": "council_vote"})
    assert auditor.status_code == 403  # before the stale state
    assert api_as(people.officer, read_only=True).post(url + "submit/", {}).status_code == 403
    response = officer.post(url + "submit/", {"expected_state": "proposed", "comment": "Trình thẩm định"})
    assert response.status_code == 200, response.content
    assert response.json()["outcome"]["to_state"] == "office_review"
    assert response.json()["nomination"]["state"] == "office_review"
    office = api_as(people.office)
    no_reason = office.post(url + "return/", {"expected_state": "office_review"})
    assert no_reason.status_code == 400 and error_of(no_reason)["field"] == "comment"
    rows = _events("commendation", nomination.pk)
    assert rows[-1][:5] == ("transition", "proposed", "office_review", "submit", "Trình thẩm định")
    assert rows[-1][7] == people.officer.pk


def test_document_steps_stay_on_the_desk(people, campaign, api_as):
    nomination = _at_council(people, campaign)
    for member in people.council[:3]:
        vote(people, member, nomination)
    nomination.refresh_from_db()
    response = api_as(people.office).post(f"/api/v1/nominations/{nomination.code}/actions/decide/",
                                          {"expected_state": nomination.state})
    assert response.status_code == 409 and error_of(response)["code"] == "transition_not_allowed"
    assert "văn bản" in error_of(response)["message"]


def test_council_vote_over_the_api(people, campaign, api_as):
    nomination = _at_council(people, campaign)
    url = f"/api/v1/nominations/{nomination.code}/vote/"
    member = api_as(people.council[0])
    response = member.post(url, {"vote": "for", "expected_state": "council_vote"})
    assert response.status_code == 200, response.content
    assert response.json()["outcome"]["vote_recorded"] is True
    assert response.json()["nomination"]["state"] == "council_vote"
    twice = member.post(url, {"vote": "against", "comment": "Đổi ý"})
    assert twice.status_code == 409 and error_of(twice)["code"] == "already_approved"
    no_reason = api_as(people.council[1]).post(url, {"vote": "against"})
    assert no_reason.status_code == 400 and error_of(no_reason)["field"] == "comment"
    bad_choice = api_as(people.council[1]).post(url, {"vote": "maybe"})
    assert bad_choice.status_code == 400 and error_of(bad_choice)["field"] == "vote"
    stale = api_as(people.council[1]).post(url, {"vote": "for", "expected_state": "proposed"})
    assert stale.status_code == 409 and error_of(stale)["field"] == "expected_state"
    not_member = api_as(people.office).post(url, {"vote": "for", "expected_state": "proposed"})
    assert not_member.status_code == 403 and error_of(not_member)["code"] == "permission_denied"
    auditor = api_as(people.auditor).post(url, {"vote": "for", "expected_state": "proposed"})
    assert auditor.status_code == 403
    assert api_as(people.council[1], read_only=True).post(url, {"vote": "for"}).status_code == 403
    for voter in people.council[1:3]:
        assert api_as(voter).post(url, {"vote": "for"}).status_code == 200
    nomination.refresh_from_db()
    assert nomination.state != "council_vote"


def test_another_communes_nomination_is_404_by_every_route(people, campaign, api_as):
    other = _file(people, campaign, "Hộ ông Y Đức", by=people.officer_b, code=OTHER)
    api = api_as(people.officer)
    base = f"/api/v1/nominations/{other.code}/"
    for response in (api.get(base), api.get(base + "events/"), api.post(base + "actions/submit/", {}),
                     api.post(base + "vote/", {"vote": "for"})):
        assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    other.refresh_from_db()
    assert other.state == "proposed"


def test_api_and_desk_nomination_steps_leave_the_same_log_rows(people, campaign, api_as):
    by_desk = _file(people, campaign, "Hộ ông A Sớ")
    by_api = _file(people, campaign, "Hộ bà Y Hoa")
    desk = Client()
    desk.force_login(people.officer)
    response = desk.post(reverse("desk:nomination_act", args=[by_desk.pk]), {
        "action": "submit", "comment": "Trình", "expected_state": "proposed"})
    assert response.status_code == 302
    response = api_as(people.officer).post(f"/api/v1/nominations/{by_api.code}/actions/submit/",
                                           {"comment": "Trình", "expected_state": "proposed"})
    assert response.status_code == 200, response.content
    assert _events("commendation", by_desk.pk)[1:] == _events("commendation", by_api.pk)[1:]
    assert len(_events("commendation", by_api.pk)) == 2


# ---------------------------------------------------------------------------- #16's small gaps
def test_drf_messages_reach_users_in_vietnamese(people, campaign, api_as):
    from tests.conftest import advance, new_case

    case = advance(people, new_case(people, campaign), "eligibility_review")
    api = api_as(people.reviewer)
    null = api.client.post(f"/api/v1/cases/{case.code}/actions/approve/", "null", content_type="application/json")
    assert null.status_code == 400
    assert "No data provided" not in null.content.decode() and "đối tượng JSON" in error_of(null)["message"]
    for body in ([1], "x", 3, True):
        response = api.post(f"/api/v1/feedback/{_feedback(client=str(body)).code}/actions/assign/", {"data": body})
        assert response.status_code == 400, body
        message = error_of(response)["message"]
        assert "Expected" not in message and "Invalid" not in message, message
    attachment = api_as(people.officer).client.post(f"/api/v1/cases/{case.code}/attachments/",
                                                    {"file": "not a file"})
    assert attachment.status_code == 400 and error_of(attachment)["field"] == "file"
    assert "tệp" in error_of(attachment)["message"] and "encoding" not in attachment.content.decode()


def test_a_refused_role_hears_403_before_a_stale_state(people, campaign, api_as):
    from tests.conftest import advance, new_case

    case = advance(people, new_case(people, campaign), "eligibility_review")
    version = case.lock_version
    auditor = api_as(people.auditor)
    action = auditor.post(f"/api/v1/cases/{case.code}/actions/approve/", {"expected_state": "survey"})
    assert action.status_code == 403 and error_of(action)["code"] == "permission_denied"
    officer = api_as(people.officer).post(f"/api/v1/cases/{case.code}/actions/approve/", {"expected_state": "survey"})
    assert officer.status_code == 403  # approving is the reviewer's, whatever the state sent
    patch = auditor.patch(f"/api/v1/cases/{case.code}/", {"persons": 3, "lock_version": 99})
    assert patch.status_code == 403
    bulk = auditor.post("/api/v1/cases/actions/approve/", {"cases": [case.code], "expected_states": {
        case.code: "survey"}})
    assert bulk.status_code == 403
    # The right role with a stale state still hears 409.
    reviewer = api_as(people.reviewer).post(f"/api/v1/cases/{case.code}/actions/approve/",
                                            {"expected_state": "survey"})
    assert reviewer.status_code == 409
    case.refresh_from_db()
    assert case.state == "eligibility_review" and case.lock_version == version

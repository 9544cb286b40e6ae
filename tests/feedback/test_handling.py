"""Staff handling of residents' feedback (issue 13, item 4): edits, the combined save-and-act, the publication
of the answer, the hold on the case, the case's timeline, notifications and SLA escalation."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.models import DocumentEvent, Notification
from housing_campaign.feedback.computed import open_feedback
from housing_campaign.feedback.models import Feedback
from housing_campaign.feedback.services import feedback_act, feedback_update
from tests.conftest import transition

from .helpers import act, answered, posted_case, submit

pytestmark = pytest.mark.django_db


def _case_rows(case):
    return list(DocumentEvent.objects.filter(doctype="housing_case", object_id=case.pk, data__has_key="feedback")
                .order_by("at", "id").values_list("comment", "changes"))


def test_full_path_received_assign_answer_close_releases_the_hold(people, campaign):
    case, posting, entry = posted_case(people, campaign)
    feedback = submit(posting=posting, entry=entry)
    assert feedback.holds_case and feedback.state == "received" and open_feedback(case) == 1

    act(people, people.officer, feedback, "assign", data={"assignee": people.officer.pk, "answer": "", "outcome": ""})
    feedback.refresh_from_db()
    assert feedback.state == "assigned" and feedback.assignee == people.officer
    # the chairman is told it waits for them; the officer who acted is not
    note = Notification.objects.get(user=people.chairman, doctype="feedback", object_id=feedback.pk)
    assert feedback.code in note.subject
    assert not Notification.objects.filter(user=people.officer, doctype="feedback").exists()

    outcome = answered(people, feedback)
    feedback.refresh_from_db()
    assert outcome.to_state == "answered" and feedback.state == "answered"
    assert feedback.answer.startswith("Đã kiểm tra") and feedback.outcome == "rejected"
    assert feedback.answered_by == people.officer and feedback.answered_at is not None
    assert open_feedback(case) == 1  # answered is not resolved yet

    # the case cannot leave the posting while the complaint is open, even after the period
    type(posting).objects.filter(pk=posting.pk).update(starts_on=timezone.localdate() - dt.timedelta(days=8),
                                                      ends_on=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ServiceError) as exc:
        transition(people, people.chairman, case, "end_posting")
    assert exc.value.code == ErrorCode.CONDITION_FAILED

    act(people, people.chairman, feedback, "close")
    feedback.refresh_from_db()
    assert feedback.state == "closed" and open_feedback(case) == 0
    rows = _case_rows(case)
    texts = " ".join(str(changes["feedback"][1]) for _, changes in rows)
    assert "đã được trả lời công khai" in texts
    assert "đã giải quyết xong (hồ sơ không còn bị giữ bởi phản ánh này)" in texts
    assert len(rows) == 3  # received, answered, resolved: once each

    transition(people, people.chairman, case, "end_posting")
    case.refresh_from_db()
    assert case.state == "eligibility_review"


def test_reopen_holds_the_case_again_and_return_needs_a_reason(people, campaign):
    case, posting, entry = posted_case(people, campaign)
    feedback = submit(posting=posting, entry=entry)
    answered(people, feedback)
    act(people, people.chairman, feedback, "close")
    with pytest.raises(ServiceError) as exc:
        act(people, people.chairman, feedback, "reopen")
    assert exc.value.code == ErrorCode.COMMENT_REQUIRED
    act(people, people.chairman, feedback, "reopen", comment="Người dân cung cấp thêm chứng cứ mới.")
    feedback.refresh_from_db()
    assert feedback.state == "assigned" and open_feedback(case) == 1
    assert "được mở lại (hồ sơ lại được giữ" in str(_case_rows(case)[-1][1]["feedback"][1])

    with pytest.raises(ServiceError) as exc:
        act(people, people.officer, feedback, "return")
    assert exc.value.code == ErrorCode.COMMENT_REQUIRED
    act(people, people.officer, feedback, "return", comment="Giao cho cán bộ địa chính.")
    feedback.refresh_from_db()
    assert feedback.state == "received"


def test_answer_needs_the_confirmation_and_nothing_is_saved_without_it(people, campaign):
    feedback = submit()
    act(people, people.officer, feedback, "assign")
    feedback.refresh_from_db()
    before = (feedback.lock_version, feedback.answer, DocumentEvent.objects.filter(doctype="feedback").count())
    with pytest.raises(ServiceError) as exc:
        act(people, people.officer, feedback, "answer", data={"assignee": "", "answer": "Trả lời", "outcome": "upheld"})
    assert exc.value.field == "confirm_publish" and "thông tin cá nhân" in exc.value.message
    feedback.refresh_from_db()
    assert (feedback.lock_version, feedback.answer, DocumentEvent.objects.filter(doctype="feedback").count()) == before
    assert feedback.state == "assigned" and feedback.answered_at is None


def test_answer_without_text_is_refused_whole(people, campaign):
    """"Answer now" from received needs an answer and an outcome: the typed assignee is not saved either."""
    feedback = submit()
    with pytest.raises(ServiceError):
        act(people, people.officer, feedback, "answer", confirm=True,
            data={"assignee": people.officer.pk, "answer": "", "outcome": ""})
    feedback.refresh_from_db()
    assert feedback.state == "received" and feedback.assignee is None and feedback.lock_version == 0


def test_spam_needs_a_reason_and_does_not_save_the_form(people, campaign):
    feedback = submit(text="Quảng cáo bán hàng, không liên quan đến chương trình.")
    with pytest.raises(ServiceError) as exc:
        act(people, people.officer, feedback, "mark_spam", data={"assignee": "", "answer": "x", "outcome": ""})
    assert exc.value.code == ErrorCode.COMMENT_REQUIRED
    act(people, people.officer, feedback, "mark_spam", comment="Quảng cáo", data={"assignee": "", "answer": "x",
                                                                                   "outcome": ""})
    feedback.refresh_from_db()
    assert feedback.state == "spam" and feedback.stage == "closed" and feedback.answer == ""


@pytest.mark.parametrize("data, field", [
    ({"answer": "a" * (1024 * 1024)}, "answer"),
    ({"answer": "a" * 4001}, "answer"),
    ({"assignee": "999999"}, "assignee"),
    ({"assignee": "abc"}, "assignee"),
    ({"outcome": "forged"}, "outcome"),
])
def test_bad_values_are_refused_and_nothing_changes(people, campaign, data, field):
    feedback = submit()
    events = DocumentEvent.objects.filter(doctype="feedback").count()
    with pytest.raises(ServiceError) as exc:
        feedback_update(actor=people.actor(people.officer), feedback_id=feedback.pk, data=data,
                        expected_lock_version=feedback.lock_version)
    assert field in exc.value.errors and exc.value.message
    feedback.refresh_from_db()
    assert feedback.lock_version == 0 and feedback.answer == "" and feedback.assignee is None
    assert DocumentEvent.objects.filter(doctype="feedback").count() == events


def test_assignee_must_handle_the_feedbacks_commune(people, campaign):
    feedback = submit()
    actor = people.actor(people.officer)
    with pytest.raises(ServiceError) as exc:  # an officer of another commune
        feedback_update(actor=actor, feedback_id=feedback.pk, data={"assignee": people.officer_b.pk})
    assert "assignee" in exc.value.errors
    with pytest.raises(ServiceError):  # a reviewer of the district is not a handler
        feedback_update(actor=actor, feedback_id=feedback.pk, data={"assignee": people.reviewer.pk})
    feedback_update(actor=actor, feedback_id=feedback.pk, data={"assignee": people.chairman.pk},
                    expected_lock_version=0)
    feedback.refresh_from_db()
    assert feedback.assignee == people.chairman and feedback.lock_version == 1
    event = DocumentEvent.objects.filter(doctype="feedback", object_id=feedback.pk, kind="edited").get()
    assert event.changes == {"assignee": ["", "Chairman_A"]} and event.actor_id == people.officer.pk


def test_stale_form_and_who_may_edit(people, campaign):
    feedback = submit()
    officer = people.actor(people.officer)
    feedback_update(actor=officer, feedback_id=feedback.pk, data={"answer": "Bản nháp"}, expected_lock_version=0)
    with pytest.raises(ServiceError) as exc:
        feedback_update(actor=people.actor(people.chairman), feedback_id=feedback.pk, data={"answer": "Khác"},
                        expected_lock_version=0)
    assert exc.value.code == ErrorCode.STALE_STATE
    with pytest.raises(ServiceError) as exc:
        feedback_update(actor=officer, feedback_id=feedback.pk, data={"answer": "Khác"}, expected_lock_version="x")
    assert exc.value.code == ErrorCode.STALE_STATE
    for user, code in ((people.reviewer, ErrorCode.PERMISSION_DENIED), (people.auditor, ErrorCode.PERMISSION_DENIED),
                       (people.officer_b, ErrorCode.NOT_FOUND), (people.finance, ErrorCode.PERMISSION_DENIED)):
        with pytest.raises(ServiceError) as exc:
            feedback_update(actor=people.actor(user), feedback_id=feedback.pk, data={"answer": "Khác"})
        assert exc.value.code == code, user
        with pytest.raises(ServiceError):
            feedback_act(actor=people.actor(user), feedback_id=feedback.pk, action="assign")
    feedback.refresh_from_db()
    assert feedback.answer == "Bản nháp" and feedback.state == "received"


def test_answered_feedback_cannot_be_edited(people, campaign):
    feedback = submit()
    answered(people, feedback)
    with pytest.raises(ServiceError) as exc:
        feedback_update(actor=people.actor(people.officer), feedback_id=feedback.pk, data={"answer": "Sửa lại"})
    assert exc.value.code == ErrorCode.PERMISSION_DENIED


def test_overdue_feedback_escalates_to_the_district(people, campaign):
    from housing_campaign.workflow.sla import escalate_overdue

    feedback = submit()
    fresh = submit(text="Một phản ánh khác, còn trong hạn xử lý.")
    Feedback.objects.filter(pk=feedback.pk).update(state_since=timezone.now() - dt.timedelta(days=5))
    escalate_overdue()
    notes = Notification.objects.filter(doctype="feedback", object_id=feedback.pk)
    assert set(notes.values_list("user_id", flat=True)) >= {people.reviewer.pk}
    assert not notes.filter(user=people.officer).exists()  # the next level, not the commune itself
    assert not Notification.objects.filter(doctype="feedback", object_id=fresh.pk).exists()
    assert DocumentEvent.objects.filter(doctype="feedback", object_id=feedback.pk, kind="escalated").exists()
    escalate_overdue()  # once a day
    assert Notification.objects.filter(doctype="feedback", object_id=feedback.pk).count() == notes.count()


def test_awaiting_is_what_the_user_moves_on(people, campaign):
    from housing_campaign.feedback.selectors import feedback_awaiting

    waiting = submit()
    done = submit(text="Phản ánh đã được trả lời xong rồi.")
    answered(people, done)
    act(people, people.chairman, done, "close")
    late = submit(text="Phản ánh quá hạn cần xử lý trước.")
    Feedback.objects.filter(pk=late.pk).update(state_since=timezone.now() - dt.timedelta(days=5))
    assert list(feedback_awaiting(people.actor(people.officer))) == [late, waiting]
    assert list(feedback_awaiting(people.actor(people.reviewer))) == []  # reopen is not waiting work
    assert list(feedback_awaiting(people.actor(people.officer_b))) == []
    assert list(feedback_awaiting(people.actor(people.finance))) == []


def test_the_case_timeline_names_a_resident_as_the_sender(people, campaign):
    from housing_campaign.desk.timeline import case_timeline
    from housing_campaign.feedback.services import feedback_submit
    from tests.conftest import advance, new_case, post_list, unit

    case = advance(people, new_case(people, campaign), "village_posting")
    posting = post_list(people, [case])
    feedback_submit(commune_id=unit("23344").pk, kind="wrong_person", client_key="timeline",
                    text="Hộ này đã có nhà kiên cố ở thôn bên.", posting_id=posting.pk,
                    entry_id=posting.entries.get().pk)
    rows = [r for r in case_timeline(case) if r.get("data", {}).get("feedback")]
    assert [r["actor"] for r in rows] == ["Người dân"]

"""Feedback about a posted case, and staff acting on it through the real services."""
from __future__ import annotations

from django.test import TestCase

from tests.conftest import HOME, advance, new_case, post_list, unit


def posted_case(people, campaign):
    """A HOME case in the village posting state, on a posting running now (started 2 days ago, 7 days)."""
    case = advance(people, new_case(people, campaign), "village_posting")
    posting = post_list(people, [case], starts_days_ago=2, days=7)
    return case, posting, posting.entries.get(case=case)


def submit(*, posting=None, entry=None, kind="wrong_person", text="Hộ này đã có nhà kiên cố, không đúng đối tượng.",
           client="test", **kwargs):
    from housing_campaign.feedback.services import feedback_submit

    return feedback_submit(commune_id=unit(HOME).pk, kind=kind, text=text, client_key=client,
                           posting_id=posting.pk if posting else None, entry_id=entry.pk if entry else None, **kwargs)


def act(people, user, feedback, action="", *, comment="", data=None, confirm=False, lock_version=None):
    """One press of the feedback page's button, with the after-commit jobs run (doc_events, notifications)."""
    from housing_campaign.feedback.services import feedback_act

    feedback.refresh_from_db()
    with TestCase.captureOnCommitCallbacks(execute=True):
        return feedback_act(actor=people.actor(user), feedback_id=feedback.pk, action=action, comment=comment,
                            data=data, expected_lock_version=feedback.lock_version if lock_version is None
                            else lock_version, expected_state=feedback.state, publish_confirmed=confirm)


def answered(people, feedback, user=None):
    """Assigned to the officer and answered (published) by them."""
    feedback.refresh_from_db()
    if feedback.state == "received":
        act(people, people.officer, feedback, "assign", data={"assignee": people.officer.pk, "answer": "",
                                                              "outcome": ""})
    return act(people, user or people.officer, feedback, "answer", confirm=True,
               data={"assignee": people.officer.pk, "answer": "Đã kiểm tra thực tế: hộ đúng đối tượng.",
                     "outcome": "rejected"})

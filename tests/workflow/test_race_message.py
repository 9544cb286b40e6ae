"""Issue 8, item 12: the loser of a race between "approve" and "return" (no expected state sent) was told
"Chỉ Cán bộ tài chính được thực hiện thao tác này" instead of "the case has moved on"."""
import pytest
from django.db import connection

from housing_campaign.core.errors import ServiceError
from housing_campaign.core.models import DocumentEvent
from housing_campaign.workflow import engine
from tests.conftest import advance, make_user, new_case

pytestmark = pytest.mark.django_db


def test_loser_without_expected_state_gets_the_stale_state_conflict(people, campaign, monkeypatch):
    """The winner commits between the loser's read of the case and the loser's lock on it."""
    case = advance(people, new_case(people, campaign), "eligibility_review")
    second_reviewer = make_user("reviewer2", "reviewer", "610")
    real_lock = engine._lock
    raced = {"done": False}

    def lock_after_the_winner(model, ids, actor):
        if not raced["done"]:
            raced["done"] = True
            engine.document_transition(actor=people.actor(second_reviewer), doctype="housing_case",
                                       object_id=case.pk, action="approve")
        return real_lock(model, ids, actor)

    monkeypatch.setattr(engine, "_lock", lock_after_the_winner)
    with pytest.raises(ServiceError) as exc:
        engine.document_transition(actor=people.actor(people.reviewer), doctype="housing_case", object_id=case.pk,
                                   action="return", comment="Thiếu ảnh hiện trạng")
    assert exc.value.code == "stale_state"
    assert "vừa được chuyển sang" in exc.value.message and "Cán bộ tài chính" not in exc.value.message
    case.refresh_from_db()
    assert case.state == "funding"
    assert DocumentEvent.objects.filter(object_id=case.pk, kind="transition", action="return").count() == 0


def test_a_refusal_without_a_race_keeps_its_own_reason(people, campaign):
    case = advance(people, new_case(people, campaign), "funding")
    with pytest.raises(ServiceError) as exc:
        engine.document_transition(actor=people.actor(people.reviewer), doctype="housing_case", object_id=case.pk,
                                   action="allocate")
    assert exc.value.code != "stale_state" and "Cán bộ tài chính" in exc.value.message


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_approve_and_return_race_on_postgres(people, campaign):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (run with DATABASE_URL=postgres://...)")
    import threading

    from django.db import connections

    second_reviewer = make_user("reviewer2", "reviewer", "610")
    case = advance(people, new_case(people, campaign), "eligibility_review")
    barrier = threading.Barrier(2)
    results = {}

    def act(user, action):
        try:
            barrier.wait()
            results[action] = engine.document_transition(
                actor=people.actor(user), doctype="housing_case", object_id=case.pk, action=action,
                comment="Lý do trả lại")
        except ServiceError as exc:
            results[action] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=args)
               for args in ((people.reviewer, "approve"), (second_reviewer, "return"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    losses = [o for o in results.values() if isinstance(o, ServiceError)]
    assert len(losses) == 1 and losses[0].code == "stale_state", [str(o) for o in results.values()]


def test_a_stale_page_without_expected_state_is_told_the_case_moved_on(people, campaign):
    """The probe of the review: one reviewer approves; a second, on a page opened before, sends "return"
    without the state it saw. It is told the case moved on, not that only finance officers may act."""
    case = advance(people, new_case(people, campaign), "eligibility_review")
    second_reviewer = make_user("reviewer2", "reviewer", "610")
    engine.document_transition(actor=people.actor(second_reviewer), doctype="housing_case", object_id=case.pk,
                               action="approve")
    with pytest.raises(ServiceError) as exc:
        engine.document_transition(actor=people.actor(people.reviewer), doctype="housing_case", object_id=case.pk,
                                   action="return", comment="Thiếu ảnh")
    assert exc.value.code == "stale_state" and "vừa được chuyển sang" in exc.value.message
    assert "Cán bộ tài chính" not in exc.value.message

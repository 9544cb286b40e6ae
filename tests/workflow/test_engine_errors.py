import pytest
from django.db import IntegrityError

from housing_campaign.core.errors import ErrorCode
from housing_campaign.workflow import engine
from tests.conftest import new_case

pytestmark = pytest.mark.django_db


def test_a_database_failure_in_bulk_shows_a_reference_not_the_database_text(monkeypatch, people, campaign, caplog):
    cases = [new_case(people, campaign) for _ in range(2)]

    def broken(*args, **kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "cases_housingcase_pkey"')

    monkeypatch.setattr(engine, "_apply", broken)
    outcomes = engine.bulk_transition(actor=people.actor(people.officer), doctype="housing_case",
                                      ids=[c.pk for c in cases], action="submit")
    assert [o.ok for o in outcomes] == [False, False]
    assert all(o.code == ErrorCode.INTERNAL for o in outcomes)
    message = outcomes[0].message
    assert "Mã sự cố" in message and "constraint" not in message and "cases_housingcase" not in message
    reference = message.rsplit(" ", 1)[1].rstrip(".")
    assert any(reference in r.getMessage() and r.exc_info for r in caplog.records)  # the trace is in the log

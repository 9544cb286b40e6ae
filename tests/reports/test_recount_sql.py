"""On PostgreSQL the full recount and the comparison are set-based (INSERT … SELECT … GROUP BY, a window over
each case's events): they give exactly the rows of the Python recount, after transitions back and forth,
returns, a version migration and a case whose events fall on different local days."""
import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from housing_campaign.core.models import DocumentEvent
from housing_campaign.reports import aggregates
from housing_campaign.reports.models import CaseMilestone, MilestoneDay, StateCount
from tests.conftest import HOME, OTHER, advance, new_case, transition, unit

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(StateCount.objects.exclude(count=0).values_list(*aggregates._STATE_COLUMNS)),
        sorted(CaseMilestone.objects.values_list("case_id", "milestone", "day")),
        sorted(MilestoneDay.objects.exclude(count=0).values_list(*aggregates._DAY_COLUMNS)),
    )


@pytest.fixture
def history(people, campaign):
    from housing_campaign.workflow import migration, rollout
    from housing_campaign.workflow.definitions import definition_clone
    from housing_campaign.workflow.models import WorkflowDefinition

    cases = [new_case(people, campaign), new_case(people, campaign, commune_code=OTHER)]
    cases += [advance(people, new_case(people, campaign), s) for s in ("funding", "acceptance", "closed")]
    transition(people, people.inspector, cases[3], "request_fix", comment="Mái chưa đạt")
    cases[3].refresh_from_db()
    transition(people, people.inspector, cases[3], "complete")
    # Events on earlier days (the local day of 23:30 UTC is the next day in Vietnam).
    DocumentEvent.objects.filter(object_id=cases[2].pk).update(
        at=timezone.make_aware(dt.datetime(2025, 3, 1, 23, 30), dt.UTC))
    v2 = WorkflowDefinition.objects.get(doctype="housing_case", is_active=True)
    reviewed = advance(people, new_case(people, campaign), "eligibility_review")
    v3 = definition_clone(definition=v2)
    rollout.definition_pilot_start(actor=people.actor(people.admin), definition=v3, units=[unit(HOME).pk])
    migration.documents_migrate(actor=people.actor(people.admin), source=v2, target=v3,
                                mapping={**{s.code: s.code for s in v2.states.all()}, "eligibility_review": "funding"})
    return [*cases, reviewed]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based recount is PostgreSQL's")
def test_set_based_recount_equals_the_python_recount(history):
    aggregates.recount_python()
    python = _snapshot()
    assert python[0] and python[1] and python[2]
    assert any(day == dt.date(2025, 3, 2) for _case, _m, day in python[1])
    written = aggregates.recount()
    assert _snapshot() == python
    assert written == {"states": len(python[0]), "milestones": len(python[1]), "days": len(python[2])}
    assert aggregates.differences() == {"states": [], "milestones": [], "days": []}
    assert aggregates.differences_python() == {"states": [], "milestones": [], "days": []}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based comparison is PostgreSQL's")
def test_set_based_differences_find_what_python_finds(history):
    aggregates.recount()
    row = StateCount.objects.filter(count__gt=0).first()
    StateCount.objects.filter(pk=row.pk).update(count=row.count + 1)
    CaseMilestone.objects.filter(milestone="surveyed").first().delete()
    diff = aggregates.differences()
    assert len(diff["states"]) == 2 and len(diff["milestones"]) == 1 and not diff["days"]
    python = aggregates.differences_python()
    assert len(python["states"]) == 1 and len(python["milestones"]) == 1 and not python["days"]

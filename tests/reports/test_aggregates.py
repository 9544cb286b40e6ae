"""The aggregates dashboards and reports read are kept by every change that moves a case, in its transaction,
and always equal a full recount from the cases and the event log: after single and bulk transitions, returns,
imports from Excel and workflow version migrations."""
import datetime as dt

import pytest
from django.db.models import Sum

from housing_campaign.cases.models import HousingCase
from housing_campaign.reports import aggregates
from housing_campaign.reports.models import CaseMilestone, MilestoneDay, StateCount
from housing_campaign.workflow.engine import bulk_transition
from tests.conftest import advance, new_case, post_ended, transition

pytestmark = pytest.mark.django_db


def _agree():
    diff = aggregates.differences()
    assert diff == {"states": [], "milestones": [], "days": []}, diff


def test_kept_counts_follow_transitions_returns_and_bulk_moves(people, campaign):
    cases = [new_case(people, campaign) for _ in range(6)]
    _agree()
    assert StateCount.objects.filter(state="survey").aggregate(n=Sum("count"))["n"] == 6
    advance(people, cases[0], "handover")
    advance(people, cases[1], "construction")
    transition(people, people.officer, cases[2], "submit")
    transition(people, people.chairman, cases[2], "return", comment="Thiếu ảnh mái nhà")
    for case in cases[3:]:
        advance(people, case, "village_posting")
    post_ended(people, cases[3:])
    outcomes = bulk_transition(actor=people.actor(people.chairman), doctype="housing_case",
                               ids=[c.pk for c in cases[3:]], action="end_posting")
    assert all(o.ok for o in outcomes)
    _agree()
    by_state = dict(StateCount.objects.values_list("state").annotate(n=Sum("count")).values_list("state", "n"))
    assert by_state["eligibility_review"] == 3 and by_state["returned"] == 1 and by_state["handover"] == 1
    assert sum(by_state.values()) == HousingCase.objects.count() == 6
    # Milestones: each counted once per case, even after going back and forth.
    milestones = dict(MilestoneDay.objects.values_list("milestone").annotate(n=Sum("count"))
                      .values_list("milestone", "n"))
    assert milestones == {"surveyed": 6, "approved": 2, "started": 2, "finished": 1}
    assert CaseMilestone.objects.filter(case_id=cases[0].pk).count() == 4


def test_a_return_to_an_earlier_stage_does_not_count_a_milestone_twice(people, campaign):
    case = advance(people, new_case(people, campaign), "acceptance")
    transition(people, people.inspector, case, "request_fix", comment="Mái chưa đạt")
    case.refresh_from_db()
    transition(people, people.inspector, case, "complete")
    _agree()
    assert MilestoneDay.objects.filter(milestone="started").aggregate(n=Sum("count"))["n"] == 1


def test_recount_rebuilds_what_was_lost(people, campaign):
    for _ in range(3):
        advance(people, new_case(people, campaign), "funding")
    StateCount.objects.all().delete()
    MilestoneDay.objects.filter(milestone="approved").update(count=99)
    assert aggregates.differences()["states"] and aggregates.differences()["days"]
    written = aggregates.recount()
    assert written["milestones"] == 6
    _agree()


def test_import_keeps_the_counts(people, campaign, tmp_path):
    from housing_campaign.imports import services
    from tests.imports.conftest import build_workbook, clean_rows

    path = tmp_path / "ds.xlsx"
    build_workbook(path, clean_rows(25))
    outcome = services.survey_import(actor=people.actor(people.officer), campaign=campaign,
                                     survey_round=campaign.rounds.get(number=1), path=path, dry_run=False)
    assert outcome.written
    _agree()
    assert StateCount.objects.aggregate(n=Sum("count"))["n"] == HousingCase.objects.count() == 25


def test_version_migration_keeps_the_counts(people, campaign):
    from housing_campaign.workflow import migration, rollout
    from housing_campaign.workflow.definitions import definition_clone
    from housing_campaign.workflow.models import WorkflowDefinition
    from tests.conftest import HOME, unit

    v2 = WorkflowDefinition.objects.get(doctype="housing_case", is_active=True)
    waiting = new_case(people, campaign)
    reviewed = advance(people, new_case(people, campaign), "eligibility_review")
    v3 = definition_clone(definition=v2)
    rollout.definition_pilot_start(actor=people.actor(people.admin), definition=v3, units=[unit(HOME).pk])
    result = migration.documents_migrate(actor=people.actor(people.admin), source=v2, target=v3,
                                         mapping={"survey": "survey", "eligibility_review": "funding"})
    assert result.moved == 2
    _agree()
    assert StateCount.objects.get(workflow_id=v3.pk, state="funding").count == 1
    assert not StateCount.objects.filter(workflow_id=v2.pk).exclude(count=0).exists()
    assert CaseMilestone.objects.filter(case_id=reviewed.pk, milestone="approved").exists()  # reached by the move
    assert CaseMilestone.objects.filter(case_id=waiting.pk).count() == 1


def test_days_follow_the_local_date(people, campaign):
    case = new_case(people, campaign)
    day = MilestoneDay.objects.get(milestone="surveyed")
    from django.utils import timezone

    assert day.day == timezone.localdate() and CaseMilestone.objects.get(case_id=case.pk).day == day.day
    assert isinstance(day.day, dt.date)


def test_a_changed_support_type_or_category_moves_the_counts(people, campaign, client):
    from housing_campaign.cases import services
    from tests.conftest import PASSWORD, survey_data

    case = advance(people, new_case(people, campaign), "construction")
    before = case.support_type
    changed = "repair" if before == "new_build" else "new_build"
    transition_case = new_case(people, campaign)
    services.case_update_survey(actor=people.actor(people.officer), case_id=transition_case.pk,
                                data=survey_data(campaign, support_type=changed))
    _agree()
    assert StateCount.objects.filter(support_type=changed).aggregate(n=Sum("count"))["n"] == 1
    # An administrator corrects the household's category in the admin: its cases move with it.
    household = case.household
    client.login(username=people.admin.username, password=PASSWORD)
    from django.forms.models import model_to_dict

    data = {k: v for k, v in model_to_dict(household).items() if v is not None}
    data.update(category="near_poor", commune=household.commune_id, village=household.village_id or "",
                **{"members-TOTAL_FORMS": 0, "members-INITIAL_FORMS": 0})
    response = client.post(f"/admin/households/household/{household.pk}/change/", data)
    household.refresh_from_db()
    assert household.category == "near_poor", response.content.decode()[:3000]
    _agree()
    assert MilestoneDay.objects.filter(category="near_poor", milestone="started").aggregate(n=Sum("count"))["n"] == 1


def test_recount_command_checks_and_rebuilds(people, campaign):
    from django.core.management import CommandError, call_command

    advance(people, new_case(people, campaign), "funding")
    call_command("recount_aggregates", "--check")
    StateCount.objects.all().delete()
    with pytest.raises(CommandError, match="khác với số đếm lại"):
        call_command("recount_aggregates", "--check")
    call_command("recount_aggregates")
    call_command("recount_aggregates", "--check")
    _agree()


def test_an_upgraded_site_gets_its_aggregates_at_sync(people, campaign):
    from housing_campaign.site.sync import sync_all

    advance(people, new_case(people, campaign), "funding")
    for model in (StateCount, CaseMilestone, MilestoneDay):
        model.objects.all().delete()  # as on a site whose cases predate the aggregates
    assert sync_all()["aggregates"] != "0"
    _agree()
    assert sync_all()["aggregates"] == "0"  # kept from then on: nothing to redo

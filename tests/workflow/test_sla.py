import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from housing_campaign.cases.models import HousingCase
from housing_campaign.core.models import DocumentEvent, Notification
from housing_campaign.workflow.sla import escalate_overdue, overdue_q, sla_status, time_in_stage
from tests.conftest import advance, new_case

pytestmark = pytest.mark.django_db


def _age(case, days):
    then = timezone.now() - dt.timedelta(days=days)
    HousingCase.objects.filter(pk=case.pk).update(state_since=then)
    case.refresh_from_db()


def test_overdue_flags(people, campaign):
    late = new_case(people, campaign)
    soon = new_case(people, campaign)
    fresh = new_case(people, campaign)
    _age(late, 20)   # survey SLA is 14 days
    _age(soon, 12)
    assert sla_status(late)["overdue"] and sla_status(late)["days"] == 20
    assert sla_status(soon)["due_soon"] and not sla_status(soon)["overdue"]
    assert not sla_status(fresh)["overdue"]
    assert list(HousingCase.objects.filter(overdue_q("housing_case")).values_list("pk", flat=True)) == [late.pk]


def test_daily_escalation_notifies_next_level_once_a_day(people, campaign):
    late = new_case(people, campaign)
    _age(late, 30)
    created = escalate_overdue()
    recipients = set(Notification.objects.filter(object_id=late.pk).values_list("user__username", flat=True))
    assert created >= 1 and "reviewer" in recipients      # the district level above the commune
    assert "officer_a" not in recipients                  # not the commune itself
    assert escalate_overdue() == 0                        # deduplicated for the day
    call_command("run_scheduled", "escalate_overdue")
    assert Notification.objects.filter(object_id=late.pk).count() == len(recipients)
    assert DocumentEvent.objects.filter(object_id=late.pk, kind="escalated").exists()


def test_time_in_stage_from_log(people, campaign):
    cases = [advance(people, new_case(people, campaign), "funding") for _ in range(3)]
    for i, case in enumerate(cases):
        events = list(DocumentEvent.objects.filter(object_id=case.pk).order_by("id"))
        start = timezone.now() - dt.timedelta(days=30)
        for n, event in enumerate(events):
            event.at = start + dt.timedelta(days=(i + 2) * n)
        DocumentEvent.objects.bulk_update(events, ["at"])
    rows = time_in_stage(actor=people.actor(people.reviewer))
    review = next(r for r in rows if r["stage"] == "review")
    assert review["count"] == 3 and review["territory"] == "Huyện Đắk Glei"
    assert review["median_days"] == 3.0 and review["p90_days"] == pytest.approx(3.8, abs=0.01)


def test_in_process_scheduler_runs_a_due_job_once(people, campaign):
    from housing_campaign.core.models import ScheduledRun
    from housing_campaign.core.scheduler import due_jobs, run_job_if_due

    late = new_case(people, campaign)
    _age(late, 30)
    sla = "housing_campaign.workflow.sla.escalate_overdue"
    assert sla in due_jobs()
    assert run_job_if_due(sla) is True
    assert run_job_if_due(sla) is False      # not due again for a day
    assert sla not in due_jobs()
    assert ScheduledRun.objects.get(name=sla).last_result != ""
    assert Notification.objects.filter(object_id=late.pk).exists()

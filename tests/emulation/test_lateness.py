"""Who is late for each deadline: not sent by the due date (days late counted to today), sent after it (days
late counted to the day sent), on time, not due yet; only the units of the reader's territory."""
import datetime as dt

import pytest
from django.utils import timezone

from housing_campaign.emulation import selectors, services
from housing_campaign.emulation.models import ReportingDeadline
from tests.conftest import HOME, OTHER, unit

from .helpers import day, home_committee, register, upload

pytestmark = pytest.mark.django_db


def committee(people, campaign, code, name):
    return services.participant_create(actor=people.actor(people.office), campaign=campaign, data={
        "kind": "peoples_committee", "unit": unit(code).pk, "name": name})


def test_on_time_late_missing_and_pending(people, campaign):
    today = timezone.localdate()
    plan = ReportingDeadline.objects.get(campaign=campaign, code="ke_hoach")
    report = ReportingDeadline.objects.get(campaign=campaign, code="bao_cao_2024")
    soon = services.deadline_create(actor=people.actor(people.office), campaign=campaign, data={
        "name": "Báo cáo bổ sung", "kind": "interim", "due_on": day(today + dt.timedelta(days=10)), "groups": ["b"]})
    home = home_committee(people, campaign)
    register(people, home)                        # plan sent with the registration, on time
    services.submission_save(actor=people.actor(people.officer), participant_id=home.pk, deadline_id=report.pk,
                             data={"document_number": "25/BC-UBND", "document_date": "08/12/2024",
                                   "submitted_on": "09/12/2024"}, file=upload())  # 10 days late
    other = committee(people, campaign, OTHER, "Ủy ban nhân dân xã Đăk Man")  # nothing sent
    reports = {r.deadline.code: r for r in selectors.lateness(people.actor(people.office), campaign)}
    assert reports["ke_hoach"].expected == 2 and reports["ke_hoach"].on_time == 1
    [missing] = reports["ke_hoach"].late
    assert (missing.participant, missing.state, missing.days_late) == (other, "missing", (today - plan.due_on).days)
    late = {s.participant.pk: s for s in reports["bao_cao_2024"].late}
    assert (late[home.pk].state, late[home.pk].days_late) == ("late", 10)
    assert late[other.pk].state == "missing" and late[other.pk].days_late == (today - report.due_on).days
    # most days late first
    assert reports["bao_cao_2024"].late[0].participant == other
    assert reports[soon.code].pending == 2 and not reports[soon.code].late


def test_lateness_is_scoped_to_the_territory_and_to_the_deadline_s_groups(people, campaign):
    home = home_committee(people, campaign)
    committee(people, campaign, OTHER, "Ủy ban nhân dân xã Đăk Man")
    services.participant_create(actor=people.actor(people.office), campaign=campaign, data={
        "kind": "business", "unit": unit("62").pk, "name": "Công ty A"})  # group d: owes no report
    reports = selectors.lateness(people.actor(people.officer), campaign)
    assert {s.participant.pk for r in reports for s in r.late} == {home.pk}
    office_reports = selectors.lateness(people.actor(people.office), campaign, group="b")
    assert all(r.expected == 2 for r in office_reports)


def test_a_plan_sent_before_the_office_set_a_plan_deadline_still_counts(people, campaign):
    ReportingDeadline.objects.filter(campaign=campaign, kind="plan").update(is_active=False)
    home = home_committee(people, campaign)
    register(people, home)
    plan = home.submissions.get()
    assert plan.deadline is None
    deadline = services.deadline_create(actor=people.actor(people.office), campaign=campaign, data={
        "name": "Kế hoạch của đơn vị", "kind": "plan", "due_on": "15/09/2024", "groups": ["b"]})
    [report] = [r for r in selectors.lateness(people.actor(people.office), campaign) if r.deadline == deadline]
    assert report.on_time == 1 and not report.late
    assert HOME == home.unit.code

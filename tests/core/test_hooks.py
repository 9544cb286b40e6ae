"""hooks.py is data; every kind of hook is called through its dotted path; a broken path fails the
start-up check; side effects run as recorded jobs and a failing one never undoes or breaks a
committed transition."""
from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from housing_campaign import hooks
from housing_campaign.core import hookspec
from housing_campaign.core.models import SideEffectJob
from housing_campaign.core.sideeffects import side_effect_jobs_retry_due
from tests.conftest import PASSWORD, new_case, transition

pytestmark = pytest.mark.django_db
CALLS: list[tuple] = []
HERE = "tests.core.test_hooks"


def record_event(*, doctype, ids, actor_id, **_kwargs):
    CALLS.append(("event", doctype, tuple(ids), actor_id))


def record_effect(*, doctype, ids, actor_id):
    CALLS.append(("effect", doctype, tuple(ids), actor_id))


def fail_effect(*, doctype, ids, actor_id):
    from housing_campaign.core.models import Notification

    Notification.objects.create(user_id=actor_id, subject="written before the failure")  # must roll back
    raise RuntimeError("máy chủ thư không trả lời")


def fail_for_odd_ids(*, doctype, ids, actor_id):
    if any(pk % 2 for pk in ids):
        raise RuntimeError("odd")
    CALLS.append(("effect", doctype, tuple(ids), actor_id))


def record_schedule():
    CALLS.append(("schedule",))
    return "ok"


def record_fixture():
    CALLS.append(("fixture",))
    return 0


def shout(value):
    return str(value).upper()


def household_size(case):
    return case.persons


@pytest.fixture(autouse=True)
def _clean():
    CALLS.clear()
    yield
    CALLS.clear()


def _effect(monkeypatch, name, handler):
    effects = {k: dict(v) for k, v in hooks.side_effects.items()}
    effects[name]["handler"] = f"{HERE}.{handler}"
    monkeypatch.setattr(hooks, "side_effects", effects)


def test_hooks_module_imports_nothing():
    tree = ast.parse(Path(hooks.__file__).read_text(encoding="utf-8"))
    imports = [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert imports == []


def test_every_hook_resolves_and_a_broken_path_fails_the_check(monkeypatch):
    assert hookspec.hook_problems() == []
    call_command("check")
    monkeypatch.setattr(hooks, "scheduler_events", {"daily": ["housing_campaign.workflow.sla.escalate_overdoe"]})
    problems = hookspec.hook_problems()
    assert len(problems) == 1 and "escalate_overdoe" in problems[0] and "scheduler_events['daily']" in problems[0]
    with pytest.raises(SystemCheckError, match="escalate_overdoe"):
        call_command("check")
    monkeypatch.setattr(hooks, "doctypes", {**hooks.doctypes, "ghost": "cases.Ghost"})
    assert any("doctypes['ghost']" in p for p in hookspec.hook_problems())


def test_doc_event_and_side_effect_are_called_after_commit(monkeypatch, people, campaign):
    monkeypatch.setattr(hooks, "doc_events", {"housing_case": {"on_transition": [f"{HERE}.record_event"]}})
    _effect(monkeypatch, "notify_next_actors", "record_effect")
    case = new_case(people, campaign)
    transition(people, people.officer, case, "submit")  # submit has notify_next_actors
    assert ("event", "housing_case", (case.pk,), people.officer.pk) in CALLS
    assert ("effect", "housing_case", (case.pk,), people.officer.pk) in CALLS
    assert set(SideEffectJob.objects.values_list("kind", "status")) == {("doc_event", "done"), ("side_effect", "done")}


def test_scheduler_event_is_called(monkeypatch, people):
    from housing_campaign.core.scheduler import due_jobs, run_job_if_due

    monkeypatch.setattr(hooks, "scheduler_events", {"hourly": [f"{HERE}.record_schedule"]})
    assert due_jobs() == [f"{HERE}.record_schedule"]
    assert run_job_if_due(f"{HERE}.record_schedule") is True
    assert CALLS == [("schedule",)]


def test_jinja_filter_and_method_and_fixture_loader_are_called(monkeypatch, reference_data):
    from housing_campaign.printing import sandbox
    from housing_campaign.site.sync import sync_all

    monkeypatch.setattr(hooks, "jinja", {"filters": {**hooks.jinja["filters"], "la_to": f"{HERE}.shout"},
                                         "methods": {"hello": f"{HERE}.shout"}})
    sandbox.environment.cache_clear()
    try:
        assert sandbox.render("{{ 'xin chào'|la_to }} {{ hello('a') }} {{ 60000000|vnd }}", {}) == \
            "XIN CHÀO A 60.000.000 đ"
    finally:
        monkeypatch.undo()
        sandbox.environment.cache_clear()
    monkeypatch.setattr(hooks, "fixtures", {"extra": f"{HERE}.record_fixture"})
    assert sync_all() == {"extra": 0} and CALLS == [("fixture",)]


def test_computed_field_is_used_by_conditions(monkeypatch, people, campaign):
    from housing_campaign.workflow.conditions import condition_problems, evaluate

    monkeypatch.setattr(hooks, "computed_fields", {
        **hooks.computed_fields,
        "housing_case": {**hooks.computed_fields["housing_case"],
                         "household_size": {"label": "số người", "path": f"{HERE}.household_size"}}})
    case = new_case(people, campaign)
    assert condition_problems("housing_case", "household_size >= 4") == []
    assert evaluate("housing_case", case, "household_size >= 4") is True


def test_failing_side_effect_leaves_the_transition_committed_and_the_page_200(
        monkeypatch, people, campaign, django_capture_on_commit_callbacks):
    _effect(monkeypatch, "notify_next_actors", "fail_effect")
    case = new_case(people, campaign)
    client = Client()
    client.login(username="officer_a", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("desk:case_transition", args=[case.pk]),
                               {"action": "submit", "expected_state": "survey"}, follow=True)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.state == "commune_confirmation"
    job = SideEffectJob.objects.get(name="notify_next_actors")
    assert job.status == "retry" and job.attempts == 1 and "máy chủ thư không trả lời" in job.last_error
    assert job.next_attempt_at > timezone.now()
    from housing_campaign.core.models import Notification

    assert not Notification.objects.filter(subject="written before the failure").exists()
    page = client.get(reverse("desk:case", args=[case.pk])).content.decode()
    assert "chưa chạy được (lần thử 1/5" in page and f"J{job.pk}" in page
    assert "máy chủ thư" not in page  # the error text is for administrators, not the desk

    # Retries with backoff until the attempts run out, then it stops and stays visible.
    for attempt in range(2, 6):
        SideEffectJob.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
        assert side_effect_jobs_retry_due() == 1
        job.refresh_from_db()
        assert job.attempts == attempt
    assert job.status == "failed" and side_effect_jobs_retry_due() == 0
    assert "đã dừng thử lại" in client.get(reverse("desk:case", args=[case.pk])).content.decode()

    # Fixed: an administrator asks for one more attempt from the admin.
    _effect(monkeypatch, "notify_next_actors", "record_effect")
    admin = Client()
    admin.login(username="admin_kt", password=PASSWORD)
    admin.post(reverse("admin:core_sideeffectjob_changelist"), {"action": "retry_now", "_selected_action": [job.pk]})
    job.refresh_from_db()
    assert job.status == "done" and CALLS


def test_a_failing_batch_is_split_per_document(monkeypatch, people, campaign, django_capture_on_commit_callbacks):
    from housing_campaign.workflow.engine import bulk_transition

    _effect(monkeypatch, "notify_next_actors", "fail_for_odd_ids")
    cases = [new_case(people, campaign) for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = bulk_transition(actor=people.actor(people.officer), doctype="housing_case",
                                   ids=[c.pk for c in cases], action="submit")
    assert all(o.ok for o in outcomes)
    parent = SideEffectJob.objects.get(parent__isnull=True, name="notify_next_actors")
    assert parent.status == "split" and len(parent.object_ids) == 4
    by_case = dict(SideEffectJob.objects.filter(parent=parent).values_list("object_id", "status"))
    assert by_case == {c.pk: ("retry" if c.pk % 2 else "done") for c in cases}


def test_auditor_cannot_retry_jobs(monkeypatch, people, campaign, django_capture_on_commit_callbacks):
    _effect(monkeypatch, "notify_next_actors", "fail_effect")
    case = new_case(people, campaign)
    with django_capture_on_commit_callbacks(execute=True):
        transition(people, people.officer, case, "submit")
    job = SideEffectJob.objects.get(name="notify_next_actors")
    auditor = Client()
    auditor.login(username="auditor", password=PASSWORD)
    assert auditor.get(reverse("admin:core_sideeffectjob_changelist")).status_code == 200
    auditor.post(reverse("admin:core_sideeffectjob_changelist"), {"action": "retry_now", "_selected_action": [job.pk]})
    job.refresh_from_db()
    assert job.attempts == 1 and job.status == "retry"


def test_a_side_effect_missing_from_hooks_fails_visibly_not_the_transition(monkeypatch, people, campaign):
    monkeypatch.setattr(hooks, "side_effects", {k: v for k, v in hooks.side_effects.items()
                                                if k != "notify_next_actors"})
    case = new_case(people, campaign)
    transition(people, people.officer, case, "submit")  # the workflow still names notify_next_actors
    case.refresh_from_db()
    assert case.state == "commune_confirmation"
    job = SideEffectJob.objects.get(name="notify_next_actors")
    assert job.status == "retry" and "notify_next_actors" in job.last_error

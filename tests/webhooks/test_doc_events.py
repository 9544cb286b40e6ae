"""``hooks.doc_events``: another app subscribes by dotted path to a document's creation (form and import), its
transitions, its field edits and its certificate being issued or revoked; each change is one recorded job per
listening handler, after commit, carrying the documents and their log rows. Bulk paths stay one job per change
(never one per document) and write no job at all when nobody listens (no webhook configured)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from housing_campaign import hooks
from housing_campaign.core import hookspec
from housing_campaign.core.models import DocumentEvent, SideEffectJob
from tests.conftest import advance, new_case, transition
from tests.webhooks.conftest import new_webhook

pytestmark = pytest.mark.django_db
CALLS: list[dict] = []
HERE = "tests.webhooks.test_doc_events"
EVENTS = ("on_create", "on_transition", "on_change", "on_certificate_issued", "on_certificate_revoked")
WEBHOOKS = "housing_campaign.webhooks.services.webhooks_on_event"


def record(*, doctype, ids, actor_id, event, log_ids, **_kwargs):
    rows = {r.pk: r for r in DocumentEvent.objects.filter(pk__in=log_ids)}
    CALLS.append({"event": event, "doctype": doctype, "ids": list(ids), "actor_id": actor_id,
                  "rows": [rows[pk] for pk in log_ids]})


def nobody_listens(*, doctype, event):
    return False


@pytest.fixture
def subscribed(monkeypatch):
    """A second app's handler on every event of housing cases, next to the webhooks (hooks.py as shipped)."""
    CALLS.clear()
    events = {**hooks.doc_events, "housing_case": {e: [f"{HERE}.record"] for e in EVENTS}}
    monkeypatch.setattr(hooks, "doc_events", events)
    yield CALLS
    CALLS.clear()


def test_hooks_py_documents_every_event_and_the_check_knows_them(monkeypatch):
    assert hookspec.DOC_EVENTS == EVENTS
    assert all(hooks.doc_events["*"][e] == [WEBHOOKS] for e in EVENTS)
    assert hookspec.hook_problems() == []
    monkeypatch.setattr(hooks, "doc_events", {"housing_case": {"on_delete": [f"{HERE}.record"]}})
    monkeypatch.setattr(hooks, "doc_event_listens", {f"{HERE}.record": f"{HERE}.nobody_listen"})
    problems = "\n".join(hookspec.hook_problems())
    assert "unknown event" in problems and "nobody_listen" in problems


def test_every_event_of_a_case_reaches_a_subscriber_after_commit(people, campaign, subscribed, run_here):
    from housing_campaign.cases.services import case_create
    from housing_campaign.certificates.services import certificate_revoke
    from tests.conftest import new_household, survey_data

    officer = people.actor(people.officer)
    household = new_household(people, campaign)
    with TestCase.captureOnCommitCallbacks(execute=True):
        case = case_create(actor=officer, campaign=campaign, household=household,
                           survey_round=campaign.rounds.get(number=1), data=survey_data(campaign))
    created = subscribed[-1]
    assert created["event"] == "on_create" and created["ids"] == [case.pk] and created["actor_id"] == people.officer.pk
    assert created["rows"][0].kind == "created" and created["rows"][0].to_state == "survey"

    # Every stage's form, every transition, the certificate at handover; the forms' after-commit jobs too (a job
    # run twice by the nested captures is claimed once: the second run is skipped).
    with TestCase.captureOnCommitCallbacks(execute=True):
        case = advance(people, case, "posting")
    by_event: dict[str, list[dict]] = {}
    for call in subscribed:
        by_event.setdefault(call["event"], []).append(call)
    assert [c["rows"][0].action for c in by_event["on_transition"]] == [
        "submit", "confirm", "end_posting", "approve", "allocate", "complete", "accept", "hand_over"]
    changed = [name for c in by_event["on_change"] for name in c["rows"][0].changes]
    assert {"village_meeting_on", "progress_percent", "acceptance", "handed_over_on"} <= set(changed)
    issued = by_event["on_certificate_issued"][0]["rows"][0]
    certificate = case.certificates.get(status="valid")
    assert issued.data["certificate"] == certificate.code and issued.data["number"] == certificate.number_text

    with TestCase.captureOnCommitCallbacks(execute=True):
        certificate_revoke(actor=people.actor(people.chairman), certificate=certificate, reason="Cấp nhầm")
    revoked = subscribed[-1]
    assert revoked["event"] == "on_certificate_revoked" and revoked["ids"] == [case.pk]
    assert revoked["rows"][0].data["certificate"] == certificate.code
    assert SideEffectJob.objects.filter(handler=f"{HERE}.record").exclude(status="done").count() == 0
    # No webhook is configured: the webhooks' handler never got a job.
    assert not SideEffectJob.objects.filter(handler=WEBHOOKS).exists()


def test_a_refused_edit_emits_nothing(people, campaign, subscribed, run_here):
    from housing_campaign.cases.services import case_update_confirmation
    from housing_campaign.core.errors import ServiceError

    case = new_case(people, campaign)
    subscribed.clear()
    with TestCase.captureOnCommitCallbacks(execute=True), pytest.raises(ServiceError):
        case_update_confirmation(actor=people.actor(people.chairman), case_id=case.pk, data={
            "village_meeting_on": timezone.localdate(), "village_meeting_total": 3, "village_meeting_agree": 30})
    assert subscribed == []


def test_a_bulk_approval_is_one_job_per_listener_and_none_when_nobody_listens(people, campaign, subscribed,
                                                                               run_here, receiver, root):
    from housing_campaign.workflow.engine import bulk_transition

    cases = [new_case(people, campaign) for _ in range(12)]
    SideEffectJob.objects.all().delete()
    subscribed.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        outcomes = bulk_transition(actor=people.actor(people.officer), doctype="housing_case",
                                   ids=[c.pk for c in cases], action="submit")
    assert all(o.ok for o in outcomes)
    jobs = SideEffectJob.objects.filter(kind="doc_event")
    assert list(jobs.values_list("handler", flat=True)) == [f"{HERE}.record"]  # no webhook: no job for it
    assert len(subscribed) == 1 and sorted(subscribed[0]["ids"]) == sorted(c.pk for c in cases)
    rows = subscribed[0]["rows"]
    assert [r.object_id for r in rows] == subscribed[0]["ids"] and {r.action for r in rows} == {"submit"}

    # With a webhook wanting transitions: still one job for the whole chunk, then one delivery per case.
    new_webhook(root, receiver.url)
    more = [new_case(people, campaign) for _ in range(5)]
    SideEffectJob.objects.all().delete()
    with TestCase.captureOnCommitCallbacks(execute=True):
        bulk_transition(actor=people.actor(people.officer), doctype="housing_case", ids=[c.pk for c in more],
                        action="submit")
    assert SideEffectJob.objects.filter(kind="doc_event", handler=WEBHOOKS).count() == 1
    assert SideEffectJob.objects.filter(kind="webhook").count() == 5
    assert sorted(r.json["document"]["code"] for r in receiver.requests) == sorted(c.code for c in more)


def test_a_survey_import_is_one_job_for_the_whole_file(people, campaign, subscribed, run_here, tmp_path, receiver,
                                                      root):
    from housing_campaign.imports import services
    from tests.imports.conftest import build_workbook, clean_rows

    def run(rows, start):
        path = tmp_path / f"ds-{start}.xlsx"
        build_workbook(path, clean_rows(rows, start=start))
        with TestCase.captureOnCommitCallbacks(execute=True):
            return services.survey_import(actor=people.actor(people.officer), campaign=campaign,
                                          survey_round=campaign.rounds.get(number=1), path=path, dry_run=False)

    run(30, 100)
    assert [c["event"] for c in subscribed] == ["on_create"] and len(subscribed[0]["ids"]) == 30
    assert {r.kind for r in subscribed[0]["rows"]} == {"created"}
    assert not SideEffectJob.objects.filter(handler=WEBHOOKS).exists()  # nobody listens: not even one job

    new_webhook(root, receiver.url, events=("created",))
    subscribed.clear()
    run(8, 500)
    assert SideEffectJob.objects.filter(handler=WEBHOOKS).count() == 1
    assert len(receiver.requests) == 8 and {r.json["event"] for r in receiver.requests} == {"created"}
    assert {r.json["to_state"] for r in receiver.requests} == {"survey"}


def test_a_guard_that_says_nobody_listens_writes_no_job(people, campaign, monkeypatch, run_here):
    monkeypatch.setattr(hooks, "doc_events", {"housing_case": {"on_transition": [f"{HERE}.record"]}})
    monkeypatch.setattr(hooks, "doc_event_listens", {f"{HERE}.record": f"{HERE}.nobody_listens"})
    case = new_case(people, campaign)
    transition(people, people.officer, case, "submit")
    assert not SideEffectJob.objects.filter(kind="doc_event").exists() and CALLS == []


def test_the_fan_out_reads_the_same_number_of_queries_for_3_or_30_documents(people, campaign, root, receiver):
    from housing_campaign.webhooks.services import webhooks_on_event
    from housing_campaign.workflow.engine import bulk_transition

    new_webhook(root, receiver.url)
    counts = []
    for size in (3, 30):
        cases = [new_case(people, campaign) for _ in range(size)]
        bulk_transition(actor=people.actor(people.officer), doctype="housing_case", ids=[c.pk for c in cases],
                        action="submit")  # after-commit jobs are not run: the fan-out is measured alone
        rows = list(DocumentEvent.objects.filter(kind="transition", object_id__in=[c.pk for c in cases]))
        with CaptureQueriesContext(connection) as queries:
            made = webhooks_on_event(doctype="housing_case", ids=[r.object_id for r in rows], actor_id=None,
                                     event="on_transition", log_ids=[r.pk for r in rows])
        assert made == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_retries_stop_after_the_last_attempt(people, campaign, root, receiver, run_here, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 50
    receiver.default = 500
    new_webhook(root, receiver.url)
    transition(people, people.officer, new_case(people, campaign), "submit")
    job = SideEffectJob.objects.get(kind="webhook")
    SideEffectJob.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    from housing_campaign.core.sideeffects import side_effect_jobs_retry_due

    side_effect_jobs_retry_due()
    job.refresh_from_db()
    from housing_campaign.webhooks.models import WebhookDelivery

    delivery = WebhookDelivery.objects.get()
    assert job.status == "failed" and delivery.status == "failed" and delivery.attempts == 2
    assert len(receiver.requests) == 2


def test_an_update_import_is_one_job_for_the_file_without_the_refused_rows(people, campaign, subscribed, run_here,
                                                                          tmp_path):
    """Each row goes through the funding form's service in its own savepoint; a refused row's edit is rolled back
    and is not in the one on_change job recorded for the file."""
    from housing_campaign.imports import services
    from tests.imports.test_update_import import TODAY, _file

    funding = [advance(people, new_case(people, campaign), "funding") for _ in range(2)]
    survey = new_case(people, campaign)
    path = tmp_path / "qd.xlsx"
    _file(path, [[case.code, f"12{i}/QĐ-UBND", TODAY.strftime("%d/%m/%Y"), None, None]
                 for i, case in enumerate([*funding, survey])])
    subscribed.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        outcome = services.update_import(actor=people.actor(people.finance), path=path, dry_run=False,
                                         good_rows_only=True)
    assert outcome.written
    assert [c["event"] for c in subscribed] == ["on_change"]
    assert sorted(subscribed[0]["ids"]) == sorted(c.pk for c in funding)
    assert {name for row in subscribed[0]["rows"] for name in row.changes} == {"approval_decision_number",
                                                                               "approval_decision_date"}

"""A property-based run over the whole OpenAPI schema with schemathesis: every operation, with generated
parameters and bodies (valid and invalid), as a commune officer with a real token, against the WSGI application
and the test database. No answer may be a server error, and every answer must match the schema (status code,
content type, body). Path identifiers are mostly real records of the officer's commune, so the writes reach the
services (and sometimes a generated code, which must be a 404 in the error shape)."""
from __future__ import annotations

import logging
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as settings_
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 20


def _substitute_path(case, world) -> None:
    body, case.body = case.body, None
    _substitute(case, world)
    case.body = body


def _real_identifiers(world) -> dict[str, list[str]]:
    return {
        "/api/v1/cases/{code}/": [world.survey.code, world.confirm.code, world.review.code, world.funding.code,
                                  world.building.code, world.accepting.code, world.handover.code, world.done.code],
        "/api/v1/households/{code}/": [world.survey.household.code],
        "/api/v1/postings/{code}/": [world.posting.code],
        "/api/v1/feedback/{code}/": [world.feedback.code],
        "/api/v1/nominations/{code}/": [world.nomination.code],
        "/api/v1/campaigns/{code}/": [world.campaign.code],
    }


# The workflow actions tried on each kind of document (the path's third segment).
ACTIONS = {"cases": ["submit", "confirm", "approve", "return", "reject", "withdraw", "allocate"],
           "feedback": ["assign", "answer", "mark_spam", "return", "close", "reopen"],
           "nominations": ["submit", "approve", "return", "reject", "decide", "vote_approve"]}

_DATE_FIELDS = ("surveyed_on", "date", "accepted_on", "handed_over_on", "village_meeting_on", "approval_decision_date")


def _plausible(case, world, choice: int) -> None:
    """In two cases out of three, a generated body is made plausible where random values almost never are (an
    existing commune and strand, a fresh CCCD, recent dates), so the services' own rules are reached."""
    body = case.body
    if not isinstance(body, dict) or choice % 3 == 0:
        return
    import datetime as dt

    day = (world.today - dt.timedelta(days=choice % 20)).isoformat()
    household = body.get("household")
    if isinstance(household, dict):
        household.update({"commune": world.home.code, "national_id": f"{62085000000 + choice % 999_983:012d}",
                          "split_on": None, "village": None})
    survey = body.get("survey") if isinstance(body.get("survey"), dict) else body
    if isinstance(body.get("participant"), int):  # a new nomination: a real participant and award form
        body["participant"] = world.participant.pk
        body["award_form"] = ["giay_khen_chu_tich_huyen", "giay_khen_chu_tich_xa"][choice % 2]
    if isinstance(survey, dict):
        if "strand" in survey:
            survey["strand"] = "phong_trao"
        if "floor_area" in survey and not str(survey["floor_area"]).lstrip("0.").strip("."):
            survey["floor_area"] = "24.5"  # a house of 0 m² is refused by the survey's rules, rightly
        if "village" in survey:
            survey["village"] = None
        for name in _DATE_FIELDS:
            if survey.get(name):
                survey[name] = day
    body.pop("lock_version", None)
    body.pop("campaign", None)  # the active campaign
    if isinstance(body.get("extra"), dict):
        body["extra"] = {}  # no extra field is defined here: any key would be refused, rightly
    if isinstance(household, dict) and not str(household.get("head_name") or "").strip():
        household["head_name"] = "Y Hoa"


def _substitute(case, world) -> None:
    """Most generated identifiers are replaced by real ones (deterministically, from the generated value)."""
    params = case.path_parameters or {}
    _plausible(case, world, sum(map(ord, repr(case.body)[:200])))
    path = case.path
    for name, value in list(params.items()):
        text = str(value)
        if len(text) % 5 == 0:
            continue  # keep the generated value: a 404 in the one error shape
        choice = sum(map(ord, text))
        if name == "code":
            for prefix, codes in _real_identifiers(world).items():
                if path.startswith(prefix.replace("/{code}/", "/{code}")) or path.startswith(prefix[:-1]):
                    params[name] = codes[choice % len(codes)]
                    break
        elif name in ("pk", "id") and path.startswith("/api/v1/contributions/"):
            params[name] = world.receipt.pk
        elif name in ("pk", "id") and path.startswith("/api/v1/units/"):
            params[name] = world.home.pk
        elif name == "doctype":
            params[name] = ["housing_case", "feedback", "commendation"][choice % 3]
        elif name == "action":
            actions = ACTIONS.get(path.split("/")[3], ACTIONS["cases"])
            params[name] = actions[choice % len(actions)]


def _operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


@pytest.fixture
def keep_connection():
    """The real WSGI handler closes the database connection after each request when it is inside a transaction (the
    test's): on PostgreSQL that would end the test. Django's own test client disconnects the same handlers."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _examples(operation, mode, world, headers, checks, statuses):
    """Hypothesis' test of one operation in one generation mode (``@given`` takes no bound defaults)."""
    from hypothesis import given

    from housing_campaign.api.errors import vietnamese

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings_(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
               suppress_health_check=list(HealthCheck))
    def run(case):
        if mode == GenerationMode.POSITIVE:
            _substitute(case, world)
        else:
            _substitute_path(case, world)
        response = case.call_and_validate(headers=headers, checks=checks)
        key = f"{operation.method.upper()} {operation.path}"
        if response.status_code >= 400:  # DRF's own English never reaches the client
            error = response.json()["error"]
            texts = [error["message"], *(m for messages in error["errors"].values() for m in messages)]
            english = [t for t in texts if vietnamese(t) != t or "No data provided" in t]
            assert not english, (key, english)
        statuses.setdefault(key, Counter())[response.status_code] += 1

    return run


def test_schema_fuzz(api_world, people, settings, keep_connection, caplog):
    """One test over every operation (schemathesis' pytest plugin builds one per operation, which would build the
    records again for each; its lazy loader does not run on pytest 9): for each operation, Hypothesis draws
    ``EXAMPLES_PER_OPERATION`` cases in each generation mode, derandomized so CI is reproducible."""
    from django.core.wsgi import get_wsgi_application

    from tests.api.conftest import token_for

    settings.API_RATE_LIMIT_PER_MINUTE = 0  # the rate limit has its own test; here every request is served
    caplog.set_level(logging.ERROR, logger="django.request")  # thousands of expected 4xx lines otherwise
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    token = token_for(people.officer)
    headers = {"Authorization": f"Bearer {token}"}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = list(_operations(schema))
    assert len(operations) >= 25
    failures = []
    statuses: dict[str, Counter] = {}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run = _examples(operation, mode, api_world, headers, checks, statuses)
            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every operation is tried, all reported
                failures.append(f"{operation.method.upper()} {operation.path} ({mode}): {exc}")
    assert not failures, "\n\n".join(failures)
    for key, counts in sorted(statuses.items()):
        print(key, dict(sorted(counts.items())))
    # Meaningful, not only refusals: every read answered 200 at least once, and writes got through the services.
    for key, counts in statuses.items():
        if key.startswith("GET"):
            assert counts[200], (key, counts)
    # The officer surveys: new cases and photos get through; stage forms of other roles are refused (403), rightly.
    for key, status in (("POST /api/v1/cases/", 201), ("POST /api/v1/cases/{code}/attachments/", 201),
                        ("POST /api/v1/cases/actions/{action}/", 200), ("POST /api/v1/nominations/", 201)):
        assert statuses[key][status], (key, statuses[key])

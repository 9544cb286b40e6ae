"""Transitions the system takes by itself ("automatic"): what a definition may declare, how it is stored,
drawn and exported, and that the job moves a document only when the condition holds."""
import copy

import pytest

from housing_campaign.core.models import DocumentEvent
from housing_campaign.workflow import automation, definitions
from housing_campaign.workflow.definitions import canonical_yaml, definition_problems, parse_yaml, workflows_dir
from housing_campaign.workflow.models import WorkflowDefinition
from tests.conftest import advance, new_case, post_ended

pytestmark = pytest.mark.django_db


def _file(name="housing_case.yaml") -> dict:
    return parse_yaml((workflows_dir() / name).read_text(encoding="utf-8"))


def _step(data, source, action):
    return next(t for t in data["transitions"] if (t["source"], t["action"]) == (source, action))


def test_default_workflow_ends_postings_automatically(reference_data):
    data = _file()
    assert data["version"] == 2
    end = _step(data, "village_posting", "end_posting")
    assert end["automatic"] and end["target"] == "eligibility_review"
    assert "posting_over" in end["condition"] and "open_feedback == 0" in end["condition"]
    assert _step(data, "commune_confirmation", "confirm")["target"] == "village_posting"
    assert _step(data, "posting", "close")["automatic"]
    assert definition_problems(data) == []
    assert definition_problems(_file("feedback.yaml")) == []


@pytest.mark.parametrize("change, expected", [
    ({"kind": "return"}, "chỉ bước chuyển tiếp"),
    ({"condition": ""}, "phải có điều kiện"),
    ({"comment_required": True}, "không thể bắt buộc ghi lý do"),
    ({"quorum": 3}, "không thể bắt buộc ghi lý do hay cần nhiều phiếu"),
])
def test_an_automatic_step_must_be_a_forward_step_with_a_condition(reference_data, change, expected):
    data = copy.deepcopy(_file())
    _step(data, "village_posting", "end_posting").update(change)
    problems = definition_problems(data)
    assert any(expected in p for p in problems), problems
    blamed = [p for p in problems if expected in p]
    assert blamed[0].transition == ("village_posting", "end_posting")


def test_automatic_round_trips_and_files_without_it_keep_their_checksum(reference_data):
    stored = WorkflowDefinition.objects.get(doctype="housing_case", version=2)
    exported = canonical_yaml(definitions.definition_to_dict(stored))
    assert exported.count("automatic: true") == 2
    assert parse_yaml(exported)["transitions"] == _file()["transitions"]
    # A definition that never says "automatic" exports without the key (defaults are omitted), so files
    # written before the flag existed still match what is stored.
    v1 = WorkflowDefinition.objects.get(doctype="commendation", version=2)
    assert "automatic" not in canonical_yaml(definitions.definition_to_dict(v1))


def test_diagram_marks_automatic_steps(reference_data):
    from housing_campaign.workflow.diagram import workflow_dot

    stored = WorkflowDefinition.objects.get(doctype="housing_case", version=2)
    dot = workflow_dot(definitions.definition_to_dict(stored))
    assert "⚙ Hết thời hạn" in dot and "hệ thống tự thực hiện" in dot


def test_job_moves_only_documents_whose_condition_holds(people, campaign):
    posted, waiting = new_case(people, campaign), new_case(people, campaign)
    for case in (posted, waiting):
        advance(people, case, "village_posting")
    post_ended(people, [posted])
    moved = automation.automatic_transitions_run(doctype="housing_case")
    assert moved == {"housing_case:end_posting": 1}
    posted.refresh_from_db()
    waiting.refresh_from_db()
    assert (posted.state, waiting.state) == ("eligibility_review", "village_posting")
    row = DocumentEvent.objects.filter(object_id=posted.pk, doctype="housing_case", kind="transition").latest("at")
    assert row.actor.username == automation.SYSTEM_USERNAME and row.action == "end_posting"
    assert not row.actor.is_active and not row.actor.has_usable_password()
    # Nothing more to do: a second run moves nothing and writes nothing.
    before = DocumentEvent.objects.count()
    assert automation.automatic_transitions_run(doctype="housing_case") == {}
    assert DocumentEvent.objects.count() == before

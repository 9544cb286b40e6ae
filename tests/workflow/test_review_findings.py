"""Findings of the review of issue 11, each fixed at its cause."""
import pytest
from django.test import Client
from django.urls import reverse

from housing_campaign.workflow.conditions import condition_problems
from housing_campaign.workflow.definitions import definition_clone, definition_problems, definition_to_dict
from housing_campaign.workflow.forms import role_choices
from housing_campaign.workflow.models import WorkflowDefinition, WorkflowPilot
from tests.conftest import HOME, unit

pytestmark = pytest.mark.django_db


def test_the_read_only_auditor_is_never_a_role_that_acts_or_edits(reference_data):
    data = definition_to_dict(WorkflowDefinition.objects.get(doctype="housing_case", is_active=True))
    data["transitions"][0]["roles"] = [*data["transitions"][0]["roles"], "auditor"]
    data["states"][0]["edit_roles"] = [*data["states"][0]["edit_roles"], "auditor"]
    problems = definition_problems(data)
    assert any("“auditor” chỉ được xem, không thực hiện được bước chuyển" in p for p in problems), problems
    assert any("“auditor” chỉ được xem, không được sửa hồ sơ" in p for p in problems), problems
    assert "auditor" not in dict(role_choices())


def test_a_condition_that_does_not_parse_is_explained_in_the_users_language(reference_data):
    [problem] = condition_problems("housing_case", "village_meeting_total >")
    assert "không đúng cú pháp" in problem and "invalid syntax" not in problem


def test_an_activation_without_a_choice_of_how_is_refused_not_guessed(people):
    draft = definition_clone(definition=WorkflowDefinition.objects.get(doctype="housing_case", is_active=True))
    client = Client()
    client.force_login(people.admin)
    url = reverse("admin:workflow_activate", args=[draft.pk])
    for mode in ("zzz", ""):
        response = client.post(url, {"op": "confirm", "mode": mode, "units": [unit(HOME).pk]})
        assert response.status_code == 200
        assert "Hãy chọn áp dụng cho toàn tỉnh hoặc thí điểm" in response.content.decode()
    assert not WorkflowPilot.objects.exists()
    draft.refresh_from_db()
    assert not draft.is_active

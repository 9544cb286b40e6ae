"""An administrator inserts "Thẩm định thực địa" between review and funding through the admin:
new cases pass through it, in-flight cases finish on their version; an invalid edit is refused
with its reasons and nothing changes."""
import pytest
from django.test import Client
from django.urls import reverse

from housing_campaign.workflow.models import WorkflowDefinition, WorkflowState, WorkflowTransition
from tests.conftest import PASSWORD, advance, new_case, transition
from tests.workflow.admin_forms import change_form_data, encode

pytestmark = pytest.mark.django_db


def admin_client(people) -> Client:
    client = Client()
    assert client.login(username=people.admin.username, password=PASSWORD)
    return client


def clone_active(client) -> WorkflowDefinition:
    v1 = WorkflowDefinition.objects.get(doctype="housing_case", is_active=True)
    response = client.post(reverse("admin:workflow_workflowdefinition_changelist"),
                           {"action": "make_new_version", "_selected_action": [v1.pk]})
    assert response.status_code == 302
    return WorkflowDefinition.objects.filter(doctype="housing_case").order_by("-version").first()


def test_insert_field_inspection_state_through_admin(people, campaign):
    client = admin_client(people)
    in_flight = advance(people, new_case(people, campaign), "eligibility_review")
    v1 = WorkflowDefinition.objects.get(doctype="housing_case", is_active=True)
    # The active version is read-only in the admin.
    page = client.get(reverse("admin:workflow_workflowdefinition_change", args=[v1.pk])).content.decode()
    assert "chỉ xem" in page and "<svg" in page

    draft = clone_active(client)
    assert draft.version == v1.version + 1 and not draft.is_active
    url = reverse("admin:workflow_workflowdefinition_change", args=[draft.pk])
    data, formsets = change_form_data(client.get(url))
    states = formsets["states"]["rows"]
    states.append({"order": 35, "code": "field_inspection", "label_vi": "Thẩm định thực địa",
                   "label_en": "Field inspection", "stage": "review", "edit_roles": ["reviewer"],
                   "required_fields": "", "sla_days": 5, "definition": draft.pk})
    transitions = formsets["transitions"]["rows"]
    approve = next(t for t in transitions if t["source"] == "eligibility_review" and t["action"] == "approve")
    approve["target"] = "field_inspection"
    approve["side_effects"] = []
    transitions.append({"order": 65, "source": "field_inspection", "action": "inspect_ok",
                        "label_vi": "Đạt thẩm định thực địa", "label_en": "Field inspection passed",
                        "target": "funding", "kind": "forward", "roles": ["reviewer"], "condition": "",
                        "condition_message": "",
                        "allow_previous_actor": "on", "quorum": 1, "territory_rule": "contains",
                        "side_effects": ["apply_support_norm"], "definition": draft.pk})
    response = client.post(url, encode(data, formsets))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert WorkflowState.objects.filter(definition=draft, code="field_inspection").exists()

    response = client.post(reverse("admin:workflow_activate", args=[draft.pk]),
                           {"op": "confirm", "mode": "province"}, follow=True)
    assert "Đã áp dụng" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_active

    # In flight: finishes on v1 (approve goes straight to funding).
    transition(people, people.reviewer, in_flight, "approve")
    in_flight.refresh_from_db()
    assert (in_flight.workflow_id, in_flight.state) == (v1.pk, "funding")
    # New case: passes through the new state.
    fresh = advance(people, new_case(people, campaign), "eligibility_review")
    assert fresh.workflow_id == draft.pk
    transition(people, people.reviewer, fresh, "approve")
    fresh.refresh_from_db()
    assert fresh.state == "field_inspection"
    page = Client()
    page.login(username="reviewer", password=PASSWORD)
    assert "Đạt thẩm định thực địa" in page.get(reverse("desk:case", args=[fresh.pk])).content.decode()
    transition(people, people.reviewer, fresh, "inspect_ok")
    fresh.refresh_from_db()
    assert fresh.state == "funding" and fresh.support_amount == 60_000_000


def test_invalid_admin_edit_is_refused_and_changes_nothing(people, campaign):
    client = admin_client(people)
    draft = clone_active(client)
    url = reverse("admin:workflow_workflowdefinition_change", args=[draft.pk])
    data, formsets = change_form_data(client.get(url))
    before = (list(WorkflowState.objects.filter(definition=draft).values_list("code", "label_vi")),
              list(WorkflowTransition.objects.filter(definition=draft).values_list("source", "action", "target",
                                                                                   "condition")))
    transitions = formsets["transitions"]["rows"]
    transitions[0]["target"] = "does_not_exist"
    transitions[1]["condition"] = "persons >>> 2"
    formsets["states"]["rows"][0]["label_vi"] = "Đổi tên sẽ không được lưu"
    response = client.post(url, encode(data, formsets), follow=True)
    text = response.content.decode()
    assert response.status_code == 200 and "Quy trình không hợp lệ nên chưa lưu gì" in text
    assert 'value="Đổi tên sẽ không được lưu"' in text   # what the administrator typed is still there
    assert "trạng thái đích “does_not_exist” không tồn tại" in text
    assert "Điều kiện không đúng cú pháp" in text
    after = (list(WorkflowState.objects.filter(definition=draft).values_list("code", "label_vi")),
             list(WorkflowTransition.objects.filter(definition=draft).values_list("source", "action", "target",
                                                                                  "condition")))
    assert after == before


def test_condition_preview_on_a_case(people, campaign):
    client = admin_client(people)
    case = new_case(people, campaign)
    v1 = WorkflowDefinition.objects.get(doctype="housing_case", is_active=True)
    url = reverse("admin:workflow_try_condition", args=[v1.pk])
    ok = client.post(url, {"condition": "persons >= 4 and is_eligible", "document": case.code}).content.decode()
    assert "ĐẠT" in ok
    bad = client.post(url, {"condition": "persons >= ", "document": case.code}).content.decode()
    assert "Điều kiện không đúng cú pháp" in bad

"""Issue 8, item 1: the read-only auditor ran the workflow admin's actions, the migrate, try-condition
and print-preview pages checked only is_staff, and the migration moved every case of every territory."""
import pytest
from django.test import Client
from django.urls import reverse

from housing_campaign.core.models import DocumentEvent
from housing_campaign.extrafields.models import ExtraField
from housing_campaign.workflow.models import WorkflowDefinition
from tests.conftest import FAR, HOME, OTHER, advance, make_user, new_case

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_auditor_cannot_run_workflow_actions(people):
    active = WorkflowDefinition.objects.get(doctype="housing_case", is_active=True)
    before = list(WorkflowDefinition.objects.order_by("pk").values_list("pk", "is_active"))
    client = _client(people.auditor)
    changelist = reverse("admin:workflow_workflowdefinition_changelist")
    page = client.get(changelist).content.decode()
    assert "make_new_version" not in page and "activate_version" not in page
    for action in ("make_new_version", "activate_version"):
        client.post(changelist, {"action": action, "_selected_action": [active.pk], "index": 0})
    assert list(WorkflowDefinition.objects.order_by("pk").values_list("pk", "is_active")) == before


def test_administrator_still_runs_workflow_actions(people):
    active = WorkflowDefinition.objects.get(doctype="housing_case", is_active=True)
    client = _client(people.admin)
    changelist = reverse("admin:workflow_workflowdefinition_changelist")
    client.post(changelist, {"action": "make_new_version", "_selected_action": [active.pk], "index": 0})
    assert WorkflowDefinition.objects.filter(doctype="housing_case").count() == 2


def test_auditor_cannot_retire_extra_fields(people):
    field = ExtraField.objects.create(doctype="housing_case", code="co_dien", label_vi="Có điện", field_type="boolean")
    client = _client(people.auditor)
    client.post(reverse("admin:extrafields_extrafield_changelist"),
                {"action": "retire_fields", "_selected_action": [field.pk], "index": 0})
    field.refresh_from_db()
    assert field.is_active and field.retired_at is None


def test_custom_admin_views_refuse_the_auditor(people, campaign):
    case = advance(people, new_case(people, campaign), "eligibility_review")
    v1 = WorkflowDefinition.objects.get(doctype="housing_case", is_active=True)
    client = _client(people.auditor)
    assert client.get(reverse("admin:workflow_try_condition", args=[v1.pk])).status_code == 403
    assert client.get(reverse("admin:workflow_migrate", args=[v1.pk])).status_code == 403
    response = client.post(reverse("admin:workflow_migrate", args=[v1.pk]),
                           {"confirm": "1", "target": v1.pk, "map_eligibility_review": "survey"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == "eligibility_review"
    assert not DocumentEvent.objects.filter(kind="migrated").exists()
    from housing_campaign.printing.models import PrintFormat

    fmt = PrintFormat.objects.order_by("pk").first()
    preview = reverse("admin:printing_preview", args=[fmt.pk])
    assert client.post(preview, {"html": "<p>{{ 1 }}</p>", "css": ""}).status_code == 403


def test_migration_refuses_read_only_actor_and_stays_in_territory(people, campaign):
    from housing_campaign.core.errors import ServiceError
    from housing_campaign.workflow.definitions import definition_activate, definition_clone
    from housing_campaign.workflow.migration import documents_migrate

    home = advance(people, new_case(people, campaign), "eligibility_review")
    far = new_case(people, campaign, commune_code=OTHER)  # same district, another commune
    v1 = WorkflowDefinition.objects.get(doctype="housing_case", is_active=True)
    v2 = definition_clone(definition=v1)
    definition_activate(definition=v2)
    mapping = {"eligibility_review": "eligibility_review", "survey": "survey"}
    with pytest.raises(ServiceError) as exc:
        documents_migrate(actor=people.actor(people.auditor), source=v1, target=v2, mapping=mapping)
    assert exc.value.code == "permission_denied" and "chỉ có quyền xem" in exc.value.message
    district_admin = make_user("admin_dakblo", "administrator", HOME, staff=True)
    result = documents_migrate(actor=people.actor(district_admin), source=v1, target=v2, mapping=mapping)
    home.refresh_from_db()
    far.refresh_from_db()
    assert result.moved == 1 and home.workflow_id == v2.pk and far.workflow_id == v1.pk
    event = DocumentEvent.objects.get(kind="migrated")
    assert event.object_id == home.pk and event.actor_id == district_admin.pk


def test_migrate_page_moves_only_the_administrators_territory(people, campaign):
    from housing_campaign.workflow.definitions import definition_activate, definition_clone

    home = advance(people, new_case(people, campaign), "eligibility_review")
    v1 = WorkflowDefinition.objects.get(doctype="housing_case", is_active=True)
    v2 = definition_clone(definition=v1)
    definition_activate(definition=v2)
    outsider_admin = make_user("admin_far", "administrator", FAR, staff=True)
    client = _client(outsider_admin)
    page = client.get(reverse("admin:workflow_migrate", args=[v1.pk]))
    assert page.status_code == 200 and 'data-state="eligibility_review"' not in page.content.decode()
    client.post(reverse("admin:workflow_migrate", args=[v1.pk]),
                {"confirm": "1", "target": v2.pk, "map_eligibility_review": "eligibility_review"})
    home.refresh_from_db()
    assert home.workflow_id == v1.pk

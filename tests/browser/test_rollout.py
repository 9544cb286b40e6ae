"""Issue 11, items 3 and 4 in the browser: an administrator pilots a version with "Kiểm tra hiện trường"
in Xã Đăk Blô only (activation page: pick the commune from the list, confirm), previews and migrates
that commune's in-flight cases (progress page), and a case of Xã Đăk Blô then goes through the new state
while a case of Xã Đăk Man does not. The desk's timeline says "chuyển sang quy trình phiên bản 3" (the
default workflow's file is version 2)."""
import pytest
from django.utils import timezone

from housing_campaign.cases.models import HousingCase
from housing_campaign.core.models import DocumentEvent
from housing_campaign.workflow.definitions import definition_create, definition_to_dict
from housing_campaign.workflow.models import WorkflowDefinition
from tests.browser.conftest import open_as
from tests.conftest import OTHER, new_case, transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def with_field_check(v1: WorkflowDefinition) -> WorkflowDefinition:
    """v1 with "Kiểm tra hiện trường" right after the commune's confirmation (then, as in v1 since workflow
    version 2, the village list's posting before the eligibility review)."""
    data = definition_to_dict(v1)
    at = next(i for i, s in enumerate(data["states"]) if s["code"] == "commune_confirmation") + 1
    data["states"].insert(at, {"code": "kiem_tra_hien_truong", "label_vi": "Kiểm tra hiện trường",
                               "label_en": "Field check", "stage": "confirmation", "edit_roles": ["commune_officer"],
                               "required_fields": [], "sla_days": 5, "is_terminal": False})
    confirm = next(t for t in data["transitions"] if (t["source"], t["action"]) == ("commune_confirmation", "confirm"))
    onward = confirm["target"]
    confirm["target"] = "kiem_tra_hien_truong"
    data["transitions"].append({**confirm, "source": "kiem_tra_hien_truong", "action": "field_ok",
                                "label_vi": "Đạt kiểm tra hiện trường", "label_en": "Field check passed",
                                "target": onward, "roles": ["commune_officer"], "side_effects": []})
    data["version"] = None
    return definition_create(data=data, based_on=v1)


def confirm(people, case, chairman):
    from housing_campaign.cases import services

    services.case_update_confirmation(actor=people.actor(chairman), case_id=case.pk, data={
        "village_meeting_on": timezone.localdate(), "village_meeting_total": 30, "village_meeting_agree": 28})
    transition(people, chairman, case, "confirm")
    case.refresh_from_db()
    return case


def test_pilot_in_one_commune_preview_and_migrate_it(browser, site, people, campaign, shoot):
    v1 = WorkflowDefinition.objects.get(doctype="housing_case", is_active=True)
    home = [new_case(people, campaign) for _ in range(2)]
    other = new_case(people, campaign, commune_code=OTHER)
    for case in home:
        transition(people, people.officer, case, "submit")
    transition(people, people.officer_b, other, "submit")
    v2 = with_field_check(v1)

    page = open_as(browser, site, "admin_kt")
    clicks = 0
    page.goto(f"{site}/admin/workflow/workflowdefinition/")
    page.click(f"a[href='/admin/workflow/workflowdefinition/{v2.pk}/activate/']")
    clicks += 1
    shoot(page, "activation")
    page.click("#mode-pilot")
    page.fill("[data-unit-filter]", "dak blo")
    clicks += 2
    assert page.locator("label.unit:visible").count() >= 1
    page.locator("label.unit:visible", has_text="Xã Đăk Blô").first.locator("input").check()
    clicks += 1
    assert "Đã chọn: Xã Đăk Blô, Huyện Đắk Glei" in page.inner_text("[data-unit-picked]")
    page.click("#check-activate")
    clicks += 1
    assert f"Thí điểm phiên bản {v2.version} tại: Xã Đăk Blô (Huyện Đắk Glei)" in page.inner_text("#confirm-form")
    shoot(page, "confirm")
    page.click("#confirm-activate")
    clicks += 1
    assert "Đang thí điểm tại Xã Đăk Blô, Huyện Đắk Glei" in page.inner_text("#rollout-status")
    shoot(page, "piloted")
    page.click(f"#migrate-from-{v1.version}")
    clicks += 1
    assert page.inner_text("#total") == "2"  # the two cases of Đăk Blô; Đăk Man's is not in the pilot
    assert "Xã Đăk Blô, Huyện Đắk Glei" in page.inner_text("#scope")
    assert "Chờ xã xác nhận bình xét" in page.inner_text("#preview")
    shoot(page, "preview")
    page.click("#confirm-migrate")
    clicks += 1
    page.wait_for_selector("#migration-result", timeout=60000)
    assert f"Đã chuyển 2 hồ sơ sang quy trình phiên bản {v2.version}." in page.inner_text("#migration-result")
    shoot(page, "migrated")
    assert clicks <= 8

    for case in home:
        case.refresh_from_db()
        assert case.workflow_id == v2.pk
    other.refresh_from_db()
    assert other.workflow_id == v1.pk
    assert DocumentEvent.objects.filter(kind="migrated").count() == 2

    # Đăk Blô: confirmation leads to the new state; Đăk Man: straight to the village list's posting.
    assert confirm(people, home[0], people.chairman).state == "kiem_tra_hien_truong"
    assert confirm(people, other, people.chairman_b).state == "village_posting"
    transition(people, people.officer, home[0], "field_ok")
    home[0].refresh_from_db()
    assert home[0].state == "village_posting"
    # New cases: the pilot's commune gets the piloted version, the other commune the active one.
    assert new_case(people, campaign).workflow_id == v2.pk
    assert new_case(people, campaign, commune_code=OTHER).workflow_id == v1.pk

    desk = open_as(browser, site, "officer_a")
    desk.goto(f"{site}/desk/cases/{home[0].pk}/")
    timeline = desk.inner_text("#h-time + ol")
    assert (f"chuyển sang quy trình phiên bản {v2.version}: Chờ xã xác nhận bình xét → Chờ xã xác nhận bình xét"
            in timeline)
    assert "Kiểm tra hiện trường" in timeline
    shoot(desk, "timeline")
    assert HousingCase.objects.filter(workflow=v2).count() == 3

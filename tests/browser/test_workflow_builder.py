"""Issue 11, item 1 in the browser: the administrator opens the workflow builder, makes a draft, clicks
the transition from commune confirmation to eligibility review on the diagram, inserts "Kiểm tra hiện
trường" between them by picking from lists and sees it on the diagram; the condition field offers
field names and checks itself as it is typed; all of it under the HTTPS Content-Security-Policy, with
the form beside the diagram at 1366 px."""
import pytest

from housing_campaign.workflow.models import WorkflowDefinition
from tests.browser.conftest import open_as
from tests.conftest import new_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_insert_a_state_between_two_states_in_the_builder(browser, site, people, campaign, shoot, settings):
    settings.CONTENT_SECURITY_POLICY = settings.HTTPS_CONTENT_SECURITY_POLICY
    case = new_case(people, campaign, persons=4)
    page = open_as(browser, site, people.admin.username)
    page.set_viewport_size({"width": 1366, "height": 900})
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error"
            and not msg.location.get("url", "").endswith("/favicon.ico") else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    page.goto(f"{site}/admin/workflow/workflowdefinition/")
    page.click("text=Thiết kế quy trình hồ sơ hỗ trợ nhà ở")
    page.click("#wfb-create-draft")
    page.wait_for_selector("text=Phiên bản 3 · bản nháp")
    draft = WorkflowDefinition.objects.get(doctype="housing_case", version=3)
    # The step into the review: "Hết thời hạn niêm yết, chuyển thẩm định" (the village list's posting ends).
    confirm = draft.transitions.get(source="village_posting", action="end_posting")
    shoot(page, "draft")

    # On the diagram: the transition into the review is a link that opens its form beside it.
    page.click(f'#wfb-svg [id="a_transition-{confirm.pk}"] a')
    page.wait_for_url(f"**?transition={confirm.pk}")
    page.wait_for_selector("#wfb-insert")
    diagram, panel = page.locator("#wfb-svg").bounding_box(), page.locator("#wfb-panel").bounding_box()
    assert panel["x"] >= diagram["x"] + diagram["width"] and panel["y"] < diagram["y"] + 200  # beside, not below
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    shoot(page, "transition-selected")

    page.click("#wfb-insert")
    page.fill("#wfb-insert-form input[name=label_vi]", "Kiểm tra hiện trường")
    page.select_option("#wfb-insert-form select[name=stage]", label="Thẩm định")
    assert page.is_checked("#wfb-insert-form input[name=roles][value=commune_chairman]")  # from the transition
    page.check("#wfb-insert-form input[name=roles][value=reviewer]")
    page.click("#wfb-insert-form button[value=insert]")
    page.wait_for_selector("text=Đã thêm trạng thái “Kiểm tra hiện trường”")
    new = draft.states.get(label_vi="Kiểm tra hiện trường")
    node = page.locator(f'#wfb-svg [id="state-{new.pk}"]')
    assert "Kiểm tra hiện trường" in node.text_content() and "mới" in node.text_content()
    confirm.refresh_from_db()
    assert confirm.target == new.code
    onward = draft.transitions.get(source=new.code)
    assert onward.target == "eligibility_review" and onward.roles == ["commune_chairman", "reviewer"]
    assert page.locator("#wfb-diff").inner_text().count("thêm mới") == 2
    shoot(page, "state-inserted")

    # The new step's condition: field names offered as typed, checked live, tried on a case.
    page.click(f'#wfb-svg [id="a_transition-{onward.pk}"] a')
    page.wait_for_url(f"**?transition={onward.pk}")
    field = page.locator("textarea[name=condition]")
    field.click()
    field.type("pers")
    page.wait_for_selector(".wfb-suggest li >> text=persons")
    shoot(page, "suggestions")
    field.press("Enter")
    field.type(" >= 4")
    assert field.input_value() == "persons >= 4"
    page.wait_for_selector(".wfb-check >> text=Điều kiện hợp lệ")
    page.fill("input[name=try_document]", case.code)
    page.click("button[data-try]")
    page.wait_for_selector(".wfb-try-result >> text=ĐẠT")
    field.fill("persons >= ")
    page.wait_for_selector(".wfb-check >> text=không đúng cú pháp")
    field.fill("persons >= 4")
    page.click("#wfb-transition-form button.wfb-primary")
    page.wait_for_selector("text=Đã lưu bước chuyển")
    onward.refresh_from_db()
    assert onward.condition == "persons >= 4"
    shoot(page, "condition-saved")
    assert problems == [], problems

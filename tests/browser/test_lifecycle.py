"""The whole lifecycle walked in a real browser by each role, a bulk approval of 50 cases, and the
survey on a 360 px phone screen that keeps its draft across a reload."""

import pytest
from django.utils import timezone

from housing_campaign.cases.models import HousingCase
from tests.browser.conftest import open_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate().strftime("%d/%m/%Y")


def case_url(site, case):
    return f"{site}/desk/cases/{case.pk}/"


def act(page, label, comment=None):
    """Press an action: its own form, or the stage form it is sent with (its comment box is named after it)."""
    button = page.locator(f"#thao-tac button:text-is('{label}')")
    if comment is not None:
        form = button.locator("xpath=ancestor::form[1]")
        bundled = button.get_attribute("value")
        form.locator(f"[name='comment-{bundled}']" if bundled else "[name=comment]").fill(comment)
    with page.expect_navigation():
        button.click()


def test_full_lifecycle_in_the_browser(browser, site, people, campaign, shoot, tmp_path):
    # Commune officer, on a phone: a survey with a mistake, then corrected.
    officer = open_as(browser, site, "officer_a", phone=True)
    shoot(officer, "officer-queue-phone")
    officer.goto(f"{site}/desk/cases/new/")
    officer.fill("#id_head_name", "Y Nhàn Kbuôr")
    officer.fill("#id_national_id", "06218512345")   # 11 digits: wrong
    officer.select_option("#id_category", "poor")
    officer.select_option("#id_strand", label="Phong trào xóa nhà tạm, nhà dột nát")
    officer.select_option("#id_support_type", "new_build")
    officer.fill("#id_floor_area", "16")
    officer.fill("#id_persons", "4")
    for part in ("foundation", "frame_walls", "roof"):
        officer.select_option(f"#id_{part}", "unstable")
    officer.fill("#id_surveyed_on", TODAY)
    with officer.expect_navigation():
        officer.click("button:text-is('Lưu hồ sơ')")
    assert "Số CCCD phải gồm đúng 12 chữ số" in officer.content()
    assert officer.input_value("#id_head_name") == "Y Nhàn Kbuôr"      # everything typed is kept
    shoot(officer, "survey-error-phone")
    officer.fill("#id_national_id", "062185123456")
    officer.click("button:text-is('Lưu hồ sơ')")
    officer.wait_for_url("**/desk/cases/*/?created=1")
    case = HousingCase.objects.get(household__head_name="Y Nhàn Kbuôr")
    assert "Đủ điều kiện" in officer.content()
    shoot(officer, "case-created-phone")
    act(officer, "Gửi xã xác nhận")
    assert "Chờ xã xác nhận bình xét" in officer.content()

    # Commune chairman: the confirmation waits for the village meeting, whose inputs are linked; filling
    # them opens the step, which saves the meeting and confirms in one click.
    chairman = open_as(browser, site, "chairman_a")
    chairman.goto(case_url(site, case))
    confirm = chairman.locator("#thao-tac button:text-is('Xác nhận kết quả bình xét')")
    assert confirm.is_disabled()
    assert "Còn thiếu thông tin bắt buộc" in chairman.locator("#thao-tac").inner_text()
    shoot(chairman, "chairman-confirmation-missing")
    chairman.click("#thao-tac .missing-fields a:text-is('Ngày họp bình xét')")
    assert chairman.evaluate("document.activeElement.id") == "id_village_meeting_on"
    chairman.fill("#id_village_meeting_on", TODAY)
    chairman.fill("#id_village_meeting_total", "42")
    assert confirm.is_disabled()
    chairman.fill("#id_village_meeting_agree", "40")
    chairman.fill("#id_commune_list_number", "12/DS-UBND")
    assert confirm.is_enabled()
    act(chairman, "Xác nhận kết quả bình xét")
    text = chairman.content()
    assert ("Đã lưu “Kết quả bình xét và danh sách của xã”." in text
            and "Đã chuyển sang “Đang niêm yết danh sách bình xét”" in text)
    shoot(chairman, "chairman-confirmed")
    end_posting(people, chairman, site, case)

    # Reviewer returns with a reason.
    reviewer = open_as(browser, site, "reviewer")
    reviewer.goto(case_url(site, case))
    shoot(reviewer, "reviewer-review")
    act(reviewer, "Trả lại để bổ sung", comment="Đề nghị chụp bổ sung ảnh mái nhà và ghi rõ số người.")
    assert "Trả lại để bổ sung" in reviewer.locator(".state-pill").inner_text()
    shoot(reviewer, "reviewer-returned")

    # Officer corrects and resubmits; the chairman confirms again.
    officer.goto(case_url(site, case))
    assert "Đề nghị chụp bổ sung ảnh mái nhà" in officer.content()
    officer.fill("#id_persons", "5")
    with officer.expect_navigation():
        officer.click("form[action$='/forms/survey/'] button:text-is('Lưu')")
    assert "Đã lưu." in officer.content()
    act(officer, "Gửi lại sau khi bổ sung")
    chairman.goto(case_url(site, case))
    act(chairman, "Xác nhận kết quả bình xét")
    end_posting(people, chairman, site, case)

    # Reviewer approves.
    reviewer.goto(case_url(site, case))
    act(reviewer, "Duyệt đủ điều kiện")
    assert "Chờ phân bổ kinh phí" in reviewer.locator(".state-pill").inner_text()

    # Finance allocates the state support from the province's pool (tests/funding for the money rules).
    from tests.conftest import state_pool

    pool = state_pool(people, campaign)
    finance = open_as(browser, site, "finance")
    finance.goto(case_url(site, case))
    finance.select_option("#id_alloc_pool", str(pool.pk))
    finance.fill("#id_alloc_amount", "60.000.000")
    finance.fill("#id_alloc_decision_number", "125/QĐ-UBND")
    finance.fill("#id_alloc_decision_date", TODAY)
    with finance.expect_navigation():
        finance.click("form[action$='/allocate/'] button:text-is('Phân bổ')")
    assert "Đã phân bổ 60.000.000 đ" in finance.content() and "đủ định mức" in finance.content()
    act(finance, "Hoàn tất phân bổ kinh phí")
    assert "60.000.000 đ" in finance.content() and "Đang thi công" in finance.locator(".state-pill").inner_text()
    shoot(finance, "finance-allocated")

    # Inspector records progress with a photo, then acceptance.
    from PIL import Image

    photo = tmp_path / "mong-nha.jpg"
    Image.new("RGB", (320, 240), (150, 110, 70)).save(photo, "JPEG")
    inspector = open_as(browser, site, "inspector")
    inspector.goto(case_url(site, case))
    inspector.fill("#id_date", TODAY)
    inspector.select_option("#id_stage", "finishing")
    inspector.fill("#id_percent", "100")
    inspector.fill("#id_note", "Hoàn thiện, sơn tường")
    inspector.set_input_files("#photos", str(photo))
    with inspector.expect_navigation():
        inspector.click("form[action$='/forms/progress/'] button:text-is('Lưu')")
    assert "Đã lưu." in inspector.content()
    act(inspector, "Báo hoàn thành thi công")
    inspector.fill("#id_usable_area", "36")
    for box in ("hard_foundation", "hard_frame", "hard_roof"):
        inspector.check(f"#id_{box}")
    inspector.fill("#id_lifespan_years", "25")
    inspector.fill("#id_accepted_on", TODAY)
    with inspector.expect_navigation():
        inspector.click("form[action$='/forms/acceptance/'] button:text-is('Lưu')")
    act(inspector, "Nghiệm thu đạt")
    shoot(inspector, "inspector-accepted")

    # Before the handover the certificate cannot be printed, and the page says why (also at its URL).
    chairman.goto(case_url(site, case))
    docs = chairman.locator("section[aria-labelledby=h-docs]").inner_text()
    assert "Giấy chứng nhận được cấp khi bàn giao nhà; hồ sơ đang ở trạng thái “Chờ bàn giao”." in docs
    assert chairman.locator("a[href$='/print/handover_certificate/']").count() == 0
    refused = chairman.context.new_page()
    response = refused.goto(f"{case_url(site, case)}print/handover_certificate/")
    assert response.status == 404 and "Giấy chứng nhận được cấp khi bàn giao nhà" in refused.content()
    shoot(refused, "certificate-not-yet")
    with refused.expect_navigation():
        refused.click("text=Về hồ sơ")
    refused.close()
    # Handover by the chairman: the date defaults to today and is saved with the step; the certificate
    # is issued.
    assert chairman.input_value("#id_handed_over_on") == TODAY
    shoot(chairman, "chairman-handover")
    act(chairman, "Bàn giao nhà và cấp giấy chứng nhận")
    text = chairman.content()
    assert "Đang công khai" in chairman.locator(".state-pill").inner_text()
    assert "Giấy chứng nhận số" in text
    shoot(chairman, "handed-over")
    case.refresh_from_db()
    assert case.state == "posting" and case.certificates.filter(status="valid").count() == 1
    steps = list(case_events(case))
    assert steps == ["commune_confirmation", "village_posting", "eligibility_review", "returned",
                     "commune_confirmation", "village_posting", "eligibility_review", "funding", "construction",
                     "acceptance", "handover", "posting"]


def end_posting(people, chairman, site, case):
    """The village list is posted (its period recorded as over: tests/browser/test_posting_and_feedback.py
    walks the posting itself); the chairman then sends the case to review."""
    from tests.conftest import post_ended

    case.refresh_from_db()
    post_ended(people, [case])
    chairman.goto(case_url(site, case))
    act(chairman, "Hết thời hạn niêm yết, chuyển thẩm định")
    assert "Chờ thẩm định" in chairman.locator(".state-pill").inner_text()


def case_events(case):
    from housing_campaign.core.models import DocumentEvent

    return DocumentEvent.objects.filter(object_id=case.pk, kind="transition").order_by("id").values_list(
        "to_state", flat=True)


def test_bulk_approval_of_50(browser, site, people, campaign, shoot):
    from tests.workflow.test_engine import _many_cases

    ids = _many_cases(people, campaign, 50)
    reviewer = open_as(browser, site, "reviewer")
    reviewer.goto(f"{site}/desk/?stage=review&per_page=50")
    shoot(reviewer, "queue-before-bulk")
    assert reviewer.locator(".row-check").count() == 50
    reviewer.check("#check-page")
    assert reviewer.locator(".row-check:checked").count() == 50
    assert reviewer.locator(".row-expected:not([disabled])").count() == 50
    reviewer.select_option("#bulk-action", "approve")
    with reviewer.expect_navigation(url="**/desk/bulk/"):
        reviewer.click("#bulk-submit")
    assert "50 thành công" in reviewer.locator(".summary").inner_text()
    shoot(reviewer, "bulk-result")
    assert HousingCase.objects.filter(pk__in=ids, state="funding").count() == 50


def test_phone_survey_keeps_draft_across_reload(browser, site, people, campaign, shoot):
    officer = open_as(browser, site, "officer_a", phone=True)
    officer.goto(f"{site}/desk/cases/new/")
    width = officer.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide on a 360px screen"
    officer.fill("#id_head_name", "A Blưi")
    officer.fill("#id_floor_area", "12")
    officer.fill("#id_survey_note", "Đang nhập dở thì mất sóng")
    officer.wait_for_timeout(300)
    officer.context.set_offline(True)
    officer.context.set_offline(False)
    officer.reload()
    assert officer.input_value("#id_head_name") == "A Blưi"
    assert officer.input_value("#id_survey_note") == "Đang nhập dở thì mất sóng"
    assert "Đã khôi phục bản nháp" in officer.locator("#draft-status").inner_text()
    shoot(officer, "draft-restored-phone")

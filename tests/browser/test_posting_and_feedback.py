"""Issue 13, done when: the commune officer posts the village's list of Xã Đăk Blô for 7 days from the
desk; a resident (no login, a 360 px phone) finds the commune's page, sends a complaint about one
household and gets a tracking code; the case is held; the commune chairman answers; the resident sees
the answer; after the period the other cases move to eligibility review (the system's hourly step) while
the held one waits. The public pages are checked for personal data on the way."""
import datetime as dt
import re

import pytest
from django.utils import timezone

from housing_campaign.cases.models import HousingCase
from housing_campaign.feedback.models import Feedback
from housing_campaign.postings.models import Posting
from housing_campaign.workflow.automation import automatic_transitions_run
from tests.browser.conftest import open_as
from tests.conftest import advance, new_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def _personal(cases) -> list[str]:
    """What must never be on a public page: full names, ID numbers, phones, addresses, ethnicity."""
    values = []
    for case in cases:
        h = case.household
        values += [h.head_name, h.national_id]
        values += [v for v in (getattr(h, "phone", ""), getattr(h, "address", "")) if v and len(v) > 4]
    return values


def test_post_complain_hold_answer_and_move_on(browser, site, people, campaign, shoot):
    cases = [advance(people, new_case(people, campaign), "village_posting") for _ in range(6)]
    cases = list(HousingCase.objects.filter(pk__in=[c.pk for c in cases]).select_related("household", "village"))
    village = cases[0].village
    errors = []

    # 1. The commune officer posts the village's list for 7 days.
    page = open_as(browser, site, people.officer.username)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.click("nav >> text=Niêm yết")
    page.click("text=Tạo đợt niêm yết")
    page.select_option("#p-kind", "review_list")
    page.select_option("#p-village", str(village.pk))
    page.click("button[name=refresh][value=cases]")
    assert page.locator("input[name=cases]:checked").count() == 6
    today = timezone.localdate()
    assert page.input_value("#p-start") == today.strftime("%d/%m/%Y")
    assert page.input_value("#p-end") == (today + dt.timedelta(days=6)).strftime("%d/%m/%Y")  # 7 days
    page.fill("#p-location", "Nhà văn hóa thôn Đăk Xế")
    shoot(page, "officer-new-posting")
    page.click("button[name=create]")
    page.wait_for_selector("text=Đang niêm yết")
    shoot(page, "officer-posting-detail")
    posting = Posting.objects.get()
    assert (posting.starts_on, posting.ends_on, posting.entries.count()) == (today, today + dt.timedelta(days=6), 6)
    page.context.close()

    # 2. A resident on a phone, no login: the province's communes, the commune's page, a complaint.
    resident = browser.new_context(viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh").new_page()
    resident.on("pageerror", lambda exc: errors.append(str(exc)))
    resident.goto(f"{site}/cong-khai/")
    resident.fill("#q", "dak blo")
    resident.click("form.s button[type=submit]")
    resident.click("a:has-text('Xã Đăk Blô')")
    resident.wait_for_selector("text=Danh sách bình xét")
    shoot(resident, "resident-commune-page")
    html = resident.content()
    assert posting.code in html and "noindex" in html
    for value in _personal(cases):
        assert value not in html, value
    first = posting.entries.get(number=1)
    resident.click(f"a[href*='niem-yet={posting.code}&ho=1']")
    resident.wait_for_selector("#text")
    assert resident.locator("#about option:checked").inner_text().startswith(f"1. {first.public_name}")
    resident.check("input[name=kind][value=wrong_person]")
    resident.fill("#text", "Hộ này đã có nhà kiên cố ở thôn bên, không thuộc diện nhà tạm. Đề nghị xã kiểm tra lại.")
    resident.fill("#name", "Nguyễn Văn Tố Giác")
    resident.fill("#phone", "0987654321")
    shoot(resident, "resident-feedback-form")
    resident.wait_for_timeout(3200)  # the form refuses what is sent faster than a person types
    resident.click("button[type=submit]")
    resident.wait_for_selector("text=Mã theo dõi của bạn")
    shoot(resident, "resident-tracking-code")
    code = resident.inner_text("p.code").strip()
    assert re.fullmatch(r"PA-[2-9A-Z]{5}-[2-9A-Z]{5}", code)
    sent_html = resident.content()
    assert "Nguyễn Văn Tố Giác" not in sent_html and "0987654321" not in sent_html

    # 3. The case is held: the chairman cannot send it on, and neither does the system's step.
    feedback = Feedback.objects.get(code=code)
    held = first.case
    assert feedback.case_id == held.pk and feedback.holds_case and feedback.state == "received"

    # 4. The commune chairman answers from the desk.
    chairman = open_as(browser, site, people.chairman.username)
    chairman.on("pageerror", lambda exc: errors.append(str(exc)))
    chairman.click("nav >> text=Phản ánh")
    chairman.click(f"text={code}")
    chairman.wait_for_selector("#f-answer")
    assert "Nguyễn Văn Tố Giác" in chairman.content()  # the handler sees who to call back
    chairman.fill("#f-answer", "Xã đã kiểm tra tại thôn: hộ đang ở nhà tạm, đủ điều kiện; giữ nguyên danh sách.")
    chairman.select_option("#f-outcome", "rejected")
    chairman.check("input[name=confirm_publish]")
    shoot(chairman, "chairman-answer")
    chairman.click("button[name=action][value=answer]")
    chairman.wait_for_selector("text=Đã trả lời")
    shoot(chairman, "chairman-answered")
    feedback.refresh_from_db()
    assert feedback.state == "answered" and feedback.answered_by_id == people.chairman.pk
    chairman.goto(f"{site}/desk/cases/{held.pk}/")
    assert "Phản ánh" in chairman.content() and code in chairman.content()
    shoot(chairman, "chairman-held-case")
    chairman.context.close()

    # 5. The resident sees the answer on the tracking page.
    resident.goto(f"{site}/phan-anh/{code}/")
    resident.wait_for_selector("text=Đã trả lời")
    assert "đủ điều kiện; giữ nguyên danh sách" in resident.content()
    shoot(resident, "resident-sees-answer")
    track_html = resident.content()
    for value in [*_personal(cases), "Nguyễn Văn Tố Giác", "0987654321"]:
        assert value not in track_html, value
    resident.context.close()

    # 6. After the period (the days pass: the posting's dates move back 8 days), the system's hourly step
    # moves the five other cases to eligibility review; the held one waits until its complaint is closed.
    Posting.objects.filter(pk=posting.pk).update(starts_on=today - dt.timedelta(days=8),
                                                 ends_on=today - dt.timedelta(days=2))
    moved = automatic_transitions_run(doctype="housing_case")
    assert moved == {"housing_case:end_posting": 5}
    states = dict(HousingCase.objects.filter(pk__in=[c.pk for c in cases]).values_list("pk", "state"))
    assert states.pop(held.pk) == "village_posting"
    assert set(states.values()) == {"eligibility_review"}
    assert errors == []

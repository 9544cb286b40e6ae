"""The emulation movement in a real browser (issue 15): a commune officer registers their commune's People's
Committee and uploads its plan (a wrong plan number first: refused, everything typed kept); the secretariat opens
the suggestions, sees the commune and the top donor ranked with their figures, and nominates the top donor for
the provincial chairman's Bằng khen with one click."""
import pytest
from django.utils import timezone

from housing_campaign.commendations.models import Nomination
from housing_campaign.emulation.models import Registration, Submission
from housing_campaign.reports.models import Target
from tests.browser.conftest import open_as
from tests.conftest import HOME, advance, new_case, new_receipt, unit
from tests.emulation.helpers import home_committee, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def movement(people, campaign):
    """Demo-like records: Đăk Blô's People's Committee (not registered yet), two houses finished against a
    target of two, three donors of the contributions ledger."""
    committee = home_committee(people, campaign)
    for _ in range(2):
        advance(people, new_case(people, campaign), "handover")
    Target.objects.create(campaign=campaign, unit=unit(HOME), unit_path=unit(HOME).path, houses=2)
    donors = [new_receipt(people, campaign, amount=amount, donor_name=name).donor
              for name, amount in (("Công ty CP Cao su Kon Tum", 90_000_000),
                                   ("Ngân hàng TMCP Công Thương", 40_000_000),
                                   ("Tập đoàn Viễn thông Quân đội", 25_000_000))]
    return {"committee": committee, "top_donor": donors[0]}


def test_a_commune_registers_with_its_plan_and_the_secretariat_nominates_the_top_donor(browser, site, people,
                                                                                         campaign, movement, shoot):
    officer = open_as(browser, site, people.officer.username)
    officer.goto(f"{site}/desk/thi-dua/don-vi/")
    assert "Ủy ban nhân dân xã Đăk Blô" in officer.content()
    shoot(officer, "my-units")
    with officer.expect_navigation():
        officer.click("a.button:text-is('Đăng ký thi đua')")
    officer.fill("#id_registered_on", "05/08/2024")
    officer.fill("#id_houses_target", "12")
    officer.fill("#id_money_target", "300.000.000")
    officer.fill("#id_plan_number", "kế hoạch số 12")
    officer.fill("#id_plan_date", "04/08/2024")
    officer.set_input_files("#id_plan_file", files=[{"name": "ke-hoach-dak-blo.pdf", "mimeType": "application/pdf",
                                                      "buffer": pdf_bytes()}])
    with officer.expect_navigation():
        officer.click("button:text-is('Lưu đăng ký')")
    page = officer.content()
    assert "Số văn bản phải theo dạng số/ký hiệu, ví dụ 12/KH-UBND" in page
    assert officer.input_value("#id_houses_target") == "12" and officer.input_value("#id_money_target") == \
        "300.000.000"
    assert not Registration.objects.exists()
    shoot(officer, "registration-refused")
    officer.fill("#id_plan_number", "12/KH-UBND")
    officer.set_input_files("#id_plan_file", files=[{"name": "ke-hoach-dak-blo.pdf", "mimeType": "application/pdf",
                                                      "buffer": pdf_bytes()}])
    with officer.expect_navigation():
        officer.click("button:text-is('Lưu đăng ký')")
    page = officer.content()
    assert "Đã ghi đăng ký thi đua của Ủy ban nhân dân xã Đăk Blô" in page and "Đã đăng ký ngày 05/08/2024" in page
    assert "Số 12/KH-UBND ngày 04/08/2024" in page
    shoot(officer, "registered-with-plan")
    plan = Submission.objects.get()
    assert plan.kind == "plan" and plan.content_type == "application/pdf"
    pdf = officer.request.get(f"{site}/desk/thi-dua/doi-tuong/{movement['committee'].pk}/tep/van-ban/{plan.pk}/")
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    # The secretariat's suggestions: the commune and the top donor, with their figures.
    office = open_as(browser, site, people.office.username)
    office.goto(f"{site}/desk/thi-dua/goi-y/")
    communes = office.locator("#r-communes tr.candidate").first
    assert "Ủy ban nhân dân xã Đăk Blô" in communes.inner_text() and "2 / 2 (100%)" in communes.inner_text()
    top = office.locator("#r-donors_value tr.candidate").first
    text = top.inner_text()
    assert "Công ty CP Cao su Kon Tum" in text and "90.000.000 đ" in text
    assert top.locator("select").input_value() == str(
        __import__("housing_campaign.commendations.models", fromlist=["AwardForm"]).AwardForm.objects.get(
            code="bang_khen_chu_tich_tinh").pk)
    shoot(office, "suggestions")
    with office.expect_navigation():
        top.locator("button:text-is('Đề nghị khen thưởng')").click()
    nomination = Nomination.objects.get()
    assert nomination.participant.donor_id == movement["top_donor"].pk
    assert nomination.award_form.code == "bang_khen_chu_tich_tinh"
    assert nomination.evidence["as_of"] == timezone.localdate().isoformat()
    page = office.content()
    assert f"Đã lập đề nghị {nomination.code}" in page
    assert nomination.code in office.locator("#r-donors_value tr.candidate").first.inner_text()
    shoot(office, "nominated")

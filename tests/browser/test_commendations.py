"""Issue 15's "Done when", from the nominations on, in a real browser: the secretariat nominates the top donor for
the provincial chairman's Bằng khen and a commune for the Prime Minister's Bằng khen on the desk (a first attempt
without an award form is refused, nothing written), reviews both; three of five council members vote from "Việc
của tôi"; the council's minutes are drawn up; the chairman's decision is issued as a numbered PDF and the
certificate prints; the Prime Minister's is sent up as a numbered proposal and its decision recorded later; both
appear on the public honour roll."""
import io

import pytest
from django.db.models import Sum
from pypdf import PdfReader

from housing_campaign.commendations.models import AwardDocument, Nomination
from housing_campaign.contributions.models import Contribution
from tests.browser.conftest import open_as
from tests.commendations.helpers import participant
from tests.conftest import new_receipt
from tests.printing.issuing import keep_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pdf_text(response, keep_as: str) -> str:
    assert response.headers["content-type"] == "application/pdf"
    body = keep_pdf(keep_as, response.body())  # HC_KEEP_PDFS=DIR: kept for a person to open
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).split())


def nominate(page, site, name, award, achievement, shoot, label):
    page.goto(f"{site}/desk/thi-dua/")
    page.click("a.button:has-text('Lập đề nghị khen thưởng')")
    page.fill("#f-q", name.split()[-1])
    with page.expect_navigation():
        page.click("button:text-is('Tìm')")
    page.click(f"ul.pick a:text-is('{name}')")
    page.select_option("#f-award", label=award)
    page.fill("#f-achievement", achievement)
    shoot(page, label)
    with page.expect_navigation():
        page.click("button:text-is('Lập đề nghị')")
    assert "Đã lập đề nghị" in page.content()
    return Nomination.objects.get(nominee_name=name)


def step(page, label):
    with page.expect_navigation():
        page.click(f"button:text-is('{label}')")


def issue(page, site, slug, nomination, fields, shoot, label):
    page.goto(f"{site}/desk/thi-dua/van-ban/lap/{slug}/")
    page.check(f"input[name=n][value='{nomination.pk}']")
    for selector, value in fields.items():
        if selector.startswith("radio:"):
            page.check(selector[len("radio:"):])
        else:
            page.fill(selector, value)
    shoot(page, label)
    with page.expect_navigation():
        page.click("form.stage-form button.primary")
    assert "Đã ghi" in page.content(), page.inner_text("main")[:500]


def test_nominations_to_the_honour_roll(browser, site, people, campaign, shoot):
    for name, amount in (("Công ty CP Cao su Kon Tum", 450_000_000), ("Ngân hàng TMCP Công Thương", 50_000_000)):
        new_receipt(people, campaign, amount=amount, donor_name=name)
    top = (Contribution.objects.values("donor_id", "donor__name").annotate(total=Sum("received_amount"))
           .order_by("-total").first())
    donor = participant(campaign, kind="business", name=top["donor__name"], code="62", donor_id=top["donor_id"])
    commune = participant(campaign)
    office = open_as(browser, site, people.office.username)

    # A first try without an award form: refused, nothing written.
    office.goto(f"{site}/desk/thi-dua/de-nghi/moi/?campaign={campaign.pk}&participant={donor.pk}")
    office.fill("#f-achievement", "Ủng hộ 450 triệu đồng")
    with office.expect_navigation():
        office.click("button:text-is('Lập đề nghị')")
    assert "Hãy chọn hình thức khen thưởng" in office.content() and not Nomination.objects.exists()
    assert office.input_value("#f-achievement") == "Ủng hộ 450 triệu đồng"
    shoot(office, "refused-without-award")

    provincial = nominate(office, site, donor.name, "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
                          "Ủng hộ 450 triệu đồng xây nhà cho hộ nghèo", shoot, "nominate-donor")
    national = nominate(office, site, commune.name, "Bằng khen của Thủ tướng Chính phủ",
                        "Hoàn thành xóa 100% nhà tạm trước thời hạn", shoot, "nominate-commune")
    assert provincial.proposer_name == "Sở Nội vụ tỉnh Kon Tum"
    assert national.proposer_name == "Ủy ban nhân dân tỉnh Kon Tum"
    for nomination in (provincial, national):
        office.goto(f"{site}/desk/thi-dua/de-nghi/{nomination.pk}/")
        step(office, "Gửi cơ quan thường trực thẩm định")
        step(office, "Trình Hội đồng")
        assert "Hội đồng biểu quyết" in office.content()
    shoot(office, "sent-to-council")

    # Three of five council members vote from "Việc của tôi".
    for member in people.council[:3]:
        page = open_as(browser, site, member.username)
        assert "Khen thưởng chờ bạn xử lý" in page.content()
        for nomination in (provincial, national):
            page.goto(f"{site}/desk/")
            page.click(f"a:text-is('{nomination.code}')")
            step(page, "Đồng ý")
            expected = "Đã chuyển sang" if member == people.council[2] else "Đã ghi nhận phiếu"
            assert expected in page.content(), page.inner_text("main")[:1500]
        shoot(page, f"voted-{member.username}")
        page.context.close()
    provincial.refresh_from_db()
    national.refresh_from_db()
    assert (provincial.state, national.state) == ("awaiting_decision", "awaiting_proposal")

    # The council's minutes, then the chairman's numbered decision and the certificate.
    office.goto(f"{site}/desk/thi-dua/van-ban/lap/minutes/")
    office.check(f"input[name=n][value='{provincial.pk}']")
    office.check(f"input[name=n][value='{national.pk}']")
    office.fill("#f-signer", "Trần Minh Đức")
    with office.expect_navigation():
        office.click("form.stage-form button.primary")
    minutes = AwardDocument.objects.get(kind="minutes")
    text = pdf_text(office.request.get(f"{site}/desk/thi-dua/van-ban/{minutes.pk}/"), "council-minutes.pdf")
    assert minutes.number in text.replace("- ", "-") and "BIÊN BẢN" in text
    assert all(f"Council{i}" in text for i in (1, 2, 3)) and "Council4" not in text
    issue(office, site, "decision", provincial, {"#f-signer": "Trần Minh Đức",
                                                 "#f-title": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"}, shoot, "decision")
    decision = AwardDocument.objects.get(kind="decision")
    assert decision.number.endswith("/QĐ-UBND")
    text = pdf_text(office.request.get(f"{site}/desk/thi-dua/van-ban/{decision.pk}/"), "decision-chairman.pdf")
    for expected in (f"Số: {decision.number}", "06/2022/QH15", "98/2023/NĐ-CP", donor.name, "Trần Minh Đức",
                     "Nơi nhận"):
        assert expected in text, expected
    office.goto(f"{site}/desk/thi-dua/de-nghi/{provincial.pk}/")
    step(office, "In bằng, giấy khen (cấp số vào sổ)")
    provincial.refresh_from_db()
    certificate = pdf_text(office.request.get(f"{site}/desk/thi-dua/de-nghi/{provincial.pk}/bang-khen/"),
                           "bang-khen-chairman.pdf")
    assert "BẰNG KHEN" in certificate and donor.name in certificate
    assert provincial.certificate.number_text in certificate
    step(office, "Ghi nhận đã trao khen thưởng")
    assert "Đã trao khen thưởng" in office.content()
    shoot(office, "awarded")

    # The Prime Minister's: a numbered proposal sent up, and later the decision recorded.
    issue(office, site, "proposal", national, {"#f-signer": "Trần Minh Đức"}, shoot, "proposal")
    proposal = AwardDocument.objects.get(kind="proposal")
    text = pdf_text(office.request.get(f"{site}/desk/thi-dua/van-ban/{proposal.pk}/"), "proposal-prime-minister.pdf")
    assert f"Số: {proposal.number}" in text and "Kính gửi: Thủ tướng Chính phủ" in text and commune.name in text
    issue(office, site, "higher", national, {"#f-number": "1234/QĐ-TTg", "radio:input[name=awarded][value=yes]": ""},
          shoot, "higher-decision")
    national.refresh_from_db()
    assert national.state == "decided" and national.decision_number == "1234/QĐ-TTg"

    # Both on the public honour roll, for anyone.
    public = browser.new_context().new_page()
    public.goto(f"{site}/vinh-danh/{campaign.code}/")
    page_text = public.inner_text("main")
    for expected in (donor.name, commune.name, decision.number, "1234/QĐ-TTg",
                     "Bằng khen của Thủ tướng Chính phủ", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"):
        assert expected in page_text, expected
    shoot(public, "honour-roll")

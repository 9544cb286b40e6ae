"""Issue 14, done when: a provincial reviewer opens the dashboard, drills down to a commune and to its cases,
switches to 2025 units, issues the 30/11 progress report as a numbered PDF and downloads it as Excel."""
import datetime as dt
import io

import pytest
from django.utils import timezone

from housing_campaign.cases.models import HousingCase
from housing_campaign.reports.models import Target
from tests.browser.conftest import open_as
from tests.conftest import HOME, OTHER, advance, make_user, new_case, unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def last_30_november(today: dt.date) -> dt.date:
    day = dt.date(today.year, 11, 30)
    return day if day <= today else dt.date(today.year - 1, 11, 30)


def test_provincial_reviewer_dashboard_drill_down_and_report(browser, site, people, campaign, shoot, tmp_path):
    for stage in ("funding", "construction", "handover", "posting"):
        advance(people, new_case(people, campaign), stage)
    new_case(people, campaign)
    new_case(people, campaign, commune_code=OTHER)
    for code, houses in ((HOME, 8), (OTHER, 4)):
        Target.objects.create(campaign=campaign, unit=unit(code), unit_path=unit(code).path, houses=houses)
    # The cases' history happened before the report's date (the days move back; the aggregates follow the log).
    from django.db.models import F

    from housing_campaign.core.models import DocumentEvent
    from housing_campaign.reports.aggregates import recount

    report_day = last_30_november(timezone.localdate())
    DocumentEvent.objects.update(at=F("at") - dt.timedelta(days=(timezone.localdate() - report_day).days + 1))
    recount()
    make_user("reviewer_tinh", "reviewer", "62")
    errors = []
    page = open_as(browser, site, "reviewer_tinh")
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # The dashboard of the province, then the district, then the commune, then its cases.
    page.click("nav >> text=Báo cáo")
    page.wait_for_selector("h1:has-text('Báo cáo tiến độ')")
    assert "Tỉnh Kon Tum" in page.inner_text("h1")
    shoot(page, "dashboard-province")
    page.click("#h-progress ~ .table-wrap >> a:has-text('Huyện Đắk Glei')")
    page.wait_for_selector("h1:has-text('Huyện Đắk Glei')")
    row = page.locator("#h-progress ~ .table-wrap tbody tr", has_text="Xã Đăk Blô").first.inner_text()
    assert "\t8\t5\t4" in row  # target 8, surveyed 5, approved 4
    shoot(page, "dashboard-district")
    page.click("#h-progress ~ .table-wrap >> a:has-text('Xã Đăk Blô')")
    page.wait_for_selector("h1:has-text('Xã Đăk Blô')")
    shoot(page, "dashboard-commune")
    page.click("nav >> text=Danh sách hồ sơ")
    page.wait_for_url("**/desk/?**")
    home_cases = HousingCase.objects.filter(commune=unit(HOME)).count()
    assert page.locator(".row-check").count() == home_cases == 5
    shoot(page, "commune-cases")

    # Back to the province, in 2025 units: the same cases summed by the new communes.
    page.goto(f"{site}/desk/bao-cao/")
    page.click("text=Xem theo đơn vị hành chính từ 01/07/2025")
    page.wait_for_selector("select#f-he >> option[value='2025'][selected]", state="attached")
    totals = page.locator("tr.total").first.inner_text()
    assert "\t6\t" in totals  # six cases surveyed, whatever the units
    shoot(page, "dashboard-2025")
    assert errors == []
    REPORT_STEPS(page, site, campaign, shoot, tmp_path)


def REPORT_STEPS(page, site, campaign, shoot, tmp_path):  # noqa: N802
    """The 30/11 progress report of the province: composed, issued with a number, its PDF and Excel."""
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from housing_campaign.reports.models import PeriodicReport

    day = last_30_november(timezone.localdate())
    page.goto(f"{site}/desk/bao-cao/")
    page.click("text=Báo cáo định kỳ")
    page.click("text=Lập báo cáo")
    page.select_option("#r-kind", "progress")
    page.select_option("#r-territory", "62")
    page.fill("#r-as-of", day.strftime("%d/%m/%Y"))
    page.fill("#r-difficulties", "Một số hộ ở vùng sâu chưa vận chuyển được vật liệu do đường sạt lở.")
    page.fill("#r-proposals", "Đề nghị tỉnh hỗ trợ thêm kinh phí vận chuyển vật liệu.")
    shoot(page, "report-new")
    page.click("button:has-text('Lưu dự thảo')")
    page.wait_for_selector("text=Dự thảo, chưa cấp số")
    page.click("button:has-text('Ban hành (cấp số)')")
    page.wait_for_selector("text=ban hành ngày")
    shoot(page, "report-issued")
    from housing_campaign.printing.models import IssuedDocument

    report = PeriodicReport.objects.get()
    number = IssuedDocument.objects.get(doctype="report", object_id=report.pk).number_text
    assert number.startswith("01/BC")
    pdf = page.request.get(f"{site}/desk/bao-cao/van-ban/{report.pk}/pdf/")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert number in text and "Huyện Đắk Glei" in text and day.strftime("%d/%m/%Y") in text
    with page.expect_download() as download:
        page.click("text=Tải Excel")
    path = tmp_path / "bao-cao.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path, read_only=True).worksheets[0]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row and row[0]}
    glei = rows["610"]  # the district's houses as of 30/11: target 12, surveyed 6, approved 4, started 3
    assert glei[1] == "Huyện Đắk Glei" and list(glei[2:6]) == [12, 6, 4, 3]
    assert rows["62"][1] == "Tổng cộng" and rows["62"][3] == 6

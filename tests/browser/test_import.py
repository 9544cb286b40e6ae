"""A commune officer imports a commune's Excel list in the browser: upload, mapping, check with the
report, confirm "good rows only", the progress bar, and the result with the cases in the queue."""
import pytest
from openpyxl import load_workbook

from housing_campaign.cases.models import HousingCase
from tests.browser.conftest import open_as
from tests.imports.conftest import build_workbook, clean_rows, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_a_commune_list_in_the_browser(browser, site, people, campaign, shoot, tmp_path):
    rows = clean_rows(1500, start=1000) + [row(401, "Y Sai Số", "062085099999", area="abc"),
                                          row(402, "A Ngoài Xã", "062085099998", commune="Xã Đăk Man")]
    path = tmp_path / "danh-sach-xa-dak-blo.xlsx"
    build_workbook(path, rows)
    page = open_as(browser, site, "officer_a")
    page.click("text=Nhập từ Excel")
    page.set_input_files("#file", str(path))
    with page.expect_navigation():
        page.click("button:text-is('Tải lên')")
    assert "Dòng tiêu đề tìm thấy ở dòng 6" in page.content()
    assert page.input_value("#col__head_name") == "Họ và tên chủ hộ"
    shoot(page, "mapping")
    with page.expect_navigation():
        page.click("button:text-is('Kiểm tra thử')")
    summary = page.locator("#import-summary")
    summary.wait_for(timeout=60000)
    assert "Kiểm tra thử, chưa ghi gì" in summary.inner_text() and "2 bị từ chối" in summary.inner_text()
    assert "Xã Đăk Man" in page.content()  # the refused row is listed with its reason
    with page.expect_download() as download_info:
        page.click("#report-link")
    with open(download_info.value.path(), "rb") as handle:
        report = load_workbook(handle).active
    statuses = [r[1] for r in report.iter_rows(min_row=3, values_only=True)]
    assert statuses.count("Từ chối") == 2
    assert HousingCase.objects.count() == 0
    shoot(page, "checked")
    polls = []
    page.on("request", lambda request: polls.append(request.url) if request.headers.get("hx-request") else None)
    page.check("input[value=good_rows_only]")
    with page.expect_navigation():
        page.click("#confirm-import")
    assert page.locator("progress").count() == 1  # the import runs in the background; the page follows it
    shoot(page, "progress")
    page.wait_for_selector("#import-summary:has-text('Đã nhập')", timeout=120000)
    assert polls, "the result arrived through the progress polling"
    shoot(page, "imported")
    assert "1500 đã tạo mới" in page.locator("#import-summary").inner_text()
    assert HousingCase.objects.count() == 1500
    with page.expect_navigation():
        page.click("text=Xem các hồ sơ vừa nhập")
    assert "Hồ sơ của lần nhập" in page.content()
    assert HousingCase.objects.order_by("id").first().code in page.content()

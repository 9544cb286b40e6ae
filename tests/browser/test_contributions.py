"""The Fatherland Front's path in a real browser (issue 12): a donor, a pledge, a receipt of materials
(first without its value, refused with everything typed kept), the printed receipt whose QR code verifies
on the public page; then the commune's public page shows the money, on a phone."""
import io
from urllib.parse import urlparse

import pypdfium2
import pytest
from django.utils import timezone
from pyzbar.pyzbar import decode

from housing_campaign.contributions.models import Contribution, Pledge
from tests.browser.conftest import open_as
from tests.conftest import HOME, unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate().strftime("%d/%m/%Y")


def test_the_front_records_a_pledge_and_materials_and_prints_a_verified_receipt(browser, site, people, campaign,
                                                                                  shoot):
    front = open_as(browser, site, people.front.username)
    front.goto(f"{site}/desk/dong-gop/")
    shoot(front, "contributions-home")
    front.click("nav.tabs >> text=Người ủng hộ")
    front.select_option("#id_kind", "business")
    front.fill("#id_name", "Công ty CP Xây dựng Đăk Glei")
    front.fill("#id_contact", "Ông Hồ Văn Lâm, 0914 222 333")
    with front.expect_navigation():
        front.click("button:text-is('Thêm')")
    assert "Đã thêm người ủng hộ Công ty CP Xây dựng Đăk Glei" in front.content()

    # A pledge of materials for Xã Đăk Blô.
    front.click("a.button:text-is('Ghi nhận cam kết')")
    front.select_option("#id_kind", "materials")
    front.fill("#id_amount", "30.000.000")
    front.fill("#id_pledged_on", TODAY)
    front.fill("#id_description", "300 bao xi măng")
    front.select_option("#id_earmark", "commune")
    front.select_option("#id_commune", str(unit(HOME).pk))
    with front.expect_navigation():
        front.click("button:text-is('Lưu cam kết')")
    assert "Đã ghi nhận cam kết" in front.content()
    pledge = Pledge.objects.get()

    # The materials arrive: first without their value (refused, nothing lost), then complete.
    front.click("a.button:text-is('Ghi nhận đóng góp')")
    front.select_option("#id_pledge", str(pledge.pk))
    front.select_option("#id_kind", "materials")
    front.fill("#id_received_on", TODAY)
    front.fill("#id_item", "Xi măng PCB40")
    front.fill("#id_quantity", "300")
    front.fill("#id_unit", "bao")
    front.select_option("#id_earmark", "commune")
    front.select_option("#id_commune", str(unit(HOME).pk))
    with front.expect_navigation():
        front.click("button:text-is('Lưu và cấp biên nhận')")
    assert "Đóng góp bằng vật liệu phải có giá trị quy ra tiền" in front.content()
    assert front.input_value("#id_item") == "Xi măng PCB40" and front.input_value("#id_quantity") == "300"
    shoot(front, "receipt-without-value")
    assert not Contribution.objects.exists()
    front.fill("#id_amount", "28.500.000")
    with front.expect_navigation():
        front.click("button:text-is('Lưu và cấp biên nhận')")
    assert "Đã ghi nhận và cấp biên nhận số 01/BN-MTTQ" in front.content()
    shoot(front, "receipt-recorded")
    receipt = Contribution.objects.get()
    assert (receipt.kind, receipt.received_amount, receipt.pledge_id) == ("materials", 28_500_000, pledge.pk)

    # Print the receipt: its QR code leads to the public check, which says it is genuine.
    pdf_link = front.locator("a:text-is('In biên nhận (PDF)')").get_attribute("href")
    pdf = front.request.get(f"{site}{pdf_link}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    image = pypdfium2.PdfDocument(io.BytesIO(pdf.body()))[0].render(scale=2).to_pil()
    image.save(shoot.folder / "receipt.png")
    found = decode(image)
    assert found, "no QR code on the printed receipt"
    url = urlparse(found[0].data.decode())
    assert url.path == f"/bien-nhan/{receipt.public_code}"
    public = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    public.goto(f"{site}{url.path}?{url.query}")
    assert "Biên nhận hợp lệ" in public.content() and "01/BN-MTTQ" in public.content()
    assert "0914 222 333" not in public.content()
    shoot(public, "receipt-verified-phone")

    # The commune's public page shows the money received, by kind, on a phone.
    public.goto(f"{site}/cong-khai/{HOME}/")
    text = public.content()
    assert "Công khai: Xã Đăk Blô" in text and "28.500.000 đ" in text and "Vật liệu" in text
    assert "Công ty CP Xây dựng Đăk Glei" not in text and "0914 222 333" not in text
    shoot(public, "public-commune-phone")

    # The donor's history lists the receipt and the outstanding pledge.
    front.goto(f"{site}/desk/dong-gop/donors/{receipt.donor_id}/")
    history = front.content()
    assert "28.500.000 đ" in history and "Cam kết chưa nhận" in history and "1.500.000 đ" in history
    shoot(front, "donor-history")

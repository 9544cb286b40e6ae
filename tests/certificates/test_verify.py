"""The QR code printed on a certificate, decoded from the rendered page, leads to a "genuine"
page; altered, revoked and superseded certificates each get their own plain answer."""
import io
from urllib.parse import urlparse

import pypdfium2
import pytest
from django.test import Client
from pyzbar.pyzbar import decode

from housing_campaign.certificates import services
from housing_campaign.printing.services import issued_document_pdf
from tests.conftest import advance, new_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(people, campaign):
    case = advance(people, new_case(people, campaign), "posting")
    return case.certificates.get()


def qr_from_pdf(data: bytes) -> str:
    pdf = pypdfium2.PdfDocument(io.BytesIO(data))
    image = pdf[0].render(scale=2).to_pil()
    found = decode(image)
    assert found, "no QR code found on the rendered page"
    return found[0].data.decode()


def get(client, url):
    parsed = urlparse(url)
    return client.get(parsed.path + ("?" + parsed.query if parsed.query else ""))


def test_qr_on_printed_certificate_leads_to_genuine_page(certificate, settings):
    url = qr_from_pdf(issued_document_pdf(certificate.document))
    assert url.startswith(settings.SITE_BASE_URL + f"/verify/{certificate.code}?t=")
    assert str(certificate.case_id) not in urlparse(url).path.split("/")[-1] or len(certificate.code) == 10
    response = get(Client(), url)
    text = response.content.decode()
    assert response.status_code == 200 and "Giấy chứng nhận hợp lệ" in text
    case = certificate.case
    assert certificate.public_head_masked in text and case.household.head_name not in text
    for private in (case.household.national_id, case.household.phone or "0909", case.household.ethnicity):
        if private:
            assert private not in text
    assert "Xây mới" in text and case.village.name in text


def test_altered_token_or_unknown_code_is_not_genuine(certificate):
    client = Client()
    token = services.token_for(certificate.code)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for path in (f"/verify/{certificate.code}?t={altered}", f"/verify/ZZZZZZZZZZ?t={token}",
                 f"/verify/{certificate.code}"):
        response = client.get(path)
        assert response.status_code == 404 and "Không xác thực được" in response.content.decode()


def test_revoked_and_superseded(people, certificate):
    actor = people.actor(people.chairman)
    new = services.certificate_reissue(actor=actor, certificate=certificate, reason="In sai tên thôn")
    client = Client()
    old_page = client.get(f"/verify/{certificate.code}?t={services.token_for(certificate.code)}")
    assert old_page.status_code == 410 and "đã được thay thế" in old_page.content.decode()
    new_page = client.get(f"/verify/{new.code}?t={services.token_for(new.code)}")
    assert "Giấy chứng nhận hợp lệ" in new_page.content.decode()
    services.certificate_revoke(actor=actor, certificate=new, reason="Hộ chuyển đi nơi khác")
    revoked = client.get(f"/verify/{new.code}?t={services.token_for(new.code)}")
    assert revoked.status_code == 410 and "đã bị thu hồi" in revoked.content.decode()


def test_officer_cannot_revoke(people, certificate):
    from housing_campaign.core.errors import ServiceError

    with pytest.raises(ServiceError):
        services.certificate_revoke(actor=people.actor(people.officer_b), certificate=certificate, reason="x")
    certificate.refresh_from_db()
    assert certificate.status == "valid"


def test_rate_limited_per_client(certificate, settings):
    settings.VERIFY_RATE_LIMIT_PER_MINUTE = 5
    client = Client(REMOTE_ADDR="10.9.8.7")
    url = f"/verify/{certificate.code}?t={services.token_for(certificate.code)}"
    codes = [client.get(url).status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    assert Client(REMOTE_ADDR="10.9.8.8").get(url).status_code == 200


def test_rate_limit_behind_a_trusted_proxy_counts_each_client(certificate, settings):
    settings.VERIFY_RATE_LIMIT_PER_MINUTE = 2
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    url = f"/verify/{certificate.code}?t={services.token_for(certificate.code)}"
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    codes_a = [proxy.get(url, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code for _ in range(3)]
    codes_b = [proxy.get(url, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code for _ in range(2)]
    assert codes_a == [200, 200, 429] and codes_b == [200, 200]
    spoofed = Client(REMOTE_ADDR="198.51.100.9")   # not a trusted proxy: its header is ignored
    assert [spoofed.get(url, HTTP_X_FORWARDED_FOR=f"1.2.3.{i}").status_code for i in range(3)] == [200, 200, 429]

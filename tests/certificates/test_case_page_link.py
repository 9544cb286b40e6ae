"""The case page shows each certificate's public code as a link to its verification page: the URL its QR code
holds (issue 17)."""
import html

import pytest
from django.test import Client
from django.urls import reverse

from housing_campaign.certificates import services
from housing_campaign.certificates.tokens import verify_url
from tests.conftest import PASSWORD, advance, new_case

pytestmark = pytest.mark.django_db


def test_each_certificate_code_links_to_its_verification_page(people, campaign):
    case = advance(people, new_case(people, campaign), "posting")
    first = case.certificates.get()
    second = services.certificate_reissue(actor=people.actor(people.chairman), certificate=first, reason="Sai tên")
    client = Client()
    assert client.login(username=people.officer.username, password=PASSWORD)
    page = html.unescape(client.get(reverse("desk:case", args=[case.pk])).content.decode())
    for cert in (first, second):
        cert.refresh_from_db()
        link = f'<a href="{verify_url(cert)}" target="_blank" rel="noopener">{cert.code}</a>'
        assert link in page
    # The link is the QR's own URL, which answers on the public page (superseded / genuine).
    public = Client()
    for cert, answer in ((first, "thay thế"), (second, "Giấy chứng nhận hợp lệ")):
        url = verify_url(cert).split("://", 1)[1].split("/", 1)[1]
        assert answer in public.get("/" + url).content.decode()

"""A certificate revoked at 00:58 on 27/11 Vietnam time (17:58 UTC on 26/11) says 27/11 everywhere."""
import datetime as dt
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from housing_campaign.certificates import services
from tests.conftest import PASSWORD, advance, new_case

pytestmark = pytest.mark.django_db

REVOKED_AT = dt.datetime(2025, 11, 26, 17, 58, tzinfo=dt.UTC)  # 00:58 on 27/11/2025 in Asia/Ho_Chi_Minh


def test_revoked_date_is_the_vietnam_date_on_the_public_page_and_the_desk(people, campaign):
    case = advance(people, new_case(people, campaign), "posting")
    certificate = case.certificates.get()
    with mock.patch("django.utils.timezone.now", return_value=REVOKED_AT):
        services.certificate_revoke(actor=people.actor(people.chairman), certificate=certificate,
                                    reason="Hộ chuyển đi nơi khác")
    page = Client().get(f"/verify/{certificate.code}?t={services.token_for(certificate.code)}")
    text = page.content.decode()
    assert page.status_code == 410 and "đã bị thu hồi ngày 27/11/2025" in text and "26/11/2025" not in text

    client = Client()
    client.login(username="chairman_a", password=PASSWORD)
    desk = client.get(reverse("desk:case", args=[case.pk])).content.decode()
    assert "thu hồi lúc 27/11/2025 00:58" in desk

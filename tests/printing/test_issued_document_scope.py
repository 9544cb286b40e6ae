"""An issued document opens in the admin only for those who may see what it was issued for, whatever
its document type (not only housing cases)."""
import pytest
from django.test import Client
from django.urls import reverse

from housing_campaign.commendations.documents import nomination_context
from housing_campaign.printing.models import IssuedDocument, PrintFormat
from housing_campaign.printing.services import document_issue
from tests.commendations.helpers import nominate, participant
from tests.conftest import FAR, make_user, unit

pytestmark = pytest.mark.django_db


def test_issued_nomination_document_is_refused_outside_the_territory(people, campaign):
    far = participant(campaign, name="Ủy ban nhân dân xã Đăk Cấm", code=FAR)
    nomination = nominate(people, campaign, far, form="giay_khen_chu_tich_huyen", by=people.admin,
                          proposing_unit=unit(FAR))
    fmt = PrintFormat.objects.get(code="commendation_certificate")
    from django.db import transaction

    with transaction.atomic():
        document = document_issue(actor_user=people.admin, format_code=fmt.code, doctype="commendation",
                                  object_id=nomination.pk, context=nomination_context(nomination),
                                  issuer_key="province:62", issuer_symbol="UBND")
    assert IssuedDocument.objects.filter(pk=document.pk).exists()
    url = reverse("admin:printing_issued_pdf", args=[document.pk])
    district_admin = make_user("admin_610", "administrator", "610", staff=True)
    client = Client()
    client.force_login(district_admin)
    response = client.get(url)
    assert response.status_code == 404 and "trong địa bàn của bạn" in response.content.decode()
    client.force_login(people.admin)  # the province's administrator
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_default_preview_of_a_commune_list_renders(people, campaign):
    """Legacy and 2025 communes may share a code: the preview's example must find the commune with cases."""
    from tests.conftest import advance, new_case

    advance(people, new_case(people, campaign), "posting")
    client = Client()
    client.force_login(people.admin)
    for code in ("support_list_decision", "public_posting_list"):
        fmt = PrintFormat.objects.get(code=code)
        response = client.get(reverse("admin:printing_preview", args=[fmt.pk]) + "?as=html")
        assert response.status_code == 200, response.content.decode()[:300]

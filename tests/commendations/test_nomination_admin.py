"""Issue 8, item 11: adding a nomination in the admin ended in a 500 (IntegrityError)."""
import pytest
from django.test import Client
from django.urls import reverse

from housing_campaign.commendations.models import AwardForm, Nomination
from housing_campaign.core.models import DocumentEvent
from tests.conftest import FAR, HOME, make_user, unit

pytestmark = pytest.mark.django_db


def _data(campaign, commune_code=HOME, **overrides):
    return {"code": "KT-9001", "campaign": campaign.pk, "nominee_kind": "collective",
            "nominee_name": "UBND xã Đăk Blô", "award_form": AwardForm.objects.get(code="giay_khen").pk,
            "achievement": "Hoàn thành sớm 20 căn nhà", "commune": unit(commune_code).pk, "decision_number": "",
            "extra": "{}", **overrides}


def test_administrator_adds_a_nomination_which_starts_the_workflow(people, campaign):
    client = Client()
    client.force_login(people.admin)
    # created_by as the probe sent it; the form no longer takes it (the service sets it)
    response = client.post(reverse("admin:commendations_nomination_add"), _data(campaign, created_by=people.officer.pk))
    assert response.status_code == 302, [str(e) for e in response.context["errors"]] if response.context else ""
    nomination = Nomination.objects.get(code="KT-9001")
    assert nomination.state == "proposed" and nomination.workflow.is_active
    assert nomination.unit_path == unit(HOME).path and nomination.created_by == people.admin
    assert DocumentEvent.objects.filter(doctype="commendation", object_id=nomination.pk, kind="created").exists()


def test_nomination_outside_the_territory_is_refused_with_a_message(people, campaign):
    district_admin = make_user("admin_610", "administrator", "610", staff=True)
    client = Client()
    client.force_login(district_admin)
    response = client.post(reverse("admin:commendations_nomination_add"), _data(campaign, FAR))
    assert response.status_code == 200
    assert "nằm ngoài địa bàn bạn phụ trách" in response.content.decode()
    assert not Nomination.objects.exists()


def test_double_award_is_a_form_error_not_a_500(people, campaign):
    client = Client()
    client.force_login(people.admin)
    client.post(reverse("admin:commendations_nomination_add"), _data(campaign))
    response = client.post(reverse("admin:commendations_nomination_add"), _data(campaign, code="KT-9002"))
    assert response.status_code == 200 and Nomination.objects.count() == 1

"""The admin: nominations are records there (filed on the desk, issue 15: adding one ended in a 500);
award forms' competence is data an administrator corrects, with clear messages for what cannot be."""
import pytest
from django.test import Client
from django.urls import reverse

from housing_campaign.commendations.models import AwardForm, Nomination
from tests.commendations.helpers import nominate
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_nominations_are_listed_not_added_in_the_admin(people, campaign):
    nomination = nominate(people, campaign)
    client = Client()
    client.force_login(people.admin)
    listing = client.get(reverse("admin:commendations_nomination_changelist"))
    assert listing.status_code == 200 and nomination.code in listing.content.decode()
    assert client.get(reverse("admin:commendations_nomination_add")).status_code == 403
    response = client.post(reverse("admin:commendations_nomination_add"), {"code": "KT-9001"})
    assert response.status_code == 403 and Nomination.objects.count() == 1
    page = client.get(reverse("admin:commendations_nomination_change", args=[nomination.pk]))
    assert page.status_code == 200


def test_a_district_administrator_does_not_see_the_provinces_nominations(people, campaign):
    nomination = nominate(people, campaign)
    client = Client()
    client.force_login(make_user("admin_610", "administrator", "610", staff=True))
    listing = client.get(reverse("admin:commendations_nomination_changelist")).content.decode()
    assert nomination.code not in listing


def _form(form: AwardForm, **overrides) -> dict:
    data = {"code": form.code, "name": form.name, "level": form.level, "authority": form.authority,
            "decided_by": form.decided_by, "proposer_kinds": form.proposer_kinds,
            "recipient_kinds": form.recipient_kinds, "legal_basis": form.legal_basis,
            "print_format": form.print_format}
    if form.national:
        data["national"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_award_form_competence_is_checked_when_edited(people):
    client = Client()
    client.force_login(people.admin)
    form = AwardForm.objects.get(code="bang_khen_chu_tich_tinh")
    url = reverse("admin:commendations_awardform_change", args=[form.pk])
    response = client.post(url, _form(form, national="on"))
    assert response.status_code == 200
    assert "không phải trình cấp trên" in response.content.decode()
    response = client.post(url, _form(form, proposer_kinds=["nowhere"]))
    assert response.status_code == 200 and "không phải là loại đơn vị đề nghị" in response.content.decode()
    response = client.post(url, _form(form, recipient_kinds=["martian"]))
    assert response.status_code == 200 and "không phải là loại đối tượng" in response.content.decode()
    national = AwardForm.objects.get(code="bang_khen_thu_tuong")
    response = client.post(reverse("admin:commendations_awardform_change", args=[national.pk]),
                           _form(national, proposer_kinds=["province", "commune"], national=None))
    page = response.content.decode()
    assert "chỉ do Ủy ban nhân dân tỉnh đề nghị" not in page and "tỉnh chỉ đề nghị lên cấp trên" in page
    response = client.post(reverse("admin:commendations_awardform_change", args=[national.pk]),
                           _form(national, proposer_kinds=["province", "commune"]))
    assert "chỉ do Ủy ban nhân dân tỉnh đề nghị" in response.content.decode()
    form.refresh_from_db()
    assert not form.national and form.proposer_kinds == ["department", "provincial_organisation", "district"]
    response = client.post(url, _form(form, recipient_kinds=["household", "person"]))
    assert response.status_code == 302
    form.refresh_from_db()
    assert form.recipient_kinds == ["household", "person"]

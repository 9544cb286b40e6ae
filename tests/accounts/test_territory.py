"""A commune officer of commune A cannot list, open, change or export a case of commune B, by any
URL or in the admin. Every check is on the server."""
import pytest
from django.test import Client
from django.urls import reverse

from housing_campaign.cases.models import HousingCase
from housing_campaign.core.errors import ServiceError
from tests.conftest import HOME, OTHER, PASSWORD, make_user, new_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cases(people, campaign):
    return new_case(people, campaign, commune_code=HOME), new_case(people, campaign, commune_code=OTHER)


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_officer_lists_only_own_commune(people, two_cases):
    mine, theirs = two_cases
    client = login(people.officer)
    page = client.get(reverse("desk:queue") + "?scope=all").content.decode()
    link = reverse("desk:case", args=[theirs.pk])
    assert reverse("desk:case", args=[mine.pk]) in page and link not in page
    search = client.get(reverse("desk:queue") + f"?scope=all&q={theirs.code}").content.decode()
    assert link not in search and "Không có hồ sơ nào" in search


def test_officer_cannot_open_change_print_or_act_on_other_commune(people, two_cases):
    _, theirs = two_cases
    client = login(people.officer)
    assert client.get(reverse("desk:case", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("desk:case_form", args=[theirs.pk, "survey"]), {"persons": "9"})
    assert response.status_code == 404
    assert client.get(reverse("desk:case_print", args=[theirs.pk, "acceptance_minutes"])).status_code == 404
    assert client.post(reverse("desk:case_transition", args=[theirs.pk]),
                       {"action": "submit", "expected_state": "survey"}).status_code == 404
    response = client.post(reverse("desk:bulk"), {"action": "submit", "ids": [theirs.pk]})
    assert "Không tìm thấy hồ sơ" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.state == "survey" and theirs.persons == 4


def test_batch_print_only_covers_own_territory(people, two_cases):
    mine, theirs = two_cases
    from housing_campaign.accounts.selectors import actor_for
    from housing_campaign.core.errors import ServiceError as SE
    from housing_campaign.desk.printing import batch_start

    actor = actor_for(people.officer)
    with pytest.raises(SE):
        batch_start(actor=actor, user=people.officer, data={"format": "acceptance_minutes",
                                                            "commune": str(theirs.commune_id)})


def test_service_refuses_other_commune(people, two_cases):
    from housing_campaign.cases.selectors import case_get_for_actor

    _, theirs = two_cases
    with pytest.raises(ServiceError) as exc:
        case_get_for_actor(actor=people.actor(people.officer), case_id=theirs.pk)
    assert exc.value.code == "not_found"


def test_admin_is_scoped_to_territory(people, two_cases):
    mine, theirs = two_cases
    district_admin = make_user("admin_district", "administrator", HOME, staff=True)
    client = login(district_admin)
    listing = client.get(reverse("admin:cases_housingcase_changelist")).content.decode()
    assert f"/{mine.pk}/change/" in listing and f"/{theirs.pk}/change/" not in listing
    assert client.get(reverse("admin:cases_housingcase_change", args=[theirs.pk])).status_code in (302, 404)
    assert client.get(reverse("admin:households_household_change", args=[theirs.household_id])).status_code in (
        302, 404)


def test_officer_has_no_admin_access(people, two_cases):
    client = login(people.officer)
    response = client.get(reverse("admin:cases_housingcase_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_auditor_reads_everything_in_territory_but_changes_nothing(people, two_cases):
    mine, _ = two_cases
    client = login(people.auditor)
    assert client.get(reverse("desk:case", args=[mine.pk])).status_code == 200
    client.post(reverse("desk:case_transition", args=[mine.pk]), {"action": "submit", "expected_state": "survey"})
    mine.refresh_from_db()
    assert mine.state == "survey"
    page = client.get(reverse("desk:case", args=[mine.pk])).content.decode()
    assert "chỉ có quyền xem" in page
    assert client.get(reverse("admin:cases_housingcase_changelist")).status_code == 200


def test_2025_unit_officer_sees_cases_mapped_to_their_commune(people, two_cases):
    mine, theirs = two_cases
    successor = mine.commune_2025
    officer_2025 = make_user("officer_2025", "commune_officer", successor.code, system="2025")
    from housing_campaign.cases.selectors import cases_visible

    visible = set(cases_visible(people.actor(officer_2025)).values_list("pk", flat=True))
    assert mine.pk in visible
    assert (theirs.pk in visible) == (theirs.commune_2025_id == successor.id)
    assert HousingCase.objects.count() == 2


def test_photos_are_served_only_inside_the_territory(people, two_cases):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from housing_campaign.cases.services import attachment_add

    mine, _ = two_cases
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "JPEG")
    photo = attachment_add(actor=people.actor(people.officer), case_id=mine.pk,
                           upload=SimpleUploadedFile("nha.jpg", buffer.getvalue(), content_type="image/jpeg"))
    url = reverse("desk:attachment_file", args=[mine.pk, photo.pk])
    assert login(people.officer).get(url).status_code == 200
    assert login(people.officer_b).get(url).status_code == 404
    assert Client().get(url).status_code == 302          # anonymous: to the login page
    assert Client().get(f"/files/{photo.file.name}").status_code == 404   # no public media URL


def test_downloads_keep_vietnamese_names_and_cannot_inject_headers(people, two_cases):
    import io
    from urllib.parse import unquote

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from housing_campaign.cases.services import attachment_add

    mine, _ = two_cases
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "JPEG")
    photo = attachment_add(actor=people.actor(people.officer), case_id=mine.pk, upload=SimpleUploadedFile(
        'Ảnh nhà "cũ"\r\nX-Evil: 1.jpg', buffer.getvalue(), content_type="image/jpeg"))
    response = login(people.officer).get(reverse("desk:attachment_file", args=[mine.pk, photo.pk]))
    disposition = response["Content-Disposition"]
    assert response.status_code == 200 and "X-Evil" not in response.headers
    assert "\n" not in disposition and "\r" not in disposition
    assert "Ảnh nhà" in unquote(disposition.split("filename*=utf-8''")[1])

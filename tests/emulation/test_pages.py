"""The movement's desk pages: each role sees what it may and is offered only what it may do; bad input comes
back with a message per field and everything typed, nothing written; files are served only to readers of the
participant; list and participant pages read a fixed number of queries."""
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from housing_campaign.commendations.models import AwardForm, Nomination
from housing_campaign.emulation.models import Participant, Registration, Submission
from housing_campaign.emulation.services import participant_create
from tests.conftest import HOME, new_receipt, unit

from .helpers import docx_bytes, home_committee, register, upload

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_pages_by_role(people, campaign):
    committee = home_committee(people, campaign)
    register(people, committee)
    pages = [reverse("emulation:participants"), reverse("emulation:participant", args=[committee.pk]),
             reverse("emulation:my_units"), reverse("emulation:late"), reverse("emulation:criteria"),
             reverse("emulation:deadlines"), reverse("emulation:initiatives"),
             reverse("emulation:register", args=[committee.pk])]
    for user in (people.officer, people.office, people.auditor, people.council[0], people.reviewer):
        client = client_for(user)
        for url in pages:
            assert client.get(url).status_code == 200, (user.username, url)
    assert client_for(people.office).get(reverse("emulation:suggestions")).status_code == 200
    assert client_for(people.auditor).get(reverse("emulation:suggestions")).status_code == 200
    assert client_for(people.officer).get(reverse("emulation:suggestions")).status_code == 403
    assert Client().get(pages[0]).status_code == 302
    # The officer is offered the registration of their commune; the auditor sees no form; the late page names it.
    assert "Lưu đăng ký" in client_for(people.officer).get(pages[-1]).content.decode()
    auditor_page = client_for(people.auditor).get(pages[-1]).content.decode()
    assert "Lưu đăng ký" not in auditor_page and "chỉ có quyền xem" in auditor_page
    reviewer_page = client_for(people.reviewer).get(pages[-1]).content.decode()
    assert "Lưu đăng ký" not in reviewer_page and "không phụ trách" in reviewer_page
    mine = client_for(people.officer).get(reverse("emulation:my_units")).content.decode()
    assert "Ủy ban nhân dân xã Đăk Blô" in mine


def test_registration_bad_input_is_shown_back_and_nothing_is_written(people, campaign):
    committee = home_committee(people, campaign)
    client = client_for(people.officer)
    response = client.post(reverse("emulation:register", args=[committee.pk]), {
        "registered_on": "32/13/2024", "houses_target": "-4", "money_target": "nhiều",
        "plan_number": "kế hoạch", "plan_date": "04/08/2024",
        "plan_file": upload("ke-hoach.exe", b"MZ\x90\x00program", "application/octet-stream")})
    assert response.status_code == 400
    page = response.content.decode()
    for message in ("Ngày đăng ký: ngày 32/13/2024 không có trong lịch", "từ 0 trở lên", "phải là số đồng",
                    "số/ký hiệu", "không phải tệp PDF, Word"):
        assert message in page, message
    assert 'value="kế hoạch"' in page and 'value="-4"' in page
    assert not Registration.objects.exists() and not Submission.objects.exists()


def test_registration_with_a_word_plan_and_its_download(people, campaign):
    committee = home_committee(people, campaign)
    client = client_for(people.chairman)
    response = client.post(reverse("emulation:register", args=[committee.pk]), {
        "registered_on": "05/08/2024", "houses_target": "12", "money_target": "500.000.000",
        "plan_number": "12/KH-UBND", "plan_date": "04/08/2024",
        "plan_file": upload("Kế hoạch xã.docx", docx_bytes(), "application/octet-stream")})
    assert response.status_code == 302
    plan = Submission.objects.get()
    download = client_for(people.auditor).get(reverse("emulation:file", args=[committee.pk, "van-ban", plan.pk]))
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in download["Content-Disposition"]
    far = client_for(people.officer_b)
    assert far.get(reverse("emulation:file", args=[committee.pk, "van-ban", plan.pk])).status_code == 404
    assert far.get(reverse("emulation:participant", args=[committee.pk])).status_code == 404


def test_nominate_from_the_page(people, campaign):
    receipt = new_receipt(people, campaign, amount=50_000_000)
    award = AwardForm.objects.get(code="bang_khen_chu_tich_tinh")
    office = client_for(people.office)
    page = office.get(reverse("emulation:suggestions")).content.decode()
    assert receipt.donor.name in page and "50.000.000 đ" in page and "Đề nghị khen thưởng" in page
    response = office.post(reverse("emulation:nominate"), {"campaign": campaign.pk,
                                                           "candidate": f"donor:{receipt.donor_id}",
                                                           "award_form": award.pk}, follow=True)
    nomination = Nomination.objects.get()
    assert f"Đã lập đề nghị {nomination.code}" in response.content.decode()
    council = client_for(people.council[0]).get(reverse("emulation:suggestions")).content.decode()
    assert nomination.code in council and 'name="candidate"' not in council
    refused = client_for(people.council[0]).post(reverse("emulation:nominate"), {
        "campaign": campaign.pk, "candidate": f"donor:{receipt.donor_id}", "award_form": award.pk})
    assert refused.status_code == 400 and "Sở Nội vụ" in refused.content.decode()
    assert Nomination.objects.count() == 1


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pages_read_a_fixed_number_of_queries(people, campaign):
    office = client_for(people.office)
    committee = home_committee(people, campaign)
    register(people, committee)

    def add(n, start):
        for i in range(start, start + n):
            p = participant_create(actor=people.actor(people.office), campaign=campaign, data={
                "kind": "front_organisation", "unit": unit("62").pk, "name": f"Hội {i}"})
            register(people, p, user=people.office)
            participant_create(actor=people.actor(people.officer), campaign=campaign, data={
                "kind": "household", "unit": unit(HOME).pk, "name": f"Hộ {i}"})
            new_receipt(people, campaign, amount=1_000_000 + i, donor_name=f"Nhà tài trợ {i}")

    add(2, 0)
    urls = [reverse("emulation:participants"), reverse("emulation:participant", args=[committee.pk]),
            reverse("emulation:late"), reverse("emulation:my_units"), reverse("emulation:initiatives"),
            reverse("emulation:suggestions")]
    before = [_queries(office, url) for url in urls]
    add(4, 10)
    after = [_queries(office, url) for url in urls]
    assert before == after, list(zip(urls, before, after))
    assert Participant.objects.count() == 13


def test_an_empty_plan_file_is_refused_with_one_message(people, campaign):
    """An empty upload was refused twice: by the form (Django's own words) and by the service (naming the file)."""
    committee = home_committee(people, campaign)
    response = client_for(people.officer).post(reverse("emulation:register", args=[committee.pk]), {
        "registered_on": "05/08/2024", "houses_target": "12", "money_target": "500.000.000",
        "plan_number": "12/KH-UBND", "plan_date": "04/08/2024",
        "plan_file": upload("ke-hoach.pdf", b"", "application/pdf")})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["plan_file"] == ["Tệp “ke-hoach.pdf” rỗng."], form.errors
    # once in the summary (a link to the field) and once at the field: the one message
    assert response.content.decode().count("rỗng") == 2
    assert not Registration.objects.exists() and not Submission.objects.exists()

"""The movement's forms refuse what they were not offered: a tampered or stale hidden campaign (never replaced by
the default campaign), a refusal said once and never left for the next page, an upload named after what it is."""
import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from housing_campaign.emulation.models import Criterion, EvidenceDocument, Initiative, Participant, ReportingDeadline
from tests.conftest import HOME, unit

from .helpers import home_committee, pdf_bytes, upload

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def _forms(campaign, committee):
    return {
        "emulation:deadlines": {"name": "Báo cáo sơ kết 6 tháng đầu năm 2025", "kind": "interim",
                                "due_on": "30/06/2025", "groups": ["b"], "is_active": "on"},
        "emulation:criteria": {"group": "b", "order": "5", "text": "Trả lời phản ánh của người dân đúng hạn.",
                               "evidence": ["complaints_answered"], "is_active": "on"},
        "emulation:participant_new": {"kind": "household", "unit": unit(HOME).pk, "name": "Hộ Y Hoa"},
        "emulation:initiatives": {"author": committee.pk, "title": "Ảnh có tọa độ thay biên bản giấy",
                                  "proposed_on": "05/08/2024", "description": "Cán bộ xã chụp ảnh."},
    }


def _counts():
    return (ReportingDeadline.objects.count(), Criterion.objects.count(), Participant.objects.count(),
            Initiative.objects.count())


def test_an_unknown_posted_campaign_is_refused_never_replaced_by_the_default(people, campaign):
    """campaign=999 or campaign=abc created the deadline (criterion, participant, initiative) in campaign 1."""
    committee = home_committee(people, campaign)
    office = client_for(people.office)
    for name, data in _forms(campaign, committee).items():
        before = _counts()
        for bad in ("999", "abc", ""):
            response = office.post(reverse(name), {**data, "campaign": bad})
            assert response.status_code == 400, (name, bad, response.status_code)
            text = response.content.decode()
            assert "Không tìm thấy chương trình, phong trào" in text and "Chưa có gì được ghi" in text, (name, bad)
            assert _counts() == before, (name, bad)
        # The same form with its own campaign is saved in it; without one, in the default campaign.
        assert office.post(reverse(name), {**data, "campaign": campaign.pk}).status_code == 302, name
    assert ReportingDeadline.objects.filter(name__startswith="Báo cáo sơ kết 6 tháng", campaign=campaign).count() == 1
    assert office.post(reverse("emulation:deadlines"), {**_forms(campaign, committee)["emulation:deadlines"],
                                                        "name": "Hạn không kèm chương trình"}).status_code == 302
    assert ReportingDeadline.objects.get(name="Hạn không kèm chương trình").campaign == campaign


def test_a_page_asked_for_an_unknown_campaign_says_so(people, campaign):
    office = client_for(people.office)
    for name in ("emulation:participants", "emulation:deadlines", "emulation:criteria", "emulation:late"):
        response = office.get(reverse(name), {"ct": "999"})
        assert response.status_code == 404, name
        assert "Không tìm thấy chương trình, phong trào “999”" in response.content.decode()
        assert office.get(reverse(name), {"ct": campaign.pk}).status_code == 200
        assert office.get(reverse(name)).status_code == 200


def test_a_refused_role_gets_the_403_page_and_no_message_on_the_next_page(people, campaign):
    officer = client_for(people.officer)
    response = officer.post(reverse("emulation:nominate"), {"campaign": campaign.pk, "candidate": "donor:1",
                                                            "award_form": "1"})
    assert response.status_code == 403
    assert not list(get_messages(response.wsgi_request))
    nxt = officer.get(reverse("emulation:participants")).content.decode()
    assert "Chưa lập đề nghị" not in nxt and "Chỉ cơ quan thường trực thi đua" not in nxt


def test_a_reader_who_does_not_nominate_is_told_once(people, campaign):
    root = __import__("django.contrib.auth", fromlist=["get_user_model"]).get_user_model().objects.create_superuser(
        "root_formfix", password="x-pass-123")
    for user in (people.council[0], people.auditor, people.admin, root):
        response = client_for(user).post(reverse("emulation:nominate"), {
            "campaign": campaign.pk, "candidate": "donor:1", "award_form": "1"})
        assert response.status_code == 400, user
        text = response.content.decode()
        refusal = str(list(get_messages(response.wsgi_request))[0]).removeprefix("Chưa lập đề nghị: ")
        assert text.count(refusal) == 1, (user, refusal)
        assert 'id="nominate-refusal"' not in text
        # The page opened afresh still says why (once).
        page = client_for(user).get(reverse("emulation:suggestions")).content.decode()
        assert page.count(refusal) == 1 and 'id="nominate-refusal"' in page


def test_a_criterion_refused_to_a_non_office_role_is_said_once(people, campaign):
    criterion = Criterion.objects.filter(campaign=campaign).first()
    sentence = "Chỉ cơ quan thường trực thi đua (Sở Nội vụ) hoặc quản trị viên cấp tỉnh được sửa tiêu chí"
    for user in (people.officer, people.council[0]):
        response = client_for(user).post(reverse("emulation:criterion", args=[criterion.pk]), {
            "group": criterion.group, "order": "4", "text": "Sửa lén", "evidence": [], "is_active": "on"})
        assert response.status_code == 400
        assert response.content.decode().count(sentence) == 1, user
    criterion.refresh_from_db()
    assert criterion.text != "Sửa lén"


def test_a_pdf_sent_as_exe_is_kept_and_served_as_pdf(people, campaign):
    committee = home_committee(people, campaign)
    criterion = Criterion.objects.get(campaign=campaign, code="b4")
    client = client_for(people.office)
    response = client.post(reverse("emulation:evidence_add", args=[committee.pk]), {
        "title": "Kế hoạch", "criterion": criterion.pk,
        "file": upload("kh.exe", pdf_bytes(), "application/octet-stream")})
    assert response.status_code == 302
    document = EvidenceDocument.objects.get()
    assert document.original_name == "kh.pdf" and document.file.name.endswith(".pdf")
    served = client.get(reverse("emulation:file", args=[committee.pk, "minh-chung", document.pk]))
    assert served["Content-Type"] == "application/pdf"
    assert 'filename="kh.pdf"' in served["Content-Disposition"] and "exe" not in served["Content-Disposition"]
    # A record kept before names were corrected is served under the name of what it is.
    EvidenceDocument.objects.filter(pk=document.pk).update(original_name="cu.exe")
    served = client.get(reverse("emulation:file", args=[committee.pk, "minh-chung", document.pk]))
    assert 'filename="cu.pdf"' in served["Content-Disposition"]

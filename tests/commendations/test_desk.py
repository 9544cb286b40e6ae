"""The desk's "Thi đua - Khen thưởng" pages (issue 15): the index and menu, nominations list (filters, fixed
queries), the nomination form and its bad input, a nomination's page (steps, council votes), documents and
certificates, the council members' pending votes in "Việc của tôi"."""
import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from housing_campaign.commendations import services as s
from housing_campaign.commendations.models import AwardDocument, Nomination
from housing_campaign.printing.models import IssuedDocument
from tests.commendations.helpers import act, award, nominate, participant, pdf_text, to_council_decision, vote

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_menu_and_index(people, campaign):
    nominate(people, campaign)
    page = client_for(people.office).get(reverse("desk:emulation_home")).content.decode()
    assert "Thi đua - Khen thưởng" in page and reverse("desk:nominations") in page
    assert reverse("public:honour_roll", args=[campaign.code]) in page and "Đề xuất" in page
    link = f'href="{reverse("desk:emulation_home")}"'
    for user in (people.council[0], people.officer, people.auditor):
        assert link in client_for(user).get(reverse("desk:queue")).content.decode()
    assert f'href="{reverse("desk:emulation_home")}"' not in client_for(people.finance).get(
        reverse("desk:queue")).content.decode()


def test_list_filters_and_fixed_queries(people, campaign, django_assert_max_num_queries):
    client = client_for(people.office)
    url = reverse("desk:nominations")
    for i in range(3):
        nominate(people, campaign, participant(campaign, kind="business", name=f"Công ty {i}"))
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for i in range(3, 15):
        nominate(people, campaign, participant(campaign, kind="person", name=f"Ông {i}"), form="giay_khen")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("KT-") >= 15
    only = client.get(url, {"award_form": award("giay_khen").pk, "group": "dd"}).content.decode()
    assert "Ông 3" in only and "Công ty 0" not in only
    assert "Công ty 1" in client.get(url, {"state": "proposed", "q": "công ty 1"}).content.decode()
    for bad in ({"state": "x" * 500}, {"award_form": "99999999999999999999"}, {"group": "<b>"}, {"page": "-1"}):
        assert client.get(url, bad).status_code == 200
    # a commune officer sees only the nominations of their territory
    assert "Công ty 0" not in client_for(people.officer).get(url).content.decode()


def test_new_nomination_form_and_its_refusals(people, campaign):
    commune = participant(campaign)
    url = reverse("desk:nomination_new")
    officer = client_for(people.officer)
    page = officer.get(url, {"campaign": campaign.pk, "participant": commune.pk}).content.decode()
    assert "Ủy ban nhân dân xã Đăk Blô" in page and "không thuộc thẩm quyền đề nghị" in page
    data = {"campaign": campaign.pk, "participant": commune.pk, "award_form": award("bang_khen_chu_tich_tinh").pk,
            "achievement": "Hoàn thành 20/20 nhà trước hạn"}
    response = officer.post(url, data)
    assert response.status_code == 400 and "không có thẩm quyền đề nghị" in response.content.decode()
    for bad, message in (({"award_form": ""}, "Hãy chọn hình thức"), ({"participant": "999999"}, "Hãy chọn tập thể"),
                         ({"achievement": " "}, "Chưa nhập thành tích"), ({"campaign": "abc"}, "Hãy chọn chương trình"),
                         ({"proposer_kind": "<script>"}, "Đơn vị đề nghị không hợp lệ")):
        response = officer.post(url, {**data, "award_form": award("giay_khen_chu_tich_huyen").pk, **bad})
        assert response.status_code == 400 and message in response.content.decode(), bad
    assert not Nomination.objects.exists()
    response = officer.post(url, {**data, "award_form": award("giay_khen_chu_tich_huyen").pk})
    nomination = Nomination.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("desk:nomination", args=[nomination.pk])
    assert nomination.proposer_kind == "commune" and nomination.achievement == "Hoàn thành 20/20 nhà trước hạn"
    # The desk's form keeps the evidence of the day, like the suggestions' one click.
    assert nomination.evidence["participant"] == commune.pk and nomination.evidence["campaign"] == campaign.code
    assert "houses_finished" in nomination.evidence["evidence"]
    again = officer.post(url, {**data, "award_form": award("giay_khen_chu_tich_xa").pk})
    assert again.status_code == 400 and "cùng thành tích" in again.content.decode()
    far = participant(campaign, name="Ủy ban nhân dân xã Đăk Cấm", code="23311")
    response = officer.post(url, {**data, "participant": far.pk})
    assert response.status_code == 400 and Nomination.objects.count() == 1
    assert client_for(people.auditor).post(url, {**data, "award_form": award("giay_khen").pk}).status_code == 400
    assert Nomination.objects.count() == 1


def test_the_office_chooses_the_proposing_body(people, campaign):
    company = participant(campaign, kind="business", name="Công ty B", code="62")
    page = client_for(people.office).get(reverse("desk:nomination_new"), {
        "campaign": campaign.pk, "participant": company.pk}).content.decode()
    assert "Sở Nội vụ tỉnh Kon Tum" in page and "Ủy ban nhân dân tỉnh Kon Tum" in page
    response = client_for(people.office).post(reverse("desk:nomination_new"), {
        "campaign": campaign.pk, "participant": company.pk, "award_form": award("bang_khen_chu_tich_tinh").pk,
        "proposer_kind": "province", "achievement": "Ủng hộ 1 tỷ đồng"})
    assert response.status_code == 400 and "không có thẩm quyền" in response.content.decode()


def test_nomination_page_steps_and_votes(people, campaign):
    nomination = nominate(people, campaign)
    url = reverse("desk:nomination", args=[nomination.pk])
    office = client_for(people.office)
    page = office.get(url).content.decode()
    assert "Gửi cơ quan thường trực thẩm định" in page and "Nhà hoàn thành" in page  # the evidence snapshot
    act_url = reverse("desk:nomination_act", args=[nomination.pk])
    assert office.post(act_url, {"action": "submit", "expected_state": "proposed"}).status_code == 302
    response = office.post(act_url, {"action": "return", "expected_state": "office_review"})
    assert response.status_code == 400 and "bắt buộc ghi lý do" in response.content.decode()
    stale = office.post(act_url, {"action": "approve", "expected_state": "proposed"})
    assert stale.status_code == 409
    assert office.post(act_url, {"action": "approve", "expected_state": "office_review"}).status_code == 302
    member = client_for(people.council[0])
    page = member.get(url).content.decode()
    assert "Biểu quyết của Hội đồng" in page and 'value="for"' in page
    vote_url = reverse("desk:nomination_vote", args=[nomination.pk])
    assert member.post(vote_url, {"vote": "for", "expected_state": "council_vote"}).status_code == 302
    twice = member.post(vote_url, {"vote": "against", "comment": "Đổi ý", "expected_state": "council_vote"})
    assert twice.status_code == 400 and "mỗi thành viên chỉ biểu quyết một lần" in twice.content.decode()
    outsider = office.post(vote_url, {"vote": "for", "expected_state": "council_vote"})
    assert outsider.status_code == 400 and "không phải thành viên" in outsider.content.decode()
    assert member.post(act_url, {"action": "vote_approve", "expected_state": "council_vote"}).status_code == 400
    page = member.get(url).content.decode()
    assert "Bạn đã biểu quyết đề nghị này" in page and "Đồng ý (1)" in page
    for other in people.council[1:3]:
        client_for(other).post(vote_url, {"vote": "for", "expected_state": "council_vote"})
    nomination.refresh_from_db()
    assert nomination.state == "awaiting_decision"
    page = office.get(url).content.decode()
    assert reverse("desk:award_document_new", args=["decision"]) in page


def test_pending_votes_in_my_work(people, campaign, django_assert_max_num_queries):
    member = client_for(people.council[0])
    queue = reverse("desk:queue")
    assert "Khen thưởng chờ bạn xử lý" not in member.get(queue).content.decode()
    nomination = nominate(people, campaign)
    act(people, people.office, nomination, "submit")
    act(people, people.office, nomination, "approve")
    from django.core.cache import cache

    cache.clear()
    page = member.get(queue).content.decode()
    assert "Khen thưởng chờ bạn xử lý" in page and nomination.code in page
    vote(people, people.council[0], nomination)
    cache.clear()
    assert nomination.code not in member.get(queue).content.decode()  # voted: no longer pending for them
    assert nomination.code in client_for(people.council[1]).get(queue).content.decode()
    # the case queue's own reads are unchanged: nothing waiting costs no query once counted
    officer = client_for(people.officer)
    officer.get(queue)
    with django_assert_max_num_queries(40) as warm:
        officer.get(queue)
    assert not any("commendations_nomination" in q["sql"] for q in warm.captured_queries)


def test_documents_forms_and_pdfs(people, campaign):
    provincial = to_council_decision(people, nominate(people, campaign))
    national = to_council_decision(people, nominate(people, campaign, participant(
        campaign, kind="business", name="Công ty B"), form="bang_khen_thu_tuong"))
    office = client_for(people.office)
    decision_url = reverse("desk:award_document_new", args=["decision"])
    page = office.get(decision_url, {"n": provincial.pk}).content.decode()
    assert provincial.nominee_name in page and "Công ty B" not in page and "CHỦ TỊCH" in page
    response = office.post(decision_url, {"signer_name": "Nguyễn Văn Hòa", "date": "01/07/2025"})
    assert response.status_code == 400 and "Hãy chọn ít nhất một" in response.content.decode()
    response = office.post(decision_url, {"n": [provincial.pk], "signer_name": "", "date": "01/07/2025"})
    assert response.status_code == 400 and "người ký" in response.content.decode().lower()
    response = office.post(decision_url, {"n": [provincial.pk], "signer_name": "A", "date": "32/13/2025"})
    assert response.status_code == 400
    higher_url = reverse("desk:award_document_new", args=["higher"])
    response = office.post(higher_url, {"n": [national.pk], "number": "1/QĐ-TTg", "awarded": "yes",
                                        "date": "01/08/2025"})
    assert response.status_code == 400 and "chưa được gửi lên cấp trên" in response.content.decode()
    assert not AwardDocument.objects.exists() and not IssuedDocument.objects.exists()
    response = client_for(people.council[0]).post(decision_url, {"n": [provincial.pk], "signer_name": "A"})
    assert response.status_code == 400 and not AwardDocument.objects.exists()
    response = office.post(decision_url, {"n": [provincial.pk], "signer_name": "Nguyễn Văn Hòa",
                                          "signer_title": "CHỦ TỊCH", "date": "01/07/2025"})
    assert response.status_code == 302
    document = AwardDocument.objects.get()
    pdf = office.get(reverse("desk:award_document_pdf", args=[document.pk]))
    assert pdf["Content-Type"] == "application/pdf" and document.number in pdf_text(b"".join(pdf.streaming_content))
    assert client_for(people.officer).get(reverse("desk:award_document_pdf", args=[document.pk])).status_code == 404
    listing = office.get(reverse("desk:award_documents")).content.decode()
    assert document.number in listing
    # the certificate: a draft, then printed with a number, then the same PDF again
    certificate_url = reverse("desk:nomination_certificate", args=[provincial.pk])
    draft = office.get(certificate_url)
    assert "BẰNG KHEN" in pdf_text(b"".join(draft.streaming_content))
    assert client_for(people.council[0]).post(certificate_url).status_code == 400
    assert office.post(certificate_url).status_code == 302
    provincial.refresh_from_db()
    printed = pdf_text(b"".join(office.get(certificate_url).streaming_content))
    assert provincial.certificate.number_text in printed
    # the proposal for the national award, then its higher decision recorded
    proposal_url = reverse("desk:award_document_new", args=["proposal"])
    assert "Thủ tướng Chính phủ" in office.get(proposal_url).content.decode()
    assert office.post(proposal_url, {"n": [national.pk], "signer_name": "Lê Ngọc Tuấn",
                                      "addressee": "Thủ tướng Chính phủ", "date": "10/07/2025"}).status_code == 302
    response = office.post(higher_url, {"n": [national.pk], "number": "1/QĐ-TTg", "date": "01/08/2025"})
    assert response.status_code == 400 and "Hãy chọn kết quả" in response.content.decode()
    assert office.post(higher_url, {"n": [national.pk], "number": "1/QĐ-TTg", "awarded": "yes",
                                    "date": "01/08/2025"}).status_code == 302
    national.refresh_from_db()
    assert national.state == "decided" and national.decision.number == "1/QĐ-TTg"
    assert national.decision.issued_on == dt.date(2025, 8, 1)


def test_minutes_form(people, campaign):
    nomination = to_council_decision(people, nominate(people, campaign))
    office = client_for(people.office)
    url = reverse("desk:award_document_new", args=["minutes"])
    page = office.get(url).content.decode()
    assert nomination.nominee_name in page and "đồng ý 3" in page
    assert office.post(url, {"n": [nomination.pk], "signer_name": "Nguyễn Văn Hòa", "date": "20/06/2025"}
                       ).status_code == 302
    nomination.refresh_from_db()
    assert nomination.minutes.number.endswith("/BB-HĐTĐKT")
    assert nomination.nominee_name not in office.get(url).content.decode()  # minutes drawn up once


def test_unknown_and_outside_nominations_are_404(people, campaign):
    nomination = nominate(people, campaign)
    officer = client_for(people.officer)
    assert officer.get(reverse("desk:nomination", args=[nomination.pk])).status_code == 404
    assert client_for(people.office).get(reverse("desk:nomination", args=[10**9])).status_code == 404
    assert officer.get(reverse("desk:award_document_new", args=["nothing"])).status_code == 404
    assert officer.get(reverse("desk:nomination_certificate", args=[nomination.pk])).status_code == 404
    assert s.nomination_same_achievement(campaign=campaign, participant=nomination.participant,
                                         initiative_id=None) == nomination

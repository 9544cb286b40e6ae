"""The commendation workflow's two branches (issue 15): a provincial award decided by the chairman with a numbered
decision and its certificate; a national award proposed up with a numbered proposal and the higher level's decision
recorded. Votes, documents and the bad input of each step."""
import datetime as dt

import pytest
from django.utils import timezone

from housing_campaign.commendations import services as s
from housing_campaign.commendations.models import AwardDocument, Nomination
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.models import DocumentEvent
from housing_campaign.printing.models import IssuedDocument
from housing_campaign.printing.services import issued_document_pdf
from housing_campaign.workflow.models import Approval
from tests.commendations.helpers import act, nominate, participant, pdf_text, to_council_decision, vote

pytestmark = pytest.mark.django_db


def test_provincial_branch_decision_certificate_award(people, campaign):
    donor = participant(campaign, kind="business", name="Công ty TNHH Xây dựng Đăk Blô")
    commune = participant(campaign)
    first = to_council_decision(people, nominate(people, campaign, donor, achievement="Ủng hộ 500 bao xi măng"))
    second = to_council_decision(people, nominate(people, campaign, commune))
    assert first.state == second.state == "awaiting_decision"
    document = s.nomination_decide(actor=people.actor(people.office), nomination_ids=[first.pk, second.pk],
                                   signer_name="Nguyễn Văn Hòa", signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
                                   decided_on=dt.date(2025, 6, 30))
    assert document.kind == "decision" and document.number.endswith("/QĐ-UBND")
    assert document.issuing_body == "Ủy ban nhân dân tỉnh Kon Tum"
    for n in (first, second):
        n.refresh_from_db()
        assert n.state == "decided" and n.decision == document and n.decision_number == document.number
    text = pdf_text(issued_document_pdf(document.issued_document))
    for expected in (f"Số: {document.number}", "ỦY BAN NHÂN DÂN TỈNH KON TUM", "QUYẾT ĐỊNH",
                     "Kon Tum, ngày 30 tháng 6 năm 2025", "06/2022/QH15", "98/2023/NĐ-CP",
                     "Về việc tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "Nơi nhận", "Như Điều 3",
                     "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Hòa", "DANH SÁCH", "Công ty TNHH Xây dựng Đăk Blô",
                     "Ủy ban nhân dân xã Đăk Blô", "Ủng hộ 500 bao xi măng", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH KON TUM"):
        assert expected in text, expected
    assert "PHÓ CHỦ TỊCH ỦY BAN" not in text  # the decision speaks as the competent chairman, whoever signs
    assert "và của Giám đốc Sở Nội vụ" in text and "Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ" in text
    # the certificate: numbered, Bằng khen layout, then the award recorded
    with pytest.raises(ServiceError) as exc:
        act(people, people.office, first, "award")
    assert "Chưa in bằng khen" in exc.value.message
    s.nomination_certificate_issue(actor=people.actor(people.office), nomination_id=first.pk)
    first.refresh_from_db()
    assert first.certificate.number_text.endswith("/BK-UBND")
    certificate = pdf_text(issued_document_pdf(first.certificate))
    for expected in ("BẰNG KHEN", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH KON TUM", "Công ty TNHH Xây dựng Đăk Blô",
                     f"Quyết định số {document.number}", first.certificate.number_text, "Nguyễn Văn Hòa"):
        assert expected in certificate, expected
    with pytest.raises(ServiceError) as exc:
        s.nomination_certificate_issue(actor=people.actor(people.office), nomination_id=first.pk)
    assert exc.value.code == ErrorCode.DUPLICATE
    act(people, people.office, first, "award")
    first.refresh_from_db()
    assert first.state == "awarded"
    assert DocumentEvent.objects.filter(doctype="commendation", object_id=first.pk, kind="document").count() == 2


def test_national_branch_proposal_then_higher_decision(people, campaign):
    commune = participant(campaign)
    nomination = to_council_decision(people, nominate(people, campaign, commune, form="bang_khen_thu_tuong"))
    assert nomination.state == "awaiting_proposal"
    with pytest.raises(ServiceError) as exc:
        s.nomination_decide(actor=people.actor(people.office), nomination_ids=[nomination.pk], signer_name="A")
    assert "chỉ lập tờ trình" in exc.value.message
    # bad input: a decision recorded for a proposal that was not sent up
    with pytest.raises(ServiceError) as exc:
        s.nomination_record_higher_decision(actor=people.actor(people.office), nomination_ids=[nomination.pk],
                                            number="123/QĐ-TTg", decided_on="01/08/2025", awarded=True)
    assert "chưa được gửi lên cấp trên" in exc.value.message
    assert not AwardDocument.objects.exists() and not IssuedDocument.objects.exists()
    proposal = s.nomination_propose(actor=people.actor(people.office), nomination_ids=[nomination.pk],
                                    signer_name="Lê Ngọc Tuấn", proposed_on=dt.date(2025, 7, 10))
    assert proposal.number.endswith("/TTr-UBND") and proposal.addressee == "Thủ tướng Chính phủ"
    nomination.refresh_from_db()
    assert nomination.state == "awaiting_higher" and nomination.proposal == proposal
    text = pdf_text(issued_document_pdf(proposal.issued_document))
    for expected in (f"Số: {proposal.number}", "TỜ TRÌNH", "Kính gửi: Thủ tướng Chính phủ", "06/2022/QH15",
                     "98/2023/NĐ-CP", "Quảng Ngãi, ngày 10 tháng 7 năm 2025", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
                     "TM. ỦY BAN NHÂN DÂN", "Lê Ngọc Tuấn",
                     "Nơi nhận", "Ban Thi đua - Khen thưởng Trung ương", "DANH SÁCH ĐỀ NGHỊ",
                     "Ủy ban nhân dân xã Đăk Blô"):
        assert expected in text, expected
    with pytest.raises(ServiceError) as exc:  # before the proposal's date
        s.nomination_record_higher_decision(actor=people.actor(people.office), nomination_ids=[nomination.pk],
                                            number="123/QĐ-TTg", decided_on="01/07/2025", awarded=True)
    assert exc.value.field == "decided_on"
    with pytest.raises(ServiceError) as exc:
        s.nomination_record_higher_decision(actor=people.actor(people.office), nomination_ids=[nomination.pk],
                                            number="  ", decided_on="01/08/2025", awarded=True)
    assert exc.value.field == "number"
    assert AwardDocument.objects.count() == 1
    higher = s.nomination_record_higher_decision(actor=people.actor(people.office), nomination_ids=[nomination.pk],
                                                 number="1234/QĐ-TTg", decided_on="01/08/2025", awarded=True)
    nomination.refresh_from_db()
    assert nomination.state == "decided" and nomination.decision == higher and nomination.decision_number == \
        "1234/QĐ-TTg"
    # printed by the higher level: nothing to print here, the award is recorded directly
    with pytest.raises(ServiceError):
        s.nomination_certificate_issue(actor=people.actor(people.office), nomination_id=nomination.pk)
    act(people, people.office, nomination, "award")
    nomination.refresh_from_db()
    assert nomination.state == "awarded"


def test_higher_level_declines(people, campaign):
    nomination = to_council_decision(people, nominate(people, campaign, form="huan_chuong_lao_dong_3"))
    s.nomination_propose(actor=people.actor(people.office), nomination_ids=[nomination.pk], signer_name="Lê Ngọc Tuấn")
    s.nomination_record_higher_decision(actor=people.actor(people.office), nomination_ids=[nomination.pk],
                                        number="56/BTĐKT-P1", decided_on=None, awarded=False, note="Chưa đủ tiêu chuẩn")
    nomination.refresh_from_db()
    assert nomination.state == "not_awarded" and nomination.decision_number == ""
    # the achievement is free again for a provincial award
    again = nominate(people, campaign, nomination.participant)
    assert again.state == "proposed"


def test_votes_non_member_twice_and_against(people, campaign):
    nomination = nominate(people, campaign)
    act(people, people.office, nomination, "submit")
    with pytest.raises(ServiceError) as exc:
        vote(people, people.council[0], nomination)
    assert "không ở bước Hội đồng biểu quyết" in exc.value.message
    act(people, people.office, nomination, "approve")
    for outsider in (people.office, people.front, people.admin):
        with pytest.raises(ServiceError) as exc:
            vote(people, outsider, nomination)
        assert exc.value.code == ErrorCode.PERMISSION_DENIED and "không phải thành viên" in exc.value.message
    with pytest.raises(ServiceError) as exc:  # a commune officer does not even see the province's nomination
        vote(people, people.officer, nomination)
    assert exc.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(ServiceError) as exc:
        vote(people, people.auditor, nomination)
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    first = vote(people, people.council[0], nomination)
    assert first.vote_recorded and "1/3" in first.message
    for second_choice in ("for", "against"):
        with pytest.raises(ServiceError) as exc:
            vote(people, people.council[0], nomination, second_choice, comment="Đổi ý")
        assert exc.value.code == ErrorCode.ALREADY_APPROVED and "một lần" in exc.value.message
    assert Approval.objects.count() == 1
    with pytest.raises(ServiceError) as exc:  # against needs a reason
        vote(people, people.council[1], nomination, "against")
    assert exc.value.code == ErrorCode.COMMENT_REQUIRED
    with pytest.raises(ServiceError) as exc:  # the plain action path refuses a council vote
        act(people, people.council[1], nomination, "vote_approve")
    assert exc.value.code == ErrorCode.TRANSITION_NOT_ALLOWED
    for member in people.council[1:4]:
        vote(people, member, nomination, "against", comment="Thành tích chưa tiêu biểu")
    nomination.refresh_from_db()
    assert nomination.state == "rejected"
    with pytest.raises(ServiceError):
        vote(people, people.council[4], nomination)


def test_office_returns_and_the_unit_corrects(people, campaign):
    nomination = nominate(people, campaign, form="giay_khen_chu_tich_xa", by=people.officer)
    act(people, people.officer, nomination, "submit")
    with pytest.raises(ServiceError) as exc:
        act(people, people.office, nomination, "return")
    assert exc.value.code == ErrorCode.COMMENT_REQUIRED
    with pytest.raises(ServiceError) as exc:
        act(people, people.officer, nomination, "approve")
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    act(people, people.office, nomination, "return", comment="Bổ sung số liệu nhà hoàn thành")
    updated = s.nomination_update(actor=people.actor(people.officer), nomination_id=nomination.pk,
                                  achievement="Hoàn thành 20/20 nhà trước 30/6/2025")
    assert updated.achievement.startswith("Hoàn thành 20/20")
    with pytest.raises(ServiceError):
        s.nomination_update(actor=people.actor(people.officer_b), nomination_id=nomination.pk, achievement="x")
    act(people, people.officer, nomination, "resubmit")
    with pytest.raises(ServiceError) as exc:
        s.nomination_update(actor=people.actor(people.officer), nomination_id=nomination.pk, achievement="Sửa")
    assert exc.value.code == ErrorCode.FIELD_LOCKED


def test_a_commune_chairmans_giay_khen_is_issued_by_the_commune(people, campaign):
    household = participant(campaign, kind="household", name="Hộ ông A Sớ")
    nomination = to_council_decision(people, nominate(people, campaign, household, form="giay_khen_chu_tich_xa",
                                                       by=people.officer), submitter=people.officer)
    document = s.nomination_decide(actor=people.actor(people.office), nomination_ids=[nomination.pk],
                                   signer_name="A Văn", decided_on=dt.date(2025, 6, 1))
    assert document.issuing_body == "Ủy ban nhân dân xã Đăk Blô" and document.number.endswith("/QĐ-UBND")
    text = pdf_text(issued_document_pdf(document.issued_document))
    assert "ỦY BAN NHÂN DÂN XÃ ĐĂK BLÔ" in text and "Đăk Blô, ngày 01 tháng 6 năm 2025" in text
    # A commune's decision names no provincial apparatus (the department, the provincial committee's office).
    assert "Sở Nội vụ" not in text and "Chánh Văn phòng" not in text
    assert "Thủ trưởng các cơ quan, đơn vị có liên quan" in text and "Nơi nhận" in text
    s.nomination_certificate_issue(actor=people.actor(people.office), nomination_id=nomination.pk)
    nomination.refresh_from_db()
    certificate = pdf_text(issued_document_pdf(nomination.certificate))
    assert "GIẤY KHEN" in certificate and "BẰNG KHEN" not in certificate and "Hộ ông A Sớ" in certificate


def test_decision_batch_bad_input_writes_nothing(people, campaign):
    provincial = to_council_decision(people, nominate(people, campaign))
    other_form = to_council_decision(people, nominate(people, campaign, participant(
        campaign, kind="household", name="Hộ ông A Sớ"), form="giay_khen_chu_tich_huyen", by=people.officer),
        submitter=people.officer)
    pending = nominate(people, campaign, participant(campaign, kind="business", name="Công ty B"))
    cases = [
        ([provincial.pk, other_form.pk], "cùng một hình thức"),
        ([provincial.pk, pending.pk], "chưa thể ban hành quyết định"),
        ([], "Hãy chọn ít nhất một"),
        (["x"], "Hãy chọn ít nhất một"),
        ([provincial.pk, 10**12], "Không tìm thấy"),
    ]
    for ids, message in cases:
        with pytest.raises(ServiceError) as exc:
            s.nomination_decide(actor=people.actor(people.office), nomination_ids=ids, signer_name="Nguyễn Văn Hòa")
        assert message in exc.value.message, ids
    for kwargs, field in (({"signer_name": ""}, "signer_name"),
                          ({"signer_name": "A", "decided_on": "31/02/2025"}, "decided_on"),
                          ({"signer_name": "A", "decided_on": "01/01/2020"}, "decided_on")):
        with pytest.raises(ServiceError) as exc:
            s.nomination_decide(actor=people.actor(people.office), nomination_ids=[provincial.pk], **kwargs)
        assert exc.value.field == field, kwargs
    with pytest.raises(ServiceError) as exc:
        s.nomination_decide(actor=people.actor(people.council[0]), nomination_ids=[provincial.pk], signer_name="A")
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    assert not AwardDocument.objects.exists() and not IssuedDocument.objects.exists()
    provincial.refresh_from_db()
    assert provincial.state == "awaiting_decision" and provincial.decision_id is None
    # the number is gap-free: the refused attempts took none
    document = s.nomination_decide(actor=people.actor(people.office), nomination_ids=[provincial.pk],
                                   signer_name="Nguyễn Văn Hòa")
    assert document.number.startswith("01/")


def test_council_minutes(people, campaign):
    approved = to_council_decision(people, nominate(people, campaign))
    rejected = nominate(people, campaign, participant(campaign, kind="business", name="Công ty B"))
    act(people, people.office, rejected, "submit")
    act(people, people.office, rejected, "approve")
    vote(people, people.council[0], rejected)
    for member in people.council[1:4]:
        vote(people, member, rejected, "against", comment="Chưa tiêu biểu")
    voting = nominate(people, campaign, participant(campaign, kind="business", name="Công ty C"))
    act(people, people.office, voting, "submit")
    act(people, people.office, voting, "approve")
    with pytest.raises(ServiceError) as exc:
        s.council_minutes_issue(actor=people.actor(people.office), nomination_ids=[approved.pk, voting.pk],
                                chair_name="Nguyễn Văn Hòa")
    assert "chưa biểu quyết xong" in exc.value.message and not AwardDocument.objects.exists()
    minutes = s.council_minutes_issue(actor=people.actor(people.office), nomination_ids=[approved.pk, rejected.pk],
                                      chair_name="Nguyễn Văn Hòa", meeting_on="20/06/2025")
    assert minutes.number.endswith("/BB-HĐTĐKT") and minutes.award_form_id is not None
    text = pdf_text(issued_document_pdf(minutes.issued_document))
    for expected in ("HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TỈNH KON TUM", "BIÊN BẢN", f"Số: {minutes.number}",
                     "ngày 20 tháng 6 năm 2025", "06/2022/QH15", "98/2023/NĐ-CP", "Council1", "Council4",
                     "Đồng ý", "Không đồng ý", "CHỦ TỊCH HỘI ĐỒNG", "Nguyễn Văn Hòa", "THƯ KÝ"):
        assert expected in text, expected
    with pytest.raises(ServiceError) as exc:
        s.council_minutes_issue(actor=people.actor(people.office), nomination_ids=[approved.pk], chair_name="A")
    assert exc.value.code == ErrorCode.DUPLICATE
    # the decision then cites the minutes
    document = s.nomination_decide(actor=people.actor(people.office), nomination_ids=[approved.pk],
                                   signer_name="Nguyễn Văn Hòa")
    decision_text = pdf_text(issued_document_pdf(document.issued_document))
    assert f"Biên bản họp số {minutes.number}" in decision_text.replace("- ", "-"), decision_text
    assert Nomination.objects.get(pk=approved.pk).minutes == minutes


def test_an_overdue_nomination_is_escalated_to_the_level_above_its_proposing_unit(people, campaign):
    from housing_campaign.core.models import Notification
    from housing_campaign.workflow.sla import escalate_overdue

    household = participant(campaign, kind="household", name="Hộ ông A Sớ")
    commune_nomination = nominate(people, campaign, household, form="giay_khen_chu_tich_xa", by=people.officer)
    act(people, people.officer, commune_nomination, "submit")  # office review: 10 days
    provincial = nominate(people, campaign)
    act(people, people.office, provincial, "submit")
    later = timezone.now() + dt.timedelta(days=30)
    assert escalate_overdue(now=later) >= 1
    notified = set(Notification.objects.filter(doctype="commendation").values_list("user_id", "object_id"))
    assert (people.reviewer.pk, commune_nomination.pk) in notified  # the district above the commune
    assert not any(object_id == provincial.pk for _, object_id in notified)  # nothing above the province


def test_a_department_heads_giay_khen_is_issued_by_the_department(people, campaign):
    from housing_campaign.commendations.documents import nomination_context

    official = participant(campaign, kind="official", name="Trần Văn Nam", code="62", position="Chuyên viên",
                           workplace="Sở Nội vụ tỉnh Kon Tum")
    nomination = to_council_decision(people, nominate(people, campaign, official, form="giay_khen"))
    # Before the decision, who would decide today: since 01/07/2025 Kon Tum's department is Quảng Ngãi's.
    preview = nomination_context(nomination)["authority"]
    assert preview["title"] == "GIÁM ĐỐC SỞ NỘI VỤ TỈNH QUẢNG NGÃI" and preview["place"] == "Quảng Ngãi"
    document = s.nomination_decide(actor=people.actor(people.office), nomination_ids=[nomination.pk],
                                   signer_name="Lê Thị Hoa", decided_on=dt.date(2025, 6, 2))
    assert document.issuing_body == "Sở Nội vụ tỉnh Kon Tum" and document.number.endswith("/QĐ-SNV")
    text = pdf_text(issued_document_pdf(document.issued_document))
    assert "SỞ NỘI VỤ TỈNH KON TUM" in text and "GIÁM ĐỐC" in text and "Trần Văn Nam" in text
    s.nomination_certificate_issue(actor=people.actor(people.office), nomination_id=nomination.pk)
    nomination.refresh_from_db()
    certificate = pdf_text(issued_document_pdf(nomination.certificate))
    assert "GIẤY KHEN" in certificate and "GIÁM ĐỐC SỞ NỘI VỤ TỈNH KON TUM" in certificate
    assert nomination.certificate.number_text.endswith("/GK-SNV")


def test_a_decision_after_the_reorganisation_is_issued_by_the_province_in_force(people, campaign):
    """Kon Tum's movement decided on 15/08/2025: the issuing body, place, register and competence are those of
    Tỉnh Quảng Ngãi (Kon Tum's provincial committee no longer exists), and the document stays in the territory of
    the office that filed it."""
    from housing_campaign.accounts.selectors import scope

    before = to_council_decision(people, nominate(people, campaign, participant(campaign, kind="business",
                                                                                name="Công ty A")))
    after = to_council_decision(people, nominate(people, campaign, participant(campaign, kind="business",
                                                                               name="Công ty B")))
    old = s.nomination_decide(actor=people.actor(people.office), nomination_ids=[before.pk], signer_name="Nguyễn Văn A",
                              decided_on=dt.date(2025, 6, 15))
    new = s.nomination_decide(actor=people.actor(people.office), nomination_ids=[after.pk], signer_name="Trần Thị B",
                              decided_on=dt.date(2025, 8, 15))
    assert old.issuing_body == "Ủy ban nhân dân tỉnh Kon Tum" and new.issuing_body == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert old.number == new.number == "01/QĐ-UBND"  # two bodies, two registers
    text = pdf_text(issued_document_pdf(new.issued_document))
    for expected in ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "Quảng Ngãi, ngày 15 tháng 8 năm 2025",
                     "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
                     "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"):
        assert expected in text, expected
    for wrong in ("Kon Tum, ngày", "TỈNH KON TUM", "ngày 19 tháng 6 năm 2015"):
        assert wrong not in text, wrong
    old_text = pdf_text(issued_document_pdf(old.issued_document))
    assert "Kon Tum, ngày 15 tháng 6 năm 2025" in old_text and "ngày 19 tháng 02 năm 2025" in old_text
    s.nomination_certificate_issue(actor=people.actor(people.office), nomination_id=after.pk)
    after.refresh_from_db()
    certificate = pdf_text(issued_document_pdf(after.certificate))
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI" in certificate and "Quảng Ngãi, ngày" in certificate
    # The honoured unit as the date names it: the commune Đăk Blô had become Đăk Plô.
    assert "(nay là xã Đăk Plô)" in certificate and "(nay là" in text
    assert "(nay là" not in old_text
    visible = scope(AwardDocument.objects.all(), people.actor(people.office))
    assert set(visible.values_list("pk", flat=True)) >= {old.pk, new.pk}


def test_document_dates_follow_the_minutes_and_the_register(people, campaign):
    """A decision is not dated before the council's minutes it rests on, and a register's numbers follow its
    dates: a decision dated before one already numbered is refused, with nothing written."""
    first = to_council_decision(people, nominate(people, campaign, participant(campaign, kind="business",
                                                                               name="Công ty C")))
    second = to_council_decision(people, nominate(people, campaign, participant(campaign, kind="business",
                                                                                name="Công ty D")))
    office = people.actor(people.office)
    minutes = s.council_minutes_issue(actor=office, nomination_ids=[first.pk], chair_name="Lê Văn Chủ",
                                      meeting_on=dt.date(2025, 6, 20))
    with pytest.raises(ServiceError) as exc:
        s.nomination_decide(actor=office, nomination_ids=[first.pk], signer_name="A", decided_on=dt.date(2025, 6, 19))
    assert exc.value.field == "decided_on" and minutes.number in exc.value.message and "20/06/2025" in exc.value.message
    s.nomination_decide(actor=office, nomination_ids=[first.pk], signer_name="A", decided_on=dt.date(2025, 6, 25))
    documents_before = AwardDocument.objects.count()
    with pytest.raises(ServiceError) as exc:
        s.nomination_decide(actor=office, nomination_ids=[second.pk], signer_name="A", decided_on=dt.date(2025, 6, 22))
    assert "01/QĐ-UBND ngày 25/06/2025" in exc.value.message and exc.value.field == "decided_on"
    assert AwardDocument.objects.count() == documents_before
    second.refresh_from_db()
    assert second.state == "awaiting_decision" and second.decision_id is None
    later = s.nomination_decide(actor=office, nomination_ids=[second.pk], signer_name="A",
                                decided_on=dt.date(2025, 6, 25))
    assert later.number == "02/QĐ-UBND"

"""Writes of the emulation movement: participants, registrations with their plan, reports against deadlines,
initiatives, evidence documents, the office's criteria and deadlines. Every bad input is refused with a clear
Vietnamese message naming the field, a stable code, and nothing written."""
import datetime as dt

import pytest
from django.utils import timezone

from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.models import DocumentEvent
from housing_campaign.emulation import services
from housing_campaign.emulation.models import (
    Criterion,
    EvidenceDocument,
    Initiative,
    Participant,
    Registration,
    ReportingDeadline,
    Submission,
)
from tests.conftest import FAR, HOME, OTHER, new_household, new_receipt, unit

from .helpers import day, doc_bytes, docx_bytes, home_committee, jpeg_bytes, pdf_bytes, register, upload

pytestmark = pytest.mark.django_db


def _counts():
    return (Participant.objects.count(), Registration.objects.count(), Submission.objects.count(),
            Initiative.objects.count(), EvidenceDocument.objects.count(),
            DocumentEvent.objects.filter(doctype__startswith="emulation_").count())


def refused(call, *, field=None, code=None, contains=""):
    before = _counts()
    with pytest.raises(ServiceError) as caught:
        call()
    error = caught.value
    assert _counts() == before, "a refusal wrote something"
    if field:
        assert field in error.errors, (field, error.errors, error.message)
    if code:
        assert error.code == code, (error.code, error.message)
    if contains:
        assert contains in error.message, error.message
    return error


# ---------------------------------------------------------------------------- participants
def test_the_office_adds_a_commune_people_s_committee_with_its_group_and_territory(people, campaign):
    committee = home_committee(people, campaign)
    assert (committee.group, committee.kind, committee.unit.code) == ("b", "peoples_committee", HOME)
    assert committee.unit_path == unit(HOME).path and committee.unit_2025_path == unit(HOME).successor.path
    assert DocumentEvent.objects.filter(doctype="emulation_participant", object_id=committee.pk).exists()


def test_a_commune_adds_its_households_and_officials_but_not_units_or_other_communes(people, campaign):
    household = new_household(people, campaign)
    officer = people.actor(people.officer)
    created = services.participant_create(actor=officer, campaign=campaign, data={
        "kind": "household", "unit": unit(HOME).pk, "household": household.pk})
    assert created.name == f"Hộ {household.head_name}" and created.group == "d"
    refused(lambda: services.participant_create(actor=officer, campaign=campaign, data={
        "kind": "peoples_committee", "unit": unit(HOME).pk, "name": "Ủy ban nhân dân xã Đăk Blô"}),
        code=ErrorCode.PERMISSION_DENIED, contains="Sở Nội vụ")
    refused(lambda: services.participant_create(actor=officer, campaign=campaign, data={
        "kind": "household", "unit": unit(OTHER).pk, "name": "Hộ A Nhứ"}), field="unit")
    refused(lambda: services.participant_create(actor=people.actor(people.auditor), campaign=campaign, data={
        "kind": "household", "unit": unit(HOME).pk, "name": "Hộ A Nhứ"}),
        code=ErrorCode.PERMISSION_DENIED, contains="chỉ có quyền xem")


def test_participant_bad_input_is_named_field_by_field(people, campaign):
    office = people.actor(people.office)
    error = refused(lambda: services.participant_create(actor=office, campaign=campaign, data={
        "kind": "nonsense", "unit": "abc", "name": "x" * 201}))
    assert {"kind", "unit"} <= set(error.errors)
    error = refused(lambda: services.participant_create(actor=office, campaign=campaign, data={
        "kind": "department", "unit": unit(HOME).pk, "name": "Sở Xây dựng"}), field="unit")
    assert "cấp tỉnh" in error.errors["unit"][0]
    refused(lambda: services.participant_create(actor=office, campaign=campaign, data={
        "kind": "peoples_committee", "unit": unit("62").pk, "name": "UBND tỉnh"}), field="unit")
    refused(lambda: services.participant_create(actor=office, campaign=campaign, data={
        "kind": "business", "unit": unit("62").pk, "name": "   "}), field="name")
    refused(lambda: services.participant_create(actor=office, campaign=campaign, data={
        "kind": "business", "unit": unit("62").pk, "name": "Công ty A", "household": "1"}), field="household")
    refused(lambda: services.participant_create(actor=office, campaign=campaign, data={
        "kind": "person", "unit": unit("62").pk, "name": "Ông A", "user": people.officer.pk}), field="user")
    refused(lambda: services.participant_create(actor=office, campaign=campaign, data={
        "kind": "department", "unit": unit("62").pk, "name": "Sở A", "donor": "999999"}), field="donor")


def test_links_and_duplicates_are_checked(people, campaign):
    office = people.actor(people.office)
    receipt = new_receipt(people, campaign)
    first = services.participant_create(actor=office, campaign=campaign, data={
        "kind": "business", "unit": unit("62").pk, "donor": receipt.donor_id})
    assert first.name == receipt.donor.name and first.donor_id == receipt.donor_id
    error = refused(lambda: services.participant_create(actor=office, campaign=campaign, data={
        "kind": "business", "unit": unit("62").pk, "name": "Tên khác", "donor": receipt.donor_id}), field="donor")
    assert first.name in error.errors["donor"][0]
    refused(lambda: services.participant_create(actor=office, campaign=campaign, data={
        "kind": "business", "unit": unit("62").pk, "name": first.name}), field="name")
    household = new_household(people, campaign, commune_code=OTHER)
    refused(lambda: services.participant_create(actor=office, campaign=campaign, data={
        "kind": "household", "unit": unit(HOME).pk, "household": household.pk}), field="household",
        contains="Đăk Man")
    official = services.participant_create(actor=office, campaign=campaign, data={
        "kind": "official", "unit": unit(HOME).pk, "user": people.officer.pk})
    assert official.name == f"{people.officer.last_name} {people.officer.first_name}".strip()
    outsider = people.actor(people.officer_b)
    refused(lambda: services.participant_create(actor=outsider, campaign=campaign, data={
        "kind": "official", "unit": unit(OTHER).pk, "name": "Cán bộ", "user": people.finance.pk}), field="user")


def test_update_renames_and_relinks_within_the_rules(people, campaign):
    household = services.participant_create(actor=people.actor(people.officer), campaign=campaign, data={
        "kind": "household", "unit": unit(HOME).pk, "name": "Hộ A"})
    services.participant_update(actor=people.actor(people.chairman), participant_id=household.pk,
                                data={"name": "Hộ ông A Thanh"})
    household.refresh_from_db()
    assert household.name == "Hộ ông A Thanh"
    refused(lambda: services.participant_update(actor=people.actor(people.officer_b), participant_id=household.pk,
                                                data={"name": "X"}), code=ErrorCode.NOT_FOUND)
    refused(lambda: services.participant_update(actor=people.actor(people.front), participant_id=household.pk,
                                                data={"name": "X"}), code=ErrorCode.PERMISSION_DENIED)
    refused(lambda: services.participant_update(actor=people.actor(people.officer), participant_id=household.pk,
                                                data={"name": ""}), field="name")


# ---------------------------------------------------------------------------- registration with its plan
def test_a_commune_officer_registers_their_people_s_committee_with_its_plan(people, campaign):
    committee = home_committee(people, campaign)
    registration = register(people, committee)
    assert registration.houses_target == 12 and registration.money_target == 300_000_000
    plan = Submission.objects.get(participant=committee)
    deadline = ReportingDeadline.objects.get(campaign=campaign, code="ke_hoach")
    assert (plan.kind, plan.deadline, plan.document_number) == ("plan", deadline, "12/KH-UBND")
    assert plan.submitted_on == registration.registered_on and plan.content_type == "application/pdf"
    assert plan.file.read().startswith(b"%PDF")
    # Changing the registration keeps the plan's file when no new one comes; the log says what changed.
    services.registration_save(actor=people.actor(people.chairman), participant_id=committee.pk, data={
        "registered_on": day(registration.registered_on), "houses_target": "20", "plan_number": "Số: 12/KH-UBND",
        "plan_date": day(plan.document_date)})
    registration.refresh_from_db()
    assert registration.houses_target == 20 and Submission.objects.count() == 1
    events = DocumentEvent.objects.filter(doctype="emulation_participant", object_id=committee.pk)
    assert any("houses_target" in e.changes for e in events)
    # Without any of the plan's fields the plan stays as it was.
    services.registration_save(actor=people.actor(people.officer), participant_id=committee.pk,
                               data={"registered_on": day(registration.registered_on), "houses_target": "21"})
    plan.refresh_from_db()
    assert plan.document_number == "12/KH-UBND" and Submission.objects.count() == 1


@pytest.mark.parametrize(("field", "value", "message"), [
    ("plan_number", "", "Chưa nhập số văn bản"),
    ("plan_number", "kế hoạch số mười", "số/ký hiệu"),
    ("plan_number", "12-KH-UBND", "số/ký hiệu"),
    ("registered_on", "", "Chưa nhập ngày đăng ký"),
    ("registered_on", "31/02/2025", "không có trong lịch"),
    ("registered_on", "FUTURE", "không được sau ngày hôm nay"),
    ("registered_on", "01/01/2024", "không được trước ngày 22/07/2024"),
    ("plan_date", "FUTURE", "không được sau ngày hôm nay"),
    ("houses_target", "-3", "từ 0 trở lên"),
    ("houses_target", "ba mươi", "số nguyên"),
    ("money_target", "-5.000.000", "không được âm"),
    ("money_target", "1e9", "số đồng"),
    ("plan_submitted_on", "01/08/2024", "trước ngày văn bản"),
])
def test_registration_refuses_each_bad_field(people, campaign, field, value, message):
    committee = home_committee(people, campaign)
    future = day(timezone.localdate() + dt.timedelta(days=3))
    data = {"registered_on": "05/08/2024", "houses_target": "12", "money_target": "300.000.000",
            "plan_number": "12/KH-UBND", "plan_date": "04/08/2024",
            field: future if value == "FUTURE" else value}
    if field == "plan_submitted_on":
        data["plan_date"] = "10/08/2024"
    error = refused(lambda: services.registration_save(actor=people.actor(people.officer),
                                                       participant_id=committee.pk, data=data, plan_file=upload()),
                    field=field)
    assert message in " ".join(error.errors[field]), error.errors


@pytest.mark.parametrize(("name", "data", "message"), [
    ("ke-hoach.exe", b"MZ\x90\x00 this is a program", "không phải tệp PDF, Word"),
    ("ke-hoach.pdf", b"%PDF-1.4 broken", "không phải tệp PDF hợp lệ"),
    ("ke-hoach.html", b"<html><script>alert(1)</script></html>", "không phải tệp PDF, Word"),
    ("ke-hoach.docx", b"PK\x03\x04 not really a zip", "không phải tệp PDF, Word"),
    ("ke-hoach.pdf", b"", "rỗng"),
])
def test_registration_refuses_a_file_that_is_not_a_document(people, campaign, name, data, message):
    committee = home_committee(people, campaign)
    error = refused(lambda: services.registration_save(
        actor=people.actor(people.officer), participant_id=committee.pk,
        data={"registered_on": "05/08/2024", "plan_number": "12/KH-UBND", "plan_date": "04/08/2024"},
        plan_file=upload(name, data, "application/pdf")), field="plan_file")
    assert message in error.errors["plan_file"][0]


def test_registration_refuses_an_oversize_file_and_a_plan_without_its_file(people, campaign, settings):
    settings.EMULATION_MAX_UPLOAD_BYTES = 1024 * 1024
    committee = home_committee(people, campaign)
    big = pdf_bytes() + b"%" * (1024 * 1024 + 200_000)
    error = refused(lambda: services.registration_save(
        actor=people.actor(people.officer), participant_id=committee.pk,
        data={"registered_on": "05/08/2024", "plan_number": "12/KH-UBND", "plan_date": "04/08/2024"},
        plan_file=upload("ke-hoach.pdf", big)), field="plan_file")
    assert "quá lớn (1.2 MB); tối đa 1 MB" in error.errors["plan_file"][0]
    error = refused(lambda: services.registration_save(
        actor=people.actor(people.officer), participant_id=committee.pk,
        data={"registered_on": "05/08/2024", "plan_number": "12/KH-UBND", "plan_date": "04/08/2024"}),
        field="plan_file")
    assert "Chưa chọn tệp" in error.errors["plan_file"][0]
    # Without any plan field the registration alone is accepted (the plan comes later).
    services.registration_save(actor=people.actor(people.officer), participant_id=committee.pk,
                               data={"registered_on": "05/08/2024"})
    assert Registration.objects.filter(participant=committee).exists() and not Submission.objects.exists()


@pytest.mark.parametrize(("name", "data", "content_type"), [
    ("ke-hoach.pdf", None, "application/pdf"),
    ("ke-hoach.docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("ke-hoach.doc", "doc", "application/msword"),
    ("ke-hoach.jpg", "jpeg", "image/jpeg"),
])
def test_plan_files_of_every_accepted_type_are_kept_as_what_they_are(people, campaign, name, data, content_type):
    committee = home_committee(people, campaign)
    payload = {"docx": docx_bytes, "doc": doc_bytes, "jpeg": jpeg_bytes}.get(data, pdf_bytes)()
    services.registration_save(actor=people.actor(people.officer), participant_id=committee.pk, data={
        "registered_on": "05/08/2024", "plan_number": "12/KH-UBND", "plan_date": "04/08/2024"},
        plan_file=upload("tep-bat-ky.bin", payload, "application/octet-stream"))
    plan = Submission.objects.get()
    assert plan.content_type == content_type and plan.file.name.endswith("." + name.rsplit(".", 1)[1])


def test_who_may_register_a_unit(people, campaign):
    committee = home_committee(people, campaign)
    data = {"registered_on": "05/08/2024"}
    for user, code in ((people.officer_b, ErrorCode.NOT_FOUND), (people.reviewer, ErrorCode.PERMISSION_DENIED),
                       (people.front, ErrorCode.PERMISSION_DENIED), (people.council[0], ErrorCode.PERMISSION_DENIED),
                       (people.auditor, ErrorCode.PERMISSION_DENIED)):
        refused(lambda user=user: services.registration_save(actor=people.actor(user), participant_id=committee.pk,
                                                             data=data), code=code)
    for user in (people.chairman, people.office, people.admin):
        services.registration_save(actor=people.actor(user), participant_id=committee.pk, data=data)
    front_body = services.participant_create(actor=people.actor(people.office), campaign=campaign, data={
        "kind": "front_organisation", "unit": unit("62").pk, "name": "Ủy ban MTTQ Việt Nam tỉnh Kon Tum"})
    services.registration_save(actor=people.actor(people.front), participant_id=front_body.pk, data=data)
    household = services.participant_create(actor=people.actor(people.officer), campaign=campaign, data={
        "kind": "household", "unit": unit(HOME).pk, "name": "Hộ A"})
    refused(lambda: services.registration_save(actor=people.actor(people.officer), participant_id=household.pk,
                                               data=data), contains="hộ gia đình và cá nhân")


# ---------------------------------------------------------------------------- reports against deadlines
def test_a_report_is_recorded_against_its_deadline_and_corrected_later(people, campaign):
    committee = home_committee(people, campaign)
    report = ReportingDeadline.objects.get(campaign=campaign, code="bao_cao_2024")
    submission = services.submission_save(actor=people.actor(people.officer), participant_id=committee.pk,
                                          deadline_id=report.pk, data={
        "document_number": "25/BC-UBND", "document_date": "25/11/2024", "submitted_on": "27/11/2024"},
        file=upload("bao-cao.pdf"))
    assert (submission.kind, submission.deadline, submission.submitted_on) == ("interim", report, dt.date(2024, 11, 27))
    services.submission_save(actor=people.actor(people.officer), participant_id=committee.pk, deadline_id=report.pk,
                             data={"document_number": "26/BC-UBND", "document_date": "25/11/2024",
                                   "submitted_on": "27/11/2024"})
    submission.refresh_from_db()
    assert submission.document_number == "26/BC-UBND" and Submission.objects.count() == 1


def test_report_bad_input(people, campaign):
    committee = home_committee(people, campaign)
    report = ReportingDeadline.objects.get(campaign=campaign, code="bao_cao_2024")
    officer = people.actor(people.officer)
    good = {"document_number": "25/BC-UBND", "document_date": "25/11/2024", "submitted_on": "27/11/2024"}
    refused(lambda: services.submission_save(actor=officer, participant_id=committee.pk, deadline_id="x",
                                             data=good, file=upload()), field="deadline")
    refused(lambda: services.submission_save(actor=officer, participant_id=committee.pk, deadline_id=report.pk,
                                             data={**good, "submitted_on": "20/11/2024"}, file=upload()),
            field="submitted_on", contains="trước ngày văn bản")
    refused(lambda: services.submission_save(actor=officer, participant_id=committee.pk, deadline_id=report.pk,
                                             data={**good, "document_number": ""}, file=upload()),
            field="document_number")
    refused(lambda: services.submission_save(actor=officer, participant_id=committee.pk, deadline_id=report.pk,
                                             data=good), field="file")
    report.groups = ["a"]
    report.save()
    refused(lambda: services.submission_save(actor=officer, participant_id=committee.pk, deadline_id=report.pk,
                                             data=good, file=upload()), field="deadline", contains="không áp dụng")


# ---------------------------------------------------------------------------- initiatives and documents
def test_initiatives_are_recorded_with_their_adoption(people, campaign):
    committee = home_committee(people, campaign)
    officer = people.actor(people.officer)
    initiative = services.initiative_create(actor=officer, author_id=committee.pk, data={
        "title": "Tổ thợ xây thanh niên", "proposed_on": "01/09/2024", "description": "Giúp hộ neo đơn."})
    assert initiative.unit_path == committee.unit_path and not initiative.is_adopted
    services.initiative_update(actor=people.actor(people.office), initiative_id=initiative.pk, data={
        "title": initiative.title, "proposed_on": "01/09/2024", "description": "Giúp hộ neo đơn.",
        "adopted_by": "Ủy ban nhân dân huyện Đắk Glei", "adoption_reference": "318/QĐ-UBND",
        "adopted_on": "15/10/2024"})
    initiative.refresh_from_db()
    assert initiative.is_adopted and initiative.adopted_by == "Ủy ban nhân dân huyện Đắk Glei"
    base = {"title": "A", "proposed_on": "01/09/2024", "description": "B"}
    refused(lambda: services.initiative_create(actor=officer, author_id=committee.pk, data={**base, "title": ""}),
            field="title")
    refused(lambda: services.initiative_create(actor=officer, author_id=committee.pk, data={
        **base, "adopted_on": "01/08/2024", "adopted_by": "UBND huyện"}), field="adopted_on", contains="trước ngày")
    refused(lambda: services.initiative_create(actor=officer, author_id=committee.pk, data={
        **base, "adopted_by": "UBND huyện"}), field="adopted_on")
    refused(lambda: services.initiative_create(actor=officer, author_id=committee.pk, data={
        **base, "adopted_on": "02/09/2024"}), field="adopted_by")
    refused(lambda: services.initiative_create(actor=officer, author_id="", data=base), field="author")
    refused(lambda: services.initiative_create(actor=people.actor(people.reviewer), author_id=committee.pk,
                                               data=base), code=ErrorCode.PERMISSION_DENIED)


def test_evidence_documents_attach_to_a_criterion_of_the_group(people, campaign):
    committee = home_committee(people, campaign)
    criterion = Criterion.objects.get(campaign=campaign, code="b4")
    document = services.evidence_document_add(actor=people.actor(people.officer), participant_id=committee.pk,
                                              data={"title": "Ảnh bảng niêm yết", "criterion": criterion.pk},
                                              file=upload("anh.jpg", jpeg_bytes(), "image/jpeg"))
    assert document.criterion == criterion and document.content_type == "image/jpeg"
    other = Criterion.objects.get(campaign=campaign, code="a1")
    refused(lambda: services.evidence_document_add(actor=people.actor(people.officer), participant_id=committee.pk,
                                                   data={"title": "X", "criterion": other.pk}, file=upload()),
            field="criterion")
    refused(lambda: services.evidence_document_add(actor=people.actor(people.officer), participant_id=committee.pk,
                                                   data={"title": ""}, file=upload()), field="title")


# ---------------------------------------------------------------------------- the office's data
def test_the_fixture_seeds_the_plan_s_criteria_and_deadlines_once(campaign):
    criteria = Criterion.objects.filter(campaign=campaign)
    assert criteria.count() == 16
    assert sorted(set(criteria.values_list("group", flat=True))) == ["a", "b", "c", "d", "dd"]
    b4 = criteria.get(code="b4")
    assert b4.evidence == ["postings_held", "complaints_answered"] and b4.text.startswith("Đẩy mạnh tuyên truyền")
    report = ReportingDeadline.objects.get(campaign=campaign, code="bao_cao_2024")
    assert report.due_on == dt.date(2024, 11, 29) and report.groups == ["a", "b", "c"]
    b4.text = "Sửa bởi cơ quan thường trực"
    b4.save()
    assert services.emulation_fixtures_sync() == 0
    b4.refresh_from_db()
    assert b4.text == "Sửa bởi cơ quan thường trực"


def test_only_the_office_and_provincial_administrators_edit_criteria_and_deadlines(people, campaign):
    data = {"group": "b", "order": "5", "text": "Trả lời phản ánh đúng hạn.", "evidence": ["complaints_answered"]}
    for user in (people.officer, people.reviewer, people.council[0], people.auditor):
        refused(lambda user=user: services.criterion_create(actor=people.actor(user), campaign=campaign, data=data),
                code=ErrorCode.PERMISSION_DENIED)
    criterion = services.criterion_create(actor=people.actor(people.office), campaign=campaign, data=data)
    assert criterion.evidence == ["complaints_answered"] and criterion.code
    error = refused(lambda: services.criterion_update(actor=people.actor(people.admin), criterion_id=criterion.pk,
                                                      data={**data, "evidence": ["made_up"], "group": "z", "text": ""}))
    assert {"evidence", "group", "text"} <= set(error.errors)
    refused(lambda: services.criterion_update(actor=people.actor(people.admin), criterion_id=criterion.pk,
                                              data={**data, "evidence": []}), field="evidence")
    deadline_data = {"name": "Báo cáo 6 tháng", "kind": "interim", "due_on": "30/06/2025", "groups": ["b"]}
    deadline = services.deadline_create(actor=people.actor(people.office), campaign=campaign, data=deadline_data)
    assert deadline.groups == ["b"]
    error = refused(lambda: services.deadline_update(actor=people.actor(people.office), deadline_id=deadline.pk, data={
        "name": "", "kind": "x", "due_on": "01/01/2020", "groups": ["q"]}))
    assert {"name", "kind", "due_on", "groups"} <= set(error.errors)
    refused(lambda: services.deadline_create(actor=people.actor(people.officer), campaign=campaign,
                                             data=deadline_data), code=ErrorCode.PERMISSION_DENIED)


def test_far_commune_officer_cannot_see_the_home_committee(people, campaign):
    from tests.conftest import make_user

    committee = home_committee(people, campaign)
    far = make_user("far_officer", "commune_officer", FAR)
    refused(lambda: services.registration_save(actor=people.actor(far), participant_id=committee.pk,
                                               data={"registered_on": "05/08/2024"}), code=ErrorCode.NOT_FOUND,
            contains="Không tìm thấy đối tượng")

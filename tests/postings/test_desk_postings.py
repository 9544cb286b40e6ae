"""Postings on the desk (issue 13): the list, the create form with its checklist of waiting cases, the
posting's page, cancelling, the numbered printed list, and the scheduled job that moves the cases on when
the period is over (a case with an open complaint is held)."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from housing_campaign.core.models import DocumentEvent
from housing_campaign.postings.models import Posting, PostingEntry
from tests.conftest import HOME, OTHER, PASSWORD, advance, new_case, post_ended, post_list, unit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def waiting(people, campaign, n=2, **kw):
    return [advance(people, new_case(people, campaign, **kw), "village_posting") for _ in range(n)]


def form(cases, **overrides):
    return {"kind": "review_list", "commune": unit(HOME).pk, "village": "", "starts_on": d(TODAY),
            "ends_on": d(TODAY + dt.timedelta(days=6)), "location": "Nhà văn hóa thôn Đăk Xế",
            "cases": [c.pk for c in cases], **overrides}


def rows() -> tuple[int, int, int]:
    return Posting.objects.count(), PostingEntry.objects.count(), DocumentEvent.objects.count()


# ---------------------------------------------------------------------------- create
def test_the_form_lists_the_waiting_cases_ticked_with_the_workflow_period(people, campaign):
    cases = waiting(people, campaign)
    confirm_only = advance(people, new_case(people, campaign), "commune_confirmation")
    page = login(people.officer).get(reverse("postings:new")).content.decode()
    for c in cases:
        assert f'value="{c.pk}" checked' in page and c.code in page and c.household.head_name in page
    assert confirm_only.code not in page  # not waiting for a posting
    assert "Đang niêm yết danh sách bình xét" in page and "Thôn Đăk Xế" in page
    # Default period: the waiting state's SLA (7 days in the default workflow): today .. today + 6.
    assert f'value="{d(TODAY)}"' in page and f'value="{d(TODAY + dt.timedelta(days=6))}"' in page
    assert f'<option value="{unit(HOME).pk}" selected' in page


def test_the_default_period_follows_the_workflow_builder(people, campaign):
    from housing_campaign.workflow.engine import clear_definition_cache
    from housing_campaign.workflow.models import WorkflowState

    WorkflowState.objects.filter(definition__is_active=True, definition__doctype="housing_case",
                                 code="village_posting").update(sla_days=10)
    clear_definition_cache()
    page = login(people.officer).get(reverse("postings:new")).content.decode()
    assert f'value="{d(TODAY + dt.timedelta(days=9))}"' in page and "Mặc định 10 ngày" in page


@pytest.mark.parametrize("who", ["officer", "chairman"])
def test_officer_and_chairman_post_the_list(people, campaign, who):
    cases = waiting(people, campaign, 3)
    response = login(getattr(people, who)).post(reverse("postings:new"), form(cases))
    posting = Posting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("postings:detail", args=[posting.pk])
    assert posting.entries.count() == 3 and posting.ends_on == TODAY + dt.timedelta(days=6)
    page = login(people.officer).get(response["Location"]).content.decode()
    assert posting.code in page and "Đang niêm yết, còn 7 ngày" in page and "/cong-khai/23344/" in page
    assert all(c.code in page for c in cases)


def test_anonymous_and_other_roles_cannot_post(people, campaign):
    cases = waiting(people, campaign)
    before = rows()
    anonymous = Client().post(reverse("postings:new"), form(cases))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    for user in (people.reviewer, people.finance, people.inspector, people.front, people.admin):
        response = login(user).post(reverse("postings:new"), form(cases))
        assert response.status_code == 400, user
        assert "Chỉ cán bộ xã hoặc Chủ tịch UBND xã" in response.content.decode()
    auditor = login(people.auditor).post(reverse("postings:new"), form(cases))
    assert auditor.status_code == 400 and "chỉ có quyền xem" in auditor.content.decode()
    other = login(people.officer_b).post(reverse("postings:new"), form(cases))  # Đăk Man's officer
    assert other.status_code == 400 and "Chỉ cán bộ xã hoặc Chủ tịch UBND xã của Xã Đăk Blô" in \
        other.content.decode()
    assert rows() == before


def test_bad_input_is_refused_per_field_with_everything_kept(people, campaign):
    cases = waiting(people, campaign)
    theirs = new_case(people, campaign, commune_code=OTHER)  # Đăk Man's: its id typed into the form
    client = login(people.officer)
    before = rows()
    cases_bad = [
        ({"ends_on": d(TODAY - dt.timedelta(days=1))}, "trước ngày bắt đầu"),
        ({"cases": [cases[0].pk, theirs.pk]}, "không tìm thấy trong địa bàn của bạn"),  # forged id
        ({"cases": []}, "Chọn ít nhất một hồ sơ để niêm yết."),
        ({"location": ""}, "Nơi niêm yết"),
        ({"starts_on": "31/02/2025"}, "dd/mm/yyyy"),
        ({"photo": SimpleUploadedFile("bang.jpg", b"<html>not an image</html>", content_type="image/jpeg")},
         "bang.jpg"),
    ]
    for overrides, message in cases_bad:
        data = {**form(cases, note="Đợt 1"), **overrides}
        response = client.post(reverse("postings:new"), data)
        page = response.content.decode()
        assert response.status_code == 400, overrides
        assert message in page, (overrides, page[page.find("field-error"):][:300])
        assert "Chưa niêm yết: hãy sửa các ô báo lỗi" in page
        assert 'value="Đợt 1"' in page  # what was typed stays
        if "location" not in overrides:
            assert 'value="Nhà văn hóa thôn Đăk Xế"' in page
    assert rows() == before
    # Ticked ones stay ticked after a refusal; the unticked one stays unticked.
    page = client.post(reverse("postings:new"), {**form([cases[0]]), "location": ""}).content.decode()
    assert f'value="{cases[0].pk}" checked' in page and f'value="{cases[1].pk}" checked' not in page


def test_a_case_already_posted_is_not_offered_again_and_is_refused(people, campaign):
    cases = waiting(people, campaign)
    post_list(people, [cases[0]])
    page = login(people.officer).get(reverse("postings:new")).content.decode()
    assert cases[0].code not in page and cases[1].code in page
    response = login(people.officer).post(reverse("postings:new"), form(cases))
    assert response.status_code == 400 and "đã có trong một đợt niêm yết chưa hủy" in response.content.decode()
    assert Posting.objects.count() == 1


# ---------------------------------------------------------------------------- list, detail, cancel
def test_list_filters_and_queries_do_not_grow(people, campaign):
    def count():
        client = login(people.reviewer)
        client.get(reverse("postings:list"))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("postings:list"))
        assert response.status_code == 200
        return len(ctx), response.content.decode()

    post_list(people, waiting(people, campaign, 1))
    few, _ = count()
    for _ in range(4):
        post_list(people, waiting(people, campaign, 2))
    post_list(people, waiting(people, campaign, 1), starts_days_ago=20, days=7)
    many, page = count()
    assert few == many, (few, many)
    assert page.count("NY-23344-") == 6
    client = login(people.officer)
    past = client.get(reverse("postings:list") + "?status=past").content.decode()
    assert past.count("NY-23344-") == 1 and "Đã hết hạn" in past
    assert client.get(reverse("postings:list") + "?status=open").content.decode().count("NY-23344-") == 5
    assert client.get(reverse("postings:list") + "?kind=results").content.decode().count("NY-23344-") == 0
    assert "NY-23344-" not in login(people.officer_b).get(reverse("postings:list")).content.decode()
    # Garbage filters are ignored, never a 500.
    assert client.get(reverse("postings:list") + "?commune=x&status=%00&kind=<b>").status_code == 200


def test_detail_queries_do_not_grow_with_entries(people, campaign):
    small = post_list(people, waiting(people, campaign, 1))
    big = post_list(people, waiting(people, campaign, 6))
    client = login(people.officer)

    def count(posting):
        client.get(reverse("postings:detail", args=[posting.pk]))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("postings:detail", args=[posting.pk])).status_code == 200
        return len(ctx)

    assert count(small) == count(big)


def test_detail_is_scoped_and_cancel_needs_a_reason(people, campaign):
    posting = post_list(people, waiting(people, campaign, 2))
    url = reverse("postings:detail", args=[posting.pk])
    assert login(people.officer_b).get(url).status_code == 404
    assert login(people.chairman_b).post(reverse("postings:cancel", args=[posting.pk]),
                                         {"reason": "x"}).status_code == 404
    response = login(people.chairman).post(reverse("postings:cancel", args=[posting.pk]), {"reason": "  "})
    assert response.status_code == 400 and "Lý do hủy" in response.content.decode()
    auditor = login(people.auditor).post(reverse("postings:cancel", args=[posting.pk]), {"reason": "Nhầm"})
    assert auditor.status_code == 400 and "chỉ có quyền xem" in auditor.content.decode()
    posting.refresh_from_db()
    assert posting.cancelled_at is None
    response = login(people.chairman).post(reverse("postings:cancel", args=[posting.pk]), {"reason": "Ghi nhầm thôn"})
    assert response.status_code == 302
    page = login(people.officer).get(url).content.decode()
    assert "Đã hủy" in page and "Ghi nhầm thôn" in page and "In danh sách (cấp số)" not in page
    # The cases wait for a new posting again.
    assert all(c.code in login(people.officer).get(reverse("postings:new")).content.decode()
               for c in (e.case for e in posting.entries.select_related("case")))


def test_photo_is_served_only_inside_the_territory(people, campaign):
    from tests.funding.helpers import photo_upload

    posting = post_list(people, waiting(people, campaign, 1))
    url = reverse("postings:photo", args=[posting.pk])
    assert login(people.officer).get(url).status_code == 404  # none yet
    not_an_image = SimpleUploadedFile("a.jpg", b"GIF89a-no", content_type="image/jpeg")
    bad = login(people.officer).post(url, {"photo": not_an_image})
    assert bad.status_code == 400
    assert login(people.officer).post(url, {"photo": photo_upload("bang.jpg")}).status_code == 302
    response = login(people.reviewer).get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert login(people.officer_b).get(url).status_code == 404
    assert Client().get(url).status_code == 302


# ---------------------------------------------------------------------------- printing
def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_issue_the_numbered_list_and_reprint_it_frozen(people, campaign):
    from housing_campaign.printing.models import IssuedDocument

    cases = waiting(people, campaign, 3)
    posting = post_list(people, cases)
    draft = login(people.officer).get(reverse("postings:print", args=[posting.pk]))
    assert draft.status_code == 200 and draft["Content-Type"] == "application/pdf"
    assert "……/DS-UBND" in pdf_text(b"".join(draft.streaming_content))
    assert login(people.reviewer).post(reverse("postings:print", args=[posting.pk])).status_code == 400
    assert not IssuedDocument.objects.filter(doctype="posting").exists()
    response = login(people.chairman).post(reverse("postings:print", args=[posting.pk]))
    assert response.status_code == 302
    document = IssuedDocument.objects.get(doctype="posting", object_id=posting.pk)
    assert document.number_text.endswith("/DS-UBND")
    # Frozen: a later rename of a household does not change the issued list.
    name = cases[0].household.head_name
    type(cases[0].household).objects.filter(pk=cases[0].household_id).update(head_name="Tên Đã Đổi")
    pdf = login(people.officer).get(reverse("postings:issued_pdf", args=[posting.pk, document.pk]))
    text = pdf_text(b"".join(pdf.streaming_content))
    assert f"Số: {document.number_text}" in text and "DANH SÁCH CÔNG KHAI" in text
    assert f"Niêm yết từ ngày {d(posting.starts_on)} đến hết ngày {d(posting.ends_on)} (7 ngày)" in text
    assert "Nhà văn hóa thôn Đăk Xế" in text and posting.code in text
    assert name in text and "Tên Đã Đổi" not in text
    assert all(c.household.national_id not in text for c in cases)
    for entry in posting.entries.all():
        assert f"{entry.number} " in text
    page = login(people.officer).get(reverse("postings:detail", args=[posting.pk])).content.decode()
    assert document.number_text in page
    assert login(people.officer_b).get(reverse("postings:issued_pdf", args=[posting.pk, document.pk])
                                       ).status_code == 404


def test_sync_moves_an_existing_sites_format_to_the_posting_doctype(people):
    from housing_campaign.printing.models import PrintFormat
    from housing_campaign.printing.services import print_formats_sync

    fmt = PrintFormat.objects.get(code="public_posting_list")
    assert fmt.doctype == "posting"
    PrintFormat.objects.filter(pk=fmt.pk).update(doctype="case_list", html=fmt.html.replace("posting.", "x."))
    report = print_formats_sync()
    fmt.refresh_from_db()
    assert fmt.doctype == "posting" and "posting.starts_on" in fmt.html
    assert any("public_posting_list.html" in line and "posting" in line for line in report)
    assert not [line for line in print_formats_sync() if "public_posting_list" in line]  # settled


# ---------------------------------------------------------------------------- the case page
def test_case_page_says_to_post_and_lists_its_postings(people, campaign):
    case = waiting(people, campaign, 1)[0]
    page = login(people.officer).get(reverse("desk:case", args=[case.pk])).content.decode()
    assert "Chưa niêm yết: tạo đợt niêm yết" in page
    assert f"{reverse('postings:new')}?commune={case.commune_id}&amp;kind=review_list" in page
    posting = post_list(people, [case])
    page = login(people.officer).get(reverse("desk:case", args=[case.pk])).content.decode()
    assert "Chưa niêm yết" not in page and posting.code in page


# ---------------------------------------------------------------------------- after the period
def _hold(case, posting):
    from housing_campaign.feedback.models import Feedback
    from housing_campaign.workflow.engine import initial_workflow_fields

    return Feedback.objects.create(
        code="PA-TEST1-00001", kind="wrong_person", commune=case.commune, unit_path=case.unit_path,
        unit_2025_path=case.unit_2025_path, posting=posting, case=case, holds_case=True,
        text="Hộ này đã có nhà kiên cố", client_hash="x" * 64, text_hash="y" * 64, submitted_at=timezone.now(),
        **initial_workflow_fields("feedback"))


def test_the_job_moves_the_cases_after_the_period_and_holds_a_complained_one(people, campaign):
    from housing_campaign.workflow.automation import SYSTEM_USERNAME, automatic_transitions_run

    posted = waiting(people, campaign, 3)
    not_posted = waiting(people, campaign, 1)[0]
    running = waiting(people, campaign, 1)[0]
    posting = post_ended(people, posted)
    post_list(people, [running])  # its period runs until next week
    feedback = _hold(posted[0], posting)
    assert feedback.state == "received"
    moved = automatic_transitions_run(doctype="housing_case")
    assert moved == {"housing_case:end_posting": 2}
    states = {c.pk: type(c).objects.get(pk=c.pk).state for c in [*posted, not_posted, running]}
    assert states[posted[0].pk] == "village_posting"  # held by the open complaint
    assert states[posted[1].pk] == states[posted[2].pk] == "eligibility_review"
    assert states[not_posted.pk] == states[running.pk] == "village_posting"
    event = DocumentEvent.objects.filter(object_id=posted[1].pk, kind="transition").latest("id")
    assert event.to_state == "eligibility_review" and event.actor.username == SYSTEM_USERNAME
    page = login(people.officer).get(reverse("desk:case", args=[posted[1].pk])).content.decode()
    assert "Hệ thống (tự động)" in page
    # Once the complaint is resolved, the next run moves the held case too.
    type(feedback).objects.filter(pk=feedback.pk).update(state="closed", stage="closed")
    assert automatic_transitions_run(doctype="housing_case") == {"housing_case:end_posting": 1}
    assert type(posted[0]).objects.get(pk=posted[0].pk).state == "eligibility_review"


def test_the_chairman_moves_a_case_on_by_hand_after_the_period(people, campaign):
    case = waiting(people, campaign, 1)[0]
    client = login(people.chairman)
    page = client.get(reverse("desk:case", args=[case.pk])).content.decode()
    assert "Hết thời hạn niêm yết, chuyển thẩm định" in page
    refused = client.post(reverse("desk:case_transition", args=[case.pk]),
                          {"action": "end_posting", "expected_state": "village_posting"})
    assert refused.status_code in (400, 409)
    post_ended(people, [case])
    assert client.post(reverse("desk:case_transition", args=[case.pk]),
                       {"action": "end_posting", "expected_state": "village_posting"}).status_code == 302
    case.refresh_from_db()
    assert case.state == "eligibility_review"


def test_nobody_is_logged_in_as_the_system(people):
    from housing_campaign.workflow.automation import SYSTEM_USERNAME, system_user

    user = system_user()
    assert user.username == SYSTEM_USERNAME and not user.is_active
    assert not Client().login(username=SYSTEM_USERNAME, password=PASSWORD)

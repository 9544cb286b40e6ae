import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from housing_campaign.cases.models import HousingCase
from housing_campaign.core.models import BackgroundJob, DocumentEvent
from tests.conftest import PASSWORD, advance, new_case
from tests.workflow.test_engine import _many_cases

pytestmark = pytest.mark.django_db


def login(username) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_queue_query_count_constant_whatever_the_page_size(people, campaign):
    _many_cases(people, campaign, 120)
    client = login("reviewer")
    counts = {}
    client.get(reverse("desk:queue") + "?stage=review")  # warm: compiled workflow, cached stage counts
    for size in (20, 100):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("desk:queue") + f"?per_page={size}&stage=review")
        assert response.status_code == 200
        assert response.content.decode().count('class="row-check"') == size
        counts[size] = len(ctx)
    assert counts[20] == counts[100] and counts[100] <= 15, counts


def test_queue_filters_and_search(people, campaign):
    first = new_case(people, campaign)
    second = new_case(people, campaign, support_type="repair")
    client = login("officer_a")
    page = client.get(reverse("desk:queue") + "?support_type=repair").content.decode()
    assert f"/desk/cases/{second.pk}/" in page and f"/desk/cases/{first.pk}/" not in page
    page = client.get(reverse("desk:queue") + f"?q={first.household.national_id}").content.decode()
    assert f"/desk/cases/{first.pk}/" in page and f"/desk/cases/{second.pk}/" not in page
    page = client.get(reverse("desk:queue") + f"?q={first.household.head_name}").content.decode()
    assert f"/desk/cases/{first.pk}/" in page


def test_new_survey_errors_keep_everything_typed(people, campaign):
    client = login("officer_a")
    page = client.get(reverse("desk:case_new"))
    form = page.context["form"]
    commune = form.fields["commune"].choices[0][0]
    data = {"head_name": "Y Hoa", "national_id": "0620851234", "category": "poor", "commune": commune,
            "land_status": "undisputed", "strand": "", "support_type": "new_build", "floor_area": "-3",
            "persons": "0", "foundation": "unstable", "frame_walls": "", "roof": "unstable",
            "surveyed_on": "31/13/2025", "survey_note": "Nhà vách nứa, mái lá"}
    response = client.post(reverse("desk:case_new"), data)
    text = response.content.decode()
    assert response.status_code == 400
    assert "ngày 31/13/2025 không có trong lịch." in text
    response = client.post(reverse("desk:case_new"), {**data, "surveyed_on": "02/01/2025"})
    text = response.content.decode()
    assert response.status_code == 400
    for message in ("Số CCCD phải gồm đúng 12 chữ số", "Diện tích nhà hiện tại phải lớn hơn 0",
                    "Số người đang ở phải từ 1 trở lên", "Chưa chọn nguồn hỗ trợ", "Chưa chọn tình trạng khung, tường"):
        assert message in text, message
    assert 'value="Y Hoa"' in text and 'value="0620851234"' in text and "Nhà vách nứa, mái lá" in text
    assert HousingCase.objects.count() == 0


def test_new_survey_creates_case(people, campaign):
    client = login("officer_a")
    form = client.get(reverse("desk:case_new")).context["form"]
    strand = campaign.strands.get(code="phong_trao")
    response = client.post(reverse("desk:case_new"), {
        "head_name": "Y Hoa", "national_id": "062185123456", "category": "poor", "commune": form.fields[
            "commune"].choices[0][0], "land_status": "undisputed", "strand": strand.pk, "support_type": "new_build",
        "floor_area": "14,5", "persons": "3", "foundation": "unstable", "frame_walls": "unstable",
        "roof": "unstable", "surveyed_on": "02/01/2025"})
    assert response.status_code == 302
    case = HousingCase.objects.get()
    assert case.floor_area == 14.5 and case.is_eligible and case.state == "survey"


def test_draft_saved_on_server(people):
    client = login("officer_a")
    response = client.post(reverse("desk:save_draft"), json.dumps({"key": "new", "data": {"head_name": "A Nhứ"}}),
                           content_type="application/json")
    assert response.status_code == 200 and "saved_at" in response.json()
    page = client.get(reverse("desk:case_new")).content.decode()
    import re

    script = re.search(r'<script id="server-draft" type="application/json">(.*?)</script>', page).group(1)
    assert json.loads(script) == {"head_name": "A Nhứ"}
    client.post(reverse("desk:save_draft"), json.dumps({"key": "new", "data": {"x": "</script><b>"}}),
                content_type="application/json")
    assert "</script><b>" not in client.get(reverse("desk:case_new")).content.decode()
    assert client.post(reverse("desk:save_draft"), "not json", content_type="application/json").status_code == 400


def test_action_on_a_case_someone_just_moved(people, campaign):
    case = new_case(people, campaign)
    client = login("officer_a")
    first = client.post(reverse("desk:case_transition", args=[case.pk]),
                        {"action": "submit", "expected_state": "survey"}, follow=True)
    assert "Đã chuyển sang" in first.content.decode()
    second = client.post(reverse("desk:case_transition", args=[case.pk]),
                         {"action": "submit", "expected_state": "survey"}, follow=True)
    text = second.content.decode()
    assert "vừa được chuyển sang" in text and "Trang đã được tải lại" in text
    assert DocumentEvent.objects.filter(object_id=case.pk, kind="transition").count() == 1


def test_stage_form_error_keeps_input_and_changes_nothing(people, campaign):
    case = advance(people, new_case(people, campaign), "commune_confirmation")
    client = login("chairman_a")
    response = client.post(reverse("desk:case_form", args=[case.pk, "confirmation"]), {
        "village_meeting_on": "05/01/2025", "village_meeting_total": "20", "village_meeting_agree": "25",
        "commune_list_number": "07/DS-UBND", "lock_version": case.lock_version})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Số phiếu đồng ý (25) không được lớn hơn số người dự họp (20)." in text
    assert 'value="07/DS-UBND"' in text
    before = case.village_meeting_total
    case.refresh_from_db()
    assert case.village_meeting_total == before


def test_bulk_approval_view_reports_each_case(people, campaign):
    ids = _many_cases(people, campaign, 30)
    HousingCase.objects.filter(pk__in=ids[:3]).update(is_eligible=False)
    client = login("reviewer")
    response = client.post(reverse("desk:bulk"), {"action": "approve", "ids": ids})
    text = response.content.decode()
    assert "27 thành công" in text and "3 không thực hiện được" in text
    assert text.count("Hộ chưa đáp ứng điều kiện hỗ trợ") == 3
    response = client.post(reverse("desk:bulk"), {"action": "return", "ids": ids[3:5], "comment": ""})
    assert "bắt buộc ghi lý do" in response.content.decode()


def test_batch_print_in_background_with_progress(people, campaign, monkeypatch, django_capture_on_commit_callbacks):
    # The test's data is not committed, so the job runs on this thread here; the browser test runs it on
    # its background thread against a live server.
    from housing_campaign.core import jobs

    monkeypatch.setattr(jobs, "enqueue", lambda path, background=False, **kw: jobs.run_job(path, kw))
    import housing_campaign.desk.printing as desk_printing

    monkeypatch.setattr(desk_printing, "enqueue", jobs.enqueue)
    cases = [advance(people, new_case(people, campaign), "posting") for _ in range(3)]
    client = login("chairman_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("desk:batch_print"), {"format": "handover_certificate", "output": "pdf",
                                                             "commune": str(cases[0].commune_id)})
    assert response.status_code == 302
    job = BackgroundJob.objects.get()
    import time

    for _ in range(100):
        job.refresh_from_db()
        if job.status in ("done", "failed"):
            break
        time.sleep(0.2)
    assert job.status == "done", job.error
    assert job.done == 3 and job.total == 3
    progress = client.get(reverse("desk:batch_job", args=[job.pk])).content.decode()
    assert "3/3" in progress
    download = client.get(reverse("desk:batch_download", args=[job.pk]))
    import io

    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages) == 3


def test_vietnamese_by_default_english_on_request(people):
    client = login("officer_a")
    assert "Việc của tôi" in client.get(reverse("desk:queue"), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/desk/"})
    page = client.get(reverse("desk:queue")).content.decode()
    assert "My queue" in page and "New survey" in page
    form = client.get(reverse("desk:case_new")).content.decode()
    assert "Household head&#x27;s full name" in form and "Current floor area (m²)" in form and "Unstable" in form


def test_issue_numbered_acceptance_minutes(people, campaign):
    case = advance(people, new_case(people, campaign), "handover")
    officer = login("officer_a")
    officer.post(reverse("desk:case_issue", args=[case.pk, "acceptance_minutes"]))
    from housing_campaign.printing.models import IssuedDocument

    assert not IssuedDocument.objects.filter(object_id=case.pk, print_format_version__print_format__code=
                                             "acceptance_minutes").exists()   # officers do not issue
    chairman = login("chairman_a")
    for _ in range(2):
        chairman.post(reverse("desk:case_issue", args=[case.pk, "acceptance_minutes"]))
    numbers = list(IssuedDocument.objects.filter(object_id=case.pk).exclude(number_text__contains="GCN")
                   .order_by("id").values_list("number_text", flat=True))
    assert numbers == ["01/BB-UBND", "02/BB-UBND"]
    document = IssuedDocument.objects.get(number_text="02/BB-UBND")
    pdf = chairman.get(reverse("desk:issued_pdf", args=[case.pk, document.pk]))
    from tests.printing.test_print_formats import pdf_text

    assert pdf["Content-Type"] == "application/pdf" and "Số: 02/BB-UBND" in pdf_text(pdf.getvalue())
    assert login("officer_b").get(reverse("desk:issued_pdf", args=[case.pk, document.pk])).status_code == 404


def test_ids_above_999_are_not_localised_in_forms(people, campaign):
    ids = _many_cases(people, campaign, 3)
    HousingCase.objects.filter(pk=ids[0]).update(id=123456)
    page = login("reviewer").get(reverse("desk:queue") + "?stage=review").content.decode()
    assert 'value="123456"' in page and "123.456" not in page

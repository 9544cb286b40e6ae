"""Bad input on every desk page answers with a clear message (or is ignored where it is a filter),
never a server error, and never saves anything; the bulk result never shows other communes' cases."""
import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from housing_campaign.cases.models import Attachment, HousingCase
from housing_campaign.core.models import BackgroundJob
from housing_campaign.desk.models import SavedFilter, SurveyDraft
from housing_campaign.households.models import Household
from tests.conftest import OTHER, PASSWORD, advance, new_case
from tests.core.test_validators import png_of_size, small_pdf

pytestmark = pytest.mark.django_db

HUGE = "1" * 25


def login(username) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def survey_post(client, campaign, **overrides) -> dict:
    form = client.get(reverse("desk:case_new")).context["form"]
    strand = campaign.strands.get(code="phong_trao")
    return {"head_name": "Y Hoa", "national_id": "062185123456", "category": "poor",
            "commune": form.fields["commune"].choices[0][0], "land_status": "undisputed", "strand": strand.pk,
            "support_type": "new_build", "floor_area": "14,5", "persons": "3", "foundation": "unstable",
            "frame_walls": "unstable", "roof": "unstable", "surveyed_on": "02/01/2025", **overrides}


def edit_survey_post(case, **overrides) -> dict:
    return {"strand": case.strand_id, "support_type": "new_build", "floor_area": "20", "persons": "4",
            "foundation": "unstable", "frame_walls": "unstable", "roof": "stable", "surveyed_on": "02/01/2025",
            "lock_version": case.lock_version, **overrides}


# ---------------------------------------------------------------------------- item 3: bulk result leak
def test_bulk_result_lists_only_cases_the_user_may_see(people, campaign):
    mine = new_case(people, campaign)
    theirs = [new_case(people, campaign, commune_code=OTHER) for _ in range(3)]
    client = login("officer_a")
    ids = [str(i) for i in range(1, max(c.pk for c in [mine, *theirs]) + 5)]
    response = client.post(reverse("desk:bulk"), {"action": "approve", "ids": ids})
    text = response.content.decode()
    assert response.status_code == 200
    for case in theirs:
        assert case.code not in text and case.household.head_name not in text
    assert mine.code in text and mine.household.head_name in text
    assert "Không tìm thấy hồ sơ trong địa bàn bạn phụ trách." in text
    assert f'<span class="badge late">{len(ids) - 1}</span>' in text


def test_bulk_with_a_25_digit_id_and_a_foreign_back_link(people, campaign):
    case = new_case(people, campaign)
    client = login("officer_a")
    response = client.post(reverse("desk:bulk"), {"action": "submit", "ids": [HUGE, "١٢", str(case.pk)],
                                                  "back": "javascript:alert(1)"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "1 thành công" in text and '<span class="badge late">2</span>' in text
    assert "javascript:" not in text
    response = client.post(reverse("desk:bulk"), {"action": "", "ids": [], "back": "not-a-view-name"})
    assert response.status_code == 302 and response["Location"] == reverse("desk:queue")
    response = client.post(reverse("desk:bulk"), {"action": "submit", "ids": [HUGE],
                                                  "back": "https://evil.example/"})
    assert response.status_code == 200 and "evil.example" not in response.content.decode()


# ---------------------------------------------------------------------------- item 5: no 500 on ordinary input
def test_new_survey_with_remaining_lifespan_creates_the_case(people, campaign):
    client = login("officer_a")
    response = client.post(reverse("desk:case_new"), survey_post(client, campaign, remaining_lifespan_years="3"))
    assert response.status_code == 302
    case = HousingCase.objects.get()
    assert case.remaining_lifespan_years == 3
    lifespan = next(r for r in case.eligibility if r["code"] == "house_lifespan")
    assert lifespan["passed"] and lifespan["reason"] == "Niên hạn còn lại 3 năm < 5 năm"


@pytest.mark.parametrize("area", ["NaN", "Infinity", "-inf", "1e400", "١٢"])
def test_new_survey_refuses_nan_floor_area(people, campaign, area):
    client = login("officer_a")
    response = client.post(reverse("desk:case_new"), survey_post(client, campaign, floor_area=area))
    assert response.status_code == 400
    assert "Diện tích nhà hiện tại phải là số" in response.content.decode()
    assert Household.objects.count() == 0 and HousingCase.objects.count() == 0


def test_edit_survey_refuses_nan_and_a_bad_lock_version(people, campaign):
    case = new_case(people, campaign)
    client = login("officer_a")
    url = reverse("desk:case_form", args=[case.pk, "survey"])
    response = client.post(url, edit_survey_post(case, floor_area="NaN"))
    assert response.status_code == 400
    assert "Diện tích nhà hiện tại phải là số" in response.content.decode()
    response = client.post(url, edit_survey_post(case, lock_version="abc", persons="6"))
    assert response.status_code == 400
    assert "thiếu phiên bản hồ sơ hợp lệ" in response.content.decode()
    response = client.post(url, edit_survey_post(case, remaining_lifespan_years="１０"))
    assert response.status_code == 302
    refreshed = HousingCase.objects.get(pk=case.pk)
    assert refreshed.floor_area == 20 and refreshed.persons == 4 and refreshed.remaining_lifespan_years == 10


@pytest.mark.parametrize("field, value, message", [
    ("persons", "9" * 30, "Số người đang ở không được quá 50"),
    ("remaining_lifespan_years", "1e3", "Niên hạn còn lại phải là số nguyên"),
    ("surveyed_on", "01/01/0001", "Ngày rà soát không được trước ngày 01/01/2000"),
])
def test_edit_survey_other_bad_values(people, campaign, field, value, message):
    case = new_case(people, campaign)
    response = login("officer_a").post(reverse("desk:case_form", args=[case.pk, "survey"]),
                                       edit_survey_post(case, **{field: value}))
    assert response.status_code == 400 and message in response.content.decode()


def test_photo_decompression_bomb_refused_nothing_stored(people, campaign):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = new_case(people, campaign)
    client = login("officer_a")
    url = reverse("desk:case_form", args=[case.pk, "attachment"])
    for size in (20000, 12000):
        bomb = SimpleUploadedFile("anh.png", png_of_size(size, size), content_type="image/png")
        response = client.post(url, {"file": bomb, "caption": "bom"})
        assert response.status_code == 400
        assert "Ảnh “anh.png” quá lớn" in response.content.decode()
    fake = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 not really", content_type="application/pdf")
    response = client.post(url, {"file": fake})
    assert response.status_code == 400 and "không phải tệp PDF hợp lệ" in response.content.decode()
    assert Attachment.objects.count() == 0
    real = SimpleUploadedFile("bien-ban.html", small_pdf(), content_type="text/html")
    assert client.post(url, {"file": real}).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf" and attachment.file.name.endswith(".pdf")


def test_progress_photo_bomb_refused_nothing_stored(people, campaign):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from housing_campaign.cases.models import ProgressEntry

    case = advance(people, new_case(people, campaign), "construction")
    client = login("inspector")
    bomb = SimpleUploadedFile("tien-do.png", png_of_size(20000, 20000), content_type="image/png")
    response = client.post(reverse("desk:case_form", args=[case.pk, "progress"]),
                           {"date": "02/01/2025", "stage": "foundation", "percent": "10", "photos": [bomb]})
    assert response.status_code == 400 and "quá lớn" in response.content.decode()
    assert ProgressEntry.objects.filter(case=case).count() == 0 and Attachment.objects.count() == 0


@pytest.mark.parametrize("query", [f"strand={'9' * 30}", "strand=١٢", f"per_page={'9' * 5000}", "page=abc",
                                   "q=Y%00Hoa", "unit=%00", "x_abc=%00", "state=%00", "scope=%00"])
def test_queue_never_fails_on_odd_parameters(people, campaign, query):
    new_case(people, campaign)
    response = login("officer_a").get(reverse("desk:queue") + "?" + query)
    assert response.status_code == 200


def test_batch_print_with_a_25_digit_commune(people, campaign, monkeypatch):
    import housing_campaign.desk.printing as desk_printing

    monkeypatch.setattr(desk_printing, "enqueue", lambda *a, **kw: None)
    new_case(people, campaign)
    client = login("officer_a")
    response = client.post(reverse("desk:batch_print"), {"format": "acceptance_minutes", "commune": HUGE,
                                                         "filter_query": "q=%00&strand=" + HUGE})
    assert response.status_code == 302
    job = BackgroundJob.objects.get()
    assert job.params["commune"] == "" and job.total == 1
    response = client.post(reverse("desk:batch_print"), {"format": "\x00", "commune": "1"})
    assert response.status_code == 200 and "Hãy chọn mẫu in." in response.content.decode()


@pytest.mark.parametrize("payload", [{"data": [1, 2]}, {"data": "x"}, {"key": ["a"], "data": {}}, [1], "x", 5])
def test_draft_with_the_wrong_shape_is_refused(people, payload):
    response = login("officer_a").post(reverse("desk:save_draft"), json.dumps(payload),
                                       content_type="application/json")
    assert response.status_code == 400 and SurveyDraft.objects.count() == 0


def test_draft_nested_too_deep_is_refused(people):
    response = login("officer_a").post(reverse("desk:save_draft"), '{"data": ' + "[" * 50_000,
                                       content_type="application/json")
    assert response.status_code == 400


def test_draft_keeps_only_plain_values_without_nul(people):
    client = login("officer_a")
    response = client.post(reverse("desk:save_draft"), json.dumps({
        "key": "new\x00", "data": {"head_name": "Y\x00 Hoa", "nested": {"a": 1}, "n": 3}}),
        content_type="application/json")
    assert response.status_code == 200
    assert SurveyDraft.objects.get().data == {"head_name": "Y Hoa", "n": "3"}


def test_saved_filter_with_nul_and_newlines(people):
    client = login("officer_a")
    response = client.post(reverse("desk:save_filter"), {"name": "Lọc\x00 1", "query": "q=a\r\nSet-Cookie: x=1"})
    assert response.status_code == 302 and "\n" not in response["Location"]
    saved = SavedFilter.objects.get()
    assert saved.name == "Lọc 1" and "\n" not in saved.query


def test_transition_comment_with_nul(people, campaign):
    case = new_case(people, campaign)
    response = login("officer_a").post(reverse("desk:case_transition", args=[case.pk]),
                                       {"action": "submit\x00", "comment": "ok\x00", "expected_state": "survey"})
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/desk/cases/{huge}/", "/desk/cases/{huge}/forms/survey/",
                                  "/desk/print/jobs/{huge}/", "/desk/cases/{pk}/files/{huge}/",
                                  "/desk/cases/{pk}/documents/{huge}/"])
def test_huge_ids_in_urls_are_not_found(people, campaign, path):
    case = new_case(people, campaign)
    client = login("officer_a")
    url = path.format(huge=HUGE, pk=case.pk)
    response = client.post(url, {}) if "forms" in url else client.get(url)
    assert response.status_code == 404


def test_search_with_nul_character(people, campaign):
    """The demo probe ran on PostgreSQL, where a NUL in a query parameter was a server error."""
    case = new_case(people, campaign)
    client = login("officer_a")
    response = client.get(reverse("desk:queue"), {"q": f"{case.household.head_name}\x00"})
    assert response.status_code == 200
    assert f"/desk/cases/{case.pk}/" in response.content.decode()
    assert connection.vendor in ("sqlite", "postgresql")


# ---------------------------------------------------------------------------- item 7: national ID
def test_full_width_national_id_stored_as_ascii_and_found(people, campaign):
    client = login("officer_a")
    full_width = "０６２１８５１２３４５６"
    response = client.post(reverse("desk:case_new"), survey_post(client, campaign, national_id=full_width))
    assert response.status_code == 302
    assert Household.objects.get().national_id == "062185123456"
    case = HousingCase.objects.get()
    page = client.get(reverse("desk:queue"), {"q": "062185123456", "scope": "all"}).content.decode()
    assert f"/desk/cases/{case.pk}/" in page
    page = client.get(reverse("desk:queue"), {"q": "０６２１８５１２３４５６", "scope": "all"}).content.decode()
    assert f"/desk/cases/{case.pk}/" in page


def test_arabic_indic_national_id_refused(people, campaign):
    client = login("officer_a")
    response = client.post(reverse("desk:case_new"), survey_post(client, campaign, national_id="٠٦٢١٨٥١٢٣٤٥٦"))
    assert response.status_code == 400
    assert "Số CCCD phải gồm đúng 12 chữ số 0–9" in response.content.decode()
    assert Household.objects.count() == 0


def test_duplicate_national_id_refused_naming_the_case_only_when_visible(people, campaign):
    mine = new_case(people, campaign)
    theirs = new_case(people, campaign, commune_code=OTHER)
    client = login("officer_a")
    response = client.post(reverse("desk:case_new"), survey_post(client, campaign,
                                                                 national_id=mine.household.national_id))
    text = response.content.decode()
    assert response.status_code == 400
    assert f"Đã có hộ khác dùng số CCCD này: hộ {mine.household.head_name}, hồ sơ {mine.code}." in text
    response = client.post(reverse("desk:case_new"), survey_post(client, campaign,
                                                                 national_id=theirs.household.national_id))
    text = response.content.decode()
    assert response.status_code == 400
    assert "Đã có hộ khác dùng số CCCD này." in text
    assert theirs.code not in text and theirs.household.head_name not in text
    assert Household.objects.count() == 2


def test_survey_date_in_year_one_refused(people, campaign):
    client = login("officer_a")
    response = client.post(reverse("desk:case_new"), survey_post(client, campaign, surveyed_on="01/01/0001"))
    assert response.status_code == 400
    assert "Ngày rà soát không được trước ngày 01/01/2000 (đang nhập 01/01/0001)." in response.content.decode()
    assert HousingCase.objects.count() == 0


# ---------------------------------------------------------------------------- every other desk form, fuzzed
FUZZ = ["NaN", "Infinity", "1e400", "9" * 30, "-" + "9" * 30, "١٢", "x\x00y", "01/01/0001", "31/12/9999", "💥"]
STAGE_FORMS = {
    "confirmation": ("commune_confirmation", "chairman_a",
                     {"village_meeting_on": "02/01/2025", "village_meeting_total": "30", "village_meeting_agree": "20",
                      "commune_list_number": "07/DS"}),
    "funding": ("funding", "finance", {"approval_decision_number": "1/QĐ", "approval_decision_date": "02/01/2025"}),
    "progress": ("construction", "inspector", {"date": "02/01/2025", "stage": "foundation", "percent": "10",
                                               "note": "ok"}),
    "acceptance": ("acceptance", "inspector", {"usable_area": "36", "hard_foundation": "on", "hard_frame": "on",
                                               "hard_roof": "on", "lifespan_years": "25", "accepted_on": "02/01/2025"}),
    "handover": ("handover", "officer_a", {"handed_over_on": "02/01/2025"}),
}


@pytest.mark.parametrize("name", sorted(STAGE_FORMS))
def test_every_stage_form_answers_bad_values_with_a_message(people, campaign, name):
    from housing_campaign.core.models import DocumentEvent

    until, username, good = STAGE_FORMS[name]
    case = advance(people, new_case(people, campaign), until)
    client = login(username)
    url = reverse("desk:case_form", args=[case.pk, name])
    events = DocumentEvent.objects.filter(object_id=case.pk).count()
    for field in good:
        for value in FUZZ:
            response = client.post(url, {**good, field: value, "lock_version": case.lock_version})
            assert response.status_code in (302, 400), (field, value, response.status_code)
            if response.status_code == 400:
                assert "Chưa lưu được" in response.content.decode()
            else:  # accepted only where any text is fine (free text, check boxes)
                assert field in ("commune_list_number", "approval_decision_number", "note", "hard_foundation",
                                 "hard_frame", "hard_roof"), (field, value)
    assert "\x00" not in "".join(str(e.changes) + e.comment for e in DocumentEvent.objects.filter(object_id=case.pk))
    assert DocumentEvent.objects.filter(object_id=case.pk).count() >= events


def test_funding_decision_form_keeps_what_was_typed(people, campaign):
    """The funding stage's form records the decision; money is allocated from pools (tests/funding)."""
    case = advance(people, new_case(people, campaign), "funding")
    client = login("finance")
    url = reverse("desk:case_form", args=[case.pk, "funding"])
    response = client.post(url, {"approval_decision_number": "", "approval_decision_date": "02/01/2025",
                                 "lock_version": case.lock_version})
    assert response.status_code == 400 and "Chưa nhập số quyết định." in response.content.decode()
    assert 'value="02/01/2025"' in response.content.decode()
    assert client.post(url, {"approval_decision_number": "15/QĐ-UBND", "approval_decision_date": "02/01/2025",
                             "lock_version": case.lock_version}).status_code == 302
    case.refresh_from_db()
    assert case.approval_decision_number == "15/QĐ-UBND"


def test_certificate_and_issue_posts_with_odd_values(people, campaign):
    case = advance(people, new_case(people, campaign), "posting")
    client = login("chairman_a")
    certificate = case.certificates.get()
    url = reverse("desk:certificate_action", args=[case.pk, certificate.pk])
    assert client.post(url, {"op": "revoke\x00", "reason": "sai\x00 tên"}).status_code == 302
    assert client.post(reverse("desk:certificate_action", args=[case.pk, HUGE]), {"op": "revoke"}).status_code == 404
    assert client.post(reverse("desk:case_issue", args=[case.pk, "nope"])).status_code == 302
    assert client.get(reverse("desk:case_print", args=[case.pk, "nope"])).status_code == 404
    assert client.post(reverse("desk:delete_filter", args=[HUGE])).status_code == 302
    assert client.get(reverse("desk:batch_download", args=[HUGE])).status_code == 404


def test_new_survey_form_fuzzed(people, campaign):
    client = login("officer_a")
    good = survey_post(client, campaign)
    fields = ["head_name", "national_id", "split_on", "phone", "floor_area", "persons", "remaining_lifespan_years",
              "surveyed_on", "village", "strand", "commune", "ethnicity"]
    for field in fields:
        for value in FUZZ:
            response = client.post(reverse("desk:case_new"), {**good, field: value, "national_id": ""})
            assert response.status_code in (302, 400), (field, value)
    stored = list(Household.objects.values_list("head_name", "phone", "ethnicity"))
    assert stored and not any("\x00" in text for row in stored for text in row)


def test_survey_note_is_bounded_and_migrate_target_never_500(people, campaign):
    from housing_campaign.cases.services import SURVEY_NOTE_MAX, survey_clean
    from housing_campaign.workflow.models import WorkflowDefinition
    from tests.conftest import survey_data

    _, errors = survey_clean(campaign, survey_data(campaign, survey_note="x" * (SURVEY_NOTE_MAX + 1)))
    assert "Ghi chú dài tối đa 4.000 ký tự" in errors["survey_note"][0]
    client = Client()
    client.force_login(people.admin)
    definition = WorkflowDefinition.objects.filter(doctype="housing_case").first()
    for target in ("abc", "NaN", "1.5", "0x10", "%00", "9" * 30):
        response = client.get(reverse("admin:workflow_migrate", args=[definition.pk]) + f"?target={target}")
        assert response.status_code == 200, target

"""Issue 11, item 5: the case page always says what to do next. An action closed only by missing data is
shown with links to the inputs; "no action" is said only to someone who truly has none; a return is never
blocked by the fields it sends back; a forward step is saved with the open stage form (both or neither);
every refused form or action comes back with what was typed; print buttons only for documents the case
has, and a plain page saying why for the others. Bad input never changes anything and never fails."""
import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from housing_campaign.cases.models import HousingCase
from housing_campaign.core.models import DocumentEvent
from housing_campaign.printing.models import IssuedDocument
from housing_campaign.workflow import engine
from tests.conftest import OTHER, PASSWORD, advance, make_user, new_case, post_ended

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def login(username) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def page_of(client, case) -> str:
    response = client.get(reverse("desk:case", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def actions_card(html: str) -> str:
    """The "Việc cần làm" card only (the rest of the page has its own buttons and words)."""
    return html[html.index('id="thao-tac"'):html.index("</section>", html.index('id="thao-tac"'))]


def button(html: str, label: str) -> str:
    """The opening tag of the button labelled ``label``."""
    found = re.search(r"<button[^>]*>" + re.escape(label) + "</button>", html)
    assert found, f"no button {label!r}"
    return found.group(0)


def transitions_of(case) -> int:
    return DocumentEvent.objects.filter(object_id=case.pk, kind="transition").count()


def confirmation_case(people, campaign):
    """A case waiting for the commune's confirmation, the village meeting not entered yet."""
    return advance(people, new_case(people, campaign), "commune_confirmation")


# ---------------------------------------------------------------------------- closed by missing data
def test_engine_keeps_missing_fields_apart_from_other_reasons(people, campaign):
    case = confirmation_case(people, campaign)
    options = {o.action: o for o in engine.actions_for(actor=people.actor(people.chairman), doctype="housing_case",
                                                       document=case)}
    confirm = options["confirm"]
    assert not confirm.allowed and confirm.reasons == [] and confirm.codes == []
    assert [m.name for m in confirm.missing] == ["village_meeting_on", "village_meeting_agree",
                                                 "village_meeting_total"]
    assert confirm.missing[0].label == "ngày họp bình xét"
    assert options["return"].allowed and options["return"].missing == []  # a return needs none of them
    # The refusal of the transition itself still names them.
    with pytest.raises(Exception) as exc:
        engine.document_transition(actor=people.actor(people.chairman), doctype="housing_case", object_id=case.pk,
                                   action="confirm")
    assert "Còn thiếu thông tin bắt buộc: ngày họp bình xét, số phiếu đồng ý, số người dự họp." in str(exc.value)


def test_action_closed_by_missing_fields_is_shown_disabled_with_links(people, campaign):
    case = confirmation_case(people, campaign)
    card = actions_card(page_of(login("chairman_a"), case))
    confirm = button(card, "Xác nhận kết quả bình xét")
    assert "disabled" in confirm
    assert 'data-needs="id_village_meeting_on id_village_meeting_agree id_village_meeting_total"' in confirm
    for field, label in (("village_meeting_on", "Ngày họp bình xét"), ("village_meeting_agree", "Số phiếu đồng ý"),
                         ("village_meeting_total", "Số người dự họp")):
        assert f'<a href="#id_{field}">{label}</a>' in card
        assert f'id="id_{field}"' in card  # the input the link goes to is on the page
    assert "Còn thiếu thông tin bắt buộc" in card
    assert "Việc tiếp theo: nhập Ngày họp bình xét, Số phiếu đồng ý, Số người dự họp" in card
    assert "Bạn không có thao tác nào" not in card
    return_button = button(card, "Trả lại cán bộ xã")
    assert "disabled" not in return_button


def test_a_default_that_fills_the_missing_field_opens_the_action(people, campaign):
    case = advance(people, new_case(people, campaign), "handover")
    assert case.handed_over_on is None
    card = actions_card(page_of(login("chairman_a"), case))
    hand_over = button(card, "Bàn giao nhà và cấp giấy chứng nhận")
    assert "disabled" not in hand_over and 'formaction="/desk/cases/' in hand_over
    assert f'value="{TODAY:%d/%m/%Y}"' in card  # the handover date defaults to today
    assert "Chưa lưu, sẽ lưu từ biểu mẫu khi bấm nút" in card
    assert '<a href="#id_handed_over_on">Ngày bàn giao</a>' in card


def test_missing_field_without_an_input_for_the_user_says_who_fills_it(people, campaign):
    """Someone who acts in the state but may not edit it is told who enters the missing data."""
    from housing_campaign.workflow.models import WorkflowState

    case = advance(people, new_case(people, campaign), "eligibility_review")
    WorkflowState.objects.filter(definition_id=case.workflow_id, code="eligibility_review").update(
        required_fields=["approval_decision_number"])
    engine.clear_definition_cache()
    card = actions_card(page_of(login("reviewer"), case))
    assert "disabled" in button(card, "Duyệt đủ điều kiện")
    assert "<b>Số quyết định phê duyệt</b>" in card and "trang này chưa có ô nhập" in card


# ---------------------------------------------------------------------------- who sees which actions
def test_no_actions_only_when_the_user_truly_has_none(people, campaign):
    case = confirmation_case(people, campaign)
    # The officer edits the village meeting here but takes no step: told what to fill and who acts next.
    card = actions_card(page_of(login("officer_a"), case))
    assert "Bạn không có thao tác nào" not in card
    assert "Ở bước này bạn cập nhật “Kết quả bình xét và danh sách của xã”" in card
    assert "Bước tiếp theo (“Xác nhận kết quả bình xét”) do Chủ tịch UBND xã" in card
    assert "Xác nhận kết quả bình xét</button>" not in card
    # The reviewer neither edits nor acts here.
    card = actions_card(page_of(login("reviewer"), case))
    assert "Bạn không có thao tác nào ở trạng thái này." in card and "<button" not in card
    # The chairman holds "withdraw" in the survey but not "submit": only his action is shown.
    survey = new_case(people, campaign)
    card = actions_card(page_of(login("chairman_a"), survey))
    assert "Rút hồ sơ</button>" in card and "Gửi xã xác nhận</button>" not in card
    assert "Bước tiếp theo (“Gửi xã xác nhận”) do Cán bộ xã thực hiện. Ở bước này bạn chỉ có thể: “Rút hồ sơ”." in card
    assert "Bạn không có thao tác nào" not in card


def test_every_action_closed_says_what_blocks(people, campaign):
    """A deputy acting for the reviewer sees a commune officer's case in the survey: she is a commune officer
    (of another commune), so the officer's actions are hers, but outside her territory."""
    from housing_campaign.accounts.models import Delegation

    case = new_case(people, campaign)
    Delegation.objects.create(delegator=people.reviewer, delegate=people.officer_b, starts_on=TODAY,
                              ends_on=TODAY + dt.timedelta(days=5))
    card = actions_card(page_of(login("officer_b"), case))
    assert "disabled" in button(card, "Gửi xã xác nhận") and "disabled" in button(card, "Rút hồ sơ")
    assert "Chưa “Gửi xã xác nhận” được: Hồ sơ nằm ngoài địa bàn bạn phụ trách." in card
    assert "Bạn không có thao tác nào" not in card


def test_previous_actor_rule_is_shown_as_the_reason(people, campaign):
    from housing_campaign.accounts.models import Role
    from housing_campaign.cases.services import case_update_confirmation

    both = make_user("chair_and_reviewer", "commune_chairman", "23344")
    both.groups.add(Role.objects.get(code="reviewer").group)
    case = confirmation_case(people, campaign)
    case_update_confirmation(actor=people.actor(both), case_id=case.pk, data={
        "village_meeting_on": TODAY, "village_meeting_total": 20, "village_meeting_agree": 19})
    client = login("chair_and_reviewer")
    assert client.post(reverse("desk:case_transition", args=[case.pk]),
                       {"action": "confirm", "expected_state": "commune_confirmation"}).status_code == 302
    # Workflow v2: the village list is posted; when its period is over the same person (as chairman) sends
    # the case on to review, and is then the previous actor the approval rule is about.
    post_ended(people, [case])
    assert client.post(reverse("desk:case_transition", args=[case.pk]),
                       {"action": "end_posting", "expected_state": "village_posting"}).status_code == 302
    case.refresh_from_db()
    assert case.state == "eligibility_review" and case.last_actor_id == both.pk
    card = actions_card(page_of(client, case))
    assert "disabled" in button(card, "Duyệt đủ điều kiện")
    assert "Người đã thực hiện bước trước không được thực hiện bước này." in card
    assert "disabled" not in button(card, "Trả lại để bổ sung")


def test_auditor_sees_no_buttons_and_why(people, campaign):
    case = advance(people, new_case(people, campaign), "handover")
    card = actions_card(page_of(login("auditor"), case))
    assert "<button" not in card and "<form" not in card
    assert "chỉ có quyền xem" in card
    assert "Bước tiếp theo (“Bàn giao nhà và cấp giấy chứng nhận”) do" in card
    response = login("auditor").post(reverse("desk:case_transition", args=[case.pk]), {
        "action": "hand_over", "expected_state": "handover", "stage_form": "handover",
        "handed_over_on": TODAY.strftime("%d/%m/%Y"), "lock_version": case.lock_version})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.state == "handover" and case.handed_over_on is None


def test_anonymous_is_sent_to_login(people, campaign):
    case = new_case(people, campaign)
    client = Client()
    for response in (client.get(reverse("desk:case", args=[case.pk])),
                     client.post(reverse("desk:case_transition", args=[case.pk]), {"action": "submit"}),
                     client.get(reverse("desk:case_print", args=[case.pk, "handover_certificate"]))):
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    case.refresh_from_db()
    assert case.state == "survey"


def test_terminal_state_says_the_case_is_over(people, campaign):
    case = advance(people, new_case(people, campaign), "closed")
    card = actions_card(page_of(login("officer_a"), case))
    assert "không còn bước nào tiếp theo" in card and "<button" not in card


# ---------------------------------------------------------------------------- returns are never blocked
def test_return_works_with_the_fields_missing(people, campaign):
    case = confirmation_case(people, campaign)
    client = login("chairman_a")
    response = client.post(reverse("desk:case_transition", args=[case.pk]),
                           {"action": "return", "expected_state": "commune_confirmation", "comment": "  "})
    text = response.content.decode()
    assert response.status_code == 400 and "Thao tác này bắt buộc ghi lý do." in text
    assert transitions_of(case) == 1
    response = client.post(reverse("desk:case_transition", args=[case.pk]), {
        "action": "return", "expected_state": "commune_confirmation", "comment": "Thiếu biên bản họp thôn"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "returned"
    event = DocumentEvent.objects.filter(object_id=case.pk, kind="transition").latest("id")
    assert event.comment == "Thiếu biên bản họp thôn" and event.to_state == "returned"


def test_returned_case_with_survey_fields_missing(people, campaign):
    """Sent back because the survey lacks data: withdrawing is open, resubmitting links the empty inputs;
    and the reviewer can return a case whatever it lacks."""
    case = advance(people, new_case(people, campaign), "eligibility_review")
    HousingCase.objects.filter(pk=case.pk).update(foundation="", roof="")
    reviewer = login("reviewer")
    response = reviewer.post(reverse("desk:case_transition", args=[case.pk]), {
        "action": "return", "expected_state": "eligibility_review", "comment": "Ghi rõ móng và mái"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "returned"
    card = actions_card(page_of(login("officer_a"), case))
    resubmit = button(card, "Gửi lại sau khi bổ sung")
    assert "disabled" in resubmit and 'data-needs="id_foundation id_roof"' in resubmit
    assert '<a href="#id_foundation">Nền, móng</a>' in card and '<a href="#id_roof">Mái</a>' in card
    assert "disabled" not in button(card, "Rút hồ sơ")
    assert "Lý do trả lại</b> (Reviewer," in card and "<q>Ghi rõ móng và mái</q>" in card  # read first


# ---------------------------------------------------------------------------- the form saved with the action
def handover_post(case, **overrides) -> dict:
    return {"action": "hand_over", "expected_state": "handover", "stage_form": "handover",
            "handed_over_on": TODAY.strftime("%d/%m/%Y"), "lock_version": case.lock_version, **overrides}


def test_form_and_action_in_one_post_saves_both(people, campaign, django_capture_on_commit_callbacks):
    case = advance(people, new_case(people, campaign), "handover")
    with django_capture_on_commit_callbacks(execute=True):
        response = login("chairman_a").post(reverse("desk:case_transition", args=[case.pk]),
                                            handover_post(case, **{"comment-hand_over": "Bàn giao tại thôn"}),
                                            follow=True)
    text = response.content.decode()
    assert response.status_code == 200 and "Đã lưu “Bàn giao”." in text and "Đã chuyển sang “Đang công khai”" in text
    case.refresh_from_db()
    assert case.state == "posting" and case.handed_over_on == TODAY
    assert case.certificates.filter(status="valid").count() == 1
    event = DocumentEvent.objects.filter(object_id=case.pk, kind="transition").latest("id")
    assert event.comment == "Bàn giao tại thôn"


@pytest.mark.parametrize("overrides, message", [
    ({"handed_over_on": "31/13/2025"}, "ngày 31/13/2025 không có trong lịch."),
    ({"handed_over_on": "01/01/2001"}, "Ngày bàn giao không được trước ngày nghiệm thu."),
    ({"handed_over_on": ""}, "Chưa nhập ngày bàn giao."),
])
def test_form_refused_nothing_applied_everything_typed(people, campaign, overrides, message):
    case = advance(people, new_case(people, campaign), "handover")
    response = login("chairman_a").post(reverse("desk:case_transition", args=[case.pk]),
                                        handover_post(case, **overrides, **{"comment-hand_over": "Đã họp dân"}))
    text = response.content.decode()
    assert response.status_code == 400
    assert message in text and "Chưa lưu, chưa chuyển bước" in text
    # The comment is kept in its textarea (issue 17: a textarea, so that Enter never presses the step).
    assert f'value="{overrides["handed_over_on"]}"' in text and '>Đã họp dân</textarea>' in text
    case.refresh_from_db()
    # 7 steps to handover in workflow v2 (submit, confirm, end_posting, approve, allocate, complete, accept)
    assert case.state == "handover" and case.handed_over_on is None and transitions_of(case) == 7


def test_transition_refused_after_the_form_rolls_the_form_back(people, campaign):
    """The village meeting is valid, but the page was stale: neither the form nor the step is applied."""
    case = confirmation_case(people, campaign)
    data = {"action": "confirm", "expected_state": "survey", "stage_form": "confirmation",
            "village_meeting_on": TODAY.strftime("%d/%m/%Y"), "village_meeting_total": "41",
            "village_meeting_agree": "39", "commune_list_number": "17/DS-UBND", "lock_version": case.lock_version,
            "comment-confirm": "Thôn đã họp"}
    response = login("chairman_a").post(reverse("desk:case_transition", args=[case.pk]), data)
    text = response.content.decode()
    assert response.status_code == 409
    assert "thao tác của bạn không được áp dụng" in text and "Biểu mẫu bên dưới chưa được lưu" in text
    assert 'value="17/DS-UBND"' in text and 'value="41"' in text and "Thôn đã họp" in text
    case.refresh_from_db()
    assert case.state == "commune_confirmation" and case.village_meeting_total is None
    assert not DocumentEvent.objects.filter(object_id=case.pk, kind="edited").exists()
    # The same post with the right state: both applied.
    response = login("chairman_a").post(reverse("desk:case_transition", args=[case.pk]),
                                        {**data, "expected_state": "commune_confirmation"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "village_posting" and case.village_meeting_total == 41  # workflow v2: the list is posted


def test_funding_decision_and_allocation_in_one_post(people, campaign):
    """The state support is allocated from pools (tests/funding); the funding stage's form holds the
    decision, saved with the step or not at all."""
    from housing_campaign.funding.services import allocation_create
    from tests.conftest import state_pool

    case = advance(people, new_case(people, campaign), "funding")
    client = login("finance")
    data = {"action": "allocate", "expected_state": "funding", "stage_form": "funding",
            "approval_decision_number": "125/QĐ-UBND", "approval_decision_date": TODAY.strftime("%d/%m/%Y")}
    # The state support not allocated yet: the condition refuses the step and the decision is not kept either.
    response = client.post(reverse("desk:case_transition", args=[case.pk]), data)
    text = response.content.decode()
    assert response.status_code == 400 and "Chưa phân bổ đủ hỗ trợ của Nhà nước theo định mức" in text
    assert 'value="125/QĐ-UBND"' in text
    case.refresh_from_db()
    assert case.approval_decision_number == ""
    allocation_create(actor=people.actor(people.finance), case_id=case.pk, pool_id=state_pool(people, campaign).pk,
                      amount=case.support_amount)
    response = client.post(reverse("desk:case_transition", args=[case.pk]), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "construction" and case.approval_decision_number == "125/QĐ-UBND"


def test_survey_corrected_and_resubmitted_in_one_post(people, campaign):
    case = advance(people, new_case(people, campaign), "eligibility_review")
    login("reviewer").post(reverse("desk:case_transition", args=[case.pk]), {
        "action": "return", "expected_state": "eligibility_review", "comment": "Ghi lại số người"})
    case.refresh_from_db()
    data = {"action": "resubmit", "expected_state": "returned", "stage_form": "survey", "strand": case.strand_id,
            "support_type": "new_build", "floor_area": "24", "persons": "6", "foundation": "unstable",
            "frame_walls": "unstable", "roof": "stable", "surveyed_on": "02/01/2025",
            "lock_version": case.lock_version, "comment-resubmit": "Đã đếm lại"}
    response = login("officer_a").post(reverse("desk:case_transition", args=[case.pk]), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "commune_confirmation" and case.persons == 6
    changes = DocumentEvent.objects.filter(object_id=case.pk, kind="edited").latest("id").changes
    assert changes["persons"] == [4, 6]


def test_an_untouched_add_form_is_not_saved_with_the_action(people, campaign):
    """The progress form sent untouched with "complete" adds no progress entry (its date defaults to today)."""
    from housing_campaign.cases.models import ProgressEntry

    case = advance(people, new_case(people, campaign), "construction")
    from housing_campaign.cases.services import progress_add

    progress_add(actor=people.actor(people.inspector), case_id=case.pk, date=TODAY, stage="finishing", percent=100)
    response = login("inspector").post(reverse("desk:case_transition", args=[case.pk]), {
        "action": "complete", "expected_state": "construction", "stage_form": "progress",
        "date": TODAY.strftime("%d/%m/%Y"), "stage": "", "percent": "", "note": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "acceptance" and ProgressEntry.objects.filter(case=case).count() == 1


def test_acceptance_form_prefilled_from_the_saved_record(people, campaign):
    case = advance(people, new_case(people, campaign), "acceptance")
    from housing_campaign.cases.services import acceptance_record

    acceptance_record(actor=people.actor(people.inspector), case_id=case.pk, data={
        "usable_area": "36", "hard_foundation": True, "hard_frame": True, "hard_roof": True, "lifespan_years": 25,
        "accepted_on": TODAY})
    events = DocumentEvent.objects.filter(object_id=case.pk).count()
    client = login("inspector")
    form = client.get(reverse("desk:case", args=[case.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data = {k: (v.strftime("%d/%m/%Y") if hasattr(v, "strftime") else ("on" if v is True else v))
            for k, v in data.items()}
    response = client.post(reverse("desk:case_transition", args=[case.pk]), {
        **data, "action": "accept", "expected_state": "acceptance", "stage_form": "acceptance"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "handover"
    # Unchanged: no second acceptance written, only the step.
    assert DocumentEvent.objects.filter(object_id=case.pk).count() == events + 1


# ---------------------------------------------------------------------------- failed forms keep what was typed
FORMS = {
    "confirmation": ("commune_confirmation", "chairman_a",
                     {"village_meeting_on": "05/01/2025", "village_meeting_total": "20",
                      "village_meeting_agree": "25", "commune_list_number": "07/DS-GIU"}, "07/DS-GIU"),
    "funding": ("funding", "finance", {"approval_decision_number": "99/QĐ-GIU", "approval_decision_date": "32/01/2025"},
                "99/QĐ-GIU"),
    "progress": ("construction", "inspector", {"date": "02/01/2025", "stage": "", "percent": "37",
                                               "note": "Đổ móng GIỮ"}, "Đổ móng GIỮ"),
    "acceptance": ("acceptance", "inspector", {"usable_area": "abc", "lifespan_years": "25",
                                               "accepted_on": "02/01/2025", "note": "Ghi chú GIỮ"}, "Ghi chú GIỮ"),
    "handover": ("handover", "officer_a", {"handed_over_on": "32/01/2025"}, "32/01/2025"),
}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_stage_form_keeps_what_was_typed(people, campaign, name):
    until, username, data, kept = FORMS[name]
    case = advance(people, new_case(people, campaign), until)
    response = login(username).post(reverse("desk:case_form", args=[case.pk, name]),
                                    {**data, "lock_version": case.lock_version})
    text = response.content.decode()
    assert response.status_code == 400 and "Chưa lưu được" in text
    assert kept in text
    assert response.context["form"].is_bound


def test_survey_and_attachment_forms_keep_what_was_typed(people, campaign):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = new_case(people, campaign)
    client = login("officer_a")
    response = client.post(reverse("desk:case_form", args=[case.pk, "survey"]), {
        "strand": case.strand_id, "support_type": "new_build", "floor_area": "-4", "persons": "4",
        "foundation": "unstable", "frame_walls": "unstable", "roof": "stable", "surveyed_on": "02/01/2025",
        "survey_note": "Nhà vách nứa GIỮ", "lock_version": case.lock_version})
    text = response.content.decode()
    assert response.status_code == 400 and "Nhà vách nứa GIỮ" in text and 'value="-4"' in text
    response = client.post(reverse("desk:case_form", args=[case.pk, "attachment"]), {
        "file": SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf"), "caption": "Sổ đỏ GIỮ"})
    text = response.content.decode()
    assert response.status_code == 400 and 'value="Sổ đỏ GIỮ"' in text


def test_refused_action_keeps_its_comment(people, campaign):
    case = advance(people, new_case(people, campaign), "eligibility_review")
    client = login("reviewer")
    response = client.post(reverse("desk:case_transition", args=[case.pk]),
                           {"action": "return", "expected_state": "funding", "comment": "Thiếu ảnh mái GIỮ"})
    text = response.content.decode()
    assert response.status_code == 409 and "Trang đã được tải lại" in text
    assert ">Thiếu ảnh mái GIỮ</textarea>" in text  # back in the return's reason box
    HousingCase.objects.filter(pk=case.pk).update(is_eligible=False)
    response = client.post(reverse("desk:case_transition", args=[case.pk]),
                           {"action": "approve", "expected_state": "eligibility_review", "comment": "Đã xác minh"})
    text = response.content.decode()
    assert response.status_code == 400 and "Hộ chưa đáp ứng điều kiện hỗ trợ" in text
    assert "Ý kiến bạn đã nhập (chưa được ghi): “Đã xác minh”" in text
    case.refresh_from_db()
    assert case.state == "eligibility_review"


# ---------------------------------------------------------------------------- printing
def docs_card(html: str) -> str:
    start = html.index('aria-labelledby="h-docs"')
    return html[start:html.index("</section>", start)]


def test_print_buttons_follow_the_state(people, campaign):
    client = login("chairman_a")
    case = new_case(people, campaign)
    docs = docs_card(page_of(client, case))
    assert "/print/handover_certificate/" not in docs and "/print/acceptance_minutes/" not in docs
    assert "Giấy chứng nhận được cấp khi bàn giao nhà; hồ sơ đang ở trạng thái “Đang rà soát”." in docs
    assert "Biên bản nghiệm thu có sau khi ghi kết quả nghiệm thu" in docs
    assert "Ban hành có số" not in docs
    advance(people, case, "handover")
    docs = docs_card(page_of(client, case))
    assert "/print/acceptance_minutes/" in docs and "/issue/acceptance_minutes/" in docs
    assert "/print/handover_certificate/" not in docs and "hồ sơ đang ở trạng thái “Chờ bàn giao”" in docs
    assert "/print/acceptance_minutes/" in docs_card(page_of(login("officer_a"), case))
    assert "/issue/" not in docs_card(page_of(login("officer_a"), case))  # officers do not issue
    posted = advance(people, new_case(people, campaign), "posting")
    docs = docs_card(page_of(client, posted))
    assert "/print/acceptance_minutes/" in docs and "/print/handover_certificate/" in docs


def test_print_url_opened_too_early_says_why(people, campaign):
    case = advance(people, new_case(people, campaign), "eligibility_review")
    client = login("officer_a")
    for code, message in (("handover_certificate", "Giấy chứng nhận được cấp khi bàn giao nhà; hồ sơ đang ở "
                                                   "trạng thái “Chờ thẩm định”."),
                          ("acceptance_minutes", "Biên bản nghiệm thu có sau khi ghi kết quả nghiệm thu"),
                          ("nope", "Không có mẫu in này."), ("x" * 60, "Không có mẫu in này.")):
        response = client.get(reverse("desk:case_print", args=[case.pk, code]))
        text = response.content.decode()
        assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
        assert message in text and f'href="/desk/cases/{case.pk}/#h-docs"' in text
    # Issuing it with a number is refused for the same reason.
    chairman = login("chairman_a")
    response = chairman.post(reverse("desk:case_issue", args=[case.pk, "acceptance_minutes"]), follow=True)
    assert "Biên bản nghiệm thu có sau khi ghi kết quả nghiệm thu" in response.content.decode()
    assert not IssuedDocument.objects.filter(object_id=case.pk).exists()


def test_print_of_a_case_outside_the_territory_is_not_found(people, campaign):
    case = new_case(people, campaign, commune_code=OTHER)
    response = login("officer_a").get(reverse("desk:case_print", args=[case.pk, "acceptance_minutes"]))
    assert response.status_code == 404 and case.code not in response.content.decode()


# ---------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("data", [
    {"action": "nope", "expected_state": "survey"},
    {"action": "x" * 5000, "expected_state": "survey", "comment": "y" * 10000},
    {"action": "submit", "expected_state": "closed"},
    {"action": "submit", "expected_state": "\x00💥" * 50},
    {"action": "submit", "expected_state": "survey", "stage_form": "nope"},
    {"action": "submit", "expected_state": "survey", "stage_form": "attachment"},
    {"action": "submit", "expected_state": "survey", "stage_form": "survey", "floor_area": "NaN",
     "surveyed_on": "31/02/2025", "persons": "9" * 40},
    {"action": "submit", "expected_state": "survey", "stage_form": "handover", "handed_over_on": "01/01/2025"},
    {"action": ["submit", "nope"], "expected_state": "survey", "comment": ["a", "b"]},
])
def test_forged_posts_change_nothing_and_answer_in_vietnamese(people, campaign, data):
    case = new_case(people, campaign)
    before = HousingCase.objects.filter(pk=case.pk).values().get()
    events = DocumentEvent.objects.filter(object_id=case.pk).count()
    response = login("officer_a").post(reverse("desk:case_transition", args=[case.pk]), data)
    assert response.status_code in (400, 409), response.status_code
    text = response.content.decode()
    assert re.search(r'class="msg error"', text)
    assert HousingCase.objects.filter(pk=case.pk).values().get() == before
    assert DocumentEvent.objects.filter(object_id=case.pk).count() == events


# ---------------------------------------------------------------------------- query counts
def test_case_page_queries_do_not_grow_with_missing_fields_or_history(people, campaign):
    def count(client, case):
        client.get(reverse("desk:case", args=[case.pk]))  # warm: compiled workflow, role labels
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("desk:case", args=[case.pk])).status_code == 200
        return len(ctx)

    chairman = login("chairman_a")
    short = confirmation_case(people, campaign)
    long = confirmation_case(people, campaign)
    for _ in range(3):  # a longer history: returned and resubmitted three times
        for who, action, comment in (("chairman_a", "return", "Bổ sung"), ("officer_a", "resubmit", "")):
            login(who).post(reverse("desk:case_transition", args=[long.pk]),
                            {"action": action, "expected_state": HousingCase.objects.get(pk=long.pk).state,
                             "comment": comment})
    assert HousingCase.objects.get(pk=long.pk).state == "commune_confirmation"
    assert count(chairman, short) == count(chairman, long) <= 26  # 26: +1 for the postings panel (issue 13)
    filled = confirmation_case(people, campaign)
    from housing_campaign.cases.services import case_update_confirmation

    case_update_confirmation(actor=people.actor(people.chairman), case_id=filled.pk, data={
        "village_meeting_on": TODAY, "village_meeting_total": 30, "village_meeting_agree": 28})
    assert count(chairman, filled) == count(chairman, short)
    pages = {state: count(chairman, advance(people, new_case(people, campaign), state))
             for state in ("handover", "posting")}
    # the money panel (issue 12) and the postings panel (issue 13) read a fixed number more
    assert max(pages.values()) <= 33, pages

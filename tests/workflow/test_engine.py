import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from housing_campaign.cases.models import HousingCase
from housing_campaign.core.errors import ServiceError
from housing_campaign.core.models import DocumentEvent
from housing_campaign.workflow import engine
from housing_campaign.workflow.definitions import definition_problems, parse_yaml, workflows_dir
from housing_campaign.workflow.models import WorkflowDefinition
from tests.conftest import PASSWORD, advance, make_user, new_case, post_ended, transition

pytestmark = pytest.mark.django_db


def test_actions_show_reasons_for_closed_ones(people, campaign):
    case = new_case(people, campaign)
    options = {o.action: o for o in engine.actions_for(actor=people.actor(people.officer), doctype="housing_case",
                                                       document=case)}
    assert options["submit"].allowed
    options = {o.action: o for o in engine.actions_for(actor=people.actor(people.reviewer), doctype="housing_case",
                                                       document=case)}
    assert not options["submit"].allowed
    assert options["submit"].reasons == ["Chỉ Cán bộ xã được thực hiện thao tác này."]


def test_failing_condition_message_reaches_the_user(people, campaign):
    case = new_case(people, campaign, floor_area="80", persons=2, foundation="stable", frame_walls="stable",
                    remaining_lifespan_years=30)
    assert case.is_eligible is False
    advance(people, case, "eligibility_review")
    expected = "Hộ chưa đáp ứng điều kiện hỗ trợ; xem bảng kiểm tra điều kiện."
    with pytest.raises(ServiceError) as exc:
        transition(people, people.reviewer, case, "approve")
    assert exc.value.code == "condition_failed" and expected in exc.value.message
    client = Client()
    client.login(username="reviewer", password=PASSWORD)
    page = client.get(reverse("desk:case", args=[case.pk])).content.decode()
    assert expected in page
    case.refresh_from_db()
    assert case.state == "eligibility_review"


def test_comment_required_to_return(people, campaign):
    case = advance(people, new_case(people, campaign), "eligibility_review")
    with pytest.raises(ServiceError) as exc:
        transition(people, people.reviewer, case, "return", comment="  ")
    assert exc.value.code == "comment_required" and "bắt buộc ghi lý do" in exc.value.message
    transition(people, people.reviewer, case, "return", comment="Thiếu ảnh mái nhà")
    event = DocumentEvent.objects.filter(object_id=case.pk, kind="transition").latest("id")
    assert (event.from_state, event.to_state, event.comment, event.actor_id) == (
        "eligibility_review", "returned", "Thiếu ảnh mái nhà", people.reviewer.pk)


def test_stale_state_and_double_click(people, campaign):
    case = new_case(people, campaign)
    engine.document_transition(actor=people.actor(people.officer), doctype="housing_case", object_id=case.pk,
                               action="submit", expected_state="survey")
    with pytest.raises(ServiceError) as exc:
        engine.document_transition(actor=people.actor(people.officer), doctype="housing_case", object_id=case.pk,
                                   action="submit", expected_state="survey")
    assert exc.value.code == "stale_state" and "Chờ xã xác nhận bình xét" in exc.value.message
    assert DocumentEvent.objects.filter(object_id=case.pk, kind="transition").count() == 1


def test_previous_actor_may_not_approve(people, campaign):
    both = make_user("chair_and_reviewer", "commune_chairman", "23344")
    from housing_campaign.accounts.models import Role

    both.groups.add(Role.objects.get(code="reviewer").group)
    case = advance(people, new_case(people, campaign), "commune_confirmation")
    from housing_campaign.cases.services import case_update_confirmation

    case_update_confirmation(actor=people.actor(both), case_id=case.pk, data={
        "village_meeting_on": timezone.localdate(), "village_meeting_total": 20, "village_meeting_agree": 19})
    transition(people, both, case, "confirm")
    # Workflow v2: the village list is posted first; the same person (as chairman) ends the posting and is
    # then the previous actor of the approval.
    post_ended(people, [case])
    transition(people, both, case, "end_posting")
    with pytest.raises(ServiceError) as exc:
        transition(people, both, case, "approve")
    assert "Người đã thực hiện bước trước không được thực hiện bước này." in exc.value.message


def test_required_fields_block_leaving_a_state(people, campaign):
    case = advance(people, new_case(people, campaign), "commune_confirmation")
    case.refresh_from_db()
    HousingCase.objects.filter(pk=case.pk).update(village_meeting_on=None)
    with pytest.raises(ServiceError) as exc:
        transition(people, people.chairman, case, "confirm")
    assert "Còn thiếu thông tin bắt buộc: ngày họp bình xét" in exc.value.message


def test_a_return_is_never_blocked_by_the_fields_it_sends_back_to_correct(people, campaign):
    case = advance(people, new_case(people, campaign), "commune_confirmation")
    HousingCase.objects.filter(pk=case.pk).update(village_meeting_on=None)
    case.refresh_from_db()
    transition(people, people.chairman, case, "return", comment="Thiếu ngày họp bình xét")
    case.refresh_from_db()
    assert case.state == "returned"


def test_full_lifecycle_issues_certificate(people, campaign):
    case = advance(people, new_case(people, campaign), "closed")
    assert case.state == "closed" and case.stage == "closed"
    assert case.certificates.filter(status="valid").count() == 1
    states = list(DocumentEvent.objects.filter(object_id=case.pk, kind="transition").order_by("id")
                  .values_list("to_state", flat=True))
    assert states == ["commune_confirmation", "village_posting", "eligibility_review", "funding", "construction",
                      "acceptance", "handover", "posting", "closed"]


def _nomination(people, campaign):
    from housing_campaign.commendations.models import AwardForm, Nomination
    from tests.conftest import unit

    home = unit("23344")
    return Nomination.objects.create(
        code="T-1", campaign=campaign, nominee_kind="collective", nominee_name="UBND xã Đăk Blô",
        award_form=AwardForm.objects.get(code="bang_khen_chu_tich_tinh"), achievement="Hoàn thành sớm",
        proposing_unit=home, unit_path=home.path, unit_2025_path=home.successor.path,
        **engine.initial_workflow_fields("commendation"))


def test_council_quorum_three_of_five(people, campaign):
    nomination = _nomination(people, campaign)

    def act(user, action):
        return engine.document_transition(actor=people.actor(user), doctype="commendation",
                                          object_id=nomination.pk, action=action)

    act(people.officer, "submit")
    act(people.office, "approve")
    first = act(people.council[0], "vote_approve")
    assert first.vote_recorded and "1/3" in first.message
    with pytest.raises(ServiceError) as exc:
        act(people.council[0], "vote_approve")
    assert "Bạn đã bỏ phiếu" in exc.value.message
    act(people.council[1], "vote_approve")
    nomination.refresh_from_db()
    assert nomination.state == "council_vote"
    third = act(people.council[2], "vote_approve")
    nomination.refresh_from_db()
    assert not third.vote_recorded and nomination.state == "awaiting_decision"
    assert DocumentEvent.objects.filter(doctype="commendation", object_id=nomination.pk, kind="approval").count() == 2


def test_delegation_lets_delegate_act_and_log_shows_both(people, campaign):
    from housing_campaign.accounts.models import Delegation

    deputy = make_user("deputy", "commune_officer", "23344")
    today = timezone.localdate()
    Delegation.objects.create(delegator=people.reviewer, delegate=deputy, starts_on=today - dt.timedelta(days=1),
                              ends_on=today + dt.timedelta(days=5), reason="Nghỉ phép")
    case = advance(people, new_case(people, campaign), "eligibility_review")
    transition(people, deputy, case, "approve")
    event = DocumentEvent.objects.filter(object_id=case.pk, kind="transition").latest("id")
    assert event.actor_id == deputy.pk and event.acting_for_id == people.reviewer.pk
    expired = make_user("deputy2", "commune_officer", "23344")
    Delegation.objects.create(delegator=people.reviewer, delegate=expired, starts_on=today - dt.timedelta(days=9),
                              ends_on=today - dt.timedelta(days=2))
    other = advance(people, new_case(people, campaign), "eligibility_review")
    with pytest.raises(ServiceError):
        transition(people, expired, other, "approve")


def _many_cases(people, campaign, n: int, state: str = "eligibility_review") -> list[int]:
    """n cases in ``state``: one through the services, the rest copied (set-up speed only)."""
    from housing_campaign.households.models import Household

    template = new_case(people, campaign)
    households = [Household(code=f"HB{i:06d}", head_name=f"Y Bulk {i}", category="poor", commune=template.commune,
                            village=template.village) for i in range(n)]
    Household.objects.bulk_create(households)
    households = list(Household.objects.filter(code__startswith="HB").order_by("id"))
    cases = []
    for i, household in enumerate(households):
        case = HousingCase.objects.get(pk=template.pk)
        case.pk = None
        case.id = None
        case.code = f"BULK-{i:06d}"
        case.household = household
        case.state, case.stage = state, "review"
        cases.append(case)
    HousingCase.objects.bulk_create(cases, batch_size=500)
    HousingCase.objects.filter(pk=template.pk).delete()
    # Copied behind the services' back: the aggregates the queue counts from are rebuilt from the rows.
    from housing_campaign.reports.aggregates import recount

    recount()
    return list(HousingCase.objects.filter(code__startswith="BULK-").order_by("id").values_list("pk", flat=True))


def test_bulk_1000_with_some_refused(people, campaign):
    ids = _many_cases(people, campaign, 1000)
    refused = set(ids[::10])
    HousingCase.objects.filter(pk__in=refused).update(is_eligible=False)
    results = engine.bulk_transition(actor=people.actor(people.reviewer), doctype="housing_case", ids=ids,
                                     action="approve")
    assert len(results) == 1000
    ok = {r.object_id for r in results if r.ok}
    failed = [r for r in results if not r.ok]
    assert ok == set(ids) - refused and {r.object_id for r in failed} == refused
    assert all(r.message == "Hộ chưa đáp ứng điều kiện hỗ trợ; xem bảng kiểm tra điều kiện." for r in failed)
    assert HousingCase.objects.filter(pk__in=ok, state="funding").count() == 900
    assert HousingCase.objects.filter(pk__in=refused, state="eligibility_review").count() == 100
    assert DocumentEvent.objects.filter(object_id__in=ok, kind="transition", to_state="funding").count() == 900


def test_bulk_query_count_does_not_grow_with_cases(people, campaign):
    ids = _many_cases(people, campaign, 450)
    actor = people.actor(people.reviewer)
    engine.compiled(HousingCase.objects.get(pk=ids[0]).workflow_id)
    with CaptureQueriesContext(connection) as small:
        engine.bulk_transition(actor=actor, doctype="housing_case", ids=ids[:50], action="approve")
    with CaptureQueriesContext(connection) as large:
        engine.bulk_transition(actor=actor, doctype="housing_case", ids=ids[50:450], action="approve")
    assert HousingCase.objects.filter(state="funding").count() == 450
    # A handful of queries per chunk of 500 (batched locks, updates and log rows), never per case.
    assert len(large) / 400 <= len(small) / 50, (len(small), len(large))
    assert len(large) <= 20, len(large)


def test_definition_validation_lists_every_problem():
    data = parse_yaml((workflows_dir() / "housing_case.yaml").read_text(encoding="utf-8"))
    data["states"].append({"code": "orphan", "label_vi": "Mồ côi", "stage": "review", "edit_roles": ["ghost_role"],
                           "required_fields": ["no_such_field"], "sla_days": None, "is_terminal": False,
                           "label_en": ""})
    data["transitions"][0]["condition"] = "persons >"
    data["transitions"][1]["condition"] = "missing_name == 1"
    data["transitions"].append(dict(data["transitions"][0], condition=""))  # duplicate action from survey
    data["transitions"].append({**data["transitions"][2], "target": "nowhere", "action": "x"})
    problems = definition_problems(data)
    text = "\n".join(problems)
    assert "vai trò “ghost_role” không tồn tại" in text
    assert "trường bắt buộc “no_such_field” không tồn tại" in text
    assert "Điều kiện không đúng cú pháp" in text
    assert "Điều kiện dùng tên không tồn tại: missing_name" in text
    assert "trùng thao tác “submit” từ trạng thái survey" in text
    assert "trạng thái đích “nowhere” không tồn tại" in text
    assert "Trạng thái orphan không thể đến được từ trạng thái đầu." in text
    assert "Trạng thái orphan không phải trạng thái kết thúc nhưng không có bước chuyển đi." in text


def test_condition_reads_extra_fields(people, campaign):
    from housing_campaign.extrafields.models import ExtraField
    from housing_campaign.workflow.conditions import evaluate

    ExtraField.objects.create(doctype="housing_case", code="co_dien", label_vi="Có điện lưới", field_type="boolean")
    case = new_case(people, campaign)
    from housing_campaign.cases.services import case_update_extra

    case_update_extra(actor=people.actor(people.officer), case_id=case.pk, values={"co_dien": "có"})
    case.refresh_from_db()
    assert evaluate("housing_case", case, "co_dien == True and persons >= 2") is True
    assert evaluate("housing_case", case, "not co_dien") is False


def test_sandboxed_conditions_refuse_python():
    from housing_campaign.workflow.conditions import condition_problems

    for bad in ("__import__('os').system('id')", "persons.__class__", "[x for x in persons]", "(lambda: 1)()"):
        assert condition_problems("housing_case", bad), bad


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_on_postgres_one_wins(people, campaign):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (run with DATABASE_URL=postgres://...)")
    import threading

    from django.db import connections

    second_reviewer = make_user("reviewer2", "reviewer", "610")
    case = advance(people, new_case(people, campaign), "eligibility_review")
    barrier = threading.Barrier(2)
    results = {}

    def approve(user):
        try:
            barrier.wait()
            results[user.username] = engine.document_transition(
                actor=people.actor(user), doctype="housing_case", object_id=case.pk, action="approve",
                expected_state="eligibility_review")
        except ServiceError as exc:
            results[user.username] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (people.reviewer, second_reviewer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcomes = list(results.values())
    wins = [o for o in outcomes if not isinstance(o, ServiceError)]
    losses = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(wins) == 1 and len(losses) == 1
    assert losses[0].code == "stale_state" and "vừa được chuyển sang" in losses[0].message
    assert DocumentEvent.objects.filter(object_id=case.pk, kind="transition", to_state="funding").count() == 1


def test_migrate_in_flight_cases_with_mapping(people, campaign):
    from housing_campaign.workflow.definitions import definition_activate, definition_clone
    from housing_campaign.workflow.migration import documents_migrate

    case = advance(people, new_case(people, campaign), "eligibility_review")
    v1 = WorkflowDefinition.objects.get(doctype="housing_case", is_active=True)
    v2 = definition_clone(definition=v1)
    definition_activate(definition=v2)
    with pytest.raises(ServiceError):
        documents_migrate(actor=people.actor(people.admin), source=v1, target=v2, mapping={})
    result = documents_migrate(actor=people.actor(people.admin), source=v1, target=v2,
                               mapping={"eligibility_review": "eligibility_review"})
    case.refresh_from_db()
    assert result.moved == 1 and case.workflow_id == v2.pk and case.state == "eligibility_review"
    assert DocumentEvent.objects.filter(object_id=case.pk, kind="migrated").exists()

"""Issue 11, items 1 and 2: the workflow builder's writes (workflow/drafts.py) and the differences
between versions (workflow/versions.py). Each edit is refused whole, with every reason, when the
element it writes is invalid; a stale revision is refused with who saved in between; a draft may keep
graph problems, activation may not."""
import pytest
from django.contrib.auth import get_user_model

from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.workflow import definitions, drafts
from housing_campaign.workflow.models import WorkflowDefinition, WorkflowPilot, WorkflowState, WorkflowTransition
from housing_campaign.workflow.versions import definition_diff
from tests.conftest import HOME, make_user, new_case, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def active(people):
    return WorkflowDefinition.objects.get(doctype="housing_case", is_active=True)


@pytest.fixture
def draft(people, active):
    return drafts.draft_create(actor=people.actor(people.admin), doctype="housing_case")


def snapshot(definition):
    definition.refresh_from_db()
    return (definition.revision, definition.initial_state, definitions.definition_to_dict(definition))


def state(definition, code):
    return definition.states.get(code=code)


def step(definition, source, action):
    return definition.transitions.get(source=source, action=action)


def transition_data(t, **changes):
    return {**{k: getattr(t, k) for k in definitions.TRANSITION_KEYS}, **changes}


def state_data(s, **changes):
    return {**{k: getattr(s, k) for k in definitions.STATE_KEYS}, **changes}


# ---------------------------------------------------------------------------- creating and discarding
def test_draft_is_a_copy_of_the_active_version_and_only_one_at_a_time(people, active, draft):
    assert (draft.version, draft.based_on, draft.is_active, draft.revision) == (active.version + 1, active, False, 0)
    assert draft.edited_by == people.admin and draft.edited_at is not None
    same = definitions.definition_to_dict(draft)
    assert {**same, "version": 0} == {**definitions.definition_to_dict(active), "version": 0}
    with pytest.raises(ServiceError) as exc:
        drafts.draft_create(actor=people.actor(people.admin), doctype="housing_case")
    assert exc.value.code == ErrorCode.DUPLICATE and f"phiên bản {draft.version}" in exc.value.message
    assert drafts.drafts_of("housing_case") == [draft]


@pytest.mark.parametrize("who", ["auditor", "reviewer"])
def test_only_administrators_edit_drafts(people, draft, who):
    user = getattr(people, who)
    before = snapshot(draft)
    with pytest.raises(ServiceError) as exc:
        drafts.draft_create(actor=people.actor(user), doctype="housing_case")
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    s = state(draft, "survey")
    with pytest.raises(ServiceError) as exc:
        drafts.draft_state_save(actor=people.actor(user), definition_id=draft.pk, revision=draft.revision,
                                state_id=s.pk, data=state_data(s, label_vi="Đổi"))
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    assert snapshot(draft) == before


def test_discard_deletes_the_draft_but_never_a_version_in_use(people, campaign, active, draft):
    admin = people.actor(people.admin)
    with pytest.raises(ServiceError) as exc:
        drafts.draft_discard(actor=admin, definition_id=active.pk, revision=active.revision)
    assert exc.value.code == ErrorCode.VERSION_LOCKED
    case = new_case(people, campaign)
    type(case).objects.filter(pk=case.pk).update(workflow=draft)  # e.g. migrated onto the draft
    with pytest.raises(ServiceError) as exc:
        drafts.draft_discard(actor=admin, definition_id=draft.pk, revision=draft.revision)
    assert exc.value.code == ErrorCode.VERSION_LOCKED and "đã có hồ sơ sử dụng" in exc.value.message
    assert WorkflowDefinition.objects.filter(pk=draft.pk).exists()
    type(case).objects.filter(pk=case.pk).update(workflow=active)
    assert drafts.draft_discard(actor=admin, definition_id=draft.pk, revision=draft.revision) == draft.version
    assert not WorkflowDefinition.objects.filter(pk=draft.pk).exists()
    assert not WorkflowState.objects.filter(definition_id=draft.pk).exists()


def test_active_and_piloted_versions_are_read_only(people, active, draft):
    admin = people.actor(people.admin)
    s = state(active, "survey")
    with pytest.raises(ServiceError) as exc:
        drafts.draft_state_save(actor=admin, definition_id=active.pk, revision=active.revision, state_id=s.pk,
                                data=state_data(s, label_vi="Đổi tên"))
    assert exc.value.code == ErrorCode.VERSION_LOCKED and "đang được áp dụng" in exc.value.message
    from django.utils import timezone

    WorkflowPilot.objects.create(definition=draft, unit=unit(HOME), unit_path=unit(HOME).path,
                                 started_at=timezone.now())
    assert "thí điểm" in drafts.draft_lock_reason(draft)
    with pytest.raises(ServiceError) as exc:
        drafts.draft_discard(actor=admin, definition_id=draft.pk, revision=draft.revision)
    assert exc.value.code == ErrorCode.VERSION_LOCKED
    assert state(active, "survey").label_vi == "Đang rà soát"


# ---------------------------------------------------------------------------- insert between
def test_insert_between_rewires_the_transition(people, active, draft):
    # Workflow v2: the step into eligibility review is the end of the village list's posting.
    end_posting = step(draft, "village_posting", "end_posting")
    new = drafts.draft_state_insert_between(
        actor=people.actor(people.admin), definition_id=draft.pk, revision=0, transition_id=end_posting.pk,
        data={"label_vi": "Kiểm tra hiện trường", "stage": "review", "roles": ["reviewer"]})
    assert (new.code, new.stage, new.edit_roles) == ("kiem_tra_hien_truong", "review", ["reviewer"])
    codes = list(draft.states.order_by("order").values_list("code", flat=True))
    assert codes.index("kiem_tra_hien_truong") == codes.index("village_posting") + 1
    end_posting.refresh_from_db()
    # The decision taken at the end of the posting is unchanged (who, label, condition, automatic); it now
    # leads to the new state.
    assert (end_posting.target, end_posting.roles, end_posting.label_vi) == (
        "kiem_tra_hien_truong", ["commune_chairman"], "Hết thời hạn niêm yết, chuyển thẩm định")
    assert end_posting.automatic and end_posting.condition == "posting_over and open_feedback == 0"
    onward = draft.transitions.get(source="kiem_tra_hien_truong")
    assert (onward.target, onward.roles, onward.kind, onward.label_vi) == (
        "eligibility_review", ["reviewer"], "forward", "Hoàn tất kiểm tra hiện trường")
    # Eligibility is evaluated on arriving in review (moved onward); the notification is on both steps.
    assert end_posting.side_effects == ["notify_next_actors"]
    assert onward.side_effects == ["evaluate_eligibility", "notify_next_actors"]
    draft.refresh_from_db()
    assert (draft.revision, draft.edited_by) == (1, people.admin)
    assert definitions.definition_problems(definitions.definition_to_dict(draft)) == []
    # Nothing of the active version moved.
    assert step(active, "village_posting", "end_posting").target == "eligibility_review"


def test_insert_between_refuses_bad_input_with_every_reason(people, draft):
    confirm = step(draft, "commune_confirmation", "confirm")
    before = snapshot(draft)
    with pytest.raises(ServiceError) as exc:
        drafts.draft_state_insert_between(
            actor=people.actor(people.admin), definition_id=draft.pk, revision=0, transition_id=confirm.pk,
            data={"label_vi": "", "stage": "moon", "roles": ["no_such_role"], "code": "Bad Code"})
    text = " ".join(exc.value.details)
    assert exc.value.code == ErrorCode.INVALID_DEFINITION
    assert "Tên trạng thái mới: chưa nhập" in text
    assert "giai đoạn “moon” không tồn tại" in text
    assert "vai trò “no_such_role” không tồn tại" in text
    assert "Mã trạng thái: chỉ gồm chữ thường" in text
    assert snapshot(draft) == before


# ---------------------------------------------------------------------------- concurrency
def test_a_stale_revision_is_refused_and_nothing_changes(people, draft):
    second = make_user("quantri2", "administrator", "62", staff=True)
    second.first_name, second.last_name = "Hoa", "Trần Thị"
    second.save()
    s = state(draft, "eligibility_review")
    drafts.draft_state_save(actor=people.actor(second), definition_id=draft.pk, revision=0, state_id=s.pk,
                            data=state_data(s, label_vi="Chờ thẩm định hồ sơ"))
    before = snapshot(draft)
    with pytest.raises(ServiceError) as exc:  # the first administrator still has revision 0 on screen
        drafts.draft_state_save(actor=people.actor(people.admin), definition_id=draft.pk, revision=0, state_id=s.pk,
                                data=state_data(s, label_vi="Thẩm định điều kiện", sla_days=5))
    assert exc.value.code == ErrorCode.STALE_REVISION
    assert exc.value.message.startswith("Bản nháp vừa được Hoa Trần Thị sửa lúc ")
    assert snapshot(draft) == before
    assert state(draft, "eligibility_review").label_vi == "Chờ thẩm định hồ sơ"
    for service, kwargs in ((drafts.draft_transition_delete, {"transition_id": draft.transitions.first().pk}),
                            (drafts.draft_state_delete, {"state_id": s.pk}),
                            (drafts.draft_discard, {})):
        with pytest.raises(ServiceError) as exc:
            service(actor=people.actor(people.admin), definition_id=draft.pk, revision=0, **kwargs)
        assert exc.value.code == ErrorCode.STALE_REVISION
    assert snapshot(draft) == before


# ---------------------------------------------------------------------------- element input
def test_invalid_transition_input_is_refused_with_every_reason(people, draft):
    t = step(draft, "eligibility_review", "approve")
    before = snapshot(draft)
    with pytest.raises(ServiceError) as exc:
        drafts.draft_transition_save(
            actor=people.actor(people.admin), definition_id=draft.pk, revision=0, transition_id=t.pk,
            data=transition_data(t, target="does_not_exist", condition="persons >>> 2", roles=["ghost"],
                                 side_effects=["launch_rocket"], quorum=0, kind="sideways"))
    details = exc.value.details
    text = " ".join(details)
    assert exc.value.code == ErrorCode.INVALID_DEFINITION
    assert "trạng thái đích “does_not_exist” không tồn tại" in text
    assert "Điều kiện không đúng cú pháp" in text
    assert "vai trò “ghost” không tồn tại" in text
    assert "“launch_rocket” không có trong hooks.py" in text
    assert "Số phiếu cần: phải là số nguyên từ 1 đến 1000" in text
    assert "loại bước “sideways” không hợp lệ" in text
    assert snapshot(draft) == before
    with pytest.raises(ServiceError) as exc:
        drafts.draft_transition_save(actor=people.actor(people.admin), definition_id=draft.pk, revision=0,
                                     transition_id=t.pk, data=transition_data(t, condition="is_eligible and ghost > 1"))
    assert "Điều kiện dùng tên không tồn tại: ghost" in " ".join(exc.value.details)
    assert snapshot(draft) == before


def test_invalid_state_input_is_refused_with_every_reason(people, draft):
    s = state(draft, "survey")
    before = snapshot(draft)
    with pytest.raises(ServiceError) as exc:
        drafts.draft_state_save(actor=people.actor(people.admin), definition_id=draft.pk, revision=0, state_id=s.pk,
                                data=state_data(s, label_vi="x" * 121, edit_roles=["ghost"],
                                                required_fields=["no_field"], sla_days=-3, code="commune_confirmation"))
    text = " ".join(exc.value.details)
    assert "Tên trạng thái: tối đa 120 ký tự" in text
    assert "vai trò “ghost” không tồn tại" in text
    assert "trường bắt buộc “no_field” không tồn tại" in text
    assert "Thời hạn xử lý: phải là số nguyên từ 1 đến 3650" in text
    assert "Mã trạng thái: “commune_confirmation” đã được dùng" in text
    assert snapshot(draft) == before
    with pytest.raises(ServiceError):  # the initial state stays until another one is chosen
        drafts.draft_state_save(actor=people.actor(people.admin), definition_id=draft.pk, revision=0, state_id=s.pk,
                                data=state_data(s, is_initial=False))
    assert snapshot(draft) == before


def test_new_state_gets_a_code_from_its_name_and_a_renamed_code_is_followed(people, draft):
    admin = people.actor(people.admin)
    first = drafts.draft_state_save(actor=admin, definition_id=draft.pk, revision=0, state_id=None,
                                    data={"label_vi": "Đăk Blô kiểm tra", "stage": "review"})
    second = drafts.draft_state_save(actor=admin, definition_id=draft.pk, revision=1, state_id=None,
                                     data={"label_vi": "Đăk Blô kiểm tra!", "stage": "review"})
    assert (first.code, second.code) == ("dak_blo_kiem_tra", "dak_blo_kiem_tra_2")
    survey = state(draft, "survey")
    drafts.draft_state_save(actor=admin, definition_id=draft.pk, revision=2, state_id=survey.pk,
                            data=state_data(survey, code="ra_soat", is_initial=True))
    draft.refresh_from_db()
    assert draft.initial_state == "ra_soat"
    assert set(draft.transitions.filter(source="ra_soat").values_list("action", flat=True)) == {"submit", "withdraw"}
    assert draft.transitions.filter(target="ra_soat", action="reopen").exists()
    assert not draft.transitions.filter(source="survey").exists()


def test_a_draft_keeps_graph_problems_but_cannot_be_activated(people, draft):
    admin = people.actor(people.admin)
    new = drafts.draft_state_save(actor=admin, definition_id=draft.pk, revision=0, state_id=None,
                                  data={"label_vi": "Chờ bổ sung giấy tờ", "stage": "review"})
    draft.refresh_from_db()
    problems = definitions.definition_problems(definitions.definition_to_dict(draft))
    about_new = [p for p in problems if p.state == new.code]
    assert {p.scope for p in about_new} == {"graph"}
    assert any("không thể đến được" in p for p in about_new) and any("không có bước chuyển đi" in p for p in about_new)
    with pytest.raises(ServiceError) as exc:
        definitions.definition_activate(definition=draft)
    assert exc.value.code == ErrorCode.INVALID_DEFINITION and len(exc.value.details) == 2
    draft.refresh_from_db()
    assert not draft.is_active
    # Connecting it clears both problems.
    review = state(draft, "eligibility_review")
    drafts.draft_transition_save(actor=admin, definition_id=draft.pk, revision=1, transition_id=None, data={
        "source": "eligibility_review", "target": new.code, "label_vi": "Yêu cầu bổ sung giấy tờ", "kind": "return",
        "roles": ["reviewer"], "comment_required": True})
    drafts.draft_transition_save(actor=admin, definition_id=draft.pk, revision=2, transition_id=None, data={
        "source": new.code, "target": review.code, "label_vi": "Đã bổ sung", "roles": ["commune_officer"]})
    draft.refresh_from_db()
    assert definitions.definition_problems(definitions.definition_to_dict(draft)) == []
    added = draft.transitions.get(source="eligibility_review", label_vi="Yêu cầu bổ sung giấy tờ")
    assert (added.action, added.kind, added.comment_required) == ("yeu_cau_bo_sung_giay_to", "return", True)


def test_deleting_a_state_deletes_its_transitions_but_not_the_initial_state(people, draft):
    admin = people.actor(people.admin)
    removed = drafts.draft_state_delete(actor=admin, definition_id=draft.pk, revision=0,
                                        state_id=state(draft, "withdrawn").pk)
    # survey and returned: "Rút hồ sơ"; village_posting (workflow v2): "Rút khỏi danh sách"
    assert removed == ["Rút hồ sơ", "Rút hồ sơ", "Rút khỏi danh sách"]
    assert not draft.transitions.filter(target="withdrawn").exists()
    with pytest.raises(ServiceError) as exc:
        drafts.draft_state_delete(actor=admin, definition_id=draft.pk, revision=1, state_id=state(draft, "survey").pk)
    assert "trạng thái đầu" in exc.value.message


def test_roles_without_users_are_warnings_and_retired_roles_are_problems(people, draft):
    from housing_campaign.accounts.models import Role

    data = definitions.definition_to_dict(draft)
    assert definitions.definition_warnings(data) == []
    get_user_model().objects.filter(groups__role__code="finance_officer").update(is_active=False)
    warnings = definitions.definition_warnings(data)
    assert warnings and all(not w.blocking for w in warnings)
    assert any(w.transition == ("funding", "allocate") and "Cán bộ tài chính" in w for w in warnings)
    assert definitions.definition_problems(data) == []  # not a reason to refuse activation
    Role.objects.filter(code="finance_officer").update(is_active=False)
    problems = definitions.definition_problems(data)
    assert any(p.transition == ("funding", "allocate") and "vai trò “finance_officer” không tồn tại" in p
               for p in problems)


# ---------------------------------------------------------------------------- versions
def test_differences_between_the_active_version_and_the_draft(people, active, draft):
    admin = people.actor(people.admin)
    end_posting = step(draft, "village_posting", "end_posting")
    drafts.draft_state_insert_between(actor=admin, definition_id=draft.pk, revision=0,
                                      transition_id=end_posting.pk,
                                      data={"label_vi": "Kiểm tra hiện trường", "stage": "review",
                                            "roles": ["commune_chairman"]})
    drafts.draft_state_delete(actor=admin, definition_id=draft.pk, revision=1, state_id=state(draft, "withdrawn").pk)
    funding = state(draft, "funding")
    drafts.draft_state_save(actor=admin, definition_id=draft.pk, revision=2, state_id=funding.pk,
                            data=state_data(funding, sla_days=20, edit_roles=["finance_officer", "reviewer"]))
    diff = definition_diff(definitions.definition_to_dict(active), definitions.definition_to_dict(draft))
    by = {(d.element, d.change, d.name): d for d in diff}
    added_state = by[("state", "added", "“Kiểm tra hiện trường”")]
    assert ("Giai đoạn", "—", "Thẩm định") in added_state.fields
    changed = by[("transition", "changed", "“Hết thời hạn niêm yết, chuyển thẩm định” "
                                           "(Đang niêm yết danh sách bình xét → Kiểm tra hiện trường)")]
    assert ("Đến trạng thái", "Chờ thẩm định", "Kiểm tra hiện trường") in changed.fields
    assert ("Tác vụ kèm theo", "Kiểm tra lại điều kiện hỗ trợ, Thông báo cho người xử lý bước tiếp theo",
            "Thông báo cho người xử lý bước tiếp theo") in changed.fields
    assert ("transition", "added", "“Hoàn tất kiểm tra hiện trường” (Kiểm tra hiện trường → Chờ thẩm định)") in by
    assert ("state", "removed", "“Đã rút hồ sơ”") in by
    assert sum(1 for d in diff if d.element == "transition" and d.change == "removed") == 3  # v2: 3 withdrawals
    funding_diff = by[("state", "changed", "“Chờ phân bổ kinh phí”")]
    assert funding_diff.fields == [("Vai trò được sửa hồ sơ", "Cán bộ tài chính",
                                    "Cán bộ tài chính, Cán bộ thẩm định (huyện, tỉnh)"),
                                   ("Thời hạn xử lý (ngày)", "10 ngày", "20 ngày")]
    assert definition_diff(definitions.definition_to_dict(active), definitions.definition_to_dict(active)) == []


def test_an_edited_draft_round_trips_through_yaml(people, draft):
    confirm = step(draft, "commune_confirmation", "confirm")
    drafts.draft_state_insert_between(actor=people.actor(people.admin), definition_id=draft.pk, revision=0,
                                      transition_id=confirm.pk, data={"label_vi": "Kiểm tra hiện trường",
                                                                      "stage": "review", "roles": ["reviewer"]})
    data = definitions.definition_to_dict(draft)
    text = definitions.canonical_yaml(data)
    again = definitions.parse_yaml(text)
    assert definitions.canonical_yaml(again) == text
    assert definitions.definition_checksum(again) == definitions.definition_checksum(data)
    assert "code: kiem_tra_hien_truong" in text and "target: kiem_tra_hien_truong" in text


def test_service_input_of_the_wrong_kind_is_refused_not_crashed(people, draft):
    t = step(draft, "survey", "submit")
    before = snapshot(draft)
    with pytest.raises(ServiceError) as exc:
        drafts.draft_transition_save(actor=people.actor(people.admin), definition_id=draft.pk, revision=0,
                                     transition_id=t.pk, data=transition_data(
                                         t, label_vi=["not", "text"], roles="commune_officer", target="x" * 500,
                                         quorum="3", territory_rule={"a": 1}))
    text = " ".join(exc.value.details)
    for reason in ("Nhãn nút: phải là chữ", "Vai trò được thực hiện: phải là danh sách chọn",
                   "Đến trạng thái: “xxxx", "Số phiếu cần: phải là số nguyên", "Quy tắc địa bàn"):
        assert reason in text
    assert snapshot(draft) == before
    assert WorkflowTransition.objects.filter(definition=draft).count() == len(before[2]["transitions"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_administrators_saving_at_once_on_postgres_one_wins(people):
    """Both opened revision 0 and press save at the same moment: the row lock serves them one after the
    other, so the second sees revision 1 and is told (without the lock both would pass the check)."""
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (run with DATABASE_URL=postgres://...)")
    import threading

    draft = drafts.draft_create(actor=people.actor(people.admin), doctype="housing_case")
    second = make_user("quantri2", "administrator", "62", staff=True)
    review = state(draft, "eligibility_review")
    barrier = threading.Barrier(2)
    results = {}

    def save(user, label):
        try:
            barrier.wait()
            results[label] = drafts.draft_state_save(actor=people.actor(user), definition_id=draft.pk, revision=0,
                                                     state_id=review.pk, data=state_data(review, label_vi=label))
        except ServiceError as exc:
            results[label] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=args) for args in ((people.admin, "Một"), (second, "Hai"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    losses = [r for r in results.values() if isinstance(r, ServiceError)]
    assert len(losses) == 1 and losses[0].code == ErrorCode.STALE_REVISION
    draft.refresh_from_db()
    assert draft.revision == 1
    winner = next(label for label, r in results.items() if not isinstance(r, ServiceError))
    assert state(draft, "eligibility_review").label_vi == winner

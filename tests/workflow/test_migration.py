"""Issue 11, item 4: moving in-flight documents to another version with a preview (counts per state, the
state map, where each lands, how many would lack required fields), limited to a territory, in chunks in
the background, each moved document logged once as "chuyển sang quy trình phiên bản N"; documents that
moved meanwhile skipped and counted; every refusal with its reasons and nothing moved."""
from __future__ import annotations

import pytest
from django.test import TestCase

from housing_campaign.cases.models import HousingCase
from housing_campaign.core.errors import ServiceError
from housing_campaign.core.models import BackgroundJob, DocumentEvent
from housing_campaign.workflow import migration, rollout
from housing_campaign.workflow.definitions import definition_clone, definition_to_dict
from housing_campaign.workflow.models import WorkflowDefinition, WorkflowState
from tests.conftest import HOME, OTHER, advance, make_user, new_case, transition, unit

pytestmark = pytest.mark.django_db


def active(doctype="housing_case") -> WorkflowDefinition:
    return WorkflowDefinition.objects.get(doctype=doctype, is_active=True)


@pytest.fixture
def world(people, campaign):
    """v1 active; cases in Đăk Blô (survey ×2, commune confirmation ×2 without the meeting's data, eligibility
    review ×1, closed ×1) and in Đăk Man (survey ×1); v2 (a copy) piloted in Đăk Blô."""
    v1 = active()
    cases = {
        "survey": [new_case(people, campaign), new_case(people, campaign)],
        "confirmation": [advance(people, new_case(people, campaign), "commune_confirmation") for _ in range(2)],
        "review": [advance(people, new_case(people, campaign), "eligibility_review")],
        "closed": [advance(people, new_case(people, campaign), "closed")],
        "other": [new_case(people, campaign, commune_code=OTHER)],
    }
    v2 = definition_clone(definition=v1)
    rollout.definition_pilot_start(actor=people.actor(people.admin), definition=v2, units=[unit(HOME).pk])
    return {"v1": v1, "v2": v2, "cases": cases}


def plan_for(people, world, **kwargs):
    kwargs.setdefault("mapping", None)
    return migration.migration_plan(actor=people.actor(people.admin), source=world["v1"],
                                    target=kwargs.pop("target", world["v2"]), **kwargs)


# ---------------------------------------------------------------------------- the preview
def test_preview_counts_each_state_where_it_lands_and_the_missing_required_fields(people, world):
    plan = plan_for(people, world)
    assert not plan.problems
    assert plan.units_defaulted and [u.code for u in plan.units] == [HOME]  # the pilot's commune by default
    rows = {r.code: r for r in plan.rows}
    assert {code: r.count for code, r in rows.items()} == {"survey": 2, "commune_confirmation": 2,
                                                          "eligibility_review": 1}
    assert all(r.target == r.code for r in plan.rows)
    assert rows["commune_confirmation"].target_label == "Chờ xã xác nhận bình xét"
    # Commune confirmation needs the village meeting's data to be left; these two have none yet.
    assert rows["commune_confirmation"].missing == 2
    assert dict(rows["commune_confirmation"].missing_fields) == {
        "ngày họp bình xét": 2, "số phiếu đồng ý": 2, "số người dự họp": 2}
    assert rows["survey"].missing == 0 and rows["eligibility_review"].missing == 0
    assert plan.total == 5 and plan.missing == 2 and plan.finished == 1
    # The whole territory (no unit chosen) adds Đăk Man's case.
    whole = plan_for(people, world, units=[])
    assert whole.total == 6 and not whole.units_defaulted
    # A map sending the reviewed case back to the survey: it lands there, and the survey's fields are complete.
    mapped = plan_for(people, world, mapping={"survey": "survey", "commune_confirmation": "survey",
                                              "eligibility_review": "survey"})
    assert {r.code: (r.target, r.missing) for r in mapped.rows} == {
        "survey": ("survey", 0), "commune_confirmation": ("survey", 0), "eligibility_review": ("survey", 0)}


def test_the_required_field_count_is_the_engines_rule_in_sql_or_on_the_rows(people, world, monkeypatch):
    from housing_campaign.extrafields.models import ExtraField
    from housing_campaign.workflow.engine import StateSpec

    scope = migration.documents_in_scope(actor=people.actor(people.admin), source=world["v1"], units=[])
    state = StateSpec("x", "X", "", "review", (), ("village_meeting_on", "floor_area", "survey_note"), None, False)
    in_sql = migration.missing_required("housing_case", scope, state)
    monkeypatch.setattr(migration, "_empty_q", lambda model, name: None)
    on_rows = migration.missing_required("housing_case", scope, state)
    assert in_sql[0] == on_rows[0] and sorted(in_sql[1]) == sorted(on_rows[1])
    monkeypatch.undo()
    # An administrator-defined field is checked on the rows: nobody has a value yet.
    ExtraField.objects.create(doctype="housing_case", code="co_dien", label_vi="Có điện", field_type="boolean")
    with_extra = StateSpec("x", "X", "", "review", (), ("co_dien",), None, False)
    assert migration.missing_required("housing_case", scope, with_extra) == (scope.count(), [("Có điện",
                                                                                              scope.count())])


# ---------------------------------------------------------------------------- moving
def test_migration_limited_to_the_pilots_commune_moves_only_those_with_one_log_row_each(people, world):
    v1, v2 = world["v1"], world["v2"]
    before_transitions = DocumentEvent.objects.filter(kind="transition").count()
    result = migration.documents_migrate(actor=people.actor(people.admin), source=v1, target=v2, mapping=None)
    assert result == migration.MigrationResult(moved=5, skipped=0)
    moved = [c for key in ("survey", "confirmation", "review") for c in world["cases"][key]]
    for case in moved:
        state_before, since_before = case.state, case.state_since
        case.refresh_from_db()
        assert (case.workflow_id, case.state, case.state_since) == (v2.pk, state_before, since_before)
        events = DocumentEvent.objects.filter(object_id=case.pk, kind="migrated")
        assert events.count() == 1
        event = events.get()
        assert (event.from_state, event.to_state, event.workflow_version) == (state_before, state_before, v2.version)
        assert event.data == {"from_version": v1.version, "to_version": v2.version}
        assert event.actor_id == people.admin.pk
    for case in world["cases"]["other"] + world["cases"]["closed"]:
        case.refresh_from_db()
        assert case.workflow_id == v1.pk  # another commune, or finished: stays
    assert DocumentEvent.objects.filter(kind="migrated").count() == 5
    assert DocumentEvent.objects.filter(kind="transition").count() == before_transitions  # never a self-transition


def test_a_new_state_entry_when_the_map_changes_the_state(people, world):
    case = world["cases"]["review"][0]
    entry = case.state_entry
    migration.documents_migrate(actor=people.actor(people.admin), source=world["v1"], target=world["v2"],
                                mapping={"survey": "survey", "commune_confirmation": "commune_confirmation",
                                         "eligibility_review": "returned"})
    case.refresh_from_db()
    assert (case.state, case.stage, case.state_entry) == ("returned", "survey", entry + 1)
    event = DocumentEvent.objects.get(object_id=case.pk, kind="migrated")
    assert (event.from_state, event.to_state) == ("eligibility_review", "returned")


@pytest.fixture
def run_here(monkeypatch):
    """Background jobs run on this thread after the (captured) commit: the test's data is not committed."""
    from housing_campaign.core import jobs

    monkeypatch.setattr(jobs, "enqueue", lambda path, background=False, **kw: jobs.run_job(path, kw))


def test_the_background_job_moves_in_chunks_and_skips_what_moved_meanwhile(people, world, run_here, monkeypatch):
    monkeypatch.setattr(migration, "CHUNK", 2)
    v1, v2 = world["v1"], world["v2"]
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        job = migration.migration_start(actor=people.actor(people.admin), source=v1, target=v2, mapping=None)
    assert job.kind == "workflow_migration" and job.status == "queued" and job.total == 5
    # Meanwhile one case moves on (a transition) and another is moved to v2 by someone else.
    submitted = world["cases"]["survey"][0]
    transition(people, people.officer, submitted, "submit")
    other = world["cases"]["review"][0]
    HousingCase.objects.filter(pk=other.pk).update(workflow=v2)
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == "done" and job.done == job.total == 5, job.error
    assert job.params["moved"] == 3 and job.params["skipped"] == 2 and "docs" not in job.params
    submitted.refresh_from_db()
    assert (submitted.workflow_id, submitted.state) == (v1.pk, "commune_confirmation")
    assert not DocumentEvent.objects.filter(object_id__in=[submitted.pk, other.pk], kind="migrated").exists()
    assert set(DocumentEvent.objects.filter(kind="migrated").values_list("data__job", flat=True)) == {job.pk}


def test_a_job_whose_creator_lost_the_role_fails_plainly_and_moves_nothing(people, world, run_here):
    from housing_campaign.accounts.models import Role

    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        job = migration.migration_start(actor=people.actor(people.admin), source=world["v1"], target=world["v2"],
                                        mapping=None)
    people.admin.groups.remove(Role.objects.get(code="administrator").group)
    people.admin.groups.add(Role.objects.get(code="reviewer").group)
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == "failed" and "Dừng sau khi đã chuyển 0 hồ sơ" in job.error
    assert not DocumentEvent.objects.filter(kind="migrated").exists()


# ---------------------------------------------------------------------------- refusals
def nothing_moved(world):
    assert not DocumentEvent.objects.filter(kind="migrated").exists()
    assert not HousingCase.objects.filter(workflow=world["v2"]).exists()
    assert not BackgroundJob.objects.filter(kind="workflow_migration").exists()


def refusal(people, world, user=None, **kwargs) -> ServiceError:
    kwargs.setdefault("target", world["v2"])
    kwargs.setdefault("mapping", None)
    with pytest.raises(ServiceError) as exc:
        migration.migration_start(actor=people.actor(user or people.admin), source=world["v1"], **kwargs)
    nothing_moved(world)
    return exc.value


def test_unmapped_and_unknown_states_are_refused_with_every_reason(people, world):
    error = refusal(people, world, mapping={"survey": "khong_co", "eligibility_review": ""})
    assert error.details == ["Trạng thái “khong_co” (chọn cho “Đang rà soát”) không có trong phiên bản 3.",
                             "Chưa chọn trạng thái mới cho “Chờ xã xác nhận bình xét” (2 hồ sơ).",
                             "Chưa chọn trạng thái mới cho “Chờ thẩm định” (1 hồ sơ)."]
    assert error.code == "validation"


def test_a_target_with_problems_another_doctype_itself_or_a_draft_is_refused(people, world):
    v2 = world["v2"]
    WorkflowState.objects.filter(definition=v2, code="survey").update(stage="khong_co")
    error = refusal(people, world)
    assert any("Phiên bản 3 còn lỗi: Trạng thái survey: giai đoạn “khong_co” không tồn tại." == p
               for p in error.details)
    error = refusal(people, world, target=active("commendation"))
    assert error.details[0].startswith("Phiên bản đích phải cùng loại hồ sơ với phiên bản 2 (housing_case)")
    assert refusal(people, world, target=world["v1"]).details[0] == "Phiên bản đích phải khác phiên bản đang có hồ sơ."
    assert refusal(people, world, target=None).details[0] == "Hãy chọn phiên bản đích."
    draft = definition_clone(definition=world["v1"])
    assert refusal(people, world, target=draft).details[0] == (
        "Phiên bản 4 chưa được áp dụng hay thí điểm ở đâu: hãy áp dụng hoặc thí điểm nó trước khi chuyển hồ sơ "
        "sang.")
    assert definition_to_dict(draft)["version"] == 4 and not HousingCase.objects.filter(workflow=draft).exists()


def test_territory_refusals_and_who_may_migrate(people, world):
    from housing_campaign.geography.models import AdminUnit
    from housing_campaign.workflow.selectors import unit_label

    elsewhere = AdminUnit.objects.filter(system="legacy", level="commune").exclude(path__startswith="L.62.").first()
    error = refusal(people, world, units=[elsewhere.pk, "abc", unit("62").pk])
    assert error.details == ["“abc” không phải là một đơn vị hành chính.",
                             f"{unit_label(elsewhere)} nằm ngoài địa bàn bạn phụ trách.",
                             "Tỉnh Kon Tum là đơn vị cấp tỉnh: chỉ chọn xã hoặc huyện (muốn áp dụng cho cả tỉnh, "
                             "hãy chọn “Áp dụng cho toàn tỉnh”)."]
    local = make_user("admin_dakman", "administrator", OTHER, staff=True)
    error = refusal(people, world, user=local, units=[unit(HOME).pk])
    assert error.details == ["Xã Đăk Blô, Huyện Đắk Glei nằm ngoài địa bàn bạn phụ trách."]
    # Defaulting to the pilot's commune, outside this administrator's territory: they must choose.
    error = refusal(people, world, user=local)
    assert "chỉ được thí điểm ngoài địa bàn bạn phụ trách" in error.details[0]
    for user in (people.auditor, people.officer, people.chairman):
        assert refusal(people, world, user=user).code == "permission_denied"
    # An administrator of Đăk Man moves only Đăk Man's case, whatever they choose.
    result = migration.documents_migrate(actor=people.actor(local), source=world["v1"], target=world["v2"],
                                         mapping=None, units=[])
    assert result.moved == 1
    assert HousingCase.objects.filter(workflow=world["v2"]).get().commune.code == OTHER


def test_nothing_to_move_is_said(people, world):
    migration.documents_migrate(actor=people.actor(people.admin), source=world["v1"], target=world["v2"],
                                mapping=None)
    with pytest.raises(ServiceError) as exc:
        migration.migration_start(actor=people.actor(people.admin), source=world["v1"], target=world["v2"],
                                  mapping=None)
    assert exc.value.details == ["Không có hồ sơ đang xử lý nào theo phiên bản 2 trong địa bàn đã chọn."]


def test_a_migration_without_progress_is_swept_to_failed(people, world):
    import datetime as dt

    from django.utils import timezone

    from housing_campaign import hooks

    assert "housing_campaign.workflow.migration.migration_jobs_sweep_stale" in hooks.scheduler_events["all"]
    old = timezone.now() - dt.timedelta(minutes=30)
    stuck = BackgroundJob.objects.create(kind="workflow_migration", created_by=people.admin, total=10,
                                         status="running", progress_at=old)
    alive = BackgroundJob.objects.create(kind="workflow_migration", created_by=people.admin, total=10,
                                         status="running", progress_at=timezone.now())
    printing = BackgroundJob.objects.create(kind="batch_print", created_by=people.admin, total=10,
                                            status="running", progress_at=old)
    assert migration.migration_jobs_sweep_stale() == 1
    stuck.refresh_from_db(), alive.refresh_from_db(), printing.refresh_from_db()
    assert stuck.status == "failed" and "quá 15 phút không có tiến triển" in stuck.error
    assert (alive.status, printing.status) == ("running", "running")

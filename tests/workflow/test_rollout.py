"""Issue 11, item 3: a version piloted in chosen communes or districts (legacy or 2025 units) while the rest
keep the active version; new documents get the version of their territory (case creation, bulk import,
commendations); widening to the province in one step; ending a pilot; every refusal with its reasons and
nothing changed."""
from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from housing_campaign.core.errors import ServiceError
from housing_campaign.workflow import rollout
from housing_campaign.workflow.definitions import definition_activate, definition_clone
from housing_campaign.workflow.engine import initial_workflow_fields
from housing_campaign.workflow.models import WorkflowDefinition, WorkflowPilot
from tests.conftest import FAR, HOME, OTHER, make_user, new_case, unit

pytestmark = pytest.mark.django_db


def active(doctype="housing_case") -> WorkflowDefinition:
    return WorkflowDefinition.objects.get(doctype=doctype, is_active=True)


@pytest.fixture
def draft(reference_data):
    return definition_clone(definition=active())


def pilot(people, definition, *codes, system="legacy"):
    return rollout.definition_pilot_start(actor=people.actor(people.admin), definition=definition,
                                          units=[unit(c, system).pk for c in codes])


def refused(call, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as exc:
        call(**kwargs)
    return exc.value


# ---------------------------------------------------------------------------- which version a new document gets
def test_pilot_in_one_commune_gives_new_cases_there_the_pilot_version(people, campaign, draft):
    v1 = active()
    pilots = pilot(people, draft, HOME)
    assert [p.unit_path for p in pilots] == [unit(HOME).path]
    home = new_case(people, campaign)
    other = new_case(people, campaign, commune_code=OTHER)
    assert home.workflow_id == draft.pk and home.state == "survey"
    assert other.workflow_id == v1.pk
    # The "created" row names the version the case started on.
    from housing_campaign.core.models import DocumentEvent

    assert DocumentEvent.objects.get(object_id=home.pk, kind="created").workflow_version == draft.version
    assert DocumentEvent.objects.get(object_id=other.pk, kind="created").workflow_version == v1.version
    log = LogEntry.objects.get(object_id=str(draft.pk))
    assert "Bắt đầu thí điểm phiên bản 3 tại: Xã Đăk Blô" in log.change_message
    assert log.user_id == people.admin.pk


def test_a_district_pilot_covers_its_communes_and_a_2025_unit_its_cases(people, campaign, draft):
    pilot(people, draft, "610")  # huyện Đắk Glei
    assert new_case(people, campaign).workflow_id == draft.pk
    assert new_case(people, campaign, commune_code=OTHER).workflow_id == draft.pk
    assert initial_workflow_fields("housing_case", unit(FAR).path)["workflow"] == active()
    rollout.definition_pilot_stop(actor=people.actor(people.admin), definition=draft)
    assert new_case(people, campaign).workflow_id == active().pk
    # Xã Đăk Plô (2025) is Đăk Blô and Đăk Man merged: a case opened in either legacy commune carries its path.
    successor = unit(HOME).successor
    assert unit(OTHER).successor_id == successor.pk
    rollout.definition_pilot_start(actor=people.actor(people.admin), definition=draft, units=[successor.pk])
    assert new_case(people, campaign).workflow_id == draft.pk
    assert new_case(people, campaign, commune_code=OTHER).workflow_id == draft.pk
    assert initial_workflow_fields("housing_case", unit(FAR).path, unit(FAR).successor.path)["workflow"] == active()
    assert "Xã Đăk Plô (từ 01/07/2025)" in LogEntry.objects.filter(object_id=str(draft.pk)).order_by(
        "-pk").first().change_message


def test_the_highest_version_piloted_over_a_territory_wins_unless_the_active_is_newer(people, campaign, draft):
    v3 = definition_clone(definition=draft)
    pilot(people, draft, HOME)
    pilot(people, v3, "610")
    assert new_case(people, campaign).workflow_id == v3.pk
    assert new_case(people, campaign, commune_code=OTHER).workflow_id == v3.pk
    rollout.definition_pilot_stop(actor=people.actor(people.admin), definition=v3)
    assert new_case(people, campaign).workflow_id == draft.pk
    # A province-wide version newer than a pilot supersedes it (even if the pilot row was left behind).
    v4 = definition_clone(definition=draft)
    definition_activate(definition=v4)
    assert WorkflowPilot.objects.filter(definition=draft).exists()
    assert new_case(people, campaign).workflow_id == v4.pk


def test_bulk_import_reads_the_pilots_once_and_gives_each_row_its_territorys_version(people, campaign, draft,
                                                                                      tmp_path, monkeypatch):
    from housing_campaign.cases.models import HousingCase
    from housing_campaign.core.models import DocumentEvent
    from housing_campaign.imports import services as imports
    from housing_campaign.workflow import engine
    from tests.imports.conftest import build_workbook, clean_rows

    v1 = active()
    pilot(people, draft, HOME)
    path = tmp_path / "danh-sach.xlsx"
    build_workbook(path, clean_rows(30) + clean_rows(30, start=500, commune="Xã Đăk Man"))
    calls = []
    real = engine.workflow_rollout
    monkeypatch.setattr(engine, "workflow_rollout", lambda doctype: calls.append(doctype) or real(doctype))
    with CaptureQueriesContext(connection) as queries:
        outcome = imports.survey_import(actor=people.actor(people.reviewer), campaign=campaign,
                                        survey_round=campaign.rounds.get(number=1), path=path, dry_run=False)
    assert outcome.written and HousingCase.objects.count() == 60
    assert calls == ["housing_case"]
    assert sum("workflow_workflowpilot" in q["sql"] for q in queries.captured_queries) == 1
    by_commune = dict(HousingCase.objects.values_list("commune__code", "workflow_id").distinct())
    assert by_commune == {HOME: draft.pk, OTHER: v1.pk}
    versions = set(DocumentEvent.objects.filter(kind="created").values_list("object_id", "workflow_version"))
    cases = dict(HousingCase.objects.values_list("pk", "workflow__version"))
    assert versions == set(cases.items())


def test_a_nomination_in_a_piloted_commune_starts_on_the_commendation_pilot(people, campaign):
    from tests.commendations.helpers import nominate, participant

    v1 = active("commendation")
    v2 = definition_clone(definition=v1)
    pilot(people, v2, HOME)
    here = nominate(people, campaign, participant(campaign), form="giay_khen_chu_tich_xa", by=people.officer)
    there = nominate(people, campaign, participant(campaign, name="Ủy ban nhân dân xã Đăk Man", code=OTHER),
                     form="giay_khen_chu_tich_xa", by=people.officer_b)
    assert (here.workflow_id, there.workflow_id) == (v2.pk, v1.pk)


# ---------------------------------------------------------------------------- widening and stopping
def test_widening_the_pilot_to_the_province_is_one_step(people, campaign, draft):
    v1 = active()
    pilot(people, draft, HOME)
    in_pilot = new_case(people, campaign)
    widened = rollout.definition_pilot_widen(actor=people.actor(people.admin), definition=draft)
    v1.refresh_from_db()
    assert widened.is_active and widened.activated_at is not None
    assert not v1.is_active and v1.retired_at is not None
    assert not WorkflowPilot.objects.exists()
    assert new_case(people, campaign, commune_code=OTHER).workflow_id == draft.pk
    in_pilot.refresh_from_db()
    assert in_pilot.workflow_id == draft.pk
    message = LogEntry.objects.filter(object_id=str(draft.pk)).order_by("-pk").first().change_message
    assert "Áp dụng phiên bản 3 cho toàn tỉnh (sau khi thí điểm tại Xã Đăk Blô" in message
    assert "ngừng áp dụng phiên bản 2" in message


def test_province_wide_activation_clears_older_pilots(people, campaign, draft):
    v3 = definition_clone(definition=draft)
    pilot(people, draft, HOME)
    rollout.definition_province_apply(actor=people.actor(people.admin), definition=v3)
    assert not WorkflowPilot.objects.exists()
    assert new_case(people, campaign).workflow_id == v3.pk
    assert "kết thúc thí điểm phiên bản 3 tại Xã Đăk Blô" in LogEntry.objects.filter(
        object_id=str(v3.pk)).get().change_message


def test_ending_a_pilot_sends_new_cases_back_to_the_active_version(people, campaign, draft):
    v1 = active()
    pilot(people, draft, HOME, OTHER)
    during = new_case(people, campaign)
    stopped = rollout.definition_pilot_stop(actor=people.actor(people.admin), definition=draft, units=[unit(HOME).pk])
    assert stopped == 1
    assert new_case(people, campaign).workflow_id == v1.pk
    assert new_case(people, campaign, commune_code=OTHER).workflow_id == draft.pk
    assert rollout.definition_pilot_stop(actor=people.actor(people.admin), definition=draft) == 1
    assert new_case(people, campaign, commune_code=OTHER).workflow_id == v1.pk
    during.refresh_from_db()
    assert during.workflow_id == draft.pk  # a case opened during the pilot finishes on it unless migrated
    assert "Dừng thí điểm phiên bản 3 tại: Xã Đăk Blô" in " ".join(
        LogEntry.objects.filter(object_id=str(draft.pk)).values_list("change_message", flat=True))


# ---------------------------------------------------------------------------- refusals: every reason, nothing changed
@pytest.fixture
def unchanged():
    def snapshot():
        return (list(WorkflowPilot.objects.values_list("definition_id", "unit_id")),
                list(WorkflowDefinition.objects.order_by("pk").values_list("pk", "is_active", "retired_at")),
                LogEntry.objects.count())

    before = {}

    def check(label="before"):
        if label == "before":
            before["value"] = snapshot()
        else:
            assert snapshot() == before["value"]

    return check


def test_pilot_refusals_list_every_reason_and_change_nothing(people, campaign, draft, unchanged):
    unchanged()
    error = refused(rollout.definition_pilot_start, actor=people.actor(people.admin), definition=draft,
                    units=["abc", "99999999", str(unit("62").pk), "9" * 40, None, unit(HOME).pk])
    assert error.code == "validation"
    assert error.details == ["“abc” không phải là một đơn vị hành chính.",
                             f"“{'9' * 27}…” không phải là một đơn vị hành chính.",
                             "“None” không phải là một đơn vị hành chính.",
                             "Không tìm thấy đơn vị hành chính số 99999999.",
                             "Tỉnh Kon Tum là đơn vị cấp tỉnh: chỉ chọn xã hoặc huyện (muốn áp dụng cho cả tỉnh, "
                             "hãy chọn “Áp dụng cho toàn tỉnh”)."]
    error = refused(rollout.definition_pilot_start, actor=people.actor(people.admin), definition=draft, units=[])
    assert error.details == ["Hãy chọn ít nhất một xã hoặc huyện để thí điểm."]
    error = refused(rollout.definition_pilot_start, actor=people.actor(people.admin), definition=active(),
                    units=[unit(HOME).pk])
    assert error.details == ["Phiên bản 2 đang được áp dụng cho toàn tỉnh nên không thể thí điểm."]
    error = refused(rollout.definition_pilot_start, actor=people.actor(people.admin), definition=draft,
                    units=[str(i) for i in range(600)])
    assert "tối đa 500" in error.details[0]
    # An administrator of one commune: another commune is outside their territory.
    local = make_user("admin_dakblo", "administrator", HOME, staff=True)
    error = refused(rollout.definition_pilot_start, actor=people.actor(local), definition=draft,
                    units=[unit(OTHER).pk, unit(FAR).pk])
    assert error.details == ["Xã Đăk Man, Huyện Đắk Glei nằm ngoài địa bàn bạn phụ trách.",
                             "Xã Đăk Cấm, Thành phố Kon Tum nằm ngoài địa bàn bạn phụ trách."]
    unchanged("after")


def test_only_administrators_pilot_and_a_broken_or_older_version_is_refused(people, campaign, draft, unchanged):
    unchanged()
    for user in (people.auditor, people.officer, people.reviewer):
        error = refused(rollout.definition_pilot_start, actor=people.actor(user), definition=draft,
                        units=[unit(HOME).pk])
        assert error.code == "permission_denied", user
    assert "chỉ có quyền xem" in refused(rollout.definition_pilot_widen, actor=people.actor(people.auditor),
                                         definition=draft).details[0]
    assert "Chỉ Quản trị hệ thống" in refused(rollout.definition_pilot_stop, actor=people.actor(people.officer),
                                              definition=draft).details[0]
    WorkflowDefinition.objects.filter(pk=draft.pk).update(initial_state="khong_co")
    draft.refresh_from_db()
    error = refused(rollout.definition_pilot_start, actor=people.actor(people.admin), definition=draft,
                    units=[unit(HOME).pk])
    assert any("Trạng thái đầu “khong_co” không có trong danh sách trạng thái." in p for p in error.details)
    assert any("Phiên bản 3 còn lỗi" in p for p in error.details)
    error = refused(rollout.definition_province_apply, actor=people.actor(people.admin), definition=draft)
    assert any("khong_co" in p for p in error.details)
    unchanged("after")
    WorkflowDefinition.objects.filter(pk=draft.pk).update(initial_state="survey")
    v3 = definition_clone(definition=active())
    definition_activate(definition=v3)
    draft.refresh_from_db()
    error = refused(rollout.definition_pilot_start, actor=people.actor(people.admin), definition=draft,
                    units=[unit(HOME).pk])
    assert "cũ hơn phiên bản đang áp dụng (4)" in error.details[0]


def test_widen_and_stop_refusals(people, campaign, draft, unchanged):
    unchanged()
    error = refused(rollout.definition_pilot_widen, actor=people.actor(people.admin), definition=draft)
    assert error.details == ["Phiên bản 3 không được thí điểm ở đâu; hãy chọn “Áp dụng cho toàn tỉnh”."]
    error = refused(rollout.definition_pilot_stop, actor=people.actor(people.admin), definition=draft)
    assert error.details == ["Phiên bản 3 không được thí điểm ở đâu."]
    error = refused(rollout.definition_province_apply, actor=people.actor(people.admin), definition=active())
    assert error.details == ["Phiên bản 2 đã đang được áp dụng cho toàn tỉnh."]
    unchanged("after")
    pilot(people, draft, HOME)
    unchanged()
    district_admin = make_user("admin_daklei", "administrator", "610", staff=True)
    error = refused(rollout.definition_pilot_widen, actor=people.actor(district_admin), definition=draft)
    assert error.details == ["Chỉ quản trị cấp tỉnh được áp dụng quy trình cho toàn tỉnh; bạn có thể thí điểm "
                             "trong địa bàn của mình."]
    far_admin = make_user("admin_far", "administrator", FAR, staff=True)
    error = refused(rollout.definition_pilot_stop, actor=people.actor(far_admin), definition=draft)
    assert error.details == ["Các địa bàn thí điểm đều nằm ngoài địa bàn bạn phụ trách."]
    error = refused(rollout.definition_pilot_stop, actor=people.actor(people.admin), definition=draft,
                    units=[unit(OTHER).pk, "x"])
    assert error.details == ["“x” không phải là một đơn vị hành chính.",
                             "Phiên bản 3 không được thí điểm tại Xã Đăk Man, Huyện Đắk Glei."]
    error = refused(rollout.definition_pilot_start, actor=people.actor(people.admin), definition=draft,
                    units=[unit(HOME).pk])
    assert error.details == ["Phiên bản 3 đã được thí điểm tại Xã Đăk Blô, Huyện Đắk Glei."]
    unchanged("after")
    # A district administrator may pilot inside their district (and stop it there).
    rollout.definition_pilot_start(actor=people.actor(district_admin), definition=draft, units=[unit(OTHER).pk])
    assert rollout.definition_pilot_stop(actor=people.actor(district_admin), definition=draft) == 2

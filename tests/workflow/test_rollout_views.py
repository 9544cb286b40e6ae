"""The activation page (province or pilot, problems shown, a confirmation, then the way to the migration
preview), the migration preview and its progress page, as an administrator, a superuser, the auditor, a
commune officer and an anonymous visitor; bad input in every field never a server error."""
from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.test import Client, TestCase
from django.urls import reverse

from housing_campaign.cases.models import HousingCase
from housing_campaign.core.models import BackgroundJob, DocumentEvent
from housing_campaign.workflow import rollout
from housing_campaign.workflow.definitions import definition_clone
from housing_campaign.workflow.models import WorkflowDefinition, WorkflowPilot
from tests.conftest import HOME, OTHER, PASSWORD, advance, make_user, new_case, unit

pytestmark = pytest.mark.django_db
LIST = "admin:workflow_workflowdefinition_changelist"


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def active() -> WorkflowDefinition:
    return WorkflowDefinition.objects.get(doctype="housing_case", is_active=True)


@pytest.fixture
def draft(reference_data):
    return definition_clone(definition=active())


@pytest.fixture
def run_here(monkeypatch):
    from housing_campaign.core import jobs

    monkeypatch.setattr(jobs, "enqueue", lambda path, background=False, **kw: jobs.run_job(path, kw))


def page(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------- who may open the pages
def test_only_administrators_and_superusers_use_the_rollout_pages(people, draft):
    job = BackgroundJob.objects.create(kind="workflow_migration", created_by=people.admin, total=0, status="done",
                                       params={"moved": 0, "skipped": 0, "source_version": 1, "target_version": 2})
    urls = [reverse("admin:workflow_activate", args=[draft.pk]), reverse("admin:workflow_migrate", args=[active().pk]),
            reverse("admin:workflow_migration_job", args=[job.pk])]
    root = get_user_model().objects.create_superuser("root", "root@example.invalid", PASSWORD)
    for url in urls:
        assert client_for(people.admin).get(url).status_code == 200, url
        assert client_for(root).get(url).status_code == 200, url
        assert client_for(people.auditor).get(url).status_code == 403, url
        for user in (people.officer, None):
            response = client_for(user).get(url)
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url
    for user in (people.auditor, people.officer, None):
        client_for(user).post(urls[0], {"op": "confirm", "mode": "pilot", "units": [unit(HOME).pk]})
        client_for(user).post(urls[1], {"confirm": "1", "target": draft.pk})
    assert not WorkflowPilot.objects.exists() and not LogEntry.objects.exists()
    # The job page is read-only: a POST is not allowed.
    assert client_for(people.admin).post(urls[2]).status_code == 405


def test_the_list_says_which_version_applies_where_and_the_auditor_gets_no_link(people, draft):
    rollout.definition_pilot_start(actor=people.actor(people.admin), definition=draft, units=[unit(HOME).pk])
    admin_list = page(client_for(people.admin).get(reverse(LIST)))
    assert "Đang thí điểm tại Xã Đăk Blô, Huyện Đắk Glei" in admin_list
    assert "Đang áp dụng cho toàn tỉnh" in admin_list
    assert reverse("admin:workflow_activate", args=[draft.pk]) in admin_list
    assert "activate_version" not in admin_list  # the old list action is gone: the page replaces it
    auditor_list = page(client_for(people.auditor).get(reverse(LIST)))
    assert "Đang thí điểm tại Xã Đăk Blô, Huyện Đắk Glei" in auditor_list
    assert reverse("admin:workflow_activate", args=[draft.pk]) not in auditor_list
    # The version's own page says it too (read-only once piloted).
    change = page(client_for(people.admin).get(reverse("admin:workflow_workflowdefinition_change", args=[draft.pk])))
    assert "Đang thí điểm tại Xã Đăk Blô" in change and "chỉ xem" in change


# ---------------------------------------------------------------------------- activation
def test_pilot_through_the_page_check_confirm_then_the_migration_preview(people, campaign, draft):
    advance(people, new_case(people, campaign), "eligibility_review")
    client = client_for(people.admin)
    url = reverse("admin:workflow_activate", args=[draft.pk])
    start = page(client.get(url))
    assert "Phiên bản 3: <b>Chưa áp dụng</b>" in start and "Xã Đăk Blô" in start and 'value="pilot"' in start
    checked = page(client.post(url, {"op": "check", "mode": "pilot", "units": [unit(HOME).pk]}))
    assert "Xác nhận" in checked and "Thí điểm <b>phiên bản 3</b> tại: <b>Xã Đăk Blô (Huyện Đắk Glei)</b>" in checked
    assert not WorkflowPilot.objects.exists()  # nothing until confirmed
    response = client.post(url, {"op": "confirm", "mode": "pilot", "units": [unit(HOME).pk]})
    assert response.status_code == 302 and response["Location"] == url + "?done=1"
    assert list(WorkflowPilot.objects.values_list("definition_id", "unit_id")) == [(draft.pk, unit(HOME).pk)]
    done = page(client.get(response["Location"]))
    assert "Đã bắt đầu thí điểm phiên bản 3 tại Xã Đăk Blô" in done
    migrate = reverse("admin:workflow_migrate", args=[active().pk]) + f"?target={draft.pk}"
    assert migrate.replace("&", "&amp;") in done or migrate in done
    assert new_case(people, campaign).workflow_id == draft.pk


def test_province_and_widen_and_stop_through_the_page(people, campaign, draft):
    client = client_for(people.admin)
    url = reverse("admin:workflow_activate", args=[draft.pk])
    client.post(url, {"op": "confirm", "mode": "pilot", "units": [unit(HOME).pk, unit(OTHER).pk]})
    stopped = client.post(url, {"op": "stop", "stop_units": [unit(OTHER).pk]}, follow=True)
    assert "Đã dừng thí điểm phiên bản 3 tại 1 địa bàn" in page(stopped)
    assert list(WorkflowPilot.objects.values_list("unit_id", flat=True)) == [unit(HOME).pk]
    widened = client.post(url, {"op": "confirm", "mode": "province"}, follow=True)
    assert "Đã mở rộng phiên bản 3 ra toàn tỉnh." in page(widened)
    draft.refresh_from_db()
    assert draft.is_active and not WorkflowPilot.objects.exists()
    v3 = definition_clone(definition=draft)
    applied = client.post(reverse("admin:workflow_activate", args=[v3.pk]), {"op": "confirm", "mode": "province"},
                          follow=True)
    assert "Đã áp dụng phiên bản 4 cho toàn tỉnh." in page(applied)


def test_activation_shows_every_problem_and_refuses(people, draft):
    WorkflowDefinition.objects.filter(pk=draft.pk).update(initial_state="khong_co")
    client = client_for(people.admin)
    url = reverse("admin:workflow_activate", args=[draft.pk])
    start = page(client.get(url))
    assert "còn 1 lỗi nên chưa áp dụng hay thí điểm được" in start and "khong_co" in start
    for data in ({"op": "check", "mode": "province"}, {"op": "confirm", "mode": "province"},
                 {"op": "confirm", "mode": "pilot", "units": [unit(HOME).pk]}):
        response = client.post(url, data)
        assert response.status_code == 200 and "Chưa áp dụng gì. Lý do:" in page(response)
    assert not WorkflowPilot.objects.exists() and not WorkflowDefinition.objects.get(pk=draft.pk).is_active
    district_admin = make_user("admin_daklei", "administrator", "610", staff=True)
    WorkflowDefinition.objects.filter(pk=draft.pk).update(initial_state="survey")
    response = client_for(district_admin).post(url, {"op": "confirm", "mode": "province"})
    assert "Chỉ quản trị cấp tỉnh được áp dụng quy trình cho toàn tỉnh" in page(response)
    assert 'id="mode-province" disabled' in page(client_for(district_admin).get(url))


GARBAGE = ["", " ", "abc", "-1", "0", "1.5", "9" * 40, "\x00", "１２", "<script>", "1e3", "NaN"]


def test_bad_input_on_the_activation_page_never_500_and_writes_nothing(people, draft):
    client = client_for(people.admin)
    url = reverse("admin:workflow_activate", args=[draft.pk])
    for value in GARBAGE:
        for data in ({"op": "confirm", "mode": "pilot", "units": [value]}, {"op": value, "mode": "pilot"},
                     {"op": "confirm", "mode": value, "units": [value]}, {"op": "stop", "stop_units": [value]},
                     {"op": "check", "mode": "pilot", "units": [value] * 600}):
            response = client.post(url, data)
            assert response.status_code == 200, (data, response.status_code)
            assert "Lý do" in page(response), data
        assert client.get(url, {"mode": value, "units": value}).status_code == 200
    assert not WorkflowPilot.objects.exists() and not LogEntry.objects.exists()
    assert client.get(reverse("admin:workflow_activate", args=[999999])).status_code == 404


# ---------------------------------------------------------------------------- migration
@pytest.fixture
def piloted(people, campaign, draft):
    cases = [advance(people, new_case(people, campaign), "eligibility_review"), new_case(people, campaign),
             advance(people, new_case(people, campaign), "commune_confirmation"),
             new_case(people, campaign, commune_code=OTHER)]
    rollout.definition_pilot_start(actor=people.actor(people.admin), definition=draft, units=[unit(HOME).pk])
    return cases


def test_preview_then_confirm_runs_the_job_and_the_desk_timeline_says_so(people, campaign, draft, piloted, run_here):
    client = client_for(people.admin)
    url = reverse("admin:workflow_migrate", args=[active().pk])
    preview = page(client.get(url + f"?target={draft.pk}"))
    assert 'id="total">3<' in preview and "Xã Đăk Blô, Huyện Đắk Glei" in preview
    assert "1 hồ sơ thiếu: ngày họp bình xét (1)" in preview and "1 hồ sơ sẽ thiếu thông tin bắt buộc" in preview
    assert 'name="map_eligibility_review"' in preview and ">Chờ thẩm định</option>" in preview
    token = preview.split('name="token" value="')[1].split('"')[0]
    form = {"mapped": "1", "units_given": "1", "shown_target": draft.pk, "target": draft.pk,
            "units": [unit(HOME).pk], "map_survey": "survey", "map_commune_confirmation": "commune_confirmation",
            "map_eligibility_review": "eligibility_review"}
    # Choices changed since the preview (another territory): nothing moves, the new figures are shown.
    stale = client.post(url, {**form, "units": [], "token": token, "confirm": "1"})
    assert "Lựa chọn đã thay đổi so với bản xem trước" in page(stale) and 'id="total">4<' in page(stale)
    assert not DocumentEvent.objects.filter(kind="migrated").exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, {**form, "token": token, "confirm": "1"})
    assert response.status_code == 302
    job = BackgroundJob.objects.get(kind="workflow_migration")
    assert response["Location"] == reverse("admin:workflow_migration_job", args=[job.pk])
    progress = page(client.get(response["Location"]))
    assert "Đã chuyển 3 hồ sơ sang quy trình phiên bản 3." in progress and 'id="job"' in progress
    partial = client.get(response["Location"], headers={"HX-Request": "true"})
    assert page(partial).startswith('<div id="job"') and "Đã chuyển 3 hồ sơ" in page(partial)
    assert HousingCase.objects.filter(workflow=draft).count() == 3
    piloted[3].refresh_from_db()
    assert piloted[3].workflow_id != draft.pk  # Đăk Man stays
    desk = Client()
    assert desk.login(username="reviewer", password=PASSWORD)
    case_page = page(desk.get(reverse("desk:case", args=[piloted[0].pk])))
    assert "chuyển sang quy trình phiên bản 3: Chờ thẩm định → <b>Chờ thẩm định</b>" in case_page
    assert "Bắt đầu chuyển 3 hồ sơ từ phiên bản 2 sang phiên bản 3" in " ".join(
        LogEntry.objects.values_list("change_message", flat=True))


def test_bad_input_on_the_migration_page_never_500_and_moves_nothing(people, campaign, draft, piloted):
    from housing_campaign.workflow.models import WorkflowDefinition as Definition

    client = client_for(people.admin)
    source = active()
    url = reverse("admin:workflow_migrate", args=[source.pk])
    other_doctype = Definition.objects.get(doctype="commendation", is_active=True)
    response = client.get(url, {"target": other_doctype.pk})
    assert response.status_code == 200 and "Phiên bản đích phải cùng loại hồ sơ" in page(response)
    response = client.post(url, {"target": other_doctype.pk, "confirm": "1", "token": "x", "mapped": "1"})
    assert response.status_code == 200
    for value in GARBAGE:
        for data in ({"target": value}, {"target": draft.pk, "units": [value], "units_given": "1"},
                     {"target": draft.pk, "mapped": "1", "map_survey": value, f"map_{value}": value},
                     {"target": draft.pk, "shown_target": value, "confirm": value, "token": value}):
            for method in (client.get, client.post):
                response = method(url, data)
                assert response.status_code == 200, (method, data, response.status_code)
    many = {f"map_s{i}": "survey" for i in range(1000)}
    assert client.post(url, {"target": draft.pk, "mapped": "1", **many}).status_code == 200
    assert not DocumentEvent.objects.filter(kind="migrated").exists()
    assert not BackgroundJob.objects.filter(kind="workflow_migration").exists()
    assert client.get(reverse("admin:workflow_migrate", args=[999999])).status_code == 404
    batch = BackgroundJob.objects.create(kind="batch_print", created_by=people.admin, total=1)
    for pk in (batch.pk, 999999):
        assert client.get(reverse("admin:workflow_migration_job", args=[pk])).status_code == 404

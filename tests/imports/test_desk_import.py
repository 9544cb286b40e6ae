"""The desk pages: upload → mapping → check → confirm → result; territory; exports with the filters."""
from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from housing_campaign.cases.models import HousingCase
from housing_campaign.imports.models import ImportBatch
from tests.conftest import PASSWORD, new_case

from .conftest import build_workbook

pytestmark = pytest.mark.django_db


def login(username) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def run_jobs_here(monkeypatch):
    """The test's data is not committed, so background jobs run on this thread (the browser test runs
    them on their thread against a live server)."""
    from housing_campaign.core import jobs

    monkeypatch.setattr(jobs, "enqueue", lambda path, background=False, **kw: jobs.run_job(path, kw))


def _upload(client, campaign, path):
    with open(path, "rb") as handle:
        return client.post(reverse("imports:upload"), {"kind": "survey", "survey_round": campaign.rounds.get(
            number=1).pk, "file": handle})


def test_upload_map_check_confirm_and_filter_the_queue(people, campaign, tmp_path, messy_rows, run_jobs_here,
                                                         django_capture_on_commit_callbacks):
    path = tmp_path / "danh-sach.xlsx"
    where = build_workbook(path, messy_rows)
    client = login("officer_a")
    response = _upload(client, campaign, path)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:mapping", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Dòng tiêu đề tìm thấy ở dòng 6" in page
    assert '<option value="Họ và tên chủ hộ" selected>' in page and '<option value="Mái" selected>' in page
    form = {f"col__{k}": v for k, v in batch.mapping["columns"].items()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:mapping", args=[batch.pk]), {**form, "template_name": "Mẫu Đăk Blô"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "checked" and (batch.created, batch.refused) == (3, 7)
    assert HousingCase.objects.count() == 0
    page = client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "Kiểm tra thử, chưa ghi gì" in page
    assert f"dòng {where['A Khá']}: cột “Đối tượng” (“Hộ khá giả”)" in page
    report = client.get(reverse("imports:report", args=[batch.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    assert sheet.cell(row=2, column=2).value == "Trạng thái"
    # All or nothing by default: the confirm writes nothing while rows are refused.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[batch.pk]), {"mode": "all"})
    batch.refresh_from_db()
    assert batch.status == "refused" and HousingCase.objects.count() == 0
    page = client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "KHÔNG nhập dòng nào" in page


def test_good_rows_only_from_the_desk_then_queue_filter(people, campaign, tmp_path, messy_rows, run_jobs_here,
                                                        django_capture_on_commit_callbacks):
    path = tmp_path / "danh-sach.xlsx"
    build_workbook(path, messy_rows)
    client = login("officer_a")
    _upload(client, campaign, path)
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:mapping", args=[batch.pk]),
                    {f"col__{k}": v for k, v in batch.mapping["columns"].items()})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[batch.pk]), {"mode": "good_rows_only"})
    batch.refresh_from_db()
    assert batch.status == "done" and batch.created == 3
    assert HousingCase.objects.count() == 3
    other = new_case(people, campaign)
    queue = client.get(reverse("desk:queue") + f"?scope=all&batch={batch.pk}").content.decode()
    assert all(c.code in queue for c in HousingCase.objects.exclude(pk=other.pk))
    assert other.code not in queue


def test_bad_upload_says_why_and_keeps_nothing(people, campaign, tmp_path):
    path = tmp_path / "scan.xlsx"
    path.write_bytes(b"%PDF-1.4 scanned list")
    client = login("officer_a")
    response = _upload(client, campaign, path)
    assert response.status_code == 200
    assert "Tệp không phải bảng tính" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_who_may_use_the_import_pages(people, campaign, tmp_path, messy_rows):
    for username, status in (("council1", 403), ("admin_kt", 403), ("auditor", 403), ("officer_a", 200),
                             ("reviewer", 200), ("finance", 200)):
        assert login(username).get(reverse("imports:upload")).status_code == status, username
    path = tmp_path / "danh-sach.xlsx"
    build_workbook(path, messy_rows)
    _upload(login("officer_a"), campaign, path)
    batch = ImportBatch.objects.get()
    assert login("officer_b").get(reverse("imports:batch", args=[batch.pk])).status_code == 404
    assert login("officer_b").get(reverse("imports:report", args=[batch.pk])).status_code == 404
    assert login("reviewer").get(reverse("imports:batch", args=[batch.pk])).status_code == 200
    assert login("reviewer").post(reverse("imports:confirm", args=[batch.pk])).status_code == 302
    batch.refresh_from_db()
    assert batch.status == "uploaded"  # only the one who uploaded runs it


# ---------------------------------------------------------------------------- exports
def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_export_respects_territory_filters_and_is_injection_safe(people, campaign):
    from housing_campaign.extrafields.models import ExtraField

    ExtraField.objects.create(doctype="housing_case", code="co_dien", label_vi="Có điện", field_type="boolean")
    mine = new_case(people, campaign)
    mine.household.head_name = '=HYPERLINK("http://evil","x")'
    mine.household.save()
    repair = new_case(people, campaign, support_type="repair")
    theirs = new_case(people, campaign, commune_code="23347")
    sheet = _sheet(login("officer_a").get(reverse("desk:export_cases") + "?scope=all"))
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(codes) == sorted([mine.code, repair.code]) and theirs.code not in codes
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["Mã hồ sơ", "Họ và tên chủ hộ", "Số CCCD"] and headers[-1] == "Có điện"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    name_cell = next(r[1] for r in sheet.iter_rows(min_row=2) if r[0].value == mine.code)
    assert name_cell.data_type == "s" and name_cell.value.startswith("=") and name_cell.quotePrefix
    amount = next(r[headers.index("Mức hỗ trợ (đồng)")] for r in sheet.iter_rows(min_row=2) if r[0].value == mine.code)
    assert isinstance(amount.value, int) and amount.number_format == "#,##0"
    filtered = _sheet(login("officer_a").get(reverse("desk:export_cases") + "?scope=all&support_type=repair"))
    assert [row[0] for row in filtered.iter_rows(min_row=2, values_only=True)] == [repair.code]
    everything = _sheet(login("reviewer").get(reverse("desk:export_cases") + "?scope=all"))
    assert theirs.code in [row[0] for row in everything.iter_rows(min_row=2, values_only=True)]


def test_commune_list_exports_in_the_communes_layout_and_reads_back(people, campaign, tmp_path):
    from housing_campaign.imports import services

    cases = [new_case(people, campaign) for _ in range(3)]
    client = login("officer_a")
    response = client.get(reverse("desk:export_commune_list") + f"?scope=all&unit={cases[0].commune.path}")
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A1"].value == "ỦY BAN NHÂN DÂN XÃ ĐĂK BLÔ"
    path = tmp_path / "xa.xlsx"
    path.write_bytes(content)
    outcome = services.survey_import(actor=people.actor(people.officer), campaign=campaign,
                                     survey_round=campaign.rounds.get(number=1), path=path, dry_run=True)
    assert outcome.counts["existing"] == 3 and outcome.counts["refused"] == 0, [r.reason for r in outcome.rows]
    assert client.get(reverse("desk:export_commune_list") + "?scope=all").status_code == 404


def test_finance_may_upload_updates_but_not_survey_lists(people, campaign, tmp_path, messy_rows):
    path = tmp_path / "danh-sach.xlsx"
    build_workbook(path, messy_rows)
    response = _upload(login("finance"), campaign, path)
    assert "Chỉ cán bộ xã và cán bộ thẩm định được nhập danh sách rà soát" in response.content.decode()
    assert ImportBatch.objects.count() == 0

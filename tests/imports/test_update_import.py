"""Updates by import: existing cases by case code, through the same services and permissions as the forms."""
from __future__ import annotations

import pytest
from django.utils import timezone
from openpyxl import Workbook

from housing_campaign.cases.models import HousingCase, ProgressEntry
from housing_campaign.core.models import DocumentEvent
from housing_campaign.imports import services
from housing_campaign.imports.models import ImportBatch
from tests.conftest import advance, new_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _file(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["BÁO CÁO TIẾN ĐỘ HỖ TRỢ NHÀ Ở"])
    ws.append([])
    ws.append(["STT", "Mã hồ sơ", "Số quyết định phê duyệt", "Ngày quyết định", "Ngày khởi công", "Tiến độ (%)"])
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    wb.save(path)
    return {row[0]: 3 + i for i, row in enumerate(rows, start=1)}


def _run(people, user, path, **kwargs):
    return services.update_import(actor=people.actor(user), path=path, **kwargs)


def test_decision_numbers_by_import_go_through_the_funding_form_rules(people, campaign, tmp_path):
    funding = advance(people, new_case(people, campaign), "funding")
    survey = new_case(people, campaign)
    path = tmp_path / "qd.xlsx"
    where = _file(path, [[funding.code, "125/QĐ-UBND", TODAY.strftime("%d/%m/%Y"), None, None],
                         [survey.code, "126/QĐ-UBND", TODAY.strftime("%d/%m/%Y"), None, None],
                         ["KT2425-999999", "127/QĐ-UBND", None, None, None]])
    events = DocumentEvent.objects.count()
    dry = _run(people, people.finance, path, dry_run=True)
    rows = {r.excel_row: r for r in dry.rows}
    assert rows[where[funding.code]].status == services.UPDATED
    assert rows[where[survey.code]].status == services.REFUSED
    assert "Ở trạng thái “Đang rà soát”, chỉ Cán bộ xã được sửa hồ sơ" in rows[where[survey.code]].reason
    assert "Không tìm thấy hồ sơ mã KT2425-999999" in rows[where["KT2425-999999"]].reason
    funding.refresh_from_db()
    assert funding.approval_decision_number != "125/QĐ-UBND" and DocumentEvent.objects.count() == events
    # All or nothing: a refused row stops the whole file.
    assert not _run(people, people.finance, path, dry_run=False).written
    funding.refresh_from_db()
    assert funding.approval_decision_number != "125/QĐ-UBND"
    outcome = _run(people, people.finance, path, dry_run=False, good_rows_only=True)
    assert outcome.written and ImportBatch.objects.get().kind == "update"
    funding.refresh_from_db()
    assert (funding.approval_decision_number, funding.approval_decision_date) == ("125/QĐ-UBND", TODAY)
    assert DocumentEvent.objects.filter(object_id=funding.pk, kind="edited", actor=people.finance).exists()


def test_progress_by_import_and_roles_that_may_not(people, campaign, tmp_path):
    building = advance(people, new_case(people, campaign), "construction")
    path = tmp_path / "tien-do.xlsx"
    _file(path, [[building.code, None, None, TODAY.strftime("%d/%m/%Y"), "45"]])
    refused = _run(people, people.finance, path, dry_run=False)  # finance may not fill the progress form
    assert refused.refused and not refused.written
    outcome = _run(people, people.inspector, path, dry_run=False)
    assert outcome.written, [r.reason for r in outcome.rows]
    building.refresh_from_db()
    assert building.progress_percent == 45 and building.construction_started_on == TODAY
    entry = ProgressEntry.objects.get(case=building)
    assert entry.stage == "frame" and entry.percent == 45
    again = _run(people, people.inspector, path, dry_run=False)
    assert again.counts["unchanged"] == 1 and not again.written
    assert HousingCase.objects.get(pk=building.pk).progress_percent == 45

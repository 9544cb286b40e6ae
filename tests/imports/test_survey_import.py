"""Importing survey lists as communes send them: dry run, repair or refuse per row, all or nothing,
good rows only, idempotent re-import, one batch, and the command's interface."""
from __future__ import annotations

import zipfile

import pandas as pd
import pytest
from django.core.management import call_command
from openpyxl import Workbook

from housing_campaign.cases.models import HousingCase
from housing_campaign.core.models import DocumentEvent, Sequence
from housing_campaign.households.models import Household
from housing_campaign.imports import services
from housing_campaign.imports.models import ImportBatch
from housing_campaign.imports.readers import ReadError

from .conftest import build_workbook, clean_rows, row

pytestmark = pytest.mark.django_db


def _import(people, campaign, path, user=None, **kwargs):
    return services.survey_import(actor=people.actor(user or people.officer), campaign=campaign,
                                  survey_round=campaign.rounds.get(number=1), path=path, **kwargs)


def _written():
    return (Household.objects.count(), HousingCase.objects.count(), DocumentEvent.objects.count(),
            list(Sequence.objects.order_by("key").values_list("key", "last_value")))


def _by_row(outcome):
    return {r.excel_row: r for r in outcome.rows}


def test_dry_run_of_a_messy_file_repairs_refuses_and_writes_nothing(people, campaign, tmp_path, messy_rows):
    path = tmp_path / "xa-dak-blo.xlsx"
    where = build_workbook(path, messy_rows)
    before = _written()
    report = tmp_path / "report.xlsx"
    outcome = _import(people, campaign, path, dry_run=True, report=report)
    assert _written() == before
    rows = _by_row(outcome)
    assert outcome.counts["created"] == 3 and outcome.counts["repaired"] == 2 and outcome.counts["refused"] == 7
    # Repairs say what changed.
    thut = rows[where["A Thút"]]
    assert thut.status == services.REPAIRED
    assert "Số CCCD 62085000102 thiếu số 0 ở đầu (ô kiểu số): đã sửa thành 062085000102" in thut.reason
    assert "Xã “Xa Dak Blo” được hiểu là “Xã Đăk Blô”" in thut.reason
    assert "Xã “Đắk Blô” được hiểu là “Xã Đăk Blô”" in rows[where["Y Nhiêu"]].reason
    # Refusals name the column and the value; duplicates name each other.
    assert rows[where["Y Blir"]].status == services.REFUSED
    assert f"trùng số CCCD với dòng {where['Y Trùng']}" in rows[where["Y Blir"]].reason
    assert f"trùng số CCCD với dòng {where['Y Blir']}" in rows[where["Y Trùng"]].reason
    assert "cột “Đối tượng” (“Hộ khá giả”)" in rows[where["A Khá"]].reason
    assert "Bạn không có quyền lập hồ sơ tại Xã Đăk Man" in rows[where["A Ngoài"]].reason
    assert "cột “Diện tích nhà (m²)” (“abc”): Phải là số" in rows[where["Y Sai"]].reason
    assert "Số người đang ở phải từ 1 trở lên (đang nhập 0)" in rows[where["Y Sai"]].reason
    assert "không thuộc đối tượng chương trình" in rows[where["Y Khác"]].reason
    assert "cột “Ngày rà soát” (“31/02/2025”): Không phải ngày có thật" in rows[where["A Mười"]].reason
    assert rows[where["A Công"]].status == services.CREATED
    # Title, numbering, total and signature rows are not data.
    ignored = [r.reason for r in outcome.rows if r.status == services.IGNORED]
    assert any("tổng cộng" in reason for reason in ignored)
    assert any("đánh số cột" in reason for reason in ignored)
    # The report opens with pandas and names every bad row with its reason.
    frame = pd.read_excel(report, header=1, engine="openpyxl")
    refused = frame[frame["Trạng thái"] == "Từ chối"]
    assert sorted(refused["Dòng (Excel)"]) == sorted(where[n] for n in (
        "Y Blir", "A Khá", "Y Trùng", "A Ngoài", "Y Sai", "Y Khác", "A Mười"))
    assert refused["Lý do / sửa đổi"].str.len().min() > 10
    assert set(frame[frame["Trạng thái"].str.startswith("Sẽ tạo")]["Họ và tên chủ hộ"]) == {
        "A Thút", "Y Nhiêu", "A Công"}


def test_real_import_with_a_refused_row_writes_nothing(people, campaign, tmp_path, messy_rows):
    path = tmp_path / "list.xlsx"
    build_workbook(path, messy_rows)
    before = _written()
    outcome = _import(people, campaign, path, dry_run=False)
    assert not outcome.written
    assert _written() == before
    assert ImportBatch.objects.count() == 0
    assert "KHÔNG nhập dòng nào vì có 7 dòng bị từ chối" in outcome.summary()


def test_good_rows_only_writes_the_good_rows_as_case_create_would(people, campaign, tmp_path, messy_rows):
    from housing_campaign.cases.services import case_create
    from tests.conftest import new_household, survey_data

    path = tmp_path / "list.xlsx"
    where = build_workbook(path, messy_rows)
    outcome = _import(people, campaign, path, dry_run=False, good_rows_only=True)
    assert outcome.written and len(outcome.refused) == 7
    batch = ImportBatch.objects.get()
    assert (batch.created, batch.refused, batch.status) == (3, 7, "done")
    cases = list(HousingCase.objects.filter(household__national_id__in=[
        "062085000102", "062085000103", "062085000108"]).select_related("household", "village").order_by("code"))
    assert len(cases) == 3
    numbers = [int(c.code.split("-")[1]) for c in cases]
    assert numbers == list(range(numbers[0], numbers[0] + 3))  # gap-free, one step
    reference = case_create(actor=people.actor(people.officer), campaign=campaign,
                            household=new_household(people, campaign), survey_round=campaign.rounds.get(number=1),
                            data=survey_data(campaign))
    for case in cases:
        assert (case.state, case.stage, case.workflow_id) == (reference.state, reference.stage, reference.workflow_id)
        assert case.created_by == people.officer
        assert case.unit_path == reference.unit_path and case.commune_2025_id == reference.commune_2025_id
        assert case.eligibility and case.is_eligible is not None and case.support_amount > 0
        event = DocumentEvent.objects.get(doctype="housing_case", object_id=case.pk)
        assert (event.kind, event.to_state, event.actor_id, event.data) == (
            "created", reference.state, people.officer.pk, {"import_batch": batch.pk})
    thut = next(c for c in cases if c.household.head_name == "A Thút")
    assert thut.household.national_id == "062085000102" and str(thut.floor_area) == "30.00"
    nhieu = next(c for c in cases if c.household.head_name == "Y Nhiêu")
    assert nhieu.village.name == "Thôn Kon Tuông" and nhieu.household.category == "near_poor"
    assert nhieu.support_type == "repair" and str(nhieu.floor_area) == "16.50" and nhieu.persons == 2
    assert where["A Công"] in {r.excel_row for r in outcome.rows if r.status == services.CREATED}


def test_importing_the_same_file_twice_creates_nothing_new(people, campaign, tmp_path, capsys):
    path = tmp_path / "clean.xlsx"
    build_workbook(path, clean_rows(5))
    first = _import(people, campaign, path, dry_run=False)
    assert first.written and first.counts["created"] == 5
    before = _written()
    call_command("import_survey", str(path), "--campaign", campaign.code, "--as", people.officer.username)
    out = capsys.readouterr().out
    assert _written() == before
    assert "Không tạo thêm hồ sơ nào" in out and "5 đã có trong chương trình" in out
    assert ImportBatch.objects.count() == 1


def test_a_crash_in_the_middle_leaves_nothing_behind(people, campaign, tmp_path, monkeypatch):
    path = tmp_path / "clean.xlsx"
    build_workbook(path, clean_rows(4))
    before = _written()

    real_insert = services.bulk_insert

    def crash_at_the_log(model, objects, **kwargs):  # households and cases are in; the log rows fail
        if model is DocumentEvent:
            assert Household.objects.count() > before[0] and HousingCase.objects.count() > before[1]
            raise RuntimeError("database went away")
        return real_insert(model, objects, **kwargs)

    monkeypatch.setattr(services, "bulk_insert", crash_at_the_log)
    with pytest.raises(RuntimeError):
        _import(people, campaign, path, dry_run=False)
    assert _written() == before  # households, cases, log rows and the counters all rolled back
    assert ImportBatch.objects.count() == 0


def test_duplicate_cccd_against_the_campaign_names_the_other_household(people, campaign, tmp_path):
    from tests.conftest import new_case

    case, same = new_case(people, campaign), new_case(people, campaign)
    path = tmp_path / "list.xlsx"
    where = build_workbook(path, [row(1, "Người Khác", case.household.national_id),
                                  row(2, same.household.head_name, same.household.national_id)])
    rows = _by_row(_import(people, campaign, path, dry_run=True))
    assert rows[where["Người Khác"]].status == services.REFUSED
    assert f"đã thuộc hộ “{case.household.head_name}” ({case.household.code}, hồ sơ {case.code})" in \
        rows[where["Người Khác"]].reason
    assert rows[where[same.household.head_name]].status == services.EXISTING
    assert same.code in rows[where[same.household.head_name]].reason


def test_reviewer_imports_in_the_district_but_not_outside(people, campaign, tmp_path):
    path = tmp_path / "list.xlsx"
    where = build_workbook(path, [row(1, "Y Blô", "062085000201"), row(2, "Y Man", "062085000202", commune="Đăk Man"),
                                  row(3, "Y Cấm", "062085000203", commune="Đăk Cấm")])
    rows = _by_row(_import(people, campaign, path, user=people.reviewer, dry_run=True))
    assert rows[where["Y Blô"]].status in (services.CREATED, services.REPAIRED)
    assert rows[where["Y Man"]].status in (services.CREATED, services.REPAIRED)  # "Đăk Man", without "Xã"
    assert "Bạn không có quyền lập hồ sơ tại Xã Đăk Cấm" in rows[where["Y Cấm"]].reason


def test_auditor_cannot_import(people, campaign, tmp_path):
    from housing_campaign.core.errors import ServiceError

    path = tmp_path / "clean.xlsx"
    build_workbook(path, clean_rows(1))
    with pytest.raises(ServiceError):
        _import(people, campaign, path, user=people.auditor, dry_run=True)


def test_extra_field_numbers_typed_with_dot_thousands(people, campaign, tmp_path):
    from housing_campaign.extrafields.models import ExtraField

    ExtraField.objects.create(doctype="housing_case", code="kinh_phi_de_nghi", label_vi="Kinh phí đề nghị",
                              field_type="integer")
    path = tmp_path / "list.xlsx"
    build_workbook(path, [row(1, "Y Tiền", "062085000301") + ["60.000.000"],
                          row(2, "Y Lẻ", "062085000302") + ["12,5"]], extra_headers=["Kinh phí đề nghị"])
    outcome = _import(people, campaign, path, dry_run=False, good_rows_only=True)
    case = HousingCase.objects.get(household__national_id="062085000301")
    assert case.extra == {"kinh_phi_de_nghi": 60000000}
    refused = outcome.refused[0]
    assert "cột “Kinh phí đề nghị” (“12,5”)" in refused.reason and "phải là số nguyên" in refused.reason


def test_a_saved_template_maps_renamed_columns_and_gives_defaults(people, campaign, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Chủ hộ", "Mã định danh", "Diện", "Đơn vị", "Kiểu hỗ trợ", "DT", "Khẩu", "Móng", "Tường", "Mái"])
    ws.append(["Y Mẫu", "062085000401", "Hộ nghèo", "Đăk Blô", "Xây mới", 20, 3, "KBV", "KBV", "BV"])
    path = tmp_path / "odd.xlsx"
    wb.save(path)
    with pytest.raises(ReadError):  # "Kiểu hỗ trợ", "DT", "Khẩu" are not known names; no date either
        _import(people, campaign, path, dry_run=True)
    mapping = {"columns": {"head_name": "Chủ hộ", "national_id": "Mã định danh", "category": "Diện",
                           "commune": "Đơn vị", "support_type": "Kiểu hỗ trợ", "floor_area": "DT", "persons": "Khẩu",
                           "foundation": "Móng", "frame_walls": "Tường", "roof": "Mái"},
               "defaults": {"strand": "phong_trao", "surveyed_on": "01/11/2025"}}
    template = services.template_save(actor=people.actor(people.officer), name="Mẫu xã Đăk Blô", kind="survey",
                                      mapping=mapping)
    outcome = _import(people, campaign, path, dry_run=False, mapping=template.mapping)
    assert outcome.written and outcome.counts["created"] == 1
    case = HousingCase.objects.get(household__national_id="062085000401")
    assert case.strand.code == "phong_trao" and case.surveyed_on.isoformat() == "2025-11-01"


@pytest.mark.parametrize("suffix", ["csv", "ods"])
def test_csv_and_ods_read_like_xlsx(people, campaign, tmp_path, suffix):
    header = ["Họ và tên chủ hộ", "Số CCCD", "Đối tượng", "Xã", "Nguồn hỗ trợ", "Hình thức hỗ trợ", "Diện tích",
              "Số người", "Nền móng", "Khung tường", "Mái", "Ngày rà soát"]
    data = ["Y Csv", "062085000501", "Hộ nghèo", "Xã Đăk Blô", "phong_trao", "Xây mới", "18,5", "3",
            "Không bền vững", "Không bền vững", "Bền vững", "02/11/2025"]
    path = tmp_path / f"list.{suffix}"
    frame = pd.DataFrame([data], columns=header)
    if suffix == "csv":
        frame.to_csv(path, index=False, sep=";")
    else:
        frame.to_excel(path, index=False, engine="odf")
    outcome = _import(people, campaign, path, dry_run=True)
    assert outcome.counts["created"] == 1, [r.reason for r in outcome.rows]


# ---------------------------------------------------------------------------- the command
def test_command_exit_codes_and_lines(people, campaign, tmp_path, messy_rows, capsys):
    messy = tmp_path / "messy.xlsx"
    where = build_workbook(messy, messy_rows)
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_survey", str(messy), "--campaign", campaign.code, "--as", people.officer.username,
                     "--dry-run", "--report", str(tmp_path / "r.xlsx"))
    assert exit_info.value.code == 3
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"dòng {where['A Khá']}: cột “Đối tượng”") for line in out)
    assert len([line for line in out if line.startswith("dòng ")]) == 7
    assert "Kiểm tra thử, chưa ghi gì" in out[-2]
    assert (tmp_path / "r.xlsx").exists()

    clean = tmp_path / "clean.xlsx"
    build_workbook(clean, clean_rows(3))
    call_command("import_survey", str(clean), "--campaign", campaign.code, "--as", people.officer.username)
    assert "Đã nhập. 3 dòng: 3 đã tạo mới" in capsys.readouterr().out

    not_sheet = tmp_path / "photo.xlsx"
    not_sheet.write_bytes(b"%PDF-1.4 not a spreadsheet")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_survey", str(not_sheet), "--campaign", campaign.code, "--as", people.officer.username)
    assert exit_info.value.code == 2
    assert "Tệp không phải bảng tính" in capsys.readouterr().err


# ---------------------------------------------------------------------------- bad files
def _bad(people, campaign, path):
    before = _written()
    with pytest.raises(ReadError) as info:
        _import(people, campaign, path, dry_run=False)
    assert _written() == before
    return info.value.message


def test_bad_files_are_refused_with_a_clear_message(people, campaign, tmp_path, settings):
    pdf = tmp_path / "a.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n" + b"\x00" * 100)
    assert "không phải bảng tính" in _bad(people, campaign, pdf)

    encrypted = tmp_path / "locked.xlsx"  # what Excel writes for a password: an OLE2 box with an EncryptedPackage
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le")
                          + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 2000)
    assert "đặt mật khẩu" in _bad(people, campaign, encrypted)

    empty = tmp_path / "empty.xlsx"
    Workbook().save(empty)
    assert "trống" in _bad(people, campaign, empty)

    zero = tmp_path / "zero.xlsx"
    zero.write_bytes(b"")
    assert "rỗng" in _bad(people, campaign, zero)

    no_header = tmp_path / "noheader.xlsx"
    wb = Workbook()
    for i in range(50):
        wb.active.append([f"ghi chú {i}", i, i * 2])
    wb.save(no_header)
    assert "Không tìm thấy dòng tiêu đề" in _bad(people, campaign, no_header)

    many = tmp_path / "many.xlsx"
    build_workbook(many, clean_rows(12))
    settings.IMPORT_MAX_ROWS = 5
    assert "quá giới hạn 5 dòng" in _bad(people, campaign, many)
    settings.IMPORT_MAX_ROWS = 300_000

    settings.IMPORT_MAX_MB = 0.001
    assert "Tệp quá lớn" in _bad(people, campaign, many)


def test_zip_bomb_disguised_as_xlsx_is_refused_before_parsing(people, campaign, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"\x00" * (1 << 20)
            for _ in range(64):
                part.write(chunk)
    assert bomb.stat().st_size < 1 << 20
    assert "giải nén" in _bad(people, campaign, bomb)


def test_report_survives_formula_like_names(people, campaign, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "inject.xlsx"
    where = build_workbook(path, [row(1, "Y Tiêm", "062085000601")])
    book = load_workbook(path)
    cell = book.active.cell(row=where["Y Tiêm"], column=2)
    cell.value, cell.data_type = '=HYPERLINK("http://x","bấm")', "s"  # typed text, as a CSV or a form would give
    book.save(path)
    report = tmp_path / "r.xlsx"
    _import(people, campaign, path, dry_run=True, report=report)
    sheet = load_workbook(report).active
    cell = next(c for r in sheet.iter_rows() for c in r if isinstance(c.value, str) and c.value.startswith("=HYPER"))
    assert cell.data_type == "s" and cell.quotePrefix


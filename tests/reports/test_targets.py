"""Targets imported from Excel (issue 14): the survey lists' reading rules on a messy workbook, a result
per row, nothing written on a dry run or when a row is refused, the same file twice changes nothing;
the desk pages for each role and bad uploads."""
from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from housing_campaign.imports import targets as service
from housing_campaign.reports.models import Target
from tests.conftest import HOME, unit

pytestmark = pytest.mark.django_db

GOOD = [  # (TT, Địa bàn, Đối tượng, Hình thức hỗ trợ, Số nhà, Ghi chú)
    [1, "Huyện Đắk Glei", None, None, "1.234", None],
    [2, "Xa Dak Blo", "Hộ nghèo", "Xây mới", 20, "theo KH 22/7"],
    [3, "23347", None, None, "15", None],
    [4, "Xã Đăk Plô", None, None, 40, None],          # a 2025 unit (Đăk Blô + Đăk Man + Đăk Nhoong)
]
BAD = [
    [5, "Xã Đăk Cấm", None, None, 5, None],           # thành phố Kon Tum: outside the reviewer's district
    [6, "Xã Đăk Man", "Hộ nghèo", None, "-5", None],
    [7, "Xã Đăk Nhoong", None, None, "abc", None],
    [8, "Xã Đăk Blô", "hộ nghèo", "xây mới", 21, None],   # duplicate of row 2 (same unit, category, type)
    [9, "Phường Bến Nghé", None, None, 3, None],      # outside the campaign's province
    [10, "Xã Không Có", None, None, 3, None],         # unknown
]


def workbook(rows, path=None) -> bytes:
    """Title rows, a two-row header with a merged cell, a numbering row, the rows, a "Tổng cộng" row and
    signatures."""
    book = Workbook()
    ws = book.active
    ws.append(["ỦY BAN NHÂN DÂN HUYỆN ĐẮK GLEI"])
    ws.append(["CHỈ TIÊU HỖ TRỢ NHÀ Ở NĂM 2025"])
    ws.append([])
    ws.append(["TT", "Địa bàn", "Phân loại", None, "Số nhà (căn)", "Ghi chú"])
    ws.append([None, None, "Đối tượng", "Hình thức hỗ trợ", None, None])
    ws.merge_cells("C4:D4")
    ws.merge_cells("A4:A5")
    ws.merge_cells("B4:B5")
    ws.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"])
    for row in rows:
        ws.append(row)
    ws.append([None, "Tổng cộng", None, None, f"=SUM(E7:E{6 + len(rows)})"])
    ws.append([])
    ws.append([None, "Người lập biểu", None, None, "TRƯỞNG PHÒNG"])
    data = io.BytesIO()
    book.save(data)
    if path:
        path.write_bytes(data.getvalue())
    return data.getvalue()


def run(people, campaign, tmp_path, rows, *, user=None, dry_run=True):
    path = tmp_path / "chi-tieu.xlsx"
    workbook(rows, path)
    return service.target_import(actor=people.actor(user or people.reviewer), campaign=campaign, path=path,
                                 dry_run=dry_run)


def by_row(outcome):
    return {r.excel_row: r for r in outcome.rows}


def test_messy_workbook_dry_run_per_row_and_nothing_written(people, campaign, tmp_path):
    before = Target.objects.count()
    outcome = run(people, campaign, tmp_path, GOOD + BAD)
    rows = by_row(outcome)
    assert rows[6].status == "ignored" and "đánh số" in rows[6].reason
    assert [(n, rows[n].status) for n in range(7, 17)] == [
        (7, "created"), (8, "created"), (9, "created"), (10, "created"),
        (11, "refused"), (12, "refused"), (13, "refused"), (14, "refused"), (15, "refused"), (16, "refused")]
    assert rows[7].unit == unit("610") and rows[7].houses == 1234 and not rows[7].category
    assert rows[8].unit == unit(HOME) and (rows[8].category, rows[8].support_type, rows[8].houses) == (
        "poor", "new_build", 20)
    assert "Xa Dak Blo" in rows[8].reason  # said how the name was read
    assert rows[9].unit == unit("23347")
    assert rows[10].unit == unit(HOME, "2025") and rows[10].unit.name == "Xã Đăk Plô"

    def problem(n):
        (p,) = rows[n].problems
        return p.column, p.value, p.reason
    assert problem(11) == ("Địa bàn", "Xã Đăk Cấm",
                           "Xã Đăk Cấm, Thành phố Kon Tum, Tỉnh Kon Tum nằm ngoài địa bàn bạn phụ trách.")
    assert problem(12) == ("Số nhà (căn)", "-5", "Số nhà không được âm.")
    assert problem(13)[:2] == ("Số nhà (căn)", "abc") and "số" in problem(13)[2]
    assert problem(14) == ("Địa bàn", "Xã Đăk Blô", "trùng với dòng 8 (cùng địa bàn, đối tượng và hình thức hỗ trợ).")
    assert problem(15)[:2] == ("Địa bàn", "Phường Bến Nghé") and "Thành phố Hồ Chí Minh" in problem(15)[2] \
        and "ngoài tỉnh của chương trình" in problem(15)[2]
    assert problem(16)[:2] == ("Địa bàn", "Xã Không Có") and problem(16)[2].startswith("Không tìm thấy địa bàn")
    assert rows[17].status == "ignored" and "tổng cộng" in rows[17].reason.lower()
    assert rows[19].status == "ignored"  # the signatures after the total
    assert outcome.counts == {"rows": 10, "created": 4, "updated": 0, "unchanged": 0, "refused": 6, "ignored": 3}
    assert Target.objects.count() == before
    # All or nothing: the real import with refused rows writes nothing either.
    outcome = run(people, campaign, tmp_path, GOOD + BAD, dry_run=False)
    assert not outcome.written and "KHÔNG ghi" in outcome.summary
    assert Target.objects.count() == before


def test_import_then_same_file_changes_nothing_then_update(people, campaign, tmp_path):
    outcome = run(people, campaign, tmp_path, GOOD, dry_run=False)
    assert outcome.written and outcome.counts["created"] == 4
    saved = {(t.unit.code, t.unit.system, t.category, t.support_type): (t.houses, t.note, t.unit_path)
             for t in Target.objects.filter(campaign=campaign).select_related("unit")}
    assert saved[("610", "legacy", "", "")][0] == 1234
    assert saved[(HOME, "legacy", "poor", "new_build")] == (20, "theo KH 22/7", unit(HOME).path)
    assert saved[(HOME, "2025", "", "")][0] == 40
    again = run(people, campaign, tmp_path, GOOD, dry_run=False)
    assert not again.written and again.counts["unchanged"] == 4 and again.changes == 0
    assert again.summary.startswith("Không có gì thay đổi")
    assert {(t.unit.code, t.unit.system, t.category, t.support_type): (t.houses, t.note, t.unit_path)
            for t in Target.objects.filter(campaign=campaign).select_related("unit")} == saved
    changed = [list(r) for r in GOOD]
    changed[2][4] = "18"
    third = run(people, campaign, tmp_path, changed, dry_run=False)
    assert third.written and third.counts["updated"] == 1 and third.counts["unchanged"] == 3
    assert by_row(third)[9].previous == 15
    assert Target.objects.get(campaign=campaign, unit=unit("23347"), category="", support_type="").houses == 18


def test_only_importers_import(people, campaign, tmp_path):
    from housing_campaign.core.errors import ServiceError

    for user in (people.officer, people.chairman, people.finance, people.auditor):
        with pytest.raises(ServiceError):
            run(people, campaign, tmp_path, GOOD[:1], user=user)
    outcome = run(people, campaign, tmp_path, GOOD + BAD[:1], user=people.admin)  # province: Đăk Cấm is theirs
    assert outcome.counts["refused"] == 0


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_desk_pages_for_each_role(people, campaign):
    Target.objects.create(campaign=campaign, unit=unit(HOME), unit_path=unit(HOME).path, houses=12)
    Target.objects.create(campaign=campaign, unit=unit("23311"), unit_path=unit("23311").path, houses=7)
    for user in (people.officer, people.reviewer, people.admin, people.auditor, people.finance):
        client = _client(user)
        page = client.get("/desk/chi-tieu/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "Xã Đăk Blô" in html
        assert ("Xã Đăk Cấm" in html) == (user in (people.admin, people.auditor, people.finance))
        assert ('id="target-upload"' in html) == (user in (people.reviewer, people.admin))
        template = client.get("/desk/chi-tieu/mau.xlsx")
        assert template.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(template.streaming_content))).active
        assert [c.value for c in sheet[3]][:5] == ["TT", "Địa bàn", "Đối tượng", "Hình thức hỗ trợ", "Số nhà"]
        upload = SimpleUploadedFile("ct.xlsx", workbook(GOOD[1:2]))
        answer = client.post("/desk/chi-tieu/kiem-tra/", {"campaign": campaign.pk, "file": upload})
        assert answer.status_code == (200 if user in (people.reviewer, people.admin) else 403)
    anonymous = _client()
    for url in ("/desk/chi-tieu/", "/desk/chi-tieu/mau.xlsx", "/desk/chi-tieu/ket-qua.xlsx?t=x"):
        assert anonymous.get(url)["Location"].startswith("/login/")
    assert anonymous.post("/desk/chi-tieu/kiem-tra/")["Location"].startswith("/login/")


def test_check_confirm_report_flow(people, campaign):
    client = _client(people.reviewer)
    upload = SimpleUploadedFile("ct.xlsx", workbook(GOOD))
    page = client.post("/desk/chi-tieu/kiem-tra/", {"campaign": campaign.pk, "file": upload})
    html = page.content.decode()
    assert "Kiểm tra thử, chưa ghi gì" in html and 'id="target-confirm"' in html
    assert not Target.objects.exists()
    token = page.context["token"]
    report = client.get(f"/desk/chi-tieu/ket-qua.xlsx?t={token}")
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    assert [sheet.cell(r, 1).value for r in range(3, 7)] == [6, 7, 8, 9]
    assert sheet.cell(4, 2).value == "Sẽ tạo mới"
    assert _client(people.admin).post("/desk/chi-tieu/nhap/", {"token": token}).status_code == 302  # not theirs
    assert not Target.objects.exists()
    done = client.post("/desk/chi-tieu/nhap/", {"token": token})
    assert done.status_code == 200 and "Đã nhập" in done.content.decode()
    assert Target.objects.count() == 4
    again = client.post("/desk/chi-tieu/nhap/", {"token": token})
    assert "Không có gì thay đổi" in again.content.decode() and Target.objects.count() == 4
    listing = client.get("/desk/chi-tieu/").content.decode()
    assert "Xã Đăk Plô" in listing and "1234" in listing
    assert client.post("/desk/chi-tieu/nhap/", {"token": "garbage"}).status_code == 302
    assert client.get("/desk/chi-tieu/ket-qua.xlsx?t=garbage").status_code == 404
    assert client.get("/desk/chi-tieu/?campaign=abc").status_code == 200


@pytest.mark.parametrize("name,data,message", [
    ("danh-sach.pdf", b"%PDF-1.4 not a sheet", "không phải bảng tính"),
    ("rong.xlsx", b"", "Tệp rỗng"),
    ("to.xlsx", b"PK\x03\x04" + b"0" * (20 * 1024 * 1024), "Tệp quá lớn: 20,0 MB"),
    ("ghi-chu.txt", "Chỉ là một dòng chữ\n".encode(), "Không tìm thấy dòng tiêu đề"),
])
def test_bad_uploads_get_a_clear_message(people, campaign, name, data, message):
    client = _client(people.admin)
    answer = client.post("/desk/chi-tieu/kiem-tra/", {"campaign": campaign.pk,
                                                      "file": SimpleUploadedFile(name, data)}, follow=True)
    assert answer.status_code == 200
    assert message in answer.content.decode()
    assert not Target.objects.exists()


def test_missing_file_or_campaign(people, campaign):
    client = _client(people.admin)
    assert "Chưa chọn tệp" in client.post("/desk/chi-tieu/kiem-tra/", {"campaign": campaign.pk},
                                          follow=True).content.decode()
    upload = SimpleUploadedFile("ct.xlsx", workbook(GOOD))
    assert "Hãy chọn chương trình" in client.post("/desk/chi-tieu/kiem-tra/", {"campaign": "x", "file": upload},
                                                  follow=True).content.decode()


def test_finished_next_to_each_target(people, campaign):
    from housing_campaign.reports.models import MilestoneDay
    from housing_campaign.reports.targets import targets_for_reader

    home = unit(HOME)
    Target.objects.create(campaign=campaign, unit=home, unit_path=home.path, houses=10)
    Target.objects.create(campaign=campaign, unit=home, unit_path=home.path, category="poor", houses=4)
    Target.objects.create(campaign=campaign, unit=home.successor, unit_path=home.successor.path, houses=30)
    import datetime as dt

    for category, n in (("poor", 3), ("near_poor", 2)):
        MilestoneDay.objects.create(campaign_id=campaign.pk, commune_id=home.pk, commune_2025_id=home.successor_id,
                                    unit_path=home.path, unit_2025_path=home.successor.path, category=category,
                                    support_type="new_build", milestone="finished", day=dt.date(2025, 3, 1), count=n)
    lines = targets_for_reader(actor=people.actor(people.reviewer), campaign=campaign)
    assert [(line.target.unit.system, line.target.category, line.finished) for line in lines] == [
        ("2025", "", 5), ("legacy", "", 5), ("legacy", "poor", 3)]
    assert targets_for_reader(actor=people.actor(people.officer_b), campaign=campaign) == []


def test_a_row_of_numbers_only_is_data_not_the_column_numbering(people, campaign, tmp_path):
    """A unit given by its code, typed as a number, with blank category and type: the row is all numbers but
    not the 1 2 3 … of a numbering row, so it is read (and never silently skipped)."""
    outcome = run(people, campaign, tmp_path, [[1, 23347, None, None, 7, None], [2, "23344", None, None, 9, None]],
                  dry_run=False)
    assert outcome.written and outcome.counts["created"] == 2, [(r.excel_row, r.status, r.reason) for r in outcome.rows]
    assert Target.objects.get(campaign=campaign, unit=unit("23347"), category="", support_type="").houses == 7

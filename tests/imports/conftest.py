"""Files built the way communes make them: title and signature rows, a two-row merged header, a
numbering row, blank rows, a "Tổng cộng" formula row, numbers typed as text, CCCDs that lost their
leading zero, spelling variants of unit names, dd/mm/yyyy text and Excel serial dates."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

TITLE_ROWS = ["ỦY BAN NHÂN DÂN XÃ ĐĂK BLÔ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", None,
              "DANH SÁCH HỘ GIA ĐÌNH ĐỀ NGHỊ HỖ TRỢ NHÀ Ở NĂM 2025", None]
TOP = ["TT", "Họ và tên chủ hộ", "Số CCCD", "Dân tộc", "Đối tượng", "Xã", "Thôn", "Hình thức hỗ trợ",
       "Nguồn hỗ trợ", "Diện tích nhà (m²)", "Số khẩu", "Tình trạng nhà ở", None, None, "Ngày rà soát", "Ghi chú"]
SUB = [None] * 11 + ["Nền, móng", "Khung, tường", "Mái"] + [None, None]
STRAND = "Phong trào xóa nhà tạm, nhà dột nát"
SURVEYED = (dt.date.today() - dt.timedelta(days=10))


def row(n, name, nid, *, category="Hộ nghèo", commune="Xã Đăk Blô", village="Thôn Đăk Xế", support="Xây mới",
        area="24,5", persons=4, parts=("Không bền vững", "Không bền vững", "Bền vững"), surveyed=None,
        ethnicity="Xơ Đăng", strand=STRAND, note=""):
    surveyed = SURVEYED.strftime("%d/%m/%Y") if surveyed is None else surveyed
    return [n, name, nid, ethnicity, category, commune, village, support, strand, area, persons, *parts, surveyed,
            note]


def clean_rows(count: int, *, start: int = 1, commune="Xã Đăk Blô"):
    return [row(i, f"Y Clean {i}", f"0620850{start + i:05d}", commune=commune) for i in range(count)]


def build_workbook(path, data_rows, *, total_row=True, footer=True, extra_headers=()):
    """A commune's list: data rows go under a two-row header (merged cells), a numbering row, with a blank
    row in the middle, then a total formula row and the signatures. Returns {name: Excel row number}."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    for text in TITLE_ROWS:
        ws.append([text])
    ws.merge_cells("A1:E1")
    ws.merge_cells("A4:P4")
    header_row = ws.max_row + 1
    ws.append(TOP + [h for h in extra_headers])
    ws.append(SUB + [None for _ in extra_headers])
    ws.merge_cells(start_row=header_row, start_column=12, end_row=header_row, end_column=14)
    for col in list(range(1, 12)) + [15, 16]:
        ws.merge_cells(start_row=header_row, start_column=col, end_row=header_row + 1, end_column=col)
    ws.append([f"({i})" for i in range(1, 17)])
    where = {}
    first = ws.max_row + 1
    for i, values in enumerate(data_rows):
        if i == len(data_rows) // 2 and len(data_rows) > 2:
            ws.append([])  # a blank row in the middle
        ws.append(values)
        where[values[1]] = ws.max_row
    last = ws.max_row
    if total_row:
        ws.append([None, "Tổng cộng", None, None, None, None, None, None, None, f"=SUM(J{first}:J{last})",
                   f"=SUM(K{first}:K{last})"])
    if footer:
        ws.append([])
        ws.append([None, "Người lập biểu", None, None, None, None, None, None, None, "CHỦ TỊCH UBND XÃ"])
        ws.append([None, "(Ký, ghi rõ họ tên)"])
    wb.save(path)
    return where


@pytest.fixture
def messy_rows():
    """Good, repaired and refused rows; the keys say what each one is."""
    return [
        row(1, "Y Blir", "062085000101"),                                                # clean
        row(2, "A Thút", 62085000102, commune="Xa Dak Blo", area=30, surveyed=45500.0),   # repaired x2, serial date
        row(3, "Y Nhiêu", "062085000103", category="Hộ cận nghèo", commune="Đắk Blô", area="16,5", persons="2",
            village="Thôn Kon Tuông", support="Sửa chữa"),                               # Đắk spelling, new village
        row(4, "A Khá", "062085000104", category="Hộ khá giả"),                           # unknown category
        row(5, "Y Trùng", "062085000101"),                                               # duplicate of row 1
        row(6, "A Ngoài", "062085000106", commune="Xã Đăk Man"),                          # outside the territory
        row(7, "Y Sai", "062085000107", area="abc", persons=0),                           # not a number, 0 persons
        row(8, "A Công", "062085000108", category="Người có công", support="sửa chữa", area="1.234,5"),
        row(9, "Y Khác", "062085000109", category="Đối tượng khác"),                     # not admitted
        row(10, "A Mười", "62085000110", surveyed="31/02/2025"),                          # impossible date
    ]

"""Reading an uploaded list: checked before it is opened, then read with pandas and python-calamine.

Checks come first and are cheap: the size, what the bytes say the file is (never the name alone), a
password-protected workbook, a zip whose parts would inflate past the limit (zip bomb). Only then is
the sheet parsed. Limits are settings (README: IMPORT_MAX_MB, IMPORT_MAX_ROWS, IMPORT_MAX_UNZIPPED_MB).
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext

from .mapping import FieldSpec, Header, detect_header

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_PART_RATIO = 200  # deflate rarely exceeds 1:20 on sheets; 1:1000 is a bomb


class ReadError(Exception):
    """The file cannot be used at all (exit status 2 of the command); the message says why, in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def limits() -> dict[str, int]:
    return {"bytes": int(getattr(settings, "IMPORT_MAX_MB", 50)) * 1024 * 1024,
            "rows": int(getattr(settings, "IMPORT_MAX_ROWS", 300_000)),
            "unzipped": int(getattr(settings, "IMPORT_MAX_UNZIPPED_MB", 600)) * 1024 * 1024}


@dataclass
class Sheet:
    kind: str                 # xlsx | xls | ods | csv
    sheet_name: str
    rows: list[list]          # every row of the sheet as Excel shows it (row 1 = index 0), None for empty cells
    header: Header

    @property
    def data_rows(self) -> range:
        return range(self.header.data_start, len(self.rows))


def sniff(data_head: bytes, path: Path) -> str:
    """What the file is, from its bytes."""
    if data_head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "xl/workbook.xml" in names:
                    return "xlsx"
                if "mimetype" in names and archive.read("mimetype").startswith(
                        b"application/vnd.oasis.opendocument.spreadsheet"):
                    return "ods"
        except zipfile.BadZipFile:
            raise ReadError(gettext("Tệp bị hỏng: không mở được như một bảng tính Excel (.xlsx).")) from None
        raise ReadError(gettext("Tệp nén này không phải bảng tính (.xlsx, .ods)."))
    if data_head.startswith(OLE2_MAGIC):
        raw = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in raw or "EncryptionInfo".encode("utf-16-le") in raw:
            raise ReadError(gettext("Bảng tính được đặt mật khẩu: hãy mở bằng Excel, bỏ mật khẩu, lưu lại rồi tải "
                                    "lên."))
        return "xls"
    if data_head.startswith(b"%PDF") or b"\x00" in data_head[:4096]:
        raise ReadError(gettext("Tệp không phải bảng tính: chỉ nhận .xlsx, .xls, .ods hoặc .csv."))
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            data_head.decode(encoding)
            return "csv"
        except UnicodeDecodeError:
            continue
    raise ReadError(gettext("Tệp không phải bảng tính: chỉ nhận .xlsx, .xls, .ods hoặc .csv."))


def _check_zip(path: Path, limit: int) -> None:
    with zipfile.ZipFile(path) as archive:
        total = 0
        for info in archive.infolist():
            total += info.file_size
            ratio = info.file_size / max(1, info.compress_size)
            if total > limit or (info.file_size > 10 * 1024 * 1024 and ratio > MAX_PART_RATIO):
                raise ReadError(gettext("Tệp bất thường: khi giải nén lớn hơn %(max)s MB hoặc nén với tỷ lệ bất "
                                        "thường (có thể là tệp độc hại). Không đọc tệp này.") % {
                    "max": limit // (1024 * 1024)})


def _frames(path: Path, kind: str):
    import pandas as pd

    if kind == "csv":
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "utf-16", "cp1258"):
            try:
                content = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ReadError(gettext("Không đọc được bảng mã của tệp CSV (hãy lưu với UTF-8)."))
        sample = content[:20000]
        sep = max((";", ",", "\t"), key=sample.count)
        try:
            frame = pd.read_csv(io.StringIO(content), header=None, dtype=str, sep=sep, keep_default_na=False,
                                skip_blank_lines=False, engine="python")
        except Exception as exc:  # noqa: BLE001 - any parser failure means the same to the user
            raise ReadError(gettext("Không đọc được tệp CSV: %(error)s") % {"error": exc}) from None
        return [("CSV", frame.where(frame != "", None).values.tolist())]
    from python_calamine import CalamineWorkbook

    # The calamine engine that pandas.read_excel(engine="calamine") uses, called directly: the rows keep
    # their Excel numbering and skip pandas' per-cell conversion (about 40% of the read time).
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001
        _calamine_failed(exc, kind)

    def sheets():  # one sheet at a time: a workbook whose first sheet has the list never parses the others
        for name in book.sheet_names:
            try:
                rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception as exc:  # noqa: BLE001
                _calamine_failed(exc, kind)
            yield name, [[None if v == "" else v for v in row] for row in rows]
    return sheets()


def _calamine_failed(exc: Exception, kind: str):
    message = str(exc).lower()
    if "password" in message or "encrypt" in message:
        raise ReadError(gettext("Bảng tính được đặt mật khẩu: hãy bỏ mật khẩu, lưu lại rồi tải lên.")) from None
    raise ReadError(gettext("Không đọc được bảng tính (%(kind)s): tệp bị hỏng hoặc không đúng định dạng.") % {
        "kind": kind}) from None


def read_sheet(path: Path | str, *, fields: tuple[FieldSpec, ...], extra_labels: dict[str, str] | None = None,
               min_matches: int | None = None) -> Sheet:
    """The first sheet with a recognisable header, its rows and where the header is. Raises ReadError."""
    path = Path(path)
    limit = limits()
    size = path.stat().st_size
    if size == 0:
        raise ReadError(gettext("Tệp rỗng (0 byte)."))
    if size > limit["bytes"]:
        raise ReadError(gettext("Tệp quá lớn: %(size)s MB, tối đa %(max)s MB.") % {
            "size": f"{size / 1024 / 1024:.1f}", "max": limit["bytes"] // (1024 * 1024)})
    with open(path, "rb") as handle:
        head = handle.read(65536)
    kind = sniff(head, path)
    if kind in ("xlsx", "ods"):
        _check_zip(path, limit["unzipped"])
    frames = _frames(path, kind)
    any_rows = False
    for name, rows in frames:
        if not rows or not any(any(v is not None for v in row) for row in rows[:200]) and len(rows) <= 200:
            continue
        any_rows = True
        if len(rows) > limit["rows"] + 100:
            raise ReadError(gettext("Bảng tính có %(rows)s dòng, quá giới hạn %(max)s dòng một lần nhập; hãy chia "
                                    "thành nhiều tệp.") % {"rows": len(rows), "max": limit["rows"]})
        header = detect_header(rows[:60], fields, extra_labels,
                               **({"min_matches": min_matches} if min_matches else {}))
        if header is None:
            continue
        data_rows = len(rows) - header.data_start
        if data_rows > limit["rows"]:
            raise ReadError(gettext("Bảng tính có %(rows)s dòng dữ liệu, quá giới hạn %(max)s dòng một lần nhập; "
                                    "hãy chia thành nhiều tệp.") % {"rows": data_rows, "max": limit["rows"]})
        return Sheet(kind=kind, sheet_name=str(name), rows=rows, header=header)
    if not any_rows:
        raise ReadError(gettext("Bảng tính trống: không có dòng nào."))
    wanted = ", ".join(f"“{gettext(f.label)}”" for f in fields if f.required)
    raise ReadError(gettext("Không tìm thấy dòng tiêu đề của danh sách trong %(rows)s dòng đầu (cần các cột như "
                            "%(wanted)s).") % {"rows": 40, "wanted": wanted})

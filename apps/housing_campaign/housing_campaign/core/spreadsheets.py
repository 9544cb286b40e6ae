# ruff: noqa: E501  (SpreadsheetML boilerplate below is kept one element per line)
"""Excel output for every list the product gives out: streamed, formula-injection safe, no domain imports.

The workbook is written by hand (SpreadsheetML is a zip of a few XML parts) because the list can hold
100,000 rows and must leave as it is produced: rows are turned into XML and compressed chunk by chunk,
so neither the query result nor the file is ever held whole in memory. openpyxl, LibreOffice and pandas
read the result; tests check it with openpyxl.

Every string is written as a string cell (never as a formula), and a string that a spreadsheet would take
for a formula when edited (``=``, ``+``, ``-``, ``@``, tab, carriage return) also carries the "quote prefix"
style, as Excel does for text typed with a leading apostrophe.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

MAX_ROWS = 1_048_576
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = dt.date(1899, 12, 30)
CHUNK_ROWS = 2000


@dataclass(frozen=True)
class Column:
    """One column: its header and how its values are shown (text, int, money, decimal, date, datetime)."""

    header: str
    kind: str = "text"
    width: float | None = None


# Style indexes in styles.xml below.
_S_TEXT, _S_DATE, _S_MONEY, _S_DECIMAL, _S_HEADER, _S_DATETIME, _S_QUOTED, _S_TITLE = range(8)
_KIND_STYLE = {"int": 0, "money": _S_MONEY, "decimal": _S_DECIMAL, "date": _S_DATE, "datetime": _S_DATETIME}

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="3"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/>
<numFmt numFmtId="166" formatCode="#,##0.##"/></numFmts>
<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font>
<font><b/><sz val="13"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="8">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment wrapText="1" vertical="center"/></xf>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" quotePrefix="1"/>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""

_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""

_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_NEEDS_ESCAPE = re.compile(r'[&<>"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


def _escape(text: str) -> str:
    if not _NEEDS_ESCAPE.search(text):  # most cells: nothing to do
        return text
    text = _ILLEGAL_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _string_cell(ref: str, text: str, style: int = _S_TEXT) -> str:
    if text.startswith(FORMULA_START):
        style = _S_QUOTED
    style_attr = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{style_attr} t="inlineStr"><is><t xml:space="preserve">{_escape(text)}</t></is></c>'


def _cell(ref: str, value, kind: str) -> str:
    if value.__class__ is str:  # the common case first
        return _string_cell(ref, value) if value else ""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _string_cell(ref, "Có" if value else "Không")
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            from django.utils import timezone

            value = timezone.localtime(value).replace(tzinfo=None)
        seconds = round((value - dt.datetime(1899, 12, 30)).total_seconds())
        return f'<c r="{ref}" s="{_S_DATETIME}"><v>{seconds / 86400!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{_S_DATE}"><v>{(value - _EPOCH).days}</v></c>'
    if isinstance(value, (int, float, Decimal)) and kind != "text":
        if isinstance(value, float) and value != value:  # NaN has no cell
            return ""
        number = format(value, "f") if isinstance(value, Decimal) else repr(value) if isinstance(value, float) \
            else str(value)
        style = _KIND_STYLE.get(kind, 0)
        style_attr = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{style_attr}><v>{number}</v></c>'
    return _string_cell(ref, str(value))


class _Sink:
    """A write-only file object that hands over what was written so far (zipfile writes to it)."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.offset = 0

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def xlsx_stream(*, columns: Sequence[Column], rows: Iterable[Sequence], sheet_name: str = "Danh sách",
                title_rows: Sequence[str] = (), freeze_header: bool = True, auto_filter: bool = True) -> Iterator[bytes]:
    """Yield the bytes of an .xlsx workbook with one sheet: optional title rows (merged across the
    columns), a bold header row (frozen, with an auto filter) and the rows, as they come."""
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
    letters = [column_letter(i) for i in range(max(1, len(columns)))]
    last_letter = letters[-1]
    header_row = len(title_rows) + 1
    sheet_name = _escape(sheet_name[:31] or "Sheet1")

    with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
        head = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<sheetViews><sheetView workbookViewId="0">']
        if freeze_header:
            head.append(f'<pane ySplit="{header_row}" topLeftCell="A{header_row + 1}" activePane="bottomLeft" '
                        'state="frozen"/>')
        head.append("</sheetView></sheetViews><cols>")
        for i, column in enumerate(columns):
            width = column.width or max(10, min(40, len(column.header) + 2))
            head.append(f'<col min="{i + 1}" max="{i + 1}" width="{width}" customWidth="1"/>')
        head.append("</cols><sheetData>")
        for r, title in enumerate(title_rows, start=1):
            head.append(f'<row r="{r}">{_string_cell(f"A{r}", title, _S_TITLE)}</row>')
        head.append(f'<row r="{header_row}">')
        head.extend(_string_cell(f"{letters[i]}{header_row}", c.header, _S_HEADER) for i, c in enumerate(columns))
        head.append("</row>")
        sheet.write("".join(head).encode())
        yield sink.take()

        kinds = [c.kind for c in columns]
        row_number = header_row
        buffer: list[str] = []
        for values in rows:
            row_number += 1
            if row_number > MAX_ROWS:
                raise ValueError("Quá số dòng tối đa của một trang tính Excel (1.048.576).")
            cells = "".join(_cell(f"{letters[i]}{row_number}", value, kinds[i] if i < len(kinds) else "text")
                            for i, value in enumerate(values) if i < len(letters))
            buffer.append(f'<row r="{row_number}">{cells}</row>')
            if len(buffer) >= CHUNK_ROWS:
                sheet.write("".join(buffer).encode())
                buffer.clear()
                yield sink.take()
        tail = ["".join(buffer), "</sheetData>"]
        if auto_filter and columns:
            tail.append(f'<autoFilter ref="A{header_row}:{last_letter}{max(row_number, header_row)}"/>')
        if title_rows and len(columns) > 1:
            tail.append(f'<mergeCells count="{len(title_rows)}">')
            tail.extend(f'<mergeCell ref="A{r}:{last_letter}{r}"/>' for r in range(1, len(title_rows) + 1))
            tail.append("</mergeCells>")
        tail.append("</worksheet>")
        sheet.write("".join(tail).encode())
    yield sink.take()

    defined = ""
    if auto_filter and columns:
        defined = (f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
                   f"'{sheet_name}'!$A${header_row}:${last_letter}${max(row_number, header_row)}"
                   "</definedName></definedNames>")
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets>{defined}</workbook>')
    archive.writestr("xl/workbook.xml", workbook)
    archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
    archive.writestr("xl/styles.xml", _STYLES)
    archive.writestr("_rels/.rels", _ROOT_RELS)
    archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
    archive.close()
    yield sink.take()


def xlsx_write(target: BinaryIO, **kwargs) -> int:
    """Write the workbook to an open binary file; returns the number of bytes written."""
    size = 0
    for chunk in xlsx_stream(**kwargs):
        target.write(chunk)
        size += len(chunk)
    return size


# ---------------------------------------------------------------------------- small workbooks of several sheets
@dataclass(frozen=True)
class Sheet:
    """One sheet of a small workbook (a report's tables): its name, columns, rows and title rows."""

    name: str
    columns: Sequence[Column]
    rows: Sequence[Sequence]
    title_rows: Sequence[str] = ()


def _sheet_xml(sheet: Sheet) -> str:
    columns = sheet.columns
    letters = [column_letter(i) for i in range(max(1, len(columns)))]
    header_row = len(sheet.title_rows) + 1
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{header_row}" topLeftCell="A{header_row + 1}" '
             'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><cols>']
    for i, column in enumerate(columns):
        width = column.width or max(10, min(40, len(column.header) + 2))
        parts.append(f'<col min="{i + 1}" max="{i + 1}" width="{width}" customWidth="1"/>')
    parts.append("</cols><sheetData>")
    for r, title in enumerate(sheet.title_rows, start=1):
        parts.append(f'<row r="{r}">{_string_cell(f"A{r}", title, _S_TITLE)}</row>')
    parts.append(f'<row r="{header_row}">')
    parts.extend(_string_cell(f"{letters[i]}{header_row}", c.header, _S_HEADER) for i, c in enumerate(columns))
    parts.append("</row>")
    kinds = [c.kind for c in columns]
    for r, values in enumerate(sheet.rows, start=header_row + 1):
        cells = "".join(_cell(f"{letters[i]}{r}", value, kinds[i]) for i, value in enumerate(values)
                        if i < len(letters))
        parts.append(f'<row r="{r}">{cells}</row>')
    parts.append("</sheetData>")
    if sheet.title_rows and len(columns) > 1:
        parts.append(f'<mergeCells count="{len(sheet.title_rows)}">')
        parts.extend(f'<mergeCell ref="A{r}:{letters[-1]}{r}"/>' for r in range(1, len(sheet.title_rows) + 1))
        parts.append("</mergeCells>")
    parts.append("</worksheet>")
    return "".join(parts)


def xlsx_sheets(sheets: Sequence[Sheet]) -> bytes:
    """An .xlsx workbook of several small sheets (held in memory: for report tables, not long lists)."""
    import io

    names: list[str] = []
    for sheet in sheets:
        name = re.sub(r"[\[\]:*?/\\]", " ", sheet.name)[:31] or "Sheet"
        while name in names:
            name = f"{name[:28]} {len(names)}"
        names.append(name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, sheet in enumerate(sheets, start=1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", _sheet_xml(sheet))
        entries = "".join(f'<sheet name="{_escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                          for i, name in enumerate(names, start=1))
        archive.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                         f"<sheets>{entries}</sheets></workbook>")
        rels = "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                       f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
        archive.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         f'{rels}<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/'
                         'officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>')
        archive.writestr("xl/styles.xml", _STYLES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                            for i in range(1, len(sheets) + 1))
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.replace(
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/>', overrides))
    return buffer.getvalue()

"""``python manage.py report progress --campaign CODE [--as-of YYYY-MM-DD] [--territory UNIT_CODE]
[--units legacy|2025] --out FILE.xlsx|FILE.csv|FILE.pdf``: the campaign's progress, one row per territory
under the chosen one (default: the campaign's province), with the columns of ``reports.figures.COLUMNS``
(houses; money in đồng). The PDF is the progress report's print format, unnumbered and marked as a command
output. Bad input is refused on stderr with a non-zero exit code, and nothing is written."""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from housing_campaign.core.errors import ServiceError
from housing_campaign.core.spreadsheets import Column, xlsx_write
from housing_campaign.reports import figures
from housing_campaign.reports.services import command_pdf, progress_for_command

FORMATS = (".xlsx", ".csv", ".pdf")


class Command(BaseCommand):
    help = ("Số liệu tiến độ theo địa bàn (report progress): một dòng cho mỗi địa bàn trực thuộc, "
            "ghi ra tệp .xlsx, .csv hoặc .pdf.")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["progress"], help="progress: tiến độ theo địa bàn")
        parser.add_argument("--campaign", required=True, help="mã chương trình (ví dụ kt2425)")
        parser.add_argument("--as-of", dest="as_of", help="số liệu tính đến hết ngày YYYY-MM-DD (mặc định: hôm nay)")
        parser.add_argument("--territory", help="mã địa bàn (mặc định: tỉnh của chương trình)")
        parser.add_argument("--units", default="legacy", help="legacy (trước 01/07/2025) hoặc 2025")
        parser.add_argument("--out", required=True, help="tệp kết quả: .xlsx, .csv hoặc .pdf")

    def handle(self, *args, what, campaign, as_of, territory, units, out, **options):
        target = Path(out)
        suffix = target.suffix.lower()
        if suffix not in FORMATS:
            raise CommandError(f"Tệp kết quả phải có đuôi .xlsx, .csv hoặc .pdf (đang là “{target.name}”).")
        if not target.parent.is_dir():
            raise CommandError(f"Thư mục “{target.parent}” không tồn tại.")
        day = None
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of.strip())
            except ValueError:
                raise CommandError(f"--as-of phải là ngày dạng YYYY-MM-DD (đang là “{as_of[:20]}”).") from None
        try:
            chosen, unit, progress = progress_for_command(campaign_code=campaign, as_of=day, territory=territory,
                                                          units=(units or "").strip())
            if suffix == ".pdf":
                data = command_pdf(campaign=chosen, unit=unit, units=units.strip(), as_of=day)
            elif suffix == ".csv":
                data = _csv(progress)
            else:
                data = _xlsx(progress)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        _write_atomically(target, data)
        self.stdout.write(f"{target}: {len(progress.rows)} địa bàn dưới {unit.name} ({figures.system_label(units)})"
                          f", số liệu đến {'hết ngày ' + day.strftime('%d/%m/%Y') if day else 'hiện tại'}.")


def _csv(progress) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(figures.COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in progress.rows:
        writer.writerow(row.as_dict())
    return buffer.getvalue().encode("utf-8")


def _xlsx(progress) -> bytes:
    columns = [Column(name, "text" if name in ("territory_code", "territory") else "int", 14 if name != "territory"
                      else 30) for name in figures.COLUMNS]
    buffer = io.BytesIO()
    xlsx_write(buffer, columns=columns, sheet_name="progress",
               rows=([row.as_dict()[c] for c in figures.COLUMNS] for row in progress.rows))
    return buffer.getvalue()


def _write_atomically(target: Path, data: bytes) -> None:
    """Written whole or not at all: a temporary file in the same folder, then renamed."""
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".report-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

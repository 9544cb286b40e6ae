"""``manage.py report progress``: the exact interface; CSV, XLSX and PDF equal reports.figures.progress;
bad input refused with a message on stderr, a non-zero exit code and nothing written."""
import csv
import io
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from housing_campaign.reports import figures
from tests.conftest import HOME, advance, new_case, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(people, campaign):
    return [advance(people, new_case(people, campaign), s) for s in ("funding", "construction", "posting")]


def test_csv_is_one_row_per_district(tmp_path, campaign, cases):
    out = tmp_path / "p.csv"
    call_command("report", "progress", "--campaign", campaign.code, "--out", str(out), stdout=io.StringIO())
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    progress = figures.progress(campaign=campaign, root=campaign.province)
    assert list(rows[0]) == list(figures.COLUMNS)
    assert [r["territory_code"] for r in rows] == [r.code for r in progress.rows]
    for row, expected in zip(rows, progress.rows):
        assert {k: (int(v) if k not in ("territory_code", "territory") else v) for k, v in row.items()} == \
            expected.as_dict()
    assert sum(int(r["surveyed"]) for r in rows) == progress.total.surveyed == 3


def test_xlsx_under_a_territory_as_of_today(tmp_path, campaign, cases):
    from openpyxl import load_workbook

    out = tmp_path / "p.xlsx"
    call_command("report", "progress", "--campaign", campaign.code, "--territory", "610", "--as-of",
                 timezone.localdate().isoformat(), "--out", str(out), stdout=io.StringIO())
    sheet = load_workbook(out).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(figures.COLUMNS)
    progress = figures.progress(campaign=campaign, root=unit("610"), as_of=timezone.localdate())
    assert [dict(zip(figures.COLUMNS, v)) for v in values[1:]] == [r.as_dict() for r in progress.rows]
    home = next(dict(zip(figures.COLUMNS, v)) for v in values[1:] if v[0] == HOME)
    assert (home["surveyed"], home["started"], home["finished"]) == (3, 2, 1) and home["allocated"] > 0


def test_pdf_in_2025_units(tmp_path, campaign, cases):
    from pypdf import PdfReader

    out = tmp_path / "p.pdf"
    call_command("report", "progress", "--campaign", campaign.code, "--units", "2025", "--out", str(out),
                 stdout=io.StringIO())
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert "report progress" in text and "không phải văn bản ban hành" in text
    total = figures.progress(campaign=campaign, root=campaign.province_2025, units="2025").total
    assert f"đã rà soát {total.surveyed} hộ" in text.replace("\n", " ")


@pytest.mark.parametrize("args,message", [
    (["--campaign", "khong-co"], "Không có chương trình"),
    (["--campaign", "kt2425", "--as-of", "2099-01-01"], "tương lai"),
    (["--campaign", "kt2425", "--as-of", "2000-01-01"], "trước khi chương trình bắt đầu"),
    (["--campaign", "kt2425", "--as-of", "30/11/2024"], "YYYY-MM-DD"),
    (["--campaign", "kt2425", "--territory", "99999"], "Không có địa bàn"),
    (["--campaign", "kt2425", "--units", "1975"], "legacy"),
])
def test_bad_input_writes_nothing(tmp_path, campaign, args, message):
    out = tmp_path / "p.csv"
    with pytest.raises(CommandError, match=message):
        call_command("report", "progress", *args, "--out", str(out), stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_unknown_extension(tmp_path, campaign):
    with pytest.raises(CommandError, match=r"\.xlsx, \.csv hoặc \.pdf"):
        call_command("report", "progress", "--campaign", campaign.code, "--out", str(tmp_path / "p.txt"))
    assert list(tmp_path.iterdir()) == []


def test_exit_code_and_stderr_from_the_shell(tmp_path):
    """As an operator runs it: a message on stderr and a non-zero exit code. The arguments are refused before
    any database is read, so the check holds whatever database the shell's environment names."""
    import os

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for args, said in ((["--out", str(tmp_path / "p.txt")], "p.txt"),
                       (["--as-of", "2026-13-45", "--out", str(tmp_path / "p.csv")], "2026-13-45")):
        result = subprocess.run([sys.executable, "manage.py", "report", "progress", "--campaign", "kt2425", *args],
                                capture_output=True, text=True, timeout=120, cwd=root)
        assert result.returncode != 0 and said in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())

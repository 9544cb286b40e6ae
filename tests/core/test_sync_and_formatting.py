import datetime as dt
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from housing_campaign.core import formatting
from housing_campaign.site.sync import sync_all

ROOT = Path(settings.PROJECT_ROOT)
SYNCED_MODELS = ["accounts.Role", "auth.Group", "commendations.AwardForm", "printing.DocumentKind",
                 "geography.AdminUnit", "campaigns.Campaign", "campaigns.Strand", "campaigns.SupportNorm",
                 "campaigns.CategoryDeadline", "campaigns.SurveyRound", "workflow.WorkflowDefinition",
                 "workflow.WorkflowState", "workflow.WorkflowTransition", "printing.PrintFormat",
                 "printing.PrintFormatVersion"]


def _snapshot():
    return {label: sorted(apps.get_model(label).objects.values_list("pk", flat=True)) for label in SYNCED_MODELS}


@pytest.mark.django_db
def test_sync_twice_changes_nothing():
    before = _snapshot()
    report = sync_all()
    assert report["roles"] == 0 and report["award_forms"] == 0 and report["campaigns"] == 0
    assert report["workflows"] == [] and report["print_formats"] == []
    assert "skipped" in report["admin_units"]
    assert _snapshot() == before


@pytest.mark.django_db
def test_reference_data_loaded():
    from housing_campaign.accounts.models import Role
    from housing_campaign.campaigns.models import SupportNorm

    assert set(Role.objects.values_list("code", flat=True)) == {
        "commune_officer", "commune_chairman", "reviewer", "finance_officer", "inspector", "fatherland_front",
        "emulation_council", "emulation_office", "administrator", "auditor"}
    norms = {(n.strand.code, n.support_type, n.valid_from): n.amount for n in SupportNorm.objects.all()}
    assert norms[("phong_trao", "new_build", dt.date(2024, 11, 1))] == 60_000_000
    assert norms[("phong_trao", "repair", dt.date(2024, 11, 1))] == 30_000_000
    assert norms[("giam_ngheo", "new_build", dt.date(2022, 1, 1))] == 40_000_000
    assert norms[("giam_ngheo", "repair", dt.date(2022, 1, 1))] == 20_000_000


@pytest.mark.django_db
@pytest.mark.parametrize("doctype", ["housing_case", "commendation"])
def test_workflow_export_is_byte_identical_to_file(doctype, capsys):
    call_command("workflow", "export", doctype)
    assert capsys.readouterr().out == (ROOT / "workflows" / f"{doctype}.yaml").read_text(encoding="utf-8")


@pytest.mark.django_db
def test_print_format_export_is_byte_identical_to_file(capsys):
    for path in (ROOT / "print_formats").glob("*.html"):
        call_command("print_format", "export", path.stem)
        assert capsys.readouterr().out == path.read_text(encoding="utf-8"), path.name


def test_money_and_words():
    assert formatting.format_vnd(60_000_000) == "60.000.000 đ"
    assert formatting.amount_in_words(60_000_000) == "Sáu mươi triệu đồng"
    assert formatting.amount_in_words(30_000_000) == "Ba mươi triệu đồng"
    assert formatting.amount_in_words(45_500_000) == "Bốn mươi lăm triệu năm trăm nghìn đồng"
    assert formatting.format_date(dt.date(2025, 3, 5)) == "05/03/2025"
    assert formatting.date_in_words(dt.date(2025, 3, 5)) == "ngày 05 tháng 3 năm 2025"
    assert formatting.date_in_words(dt.date(2025, 2, 15)) == "ngày 15 tháng 02 năm 2025"
    assert formatting.mask_name("Y Nhàn Kbuôr") == "Y N*** K***"


def test_site_config_database_urls(tmp_path):
    from housing_campaign.config.site import parse_database_url

    pg = parse_database_url("postgres://postgres@127.0.0.1:5432/hc", tmp_path)
    assert pg["ENGINE"].endswith("postgresql") and pg["NAME"] == "hc" and pg["PORT"] == "5432"
    assert parse_database_url("sqlite:///db.sqlite3", tmp_path)["NAME"] == str(tmp_path / "db.sqlite3")
    assert parse_database_url("sqlite:////tmp/x.db", tmp_path)["NAME"] == "/tmp/x.db"
    with pytest.raises(ValueError):
        parse_database_url("mongodb://x/y", tmp_path)


def test_secret_key_is_not_committed():
    import subprocess

    tracked = subprocess.run(["git", "ls-files", "sites"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "secret_key" not in tracked

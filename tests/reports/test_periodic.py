"""Periodic reports (issue 14, item 3): composed as of a date, the figures of the PDF and the Excel equal
reports.figures.progress, an issued report is byte-frozen and a draft reprints the same figures after cases
moved on; every role and nobody on the desk pages; bad input refused with a message and nothing stored."""
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from housing_campaign.reports import figures
from housing_campaign.reports.models import CaseMilestone, MilestoneDay, PeriodicReport, Target
from housing_campaign.reports.services import periodic_report_create, periodic_report_issue, periodic_report_pdf
from tests.conftest import HOME, OTHER, advance, new_case, unit

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _xlsx(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data), read_only=True)


@pytest.fixture
def yesterday(campaign):
    day = timezone.localdate() - dt.timedelta(days=1)
    if day < campaign.starts_on:
        campaign.starts_on = day - dt.timedelta(days=30)
        campaign.save(update_fields=["starts_on"])
    return day


@pytest.fixture
def district_cases(people, campaign, yesterday):
    """Cases in two communes of the district, their milestones moved to yesterday (as if done then)."""
    cases = [advance(people, new_case(people, campaign), s) for s in ("funding", "construction", "posting")]
    cases.append(new_case(people, campaign, commune_code=OTHER))
    Target.objects.create(campaign=campaign, unit=unit(HOME), unit_path=unit(HOME).path, houses=10)
    MilestoneDay.objects.update(day=yesterday)
    CaseMilestone.objects.update(day=yesterday)
    return cases


def _compose(people, campaign, day, *, user=None, kind="progress", territory="610", units="legacy"):
    return periodic_report_create(actor=people.actor(user or people.reviewer), campaign_id=campaign.pk, kind=kind,
                                  territory=territory, units=units, as_of=day.strftime("%d/%m/%Y"),
                                  difficulties="Mưa lũ kéo dài.\nVật liệu tăng giá.",
                                  proposals="Đề nghị tỉnh bổ sung kinh phí.")


def test_pdf_and_excel_equal_the_figures(people, campaign, district_cases, yesterday):
    report = _compose(people, campaign, yesterday)
    progress = figures.progress(campaign=campaign, root=unit("610"), as_of=yesterday)
    home = next(r for r in progress.rows if r.code == HOME)
    assert (home.surveyed, home.approved, home.started, home.finished, home.target) == (3, 3, 2, 1, 10)

    pdf, name = periodic_report_pdf(report=report)
    text = _pdf_text(pdf)
    assert "DỰ THẢO" in text and "……/BC-UBND" in text and "Mưa lũ kéo dài." in text
    row = re.search(r"Xã Đăk Blô\s+([\d.\s]+)", text).group(1).split()
    assert [int(x.replace(".", "")) for x in row[:5]] == [home.target, home.surveyed, home.approved, home.started,
                                                          home.finished]

    from housing_campaign.reports.services import periodic_report_xlsx

    data, _ = periodic_report_xlsx(report=report)
    book = _xlsx(data)
    assert book.sheetnames[:4] == ["Theo địa bàn", "Theo đối tượng", "Theo hình thức", "Kinh phí theo nguồn"]
    rows = list(book["Theo địa bàn"].iter_rows(values_only=True))
    assert rows[1][:4] == ("Mã địa bàn", "Địa bàn", "Chỉ tiêu (nhà)", "Đã rà soát")
    by_code = {r[0]: r for r in rows[2:]}
    assert by_code[HOME][2:8] == (home.target, home.surveyed, home.approved, home.started, home.finished,
                                  home.handed_over)
    assert by_code[HOME][9] == home.allocated and isinstance(by_code[HOME][9], int)
    total = rows[-1]
    assert total[1] == "Tổng cộng" and total[3] == progress.total.surveyed
    categories = list(book["Theo đối tượng"].iter_rows(values_only=True))[2:]
    assert sum(r[2] for r in categories) == progress.total.surveyed


def test_as_of_rule_and_issued_pdf_is_frozen(people, campaign, district_cases, yesterday):
    report = _compose(people, campaign, yesterday)
    draft_before, _ = periodic_report_pdf(report=report)
    document = periodic_report_issue(actor=people.actor(people.reviewer), report_id=report.pk)
    assert re.fullmatch(r"\d{2}/BC-UBND", document.number_text)
    issued_before, _ = periodic_report_pdf(report=report)
    text_before = _pdf_text(issued_before)
    assert document.number_text in text_before and "DỰ THẢO" not in text_before

    # Cases move on today: more houses started and finished, a new survey.
    advance(people, new_case(people, campaign), "posting")
    advance(people, new_case(people, campaign), "construction")
    assert figures.progress(campaign=campaign, root=unit("610")).total.finished > \
        figures.progress(campaign=campaign, root=unit("610"), as_of=yesterday).total.finished

    issued_after, _ = periodic_report_pdf(report=report)
    assert issued_after == issued_before  # byte-frozen
    # A draft of the same date computed now prints the same figures as the issued one.
    again = _compose(people, campaign, yesterday)
    draft_after, _ = periodic_report_pdf(report=again)
    figures_only = re.compile(r"Xã Đăk Blô[\d.\s]+")
    assert figures_only.findall(_pdf_text(draft_after)) == figures_only.findall(_pdf_text(draft_before)) == \
        figures_only.findall(text_before)
    # Issued once only.
    from housing_campaign.core.errors import ServiceError

    with pytest.raises(ServiceError, match="đã được ban hành"):
        periodic_report_issue(actor=people.actor(people.reviewer), report_id=report.pk)


def test_numbers_per_issuer_kind_year(people, campaign, district_cases, yesterday):
    first = periodic_report_issue(actor=people.actor(people.reviewer),
                                  report_id=_compose(people, campaign, yesterday).pk)
    second = periodic_report_issue(actor=people.actor(people.reviewer),
                                   report_id=_compose(people, campaign, yesterday).pk)
    commune = periodic_report_issue(actor=people.actor(people.officer),
                                    report_id=_compose(people, campaign, yesterday, user=people.officer,
                                                       territory=HOME).pk)
    assert (first.number, second.number, commune.number) == (1, 2, 1)
    province = periodic_report_issue(actor=people.actor(people.finance), report_id=_compose(
        people, campaign, yesterday, user=people.finance, kind="province", territory="").pk)
    assert province.number_text.endswith("/BC-SNV")


def test_summary_report_adds_contributions_and_commendations(people, campaign, district_cases, yesterday):
    report = _compose(people, campaign, yesterday, user=people.finance, kind="summary", territory="62")
    text = _pdf_text(periodic_report_pdf(report=report)[0])
    assert "HUY ĐỘNG ĐÓNG GÓP" in text and "KHEN THƯỞNG" in text and "Tổng kết" in text
    from housing_campaign.reports.services import periodic_report_xlsx

    book = _xlsx(periodic_report_xlsx(report=report)[0])
    assert {"Đóng góp", "Khen thưởng"} <= set(book.sheetnames)


# ---------------------------------------------------------------------------- desk pages
ROLE_CAN_COMPOSE = {"reviewer": True, "officer": True, "chairman": True, "finance": True, "admin": True,
                    "auditor": False, "inspector": False, "front": False}


def _form(chosen, **overrides):
    return {"campaign": chosen.pk, "kind": "progress", "territory": HOME, "units": "legacy",
            "as_of": timezone.localdate().strftime("%d/%m/%Y"), "difficulties": "Thiếu thợ.", "proposals": "",
            **overrides}


@pytest.mark.parametrize("who", sorted(ROLE_CAN_COMPOSE))
def test_each_role_on_the_pages(client, people, campaign, who):
    client.force_login(getattr(people, who))
    assert client.get(reverse("reportdocs:list")).status_code == 200
    assert client.get(reverse("reportdocs:new")).status_code == 200
    response = client.post(reverse("reportdocs:new"), _form(campaign))
    stored = PeriodicReport.objects.filter(unit=unit(HOME)).first()
    if not ROLE_CAN_COMPOSE[who]:
        assert response.status_code == 400 and stored is None
        return
    assert response.status_code == 302 and stored is not None
    for name in ("reportdocs:detail", "reportdocs:pdf", "reportdocs:xlsx"):
        assert client.get(reverse(name, args=[stored.pk])).status_code == 200, name
    response = client.post(reverse("reportdocs:issue", args=[stored.pk]))
    assert response.status_code == 302
    assert "BC-UBND" in client.get(reverse("reportdocs:detail", args=[stored.pk])).content.decode()


def test_auditor_reads_and_cannot_issue(client, people, campaign):
    report = _compose(people, campaign, timezone.localdate(), user=people.officer, territory=HOME)
    client.force_login(people.auditor)
    page = client.get(reverse("reportdocs:detail", args=[report.pk])).content.decode()
    assert "Ban hành (cấp số)" not in page
    assert client.post(reverse("reportdocs:issue", args=[report.pk])).status_code == 403
    from housing_campaign.printing.models import IssuedDocument

    assert not IssuedDocument.objects.filter(doctype="report").exists()


def test_other_territory_and_anonymous(client, people, campaign):
    report = _compose(people, campaign, timezone.localdate(), user=people.officer, territory=HOME)
    client.force_login(people.officer_b)
    for name in ("reportdocs:detail", "reportdocs:pdf", "reportdocs:xlsx"):
        assert client.get(reverse(name, args=[report.pk])).status_code == 404
    assert client.post(reverse("reportdocs:issue", args=[report.pk])).status_code == 404
    assert "Đăk Blô" not in client.get(reverse("reportdocs:list")).content.decode()
    client.logout()
    for url in (reverse("reportdocs:list"), reverse("reportdocs:new"), reverse("reportdocs:detail", args=[report.pk]),
                reverse("reportdocs:pdf", args=[report.pk])):
        assert client.get(url)["Location"].startswith("/login/")


@pytest.mark.parametrize("field,value,message", [
    ("as_of", "01/01/2020", "trước khi chương trình bắt đầu"),
    ("as_of", "31/12/2099", ""),
    ("as_of", "hôm qua", "dd/mm/yyyy"),
    ("territory", OTHER, "nằm ngoài địa bàn"),
    ("territory", "", "Chọn địa bàn báo cáo"),
    ("territory", "99999", "Không có địa bàn mã"),
    ("units", "1990", "legacy"),
    ("kind", "bogus", "Chọn loại báo cáo"),
    ("campaign", "abc", "Chọn chương trình"),
    ("difficulties", "x" * 1_000_000, "dài tối đa"),
])
def test_bad_input_is_refused_and_nothing_stored(client, people, campaign, field, value, message):
    client.force_login(people.officer)
    response = client.post(reverse("reportdocs:new"), _form(campaign, **{field: value}))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="field-error"' in page and message in page
    assert len(page) < 200_000  # the 1 MB text is not sent back whole
    assert not PeriodicReport.objects.exists()

"""What a print template sees of a periodic report (``hooks.print_doctypes`` "report"), and the Excel of the
same figures: plain data, in Vietnamese, computed as of the report's date from the aggregates
(``reports.figures``), the money records (``funding.selectors.money_figures``), the contributions and the
commendations, so a draft reprints the same figures later; an issued report stores this context with its
number and always reprints as issued.

Kinds: the progress report of a commune or district to Sở Nội vụ ("progress"), Sở Nội vụ's report up to the
Ministry and the provincial People's Committee (the same figures for the whole province, "province"), and the
campaign's summing-up report ("summary": adds contributions and commendations)."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor
from housing_campaign.campaigns.models import Campaign, Category, FundingSource, SupportType
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.spreadsheets import Column, Sheet, xlsx_sheets
from housing_campaign.geography.models import AdminUnit
from housing_campaign.geography.selectors import in_text
from housing_campaign.printing.contexts import campaign_context, in_vietnamese
from housing_campaign.printing.issuers import issuer_context
from housing_campaign.printing.models import Organ

from . import figures
from .models import PeriodicReport

FORMATS = {"progress": "progress_report", "province": "progress_report", "summary": "summary_report"}
HOUSE_LABELS = {"target": "Chỉ tiêu (nhà)", "surveyed": "Đã rà soát", "approved": "Được duyệt",
                "started": "Đã khởi công", "finished": "Đã hoàn thành", "handed_over": "Đã bàn giao"}
MONEY_LABELS = {"allocated": "Kinh phí đã phân bổ (đồng)", "released": "Kinh phí đã giải ngân (đồng)"}


def format_code(kind: str) -> str:
    return FORMATS.get(kind, "progress_report")


def _issuer(kind: str, unit: AdminUnit, on: dt.date) -> dict:
    """Who issues the report on ``on`` (``printing.issuers``: the unit in force that day, its signer then), to
    whom it is sent and its recipients (Decree 30/2020: 05/BC-UBND, 05/BC-SNV)."""
    if kind == PeriodicReport.Kind.PROVINCE:
        body = issuer_context(unit=unit, on=on, organ=Organ.HOME_AFFAIRS)
        province = f"Ủy ban nhân dân {body['unit']['in_text']}"
        return {**body, "key": body["register_key"], "to": ["Bộ Nội vụ", province],
                "recipients": ["Như trên", f"Ban Chỉ đạo {body['unit']['in_text']}", "Lưu: VT"]}
    body = issuer_context(unit=unit, on=on)
    province = _province_in_text(body)
    to = [f"Sở Nội vụ {province}"] if kind == PeriodicReport.Kind.PROGRESS else [f"Ủy ban nhân dân {province}"]
    return {**body, "key": body["register_key"], "to": to,
            "recipients": ["Như trên", f"Ban Chỉ đạo {body['unit']['in_text']}", "Lưu: VT"]}


def _province_in_text(body: dict) -> str:
    """"tỉnh Kon Tum": the province of the issuing body's unit (itself for a province)."""
    unit = AdminUnit.objects.select_related("parent__parent").get(system=body["unit"]["system"],
                                                                  code=body["unit"]["code"])
    while unit.parent_id and unit.level != AdminUnit.Level.PROVINCE:
        unit = unit.parent
    return in_text(unit.name)


def _row(row: figures.Row) -> dict:
    return {**row.as_dict(), "percent_done": row.percent_done}


def _breakdown(values: dict[str, dict[str, int]], choices) -> list[dict]:
    labels = dict(choices)
    out = []
    for code, label in labels.items():
        numbers = values.get(code)
        if numbers:
            out.append({"code": code, "label": str(label), **numbers})
    for code, numbers in values.items():  # a code no longer in the choices still counts
        if code not in labels:
            out.append({"code": code, "label": code or "(chưa rõ)", **numbers})
    return out


def _money(campaign: Campaign, unit: AdminUnit, as_of: dt.date) -> dict:
    from housing_campaign.funding.selectors import money_figures, release_figures

    money = money_figures(unit=unit, campaign_id=campaign.pk, as_of=as_of)
    releases = release_figures(unit=unit, campaign_id=campaign.pk, as_of=as_of)
    sources = []
    for code, label in FundingSource.choices:
        received, allocated = money.received_by_source.get(code, 0), money.allocated_by_source.get(code, 0)
        if received or allocated:
            sources.append({"code": code, "label": str(label), "received": received, "allocated": allocated,
                            "loan": code == FundingSource.VBSP_LOAN})
    return {"by_source": sources, "received": money.received, "allocated": money.allocated, "loans": money.loans,
            "released": releases["total"], "houses_released": releases["houses"],
            "per_tranche": [{"tranche": t["tranche"], "count": t["count"], "amount": t["amount"] or 0}
                            for t in releases["per_tranche"]]}


def _contributions(campaign: Campaign, unit: AdminUnit, as_of: dt.date) -> dict:
    from housing_campaign.contributions.selectors import contribution_figures

    found = contribution_figures(unit=unit, campaign_id=campaign.pk, as_of=as_of)
    return {"by_kind": [{"kind": k, "label": str(v["label"]), "value": v["value"] or 0, "count": v["count"]}
                        for k, v in found["by_kind"].items()],
            "received": found["received"] or 0, "pledged": found["pledged"], "pledges": found["pledges"]}


def _commendations(campaign: Campaign, unit: AdminUnit, as_of: dt.date) -> dict:
    """Nominations proposed by the end of the day, and decided by then (the log's transitions to
    "decided"), per award form."""
    from housing_campaign.commendations.models import AwardForm, Nomination
    from housing_campaign.core.models import DocumentEvent
    from housing_campaign.funding.selectors import unit_q

    end = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min))
    nominations = Nomination.objects.filter(unit_q(unit), campaign_id=campaign.pk, created_at__lt=end)
    decided_ids = DocumentEvent.objects.filter(doctype="commendation", kind="transition", to_state="decided",
                                               at__lt=end).values("object_id")
    forms = dict(AwardForm.objects.values_list("pk", "name"))
    rows: dict[int, dict] = {}
    for form_id, proposed, decided in (nominations.values_list("award_form_id")
                                       .annotate(p=Count("id"), d=Count("id", filter=Q(pk__in=decided_ids)))
                                       .order_by("award_form_id")):
        rows[form_id] = {"label": forms.get(form_id, ""), "proposed": proposed, "decided": decided}
    listed = list(rows.values())
    return {"by_form": listed, "proposed": sum(r["proposed"] for r in listed),
            "decided": sum(r["decided"] for r in listed)}


@in_vietnamese
def report_context(*, campaign: Campaign, kind: str, unit: AdminUnit, units: str, as_of: dt.date,
                   difficulties: str = "", proposals: str = "", mark: str = "", report_id: int | None = None,
                   today: dt.date | None = None) -> dict:
    """Everything a report prints, as plain data (stored with an issued report). ``mark``: "draft" (not
    issued, no number) or "command" (an output of ``manage.py report``)."""
    progress = figures.progress(campaign=campaign, root=unit, units=units, as_of=as_of)
    total = progress.total
    context = {
        "campaign": campaign_context(campaign),
        "report": {"id": report_id, "kind": kind, "kind_label": str(PeriodicReport.Kind(kind).label),
                   "as_of": as_of, "units": units, "units_label": figures.system_label(units), "mark": mark,
                   "summary": kind == PeriodicReport.Kind.SUMMARY},
        "issuer": _issuer(kind, unit, today or timezone.localdate()),
        "territory": {"code": unit.code, "name": unit.name, "in_text": in_text(unit.name), "level": unit.level,
                      "children_label": "Xã" if unit.level != AdminUnit.Level.PROVINCE or units == "2025"
                      else "Huyện"},
        "rows": [_row(r) for r in progress.rows],
        "total": _row(total),
        "by_category": _breakdown(total.by_category, Category.choices),
        "by_support_type": _breakdown(total.by_support_type, SupportType.choices),
        "money": _money(campaign, unit, as_of),
        "difficulties": [p for p in (difficulties or "").splitlines() if p.strip()],
        "proposals": [p for p in (proposals or "").splitlines() if p.strip()],
        "today": today or timezone.localdate(),
        "document_number": "",
    }
    if kind == PeriodicReport.Kind.SUMMARY:
        context["contributions"] = _contributions(campaign, unit, as_of)
        context["commendations"] = _commendations(campaign, unit, as_of)
    return context


def periodic_report_context(report: PeriodicReport, *, mark: str = "") -> dict:
    return report_context(campaign=report.campaign, kind=report.kind, unit=report.unit, units=report.units,
                          as_of=report.as_of, difficulties=report.difficulties, proposals=report.proposals,
                          mark=mark, report_id=report.pk)


def draft_number(context: dict) -> str:
    return f"……/BC-{context['issuer']['symbol']}"


# ---------------------------------------------------------------------------- Excel: one sheet per table
def _house_columns(first: str) -> list[Column]:
    return [Column(first, width=30), *[Column(label, "int", 14) for label in HOUSE_LABELS.values()]]


def report_sheets(context: dict) -> list[Sheet]:
    """The tables of a report (from its context: a draft's or an issued one's, stored) as sheets with
    Vietnamese headers and numbers as numbers."""
    title = (f"{context['report']['kind_label']} – {context['territory']['name']} – số liệu đến ngày "
             f"{_day(context['report']['as_of'])} ({context['report']['units_label']})")
    if context.get("document_number"):
        title += f" – Số {context['document_number']}"
    territory_columns = [Column("Mã địa bàn", width=12), Column("Địa bàn", width=30),
                         *[Column(label, "int", 14) for label in HOUSE_LABELS.values()],
                         Column("Tỷ lệ hoàn thành (%)", "decimal", 14),
                         *[Column(label, "money", 20) for label in MONEY_LABELS.values()]]

    def territory_row(r):
        return [r["territory_code"], r["territory"], *[r[k] for k in HOUSE_LABELS], r["percent_done"],
                *[r[k] for k in MONEY_LABELS]]

    sheets = [
        Sheet("Theo địa bàn", territory_columns,
              [*[territory_row(r) for r in context["rows"]], territory_row({**context["total"],
                                                                            "territory": "Tổng cộng"})],
              (title,)),
        Sheet("Theo đối tượng", _house_columns("Đối tượng"),
              [[b["label"], *[b.get(k, 0) for k in HOUSE_LABELS]] for b in context["by_category"]], (title,)),
        Sheet("Theo hình thức", _house_columns("Hình thức hỗ trợ"),
              [[b["label"], *[b.get(k, 0) for k in HOUSE_LABELS]] for b in context["by_support_type"]], (title,)),
        Sheet("Kinh phí theo nguồn", [Column("Nguồn kinh phí", width=45), Column("Đã tiếp nhận (đồng)", "money", 20),
                                      Column("Đã phân bổ (đồng)", "money", 20)],
              [*[[s["label"], s["received"], s["allocated"]] for s in context["money"]["by_source"]],
               ["Tổng cộng (không kể vốn vay)", context["money"]["received"], context["money"]["allocated"]],
               ["Đã giải ngân", None, context["money"]["released"]]], (title,)),
    ]
    if context.get("contributions"):
        contributions = context["contributions"]
        sheets.append(Sheet("Đóng góp", [Column("Hình thức đóng góp", width=30), Column("Số lượt", "int", 12),
                                         Column("Giá trị (đồng)", "money", 20)],
                            [*[[k["label"], k["count"], k["value"]] for k in contributions["by_kind"]],
                             ["Tổng cộng", None, contributions["received"]],
                             ["Đã cam kết", contributions["pledges"], contributions["pledged"]]], (title,)))
    if context.get("commendations"):
        commendations = context["commendations"]
        sheets.append(Sheet("Khen thưởng", [Column("Hình thức khen thưởng", width=30),
                                            Column("Đã đề nghị", "int", 14), Column("Đã quyết định", "int", 14)],
                            [*[[f["label"], f["proposed"], f["decided"]] for f in commendations["by_form"]],
                             ["Tổng cộng", commendations["proposed"], commendations["decided"]]], (title,)))
    texts = [["Khó khăn, vướng mắc", p] for p in context["difficulties"]] + \
        [["Đề xuất, kiến nghị", p] for p in context["proposals"]]
    if texts:
        sheets.append(Sheet("Khó khăn, kiến nghị", [Column("Mục", width=22), Column("Nội dung", width=100)], texts,
                            (title,)))
    return sheets


def report_xlsx(context: dict) -> bytes:
    return xlsx_sheets(report_sheets(context))


def _day(value) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else str(value)


# ---------------------------------------------------------------------------- hooks.print_doctypes "report"
def _visible(actor: Actor):
    from .selectors import reports_visible

    return reports_visible(actor).select_related("campaign", "unit", "unit__parent")


def report_by_reference(*, actor: Actor, reference: str) -> tuple[dict, str]:
    """A report by its id, inside the actor's territory."""
    from housing_campaign.core.validators import query_id

    report = _visible(actor).filter(pk=query_id(reference.removeprefix("BC-"))).first() if reference else None
    if report is None:
        raise ServiceError(gettext("Không tìm thấy báo cáo “%(code)s” trong địa bàn của bạn.") % {
            "code": reference[:20]}, code=ErrorCode.NOT_FOUND)
    context = periodic_report_context(report, mark="draft")
    return {**context, "document_number": draft_number(context)}, f"BC-{report.pk}"


def report_sample() -> dict | None:
    report = PeriodicReport.objects.select_related("campaign", "unit", "unit__parent").order_by("id").first()
    return periodic_report_context(report, mark="draft") if report else None


def report_example(*, actor: Actor) -> str:
    report = _visible(actor).order_by("-id").first()
    return f"BC-{report.pk}" if report else ""

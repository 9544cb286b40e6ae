"""Periodic reports on the desk (issue 14, item 3): the reports of the user's territory, the form a reviewer,
commune officer or chairman, or finance officer composes one with (kind, territory, units, the date of its
figures, difficulties and proposals), its page, its draft or issued PDF, issuing it with a number and its
figures as Excel. Thin: reads through ``reports.selectors`` (scoped), writes through ``reports.services``; a
refusal shows the form again with what was typed and a message per field (status 400)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from housing_campaign.core.errors import ServiceError
from housing_campaign.core.formatting import format_date
from housing_campaign.core.spreadsheets import XLSX_CONTENT_TYPE
from housing_campaign.core.validators import query_id, query_text
from housing_campaign.reports import selectors
from housing_campaign.reports import services as reports
from housing_campaign.reports.figures import UNITS, default_units
from housing_campaign.reports.models import PeriodicReport

from .common import issued_document_warnings, pdf_response, request_actor

FIELDS = ("campaign", "kind", "territory", "units", "as_of")


def _report_or_404(request, pk):
    actor = request_actor(request)
    report = selectors.report_get(actor, pk)
    if report is None:
        raise Http404(gettext("Không tìm thấy báo cáo trong địa bàn của bạn."))
    return actor, report


@login_required
@require_GET
def report_list(request):
    actor = request_actor(request)
    rows = selectors.reports_list(actor)
    issued = reports.report_documents(rows)
    for row in rows:
        row.document = issued.get(row.pk)
    return render(request, "desk/reports/documents/list.html", {
        "reports": rows, "can_compose": reports.can_compose(actor)})


def _form_page(request, actor, values: dict, *, errors=None, status=200):
    campaigns = selectors.report_campaigns()
    campaign = next((c for c in campaigns if c.pk == query_id(values.get("campaign"))), None) or \
        (campaigns[0] if campaigns else None)
    units = values.get("units") if values.get("units") in UNITS else default_units(actor)
    choices = selectors.territory_choices(actor, campaign=campaign, units=units) if campaign else []
    territory = values.get("territory") or (choices[0][0] if choices else "")
    return render(request, "desk/reports/documents/new.html", {
        "campaigns": campaigns, "campaign": campaign, "units": units, "choices": choices, "territory": territory,
        "kinds": PeriodicReport.Kind.choices, "kind": values.get("kind") or PeriodicReport.Kind.PROGRESS,
        "as_of": values.get("as_of") or format_date(reports.default_as_of()),
        "difficulties": values.get("difficulties", ""), "proposals": values.get("proposals", ""),
        "errors": errors or {}, "general_errors": (errors or {}).get("__all__"),
        "can_compose": reports.can_compose(actor), "text_max": reports.TEXT_MAX}, status=status)


@login_required
def report_new(request):
    actor = request_actor(request)
    source = request.POST if request.method == "POST" else request.GET
    values = {k: query_text(source.get(k), max_length=20) for k in FIELDS}
    # What was typed comes back as typed (bounded: a refused 1 MB text is not sent back whole).
    values.update({k: (source.get(k) or "")[:reports.TEXT_MAX + 1] for k in ("difficulties", "proposals")})
    if request.method != "POST" or request.POST.get("refresh"):
        if request.method == "POST" and request.POST.get("refresh") == "units":
            values["territory"] = ""  # another system of units: its own territories
        return _form_page(request, actor, values)
    try:
        report = reports.periodic_report_create(
            actor=actor, campaign_id=values["campaign"], kind=values["kind"], territory=values["territory"],
            units=values["units"], as_of=values["as_of"], difficulties=request.POST.get("difficulties", ""),
            proposals=request.POST.get("proposals", ""))
    except ServiceError as exc:
        errors = dict(exc.errors) or {"__all__": [exc.message]}
        messages.error(request, gettext("Chưa lưu báo cáo: hãy sửa các ô báo lỗi bên dưới rồi bấm lại."))
        return _form_page(request, actor, values, errors=errors, status=400)
    messages.success(request, gettext("Đã lưu dự thảo báo cáo; xem bản in rồi bấm “Ban hành (cấp số)”."))
    return redirect("reportdocs:detail", pk=report.pk)


def _detail_page(request, actor, report, *, status=200):
    from housing_campaign.reports.documents import periodic_report_context

    document = reports.report_document(report)
    # An issued report shows the figures it was issued with (stored with it), a draft today's figures as of
    # its date (the same, since they are computed as of that date).
    context = periodic_report_context(report, mark="draft") if document is None else (document.context or None)
    return render(request, "desk/reports/documents/detail.html", {
        "report": report, "document": document, "figures": context,
        "can_issue": document is None and reports.can_issue(actor, report)}, status=status)


@login_required
@require_GET
def report_detail(request, pk):
    actor, report = _report_or_404(request, pk)
    return _detail_page(request, actor, report)


@login_required
@require_GET
def report_pdf(request, pk):
    """The issued PDF as issued (frozen), or the draft without a number."""
    _, report = _report_or_404(request, pk)
    try:
        data, filename = reports.periodic_report_pdf(report=report)
    except ServiceError as exc:
        raise Http404(exc.message) from None
    return pdf_response(data, filename)


@login_required
@require_POST
def report_issue(request, pk):
    actor, report = _report_or_404(request, pk)
    try:
        document = reports.periodic_report_issue(actor=actor, report_id=report.pk)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _detail_page(request, actor, report, status=403 if exc.code == "permission_denied" else 400)
    messages.success(request, gettext("Đã ban hành báo cáo, số %(number)s.") % {"number": document.number_text})
    for warning in issued_document_warnings(document):
        messages.warning(request, warning)
    return redirect("reportdocs:detail", pk=report.pk)


@login_required
@require_GET
def report_xlsx(request, pk):
    _, report = _report_or_404(request, pk)
    data, filename = reports.periodic_report_xlsx(report=report)
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

"""Desk pages for targets (issue 14): the targets of the user's territory with the houses finished against
them, and their import from Excel: upload → check (dry run, a result per row) → confirm (all or nothing) →
the result as Excel. Mounted at /desk/chi-tieu/ (``urls_targets``). The pages live in ``imports`` because
they call the import service, which reads with the importers' rules (the layer contract keeps ``desk``
and ``imports`` apart)."""
from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from housing_campaign.accounts.selectors import actor_for
from housing_campaign.campaigns.models import Campaign
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.spreadsheets import XLSX_CONTENT_TYPE
from housing_campaign.core.validators import query_id
from housing_campaign.reports.targets import targets_for_reader

from . import targets as service

RESULT_ROWS_SHOWN = 500


def _campaigns():
    return list(Campaign.objects.filter(is_active=True).select_related("province", "province_2025").order_by("code"))


@login_required
@require_GET
def target_list(request):
    actor = actor_for(request.user)
    campaigns = _campaigns()
    wanted = query_id(request.GET.get("campaign"))
    campaign = next((c for c in campaigns if c.pk == wanted), campaigns[0] if campaigns else None)
    if request.GET.get("campaign") and (wanted is None or campaign.pk != wanted):
        messages.error(request, gettext("Không có chương trình đang thực hiện này; đang xem %(name)s.") % {
            "name": campaign.code.upper() if campaign else "—"})
    lines = targets_for_reader(actor=actor, campaign=campaign) if campaign else []
    return render(request, "desk/targets/list.html", {
        "campaign": campaign, "campaigns": campaigns, "lines": lines,
        "may_import": service.target_import_allowed(actor), "max_mb": service.max_bytes() // (1024 * 1024),
        "total": sum(line.target.houses for line in lines)})


def _result(request, outcome, token, *, confirmed: bool):
    for row in outcome.rows[:RESULT_ROWS_SHOWN]:
        row.status_text = row.status_label(outcome.dry_run)
    return render(request, "desk/targets/result.html", {
        "outcome": outcome, "token": token, "confirmed": confirmed, "campaign": outcome.campaign,
        "rows": outcome.rows[:RESULT_ROWS_SHOWN], "more": max(0, len(outcome.rows) - RESULT_ROWS_SHOWN),
        "may_confirm": not confirmed and not outcome.refused and outcome.changes > 0})


@login_required
def target_check(request):
    if request.method != "POST":
        return redirect("targets:list")
    actor = actor_for(request.user)
    if not service.target_import_allowed(actor):
        raise PermissionDenied(gettext("Chỉ quản trị viên và cán bộ thẩm định (huyện, tỉnh) được nhập chỉ tiêu."))
    try:
        outcome, token = service.target_check(actor=actor, campaign_id=request.POST.get("campaign"),
                                              upload=request.FILES.get("file"))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("targets:list")
    return _result(request, outcome, token, confirmed=False)


@login_required
@require_POST
def target_confirm(request):
    actor = actor_for(request.user)
    try:
        outcome, token = service.target_confirm(actor=actor, token=request.POST.get("token", ""))
    except ServiceError as exc:
        if exc.code == ErrorCode.PERMISSION_DENIED:
            raise PermissionDenied(exc.message) from None
        messages.error(request, exc.message)
        return redirect("targets:list")
    if outcome.written:
        messages.success(request, outcome.summary)
    return _result(request, outcome, token, confirmed=True)


@login_required
@require_GET
def target_report(request):
    actor = actor_for(request.user)
    try:
        path = service.target_report_path(actor=actor, token=request.GET.get("t", ""))
    except ServiceError as exc:
        raise Http404(exc.message) from None
    response = FileResponse(open(path, "rb"), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                            filename="ket-qua-nhap-chi-tieu.xlsx")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def target_template(request):
    campaigns = _campaigns()
    buffer = io.BytesIO()
    service.template_write(buffer, campaigns[0] if len(campaigns) == 1 else None)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, content_type=XLSX_CONTENT_TYPE, filename="mau-chi-tieu.xlsx")

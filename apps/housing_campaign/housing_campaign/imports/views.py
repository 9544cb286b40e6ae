"""Desk pages for importing: upload → mapping → check (dry run) → confirm → progress → result."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from housing_campaign.accounts.selectors import actor_for
from housing_campaign.campaigns.models import Campaign, Strand, SurveyRound
from housing_campaign.core.errors import ServiceError
from housing_campaign.core.i18n import localized_label
from housing_campaign.core.spreadsheets import XLSX_CONTENT_TYPE
from housing_campaign.extrafields.services import extra_fields_for

from . import services
from .mapping import SURVEY_FIELDS, UPDATE_FIELDS
from .models import ImportBatch, ImportKind
from .selectors import batch_get_for_actor, batches_visible, templates_for


def _actor_may_import(request):
    actor = actor_for(request.user)
    if not services.import_allowed(actor):
        raise PermissionDenied(gettext("Tài khoản của bạn không dùng chức năng nhập từ Excel."))
    return actor


def _batch_or_404(actor, pk):
    try:
        return batch_get_for_actor(actor=actor, batch_id=pk)
    except ServiceError as exc:
        raise Http404(exc.message) from None


def _fields_for(batch: ImportBatch):
    if batch.kind == ImportKind.UPDATE:
        return [(f.key, gettext(f.label), f.required) for f in UPDATE_FIELDS]
    fields = [(f.key, gettext(f.label), f.required) for f in SURVEY_FIELDS]
    fields += [(f"extra:{f.code}", gettext("%(label)s (trường bổ sung)") % {"label": localized_label(f)}, f.required)
               for f in extra_fields_for("housing_case")]
    return fields


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    actor = _actor_may_import(request)
    campaigns = Campaign.objects.filter(is_active=True).prefetch_related("rounds")
    if request.method == "POST":
        kind = request.POST.get("kind") if request.POST.get("kind") in ImportKind.values else ImportKind.SURVEY
        survey_round = SurveyRound.objects.filter(pk=request.POST.get("survey_round", "")).select_related(
            "campaign").first() if request.POST.get("survey_round", "").isdigit() else None
        try:
            batch = services.batch_upload(actor=actor, upload=request.FILES.get("file"), kind=kind,
                                          campaign=survey_round.campaign if survey_round else None,
                                          survey_round=survey_round)
            return redirect("imports:mapping", pk=batch.pk)
        except ServiceError as exc:
            messages.error(request, exc.message)
    return render(request, "imports/upload.html", {
        "campaigns": campaigns, "batches": batches_visible(actor), "kinds": ImportKind.choices,
        "limits": _limits()})


def _limits():
    from .readers import limits

    values = limits()
    return {"mb": values["bytes"] // (1024 * 1024), "rows": values["rows"]}


@login_required
@require_http_methods(["GET", "POST"])
def mapping(request, pk):
    actor = _actor_may_import(request)
    batch = _batch_or_404(actor, pk)
    detected = batch.mapping.get("detected", {})
    labels = [label for label in detected.get("labels", []) if label]
    fields = _fields_for(batch)
    current = {"columns": dict(batch.mapping.get("columns", {})), "defaults": dict(batch.mapping.get("defaults", {}))}
    if request.method == "POST" and batch.created_by_id != request.user.pk:
        messages.error(request, gettext("Chỉ người tải tệp lên được ghép cột và chạy lần nhập này."))
    elif request.method == "POST":
        if request.POST.get("template"):
            template = templates_for(batch.kind).filter(pk=request.POST["template"]).first()
            if template:
                current = {"columns": {k: v for k, v in template.mapping.get("columns", {}).items() if v in labels},
                           "defaults": template.mapping.get("defaults", {})}
                messages.success(request, gettext("Đã áp dụng mẫu ghép cột “%(name)s”.") % {"name": template.name})
        else:
            defaults = {k: request.POST.get(f"default__{k}", "").strip() for k in ("strand", "surveyed_on")}
            current = {"columns": {key: request.POST.get(f"col__{key}") for key, _, _ in fields
                                   if request.POST.get(f"col__{key}") in labels},
                       "defaults": {k: v for k, v in defaults.items() if v}}
            try:
                if request.POST.get("template_name", "").strip():
                    services.template_save(actor=actor, name=request.POST["template_name"], kind=batch.kind,
                                           mapping=current)
                    messages.success(request, gettext("Đã lưu mẫu ghép cột “%(name)s”.") % {
                        "name": request.POST["template_name"].strip()})
                services.batch_start(actor=actor, batch=batch, dry_run=True, mapping=current)
                return redirect("imports:batch", pk=batch.pk)
            except ServiceError as exc:
                messages.error(request, exc.message)
    strands = Strand.objects.filter(campaign=batch.campaign) if batch.campaign_id else Strand.objects.none()
    rows = [{"key": key, "label": label, "required": required, "chosen": current["columns"].get(key, "")}
            for key, label, required in fields]
    return render(request, "imports/mapping.html", {
        "batch": batch, "detected": detected, "labels": labels, "rows": rows, "defaults": current["defaults"],
        "strands": strands, "templates": templates_for(batch.kind)})


@login_required
@require_GET
def batch(request, pk):
    actor = _actor_may_import(request)
    item = _batch_or_404(actor, pk)
    refused = []
    if item.status in (ImportBatch.Status.CHECKED, ImportBatch.Status.REFUSED, ImportBatch.Status.DONE) and \
            item.report_file and item.refused:
        refused = _refused_lines(item)
    template = "imports/_progress.html" if request.htmx else "imports/batch.html"
    return render(request, template, {"batch": item, "job": item.job, "refused": refused,
                                      "may_confirm": item.created_by_id == request.user.pk})


def _refused_lines(batch: ImportBatch, limit: int = 200) -> list[tuple[int, str]]:
    """The refused rows as listed in the report (the report is the record; nothing is kept twice)."""
    from python_calamine import CalamineWorkbook

    path = services.imports_dir() / batch.report_file
    if not path.exists():
        return []
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    # The report is in the language its importer chose (services.batch_run).
    refused_labels = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            refused_labels.add(gettext(services.STATUS_LABELS[services.REFUSED]))
    found = []
    for values in rows[2:]:
        if len(values) > 2 and values[1] in refused_labels:
            found.append((int(values[0]), values[2]))
            if len(found) >= limit:
                break
    return found


@login_required
@require_POST
def confirm(request, pk):
    actor = _actor_may_import(request)
    item = _batch_or_404(actor, pk)
    try:
        services.batch_start(actor=actor, batch=item, dry_run=False,
                             good_rows_only=request.POST.get("mode") == "good_rows_only")
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("imports:batch", pk=item.pk)


@login_required
@require_GET
def report(request, pk):
    actor = _actor_may_import(request)
    item = _batch_or_404(actor, pk)
    if not item.report_file:
        raise Http404(gettext("Chưa có báo cáo."))
    path = services.imports_dir() / item.report_file
    if not path.exists():
        raise Http404(gettext("Chưa có báo cáo."))
    response = FileResponse(open(path, "rb"), as_attachment=True, content_type=XLSX_CONTENT_TYPE,
                            filename=f"ket-qua-nhap-{item.pk}.xlsx")
    response["Cache-Control"] = "no-store"
    return response

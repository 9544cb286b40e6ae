"""Staff desk: the queue, bulk actions, the case page with its stage forms, printing.
Views parse input, call one service or selector, and render."""
from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from housing_campaign.accounts.selectors import actor_for, territory_q
from housing_campaign.campaigns.models import Campaign, Category, Strand, SupportType
from housing_campaign.cases import services as case_services
from housing_campaign.cases.models import Acceptance, HousingCase
from housing_campaign.cases.selectors import case_get_for_actor, cases_visible
from housing_campaign.certificates import services as certificate_services
from housing_campaign.certificates.models import Certificate
from housing_campaign.core.checks import qr_base_url_warning
from housing_campaign.core.errors import ErrorCode, ServiceError, validation_error
from housing_campaign.core.models import BackgroundJob, Notification
from housing_campaign.core.validators import normalize_text, query_id, query_ids, query_int, query_text
from housing_campaign.extrafields.forms import extra_values_from
from housing_campaign.extrafields.services import extra_values_clean
from housing_campaign.geography.models import AdminUnit, Village
from housing_campaign.workflow import engine
from housing_campaign.workflow.models import Stage, WorkflowState
from housing_campaign.workflow.sla import sla_status

from . import forms as desk_forms
from . import printing as desk_printing
from . import timeline
from .models import SavedFilter, SurveyDraft
from .selectors import QueueFilters, forget_counts, queue_queryset, stage_counts

PAGE_SIZES = (20, 50, 100)


def _actor(request):
    return actor_for(request.user)


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _case_or_404(request, pk):
    """The actor and the case they asked for, or a 404 that does not tell whether it exists elsewhere."""
    actor = _actor(request)
    try:
        return actor, case_get_for_actor(actor=actor, case_id=pk)
    except ServiceError as exc:
        raise Http404(exc.message) from None


# ---------------------------------------------------------------------------- queue
@login_required
@require_GET
def queue(request):
    actor = _actor(request)
    filters = QueueFilters.from_request(request.GET)
    per_page = query_int(request.GET.get("per_page"), 50)
    per_page = per_page if per_page in PAGE_SIZES else 50
    counts = stage_counts(actor, filters)
    total = sum(v for k, v in counts.items() if not filters.stage or k == filters.stage)
    qs = (queue_queryset(actor, filters)
          .select_related("household", "commune", "village", "strand", "commune_2025")
          .order_by("state_since", "id"))
    paginator = Paginator(qs, per_page)
    paginator.count = total  # the cached count, never a second COUNT(*) over the table
    page = paginator.get_page(request.GET.get("page"))
    rows = []
    for case in page.object_list:
        spec = engine.compiled(case.workflow_id)
        rows.append({"case": case, "state_label": spec.state_label(case.state), "sla": sla_status(case)})
    states = (WorkflowState.objects.filter(definition__doctype="housing_case", definition__is_active=True)
              .values_list("code", "label_vi"))
    units = AdminUnit.objects.filter(path__in=[p for a in actor.all_authorities for p in a.paths])
    communes = AdminUnit.objects.none()
    if units:
        from django.db.models import Q

        q = Q()
        for unit in units:
            q |= Q(path__startswith=unit.path)
        communes = AdminUnit.objects.filter(q, level="commune").order_by("name")[:300]
    bulk_actions = _bulk_actions(actor)
    query_without_page = {k: v for k, v in request.GET.items() if k not in ("page",)}
    stage_tabs = [{"code": code, "label": label, "count": counts.get(code, 0)} for code, label in Stage.choices
                  if counts.get(code)]
    from housing_campaign.extrafields.services import extra_fields_for

    extra_filters = [{"code": f.code, "label": f.label_vi, "value": dict(filters.extra).get(f.code, ""),
                      "choices": [("true", "Có"), ("false", "Không")] if f.field_type == "boolean"
                      else [(str(c[0]), c[1]) for c in f.choices]}
                     for f in extra_fields_for("housing_case") if f.field_type in ("choice", "boolean")]
    return render(request, "desk/queue.html", {
        "extra_filters": extra_filters,
        "filters": filters, "page": page, "rows": rows, "stage_tabs": stage_tabs, "total": total,
        "states": states, "strands": Strand.objects.all(), "categories": Category.choices,
        "support_types": SupportType.choices, "communes": communes, "per_page": per_page,
        "page_sizes": PAGE_SIZES, "bulk_actions": bulk_actions, "querystring": urlencode(query_without_page),
        "saved_filters": SavedFilter.objects.filter(user=request.user),
        "notifications": Notification.objects.filter(user=request.user, read_at__isnull=True)[:5],
        "actor": actor,
    })


def _bulk_actions(actor):
    """(action, label) pairs the actor's roles can take somewhere in active workflows."""
    roles = set()
    for authority in actor.all_authorities:
        roles |= authority.roles
    seen = {}
    from housing_campaign.workflow.models import WorkflowTransition

    for action, label, t_roles, comment in WorkflowTransition.objects.filter(
            definition__doctype="housing_case", definition__is_active=True).values_list(
            "action", "label_vi", "roles", "comment_required"):
        if roles & set(t_roles) and action not in seen:
            seen[action] = (label, comment)
    return [{"action": a, "label": lab, "comment_required": c} for a, (lab, c) in seen.items()]


def _safe_back(request, value) -> str:
    """Where “back” links and redirects may go: a path on this site, never another host or a script."""
    value = query_text(value, max_length=1000)
    if value.startswith("/") and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                                  require_https=request.is_secure()):
        return value
    return reverse("desk:queue")


@login_required
@require_POST
def save_filter(request):
    name = query_text(request.POST.get("name", ""), max_length=80)
    # Kept as a clean query string: it is put back into a redirect and into links.
    query = QueryDict(query_text(request.POST.get("query", ""), max_length=1000)).urlencode()[:1000]
    if not name:
        messages.error(request, "Hãy đặt tên cho bộ lọc.")
    else:
        SavedFilter.objects.update_or_create(user=request.user, name=name, defaults={"query": query})
        messages.success(request, f"Đã lưu bộ lọc “{name}”.")
    return redirect(f"{reverse('desk:queue')}?{query}")


@login_required
@require_POST
def delete_filter(request, pk):
    SavedFilter.objects.filter(user=request.user, pk=pk).delete()
    return redirect("desk:queue")


@login_required
@require_POST
def bulk(request):
    actor = _actor(request)
    action = query_text(request.POST.get("action", ""), max_length=60)
    comment = normalize_text(request.POST.get("comment"), multiline=True, max_length=2000)
    back = _safe_back(request, request.POST.get("back"))
    unusable = 0
    if request.POST.get("select_all") == "1":
        filters = QueueFilters.from_request(request.POST)
        ids = list(queue_queryset(actor, filters).values_list("pk", flat=True))
    else:
        ids, unusable = query_ids(request.POST.getlist("ids"))
    expected = {}
    for item in request.POST.getlist("expected"):
        pk, _, state = item.partition(":")
        if (object_id := query_id(pk)) is not None:
            expected[object_id] = query_text(state, max_length=60)
    if not action or not (ids or unusable):
        messages.error(request, "Hãy chọn hồ sơ và thao tác.")
        return redirect(back)
    results = engine.bulk_transition(actor=actor, doctype="housing_case", ids=ids, action=action, comment=comment,
                                     expected_states=expected or None) if ids else []
    forget_counts(actor)
    # Only cases the user may see are listed, by code and name; the others are a count, nothing more.
    cases = {c.pk: c for c in cases_visible(actor).filter(pk__in=[r.object_id for r in results])
             .select_related("household")}
    shown = [(r, cases[r.object_id]) for r in results if r.object_id in cases]
    not_found = len(results) - len(shown) + unusable
    ok = sum(1 for r, _ in shown if r.ok)
    return render(request, "desk/bulk_result.html", {
        "results": shown, "ok": ok, "failed": len(shown) - ok, "not_found": not_found,
        "action": action, "back": back})


# ---------------------------------------------------------------------------- case page
FORM_CLASSES = {
    "confirmation": desk_forms.ConfirmationForm, "funding": desk_forms.FundingForm,
    "progress": desk_forms.ProgressForm, "acceptance": desk_forms.AcceptanceForm,
    "handover": desk_forms.HandoverForm,
}


def _survey_form(case, data=None):
    villages = Village.objects.filter(commune=case.commune).select_related("commune")
    initial = {f: getattr(case, f) for f in case_services.SURVEY_FIELDS if f not in ("strand", "village")}
    initial.update({"strand": str(case.strand_id), "village": str(case.village_id or "")})
    return desk_forms.SurveyForm(data, initial=initial, villages=villages,
                                 strands=Strand.objects.filter(campaign=case.campaign), extra_values=case.extra,
                                 household_fields=False)


def _stage_form(case, name, data=None):
    if name == "survey":
        return _survey_form(case, data)
    initial = {}
    if name == "confirmation":
        initial = {f: getattr(case, f) for f in case_services.CONFIRMATION_FIELDS}
    if name == "handover":
        initial = {"handed_over_on": case.handed_over_on or timezone.localdate()}
    if name in ("progress",):
        initial = {"date": timezone.localdate()}
    if name == "acceptance":
        initial = {"accepted_on": timezone.localdate()}
    if name == "funding":
        initial = {"amount": max(case.support_amount - case.funded_total, 0) or ""}
    return FORM_CLASSES[name](data, initial=initial)


def _case_page(request, case, *, bound_form=None, bound_name=None, status=200):
    actor = _actor(request)
    spec = engine.compiled(case.workflow_id)
    options = engine.actions_for(actor=actor, doctype="housing_case", document=case)
    can_edit, edit_reason = engine.can_edit(actor=actor, document=case)
    open_form = next((name for name, stage in case_services.FORM_STAGES.items() if stage == case.stage), None)
    form = None
    if open_form and can_edit:
        form = bound_form if bound_name == open_form else _stage_form(case, open_form)
    attachment_form = bound_form if bound_name == "attachment" else desk_forms.AttachmentForm()
    acceptance = Acceptance.objects.filter(case=case).select_related("inspector").first()
    certificates = list(case.certificates.order_by("-issued_at"))
    from housing_campaign.printing.models import PrintFormat

    formats = PrintFormat.objects.filter(doctype="housing_case", is_active=True)
    from housing_campaign.printing.models import IssuedDocument

    issued = (IssuedDocument.objects.filter(doctype="housing_case", object_id=case.pk)
              .select_related("print_format_version__print_format").order_by("-issued_at"))
    return render(request, "desk/case.html", {
        "case": case, "household": case.household, "state_label": spec.state_label(case.state),
        "workflow": spec, "options": options, "open_options": [o for o in options if o.allowed],
        "closed_options": [o for o in options if not o.allowed], "can_edit": can_edit, "edit_reason": edit_reason,
        "open_form": open_form, "form": form, "attachment_form": attachment_form,
        "sla": sla_status(case), "eligibility": case.eligibility, "funding_lines": case.funding_lines.all(),
        "progress": case.progress_entries.select_related("recorded_by").prefetch_related("photos"),
        "acceptance": acceptance,
        "acceptance_reasons": case_services.acceptance_reasons(acceptance, case.campaign) if acceptance else [],
        "attachments": case.attachments.filter(progress__isnull=True), "certificates": certificates,
        "timeline": timeline.case_timeline(case), "formats": formats, "issued": issued,
        "extra_display": timeline.extra_display(case), "actor": actor,
        "can_manage_certificates": not actor.read_only and actor.authority_for(
            {"commune_chairman", "reviewer", "administrator"}, *engine.document_paths(case)) is not None,
    }, status=status)


@login_required
def case_detail(request, pk):
    _, case = _case_or_404(request, pk)
    return _case_page(request, case)


@login_required
@require_POST
def case_transition(request, pk):
    actor, case = _case_or_404(request, pk)
    try:
        outcome = engine.document_transition(actor=actor, doctype="housing_case", object_id=case.pk,
                                             action=query_text(request.POST.get("action", ""), max_length=60),
                                             comment=normalize_text(request.POST.get("comment"), multiline=True,
                                                                    max_length=2000),
                                             expected_state=query_text(request.POST.get("expected_state"),
                                                                       max_length=60) or None)
        messages.success(request, outcome.message)
        forget_counts(actor)
        spec = engine.compiled(case.workflow_id).transitions.get((outcome.from_state, request.POST.get("action", "")))
        if spec is not None and "issue_certificate" in spec.side_effects and not outcome.vote_recorded:
            _warn_qr_base_url(request)
    except ServiceError as exc:
        messages.error(request, exc.message)
        if exc.code == ErrorCode.STALE_STATE:
            messages.info(request, "Trang đã được tải lại với trạng thái mới nhất.")
    return redirect("desk:case", pk=case.pk)


def _parse_survey(form, case=None):
    data = dict(form.cleaned_data)
    strand = Strand.objects.filter(pk=data.get("strand") or 0).first()
    village = Village.objects.filter(pk=data.get("village") or 0).first()
    return {**{k: data.get(k) for k in case_services.SURVEY_FIELDS}, "strand": strand, "village": village}


@login_required
@require_POST
def case_form(request, pk, name):
    actor, case = _case_or_404(request, pk)
    if name == "attachment":
        form = desk_forms.AttachmentForm(request.POST, request.FILES)
    elif name in FORM_CLASSES or name == "survey":
        form = _stage_form(case, name, request.POST)
    else:
        raise Http404("Không có biểu mẫu này.")
    if form.is_valid():
        try:
            with transaction.atomic():
                _apply_form(actor, case, name, form, request)
            messages.success(request, "Đã lưu.")
            return redirect("desk:case", pk=case.pk)
        except ServiceError as exc:
            form.add_service_error(exc)
    messages.error(request, "Chưa lưu được: hãy sửa các ô báo lỗi bên dưới.")
    case.refresh_from_db()
    return _case_page(request, case, bound_form=form, bound_name=name, status=400)


def _apply_form(actor, case, name, form, request):
    data = form.cleaned_data
    expected = request.POST.get("lock_version")
    if name == "survey":
        case_services.case_update_survey(actor=actor, case_id=case.pk, data=_parse_survey(form),
                                         extra=extra_values_from(request.POST), expected_lock_version=expected)
    elif name == "confirmation":
        case_services.case_update_confirmation(actor=actor, case_id=case.pk, data=data,
                                               expected_lock_version=expected)
    elif name == "funding":
        case_services.funding_line_add(actor=actor, case_id=case.pk, source=data["source"], amount=data["amount"],
                                       decision_number=data["decision_number"], decision_date=data["decision_date"])
    elif name == "progress":
        case_services.progress_add(actor=actor, case_id=case.pk, date=data["date"], stage=data["stage"],
                                   percent=data["percent"], note=data["note"],
                                   photos=request.FILES.getlist("photos"))
    elif name == "acceptance":
        case_services.acceptance_record(actor=actor, case_id=case.pk, data=data)
    elif name == "handover":
        case_services.handover_record(actor=actor, case_id=case.pk, handed_over_on=data["handed_over_on"])
    elif name == "attachment":
        case_services.attachment_add(actor=actor, case_id=case.pk, upload=data["file"], caption=data["caption"])


# ---------------------------------------------------------------------------- new survey
@login_required
def case_new(request):
    actor = _actor(request)
    campaign = Campaign.objects.filter(is_active=True).order_by("-starts_on").first()
    if campaign is None:
        raise Http404("Chưa có chương trình đang thực hiện.")
    from django.db.models import Q

    q = Q(pk__in=[])
    for authority in actor.all_authorities:
        for path in authority.paths:
            q |= Q(path__startswith=path)
        if authority.everywhere:
            q = Q(path__startswith=campaign.province.path)
    communes = list(AdminUnit.objects.filter(q, level="commune", system="legacy",
                                             path__startswith=campaign.province.path).order_by("name")[:200])
    if not communes:  # a 2025-unit officer surveys in the legacy communes mapped to their unit
        successors = AdminUnit.objects.filter(q, level="commune", system="2025")
        communes = list(AdminUnit.objects.filter(successor__in=successors, level="commune").order_by("name"))
    villages = Village.objects.filter(commune__in=communes).select_related("commune")
    form = desk_forms.SurveyForm(request.POST or None, communes=communes, villages=villages,
                                 strands=Strand.objects.filter(campaign=campaign),
                                 initial={"surveyed_on": timezone.localdate(),
                                          "commune": str(communes[0].pk) if len(communes) == 1 else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        commune = next((c for c in communes if str(c.pk) == data["commune"]), None)
        village = Village.objects.filter(pk=data.get("village") or 0, commune=commune).first()
        household_data = {**{k: data.get(k) for k in ("head_name", "national_id", "category", "ethnicity",
                                                      "is_ethnic_minority", "social_assistance", "split_on",
                                                      "earlier_support", "land_status", "phone")},
                          "commune": commune, "village": village, "address": village.name if village else ""}
        survey = _parse_survey(form)
        # Check the household and the house together so every error shows at once.
        errors = {**case_services.household_errors(household_data, campaign=campaign, actor=actor),
                  **case_services.survey_errors(campaign, survey)}
        if not data.get("category"):
            errors["category"] = ["Chưa chọn đối tượng."]
        try:
            extra_values_clean(doctype="housing_case", values=extra_values_from(request.POST))
        except ServiceError as exc:
            errors.update(exc.errors)
        try:
            if errors:
                raise validation_error(errors)
            with transaction.atomic():
                household = case_services.household_create(actor=actor, campaign=campaign, data=household_data)
                case = case_services.case_create(
                    actor=actor, campaign=campaign, household=household,
                    survey_round=campaign.rounds.order_by("-number").first(),
                    data=survey, extra=extra_values_from(request.POST))
            SurveyDraft.objects.filter(user=request.user, key=request.POST.get("draft_key", "new")).delete()
            forget_counts(actor)
            messages.success(request, f"Đã lập hồ sơ {case.code}.")
            return redirect(f"{reverse('desk:case', args=[case.pk])}?created=1")
        except ServiceError as exc:
            form.add_service_error(exc)
    if request.method == "POST":
        messages.error(request, "Chưa lưu được: hãy sửa các ô báo lỗi. Dữ liệu đã nhập vẫn được giữ.")
    draft = SurveyDraft.objects.filter(user=request.user, key="new").first()
    return render(request, "desk/case_new.html", {"form": form, "campaign": campaign,
                                                  "server_draft": draft.data if draft else {},
                                                  "draft_saved_at": draft.updated_at if draft else None},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def save_draft(request):
    """Keep what the officer typed on the server (called by the page whenever it is online)."""
    if len(request.body) > 100_000:
        return HttpResponseBadRequest("Dữ liệu nháp không hợp lệ.")
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: "[[[[…" nested too deep
        return HttpResponseBadRequest("Dữ liệu nháp không hợp lệ.")
    if (not isinstance(payload, dict) or not isinstance(payload.get("data", {}), dict)
            or not isinstance(payload.get("key", "new"), str)):
        return HttpResponseBadRequest("Dữ liệu nháp không hợp lệ.")
    # Only the form's own fields, as short single texts (no NUL: PostgreSQL's JSON refuses it).
    data = {query_text(k, max_length=60): normalize_text(v, multiline=True, max_length=2000)
            for k, v in list(payload.get("data", {}).items())[:200]
            if k not in ("csrfmiddlewaretoken",) and isinstance(v, (str, int, float, bool)) and query_text(k)}
    key = query_text(payload.get("key", "new"), max_length=80) or "new"
    draft, _ = SurveyDraft.objects.update_or_create(user=request.user, key=key, defaults={"data": data})
    return JsonResponse({"saved_at": timezone.localtime(draft.updated_at).strftime("%H:%M:%S %d/%m/%Y")})


# ---------------------------------------------------------------------------- certificates and printing
def _warn_qr_base_url(request) -> None:
    """Certificates issued while the QR base URL is a loopback address carry a dead QR code: say so."""
    warning = qr_base_url_warning(request)
    if warning:
        messages.warning(request, warning)


@login_required
@require_POST
def certificate_action(request, pk, cert_pk):
    actor, case = _case_or_404(request, pk)
    certificate = Certificate.objects.filter(pk=cert_pk, case=case).first()
    if certificate is None:
        raise Http404("Không tìm thấy giấy chứng nhận.")
    reason = normalize_text(request.POST.get("reason"), multiline=True, max_length=1000)
    try:
        if request.POST.get("op") == "revoke":
            certificate_services.certificate_revoke(actor=actor, certificate=certificate, reason=reason)
            messages.success(request, "Đã thu hồi giấy chứng nhận.")
        else:
            new = certificate_services.certificate_reissue(actor=actor, certificate=certificate, reason=reason)
            messages.success(request, f"Đã cấp lại giấy chứng nhận số {new.number_text}.")
            _warn_qr_base_url(request)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("desk:case", pk=case.pk)


@login_required
@require_GET
def case_print(request, pk, code):
    actor, case = _case_or_404(request, pk)
    try:
        pdf, filename = desk_printing.case_pdf(actor=actor, case=case, format_code=code)
    except ServiceError as exc:
        raise Http404(exc.message) from None
    return _pdf_response(pdf, filename)


@login_required
@require_POST
def case_issue(request, pk, code):
    actor, case = _case_or_404(request, pk)
    try:
        document = desk_printing.case_document_issue(actor=actor, case=case, format_code=code)
        messages.success(request, f"Đã ban hành văn bản số {document.number_text}.")
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("desk:case", pk=case.pk)


@login_required
@require_GET
def issued_pdf(request, pk, document_pk):
    from housing_campaign.printing.models import IssuedDocument
    from housing_campaign.printing.services import issued_document_pdf

    _, case = _case_or_404(request, pk)
    document = IssuedDocument.objects.filter(pk=document_pk, doctype="housing_case", object_id=case.pk).first()
    if document is None:
        raise Http404("Không tìm thấy văn bản.")
    return _pdf_response(issued_document_pdf(document), f'{document.number_text.replace("/", "-")}.pdf')


@login_required
def batch_print(request):
    actor = _actor(request)
    from housing_campaign.printing.models import PrintFormat

    formats = PrintFormat.objects.filter(doctype__in=["housing_case", "case_list"], is_active=True)
    if request.method == "POST":
        try:
            job = desk_printing.batch_start(actor=actor, user=request.user, data=request.POST)
            if job.params["format"] == desk_printing.CERTIFICATE_FORMAT:
                _warn_qr_base_url(request)
            return redirect("desk:batch_job", pk=job.pk)
        except ServiceError as exc:
            messages.error(request, exc.message)
    communes = AdminUnit.objects.filter(
        pk__in=HousingCase.objects.filter(territory_q(actor)).values("commune_id")).order_by("name")
    return render(request, "desk/batch_print.html", {"formats": formats, "communes": communes,
                                                     "querystring": request.GET.urlencode()})


@login_required
def batch_job(request, pk):
    job = BackgroundJob.objects.filter(pk=pk, created_by=request.user).first()
    if job is None:
        raise Http404("Không tìm thấy tác vụ.")
    template = "desk/_job_progress.html" if request.htmx else "desk/batch_job.html"
    return render(request, template, {"job": job})


@login_required
def batch_download(request, pk):
    job = BackgroundJob.objects.filter(pk=pk, created_by=request.user, status="done").first()
    if job is None or not job.result_file:
        raise Http404("Tệp chưa sẵn sàng.")
    path = desk_printing.job_file_path(job)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name)


@login_required
@require_GET
def attachment_file(request, pk, attachment_pk):
    """Photos and files are personal data: served only to users who may open the case."""
    from housing_campaign.cases.models import Attachment

    _, case = _case_or_404(request, pk)
    attachment = Attachment.objects.filter(pk=attachment_pk, case=case).first()
    if attachment is None:
        raise Http404("Không tìm thấy tệp.")
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = f'inline; filename="{attachment.pk}-{attachment.original_name}"'
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def notifications(request):
    items = Notification.objects.filter(user=request.user)[:100]
    if request.method == "POST":
        Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("desk:notifications")
    return render(request, "desk/notifications.html", {"items": items})


@login_required
def report_time_in_stage(request):
    from housing_campaign.workflow.sla import time_in_stage

    rows = time_in_stage(actor=_actor(request))
    labels = dict(Stage.choices)
    for row in rows:
        row["stage_label"] = labels.get(row["stage"], row["stage"])
    return render(request, "desk/report_time_in_stage.html", {"rows": rows})

"""The case page: every stage's data, the actions open now and why others are closed, stage forms."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from housing_campaign.campaigns.models import Strand
from housing_campaign.cases import services as case_services
from housing_campaign.certificates import services as certificate_services
from housing_campaign.certificates.models import Certificate
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.validators import normalize_text, query_text
from housing_campaign.extrafields.forms import extra_values_from
from housing_campaign.geography.models import Village
from housing_campaign.workflow import engine

from .. import forms as desk_forms
from .. import selectors
from ..selectors import forget_counts
from .common import case_or_404, request_actor, warn_qr_base_url

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
        initial = {"approval_decision_number": case.approval_decision_number,
                   "approval_decision_date": case.approval_decision_date}
    return FORM_CLASSES[name](data, initial=initial)


def _case_page(request, case, *, bound_form=None, bound_name=None, status=200, extra=None):
    page = selectors.case_page(request_actor(request), case)
    form = None
    if page["open_form"] and page["can_edit"]:
        form = bound_form if bound_name == page["open_form"] else _stage_form(case, page["open_form"])
    attachment_form = bound_form if bound_name == "attachment" else desk_forms.AttachmentForm()
    return render(request, "desk/case.html", {**page, "form": form, "attachment_form": attachment_form,
                                              **(extra or {})}, status=status)


@login_required
def case_detail(request, pk):
    _, case = case_or_404(request, pk)
    return _case_page(request, case)


@login_required
@require_POST
def case_transition(request, pk):
    actor, case = case_or_404(request, pk)
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
            warn_qr_base_url(request)
    except ServiceError as exc:
        messages.error(request, exc.message)
        if exc.code == ErrorCode.STALE_STATE:
            messages.info(request, "Trang đã được tải lại với trạng thái mới nhất.")
    return redirect("desk:case", pk=case.pk)


def parse_survey(form, case=None):
    data = dict(form.cleaned_data)
    strand = Strand.objects.filter(pk=data.get("strand") or 0).first()
    village = Village.objects.filter(pk=data.get("village") or 0).first()
    return {**{k: data.get(k) for k in case_services.SURVEY_FIELDS}, "strand": strand, "village": village}


@login_required
@require_POST
def case_form(request, pk, name):
    actor, case = case_or_404(request, pk)
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
    # The desk's forms always carry the version they were opened on: a form without one is stale.
    expected = request.POST.get("lock_version") or "?"
    if name == "survey":
        case_services.case_update_survey(actor=actor, case_id=case.pk, data=parse_survey(form),
                                         extra=extra_values_from(request.POST), expected_lock_version=expected)
    elif name == "confirmation":
        case_services.case_update_confirmation(actor=actor, case_id=case.pk, data=data,
                                               expected_lock_version=expected)
    elif name == "funding":
        case_services.case_update_approval(actor=actor, case_id=case.pk,
                                           decision_number=data["approval_decision_number"],
                                           decision_date=data["approval_decision_date"])
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


@login_required
@require_POST
def certificate_action(request, pk, cert_pk):
    actor, case = case_or_404(request, pk)
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
            warn_qr_base_url(request)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("desk:case", pk=case.pk)

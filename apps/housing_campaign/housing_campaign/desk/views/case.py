"""The case page: every stage's data, the actions open now and why others are closed, stage forms."""
from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from housing_campaign.campaigns.models import Strand
from housing_campaign.cases import services as case_services
from housing_campaign.cases.models import Acceptance
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
from .common import case_or_404, posted_state, request_actor, warn_qr_base_url

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
    """The stage form, filled with what is saved (or today's date where a date is usually today)."""
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
        acceptance = Acceptance.objects.filter(case=case).first()
        initial = {"accepted_on": timezone.localdate()} if acceptance is None else {
            "usable_area": _plain(acceptance.usable_area), "hard_foundation": acceptance.hard_foundation,
            "hard_frame": acceptance.hard_frame, "hard_roof": acceptance.hard_roof,
            "lifespan_years": str(acceptance.lifespan_years), "accepted_on": acceptance.accepted_on,
            "note": acceptance.note}
    if name == "funding":
        initial = {"approval_decision_number": case.approval_decision_number,
                   "approval_decision_date": case.approval_decision_date}
    return FORM_CLASSES[name](data, initial=initial)


def _plain(value) -> str:
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


def _case_page(request, case, *, bound_form=None, bound_name=None, status=200, comments=None, extra=None):
    actor = request_actor(request)
    page = selectors.case_page(actor, case)
    form = None
    if page["open_form"] and page["can_edit"]:
        form = bound_form if bound_name == page["open_form"] else _stage_form(case, page["open_form"])
    form_title = desk_forms.STAGE_FORM_TITLES.get(page["open_form"] or "", "")
    next_steps = selectors.case_next_steps(actor, case, page, form=form, form_title=str(form_title),
                                           comments=comments)
    attachment_form = bound_form if bound_name == "attachment" else desk_forms.AttachmentForm()
    from housing_campaign.postings.selectors import case_postings

    return render(request, "desk/case.html", {**page, "form": form, "form_title": form_title, "next": next_steps,
                                              "attachment_form": attachment_form,
                                              "case_postings": case_postings(actor, case), **(extra or {})},
                  status=status)


@login_required
def case_detail(request, pk):
    _, case = case_or_404(request, pk)
    return _case_page(request, case)


class _FormRefused(Exception):
    """The stage form sent with an action was refused by its service: nothing is applied."""


@login_required
@require_POST
def case_transition(request, pk):
    """One action on the case. A forward action from the page is sent with the open stage form
    (``stage_form``): the form is saved first and the transition taken in the same transaction, so the
    form's defaults and what was typed are never lost or half-applied. Any refusal re-renders the page
    with everything typed (the form, the comment) and the reason; only success redirects."""
    actor, case = case_or_404(request, pk)
    action = query_text(request.POST.get("action", ""), max_length=60)
    typed = request.POST.get(f"comment-{action}", request.POST.get("comment"))
    comment = normalize_text(typed, multiline=True, max_length=2000)
    form_name = query_text(request.POST.get("stage_form", ""), max_length=30)
    try:
        expected_state = posted_state(request)
    except ServiceError as exc:  # a form without the state it was drawn in: never applied unchecked
        messages.error(request, exc.message + " " + _("Chưa có gì thay đổi."))
        return _case_page(request, case, status=409, comments={action: comment})
    form = None
    if form_name:
        if form_name not in FORM_CLASSES and form_name != "survey":
            messages.error(request, _("Biểu mẫu gửi kèm thao tác không hợp lệ; hãy tải lại trang rồi thử lại. "
                                      "Chưa có gì thay đổi."))
            return _case_page(request, case, status=400, comments={action: comment})
        form = _stage_form(case, form_name, request.POST)
        if not form.is_valid():
            messages.error(request, _("Chưa lưu, chưa chuyển bước: hãy sửa các ô báo lỗi bên dưới rồi bấm lại."))
            return _case_page(request, case, bound_form=form, bound_name=form_name, status=400,
                              comments={action: comment})
    to_save = form is not None and _form_has_something_to_save(case, form_name, form, request)
    try:
        with transaction.atomic():
            if to_save:
                try:
                    _apply_form(actor, case, form_name, form, request)
                except ServiceError as exc:
                    form.add_service_error(exc)
                    raise _FormRefused from exc
            outcome = engine.document_transition(actor=actor, doctype="housing_case", object_id=case.pk,
                                                 action=action, comment=comment, expected_state=expected_state)
    except _FormRefused:
        messages.error(request, _("Chưa lưu, chưa chuyển bước: hãy sửa các ô báo lỗi bên dưới rồi bấm lại."))
        case.refresh_from_db()
        return _case_page(request, case, bound_form=form, bound_name=form_name, status=400,
                          comments={action: comment})
    except ServiceError as exc:
        case.refresh_from_db()
        still_open = case_services.FORM_STAGES.get(form_name) == case.stage
        kept = (_("Biểu mẫu bên dưới chưa được lưu; những gì bạn nhập vẫn còn nguyên.") if still_open else
                _("Biểu mẫu bạn gửi kèm chưa được lưu: hồ sơ đã sang bước khác."))
        messages.error(request, exc.message + (" " + kept if to_save else ""))
        stale = exc.code == ErrorCode.STALE_STATE
        if stale:
            messages.info(request, _("Trang đã được tải lại với trạng thái mới nhất."))
        open_now = {o.action for o in engine.actions_for(actor=actor, doctype="housing_case", document=case)
                    if o.allowed}
        if comment and action not in open_now:
            messages.info(request, _("Ý kiến bạn đã nhập (chưa được ghi): “%(comment)s”") % {"comment": comment})
        return _case_page(request, case, bound_form=form, bound_name=form_name, status=409 if stale else 400,
                          comments={action: comment})
    if to_save:
        messages.success(request, _("Đã lưu “%(form)s”.") % {"form": desk_forms.STAGE_FORM_TITLES[form_name]})
    messages.success(request, outcome.message)
    forget_counts(actor)
    spec = engine.compiled(case.workflow_id).transitions.get((outcome.from_state, action))
    if spec is not None and "issue_certificate" in spec.side_effects and not outcome.vote_recorded:
        warn_qr_base_url(request)
    return redirect("desk:case", pk=case.pk)


def _form_has_something_to_save(case, name, form, request) -> bool:
    """Whether a stage form sent with an action holds anything to save. A form that edits the case (the
    survey, the village meeting, the handover date) is always saved: its service records only what
    changed. The funding decision and a form that adds a record (a progress entry) are saved only when something
    was typed or attached beyond its defaults; the acceptance form when it differs from the saved one."""
    if name in ("funding", "progress"):
        return form.has_changed() or bool(request.FILES.getlist("photos"))
    if name == "acceptance":
        return form.has_changed() or not Acceptance.objects.filter(case=case).exists()
    return True


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
        raise Http404(_("Không có biểu mẫu này."))
    if form.is_valid():
        try:
            with transaction.atomic():
                _apply_form(actor, case, name, form, request)
            messages.success(request, _("Đã lưu."))
            return redirect("desk:case", pk=case.pk)
        except ServiceError as exc:
            form.add_service_error(exc)
    messages.error(request, _("Chưa lưu được: hãy sửa các ô báo lỗi bên dưới."))
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
        raise Http404(_("Không tìm thấy giấy chứng nhận."))
    reason = normalize_text(request.POST.get("reason"), multiline=True, max_length=1000)
    try:
        if request.POST.get("op") == "revoke":
            certificate_services.certificate_revoke(actor=actor, certificate=certificate, reason=reason)
            messages.success(request, _("Đã thu hồi giấy chứng nhận."))
        else:
            new = certificate_services.certificate_reissue(actor=actor, certificate=certificate, reason=reason)
            messages.success(request, _("Đã cấp lại giấy chứng nhận số %(number)s.") % {
                "number": new.number_text})
            warn_qr_base_url(request)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("desk:case", pk=case.pk)

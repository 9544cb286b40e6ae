"""Residents' feedback on the desk (issue 13): the list with its report and Excel export, one feedback's page
(its text, photo, timeline, the edit form and the workflow's actions in one form), its photo. Every read is
scoped with ``feedback.selectors.feedback_visible``; every write goes through ``feedback.services``."""
from __future__ import annotations

import mimetypes
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from housing_campaign.cases.selectors import cases_visible
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.spreadsheets import XLSX_CONTENT_TYPE, Column, xlsx_stream
from housing_campaign.core.validators import normalize_text, query_int, query_text
from housing_campaign.feedback import reports
from housing_campaign.feedback import services as feedback_services
from housing_campaign.feedback.models import Feedback
from housing_campaign.feedback.selectors import HANDLER_ROLES, feedback_assignees, feedback_get_for_actor
from housing_campaign.workflow import engine
from housing_campaign.workflow.sla import sla_status

from ..selectors import communes_of, forget_counts
from ..timeline import document_timeline
from .common import PAGE_SIZES, posted_state, request_actor

FORM_FIELDS = ("assignee", "answer", "outcome")
# Refusals the edit form on the page can lift: it is saved first, then the action is checked again.
FORM_CAN_LIFT = {ErrorCode.CONDITION_FAILED}


def _feedback_or_404(request, pk):
    actor = request_actor(request)
    try:
        return actor, feedback_get_for_actor(actor=actor, feedback_id=pk)
    except ServiceError as exc:
        raise Http404(exc.message) from None


# ---------------------------------------------------------------------------- list, report, export
@login_required
@require_GET
def feedback_list(request):
    actor = request_actor(request)
    filters = reports.FeedbackFilters.from_request(request.GET)
    for error in filters.errors:
        messages.warning(request, _("Bộ lọc ngày bị bỏ qua: %(error)s") % {"error": error})
    qs = reports.feedback_filtered(actor, filters)
    summary = reports.feedback_summary(qs)
    per_page = query_int(request.GET.get("per_page"), 50)
    per_page = per_page if per_page in PAGE_SIZES else 50
    paginator = Paginator(qs.select_related("commune", "case", "assignee").order_by("-submitted_at", "-id"), per_page)
    paginator.count = summary["total"]  # already counted: no second COUNT(*)
    page = paginator.get_page(request.GET.get("page"))
    rows = [{"feedback": f, "state_label": engine.compiled(f.workflow_id).state_label(f.state), "sla": sla_status(f),
             "days": reports.days_to_answer(f.submitted_at, f.answered_at)} for f in page.object_list]
    query = filters.query()
    return render(request, "desk/feedback/list.html", {
        "filters": filters, "summary": summary, "page": page, "rows": rows,
        "querystring": urlencode({**query, "per_page": per_page}), "export_query": urlencode(query),
        "states": reports.state_choices(), "kinds": Feedback.Kind.choices, "outcomes": list(reports.OUTCOMES.items()),
        "communes": communes_of(actor), "per_page": per_page, "page_sizes": PAGE_SIZES,
    })


@login_required
@require_GET
def feedback_export(request):
    """The filtered list as Excel, with the days to answer; never the sender's name or phone."""
    actor = request_actor(request)
    filters = reports.FeedbackFilters.from_request(request.GET)
    qs = reports.feedback_filtered(actor, filters)
    columns = [Column(header, kind) for header, kind in reports.EXPORT_COLUMNS]
    response = StreamingHttpResponse(xlsx_stream(columns=columns, rows=reports.export_rows(qs),
                                                 sheet_name="Phản ánh"), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="phan-anh-{timezone.localtime():%Y%m%d-%H%M}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------- one feedback
def _actions(actor, feedback, options, *, with_form: bool, comments: dict) -> list[dict]:
    """The actions of the user's roles (open, or closed with the reasons); a forward action closed only by
    what the edit form supplies is enabled (the server checks again after saving the form)."""
    roles: set[str] = set()
    for authority in actor.all_authorities:
        roles |= authority.roles
    shown = []
    for option in options:
        t = option.transition
        if not set(t.roles) & roles:
            continue
        form_fields_only = all(m.name in FORM_FIELDS for m in option.missing)
        liftable = with_form and t.kind == "forward" and set(option.codes) <= FORM_CAN_LIFT and form_fields_only
        shown.append({"option": option, "action": option.action, "label": option.label, "kind": t.kind,
                      "enabled": option.allowed or liftable, "reasons": option.reasons,
                      "missing": [] if liftable else [{"label": m.label} for m in option.missing],
                      "comment_required": t.comment_required, "comment": comments.get(option.action, ""),
                      "publishes": t.target == feedback_services.ANSWERED_STATE,
                      "saves_form": with_form and t.kind == "forward"})
    return shown


def _detail(request, actor, feedback, *, status=200, typed=None, comments=None, errors=None):
    spec = engine.compiled(feedback.workflow_id)
    options = engine.actions_for(actor=actor, doctype=Feedback.DOCTYPE, document=feedback)
    can_edit, edit_reason = engine.can_edit(actor=actor, document=feedback)
    actions = _actions(actor, feedback, options, with_form=can_edit, comments=comments or {})
    handler = not actor.read_only and actor.authority_for(HANDLER_ROLES, *engine.document_paths(feedback)) is not None
    others = [o for o in options if o.transition.kind == "forward" and o.action not in {a["action"] for a in actions}]
    next_by = ""
    if others and not any(a["kind"] == "forward" and a["enabled"] for a in actions):
        next_by = _("Bước tiếp theo (%(actions)s) do %(roles)s thực hiện.") % {
            "actions": ", ".join(f"“{o.label}”" for o in others),
            "roles": engine.role_labels(sorted({r for o in others for r in o.transition.roles}))}
    typed = typed or {}
    values = {"outcome": {k: str(v) for k, v in reports.OUTCOMES.items()}}
    return render(request, "desk/feedback/detail.html", {
        "feedback": feedback, "state_label": spec.state_label(feedback.state), "sla": sla_status(feedback),
        "kind_label": feedback.get_kind_display(), "workflow": spec,
        "case_visible": bool(feedback.case_id) and cases_visible(actor).filter(pk=feedback.case_id).exists(),
        "show_sender": handler, "can_edit": can_edit, "edit_reason": edit_reason, "actions": actions,
        "next_by": next_by, "has_next": bool(options),
        "publishes": any(a["publishes"] and a["enabled"] for a in actions),
        "assignees": feedback_assignees(feedback) if can_edit else [],
        "outcomes": list(reports.OUTCOMES.items()),
        "form_values": {"assignee": str(typed.get("assignee", feedback.assignee_id or "")),
                        "answer": typed.get("answer", feedback.answer),
                        "outcome": typed.get("outcome", feedback.outcome)},
        "errors": errors or {}, "answer_max": feedback_services.ANSWER_MAX,
        "timeline": document_timeline(Feedback.DOCTYPE, feedback.pk, values=values), "actor": actor,
    }, status=status)


@login_required
@require_GET
def feedback_detail(request, pk):
    actor, feedback = _feedback_or_404(request, pk)
    return _detail(request, actor, feedback)


@login_required
@require_POST
def feedback_act(request, pk):
    """Save the edit form and/or take one action, in one transaction (``feedback_services.feedback_act``).
    A refusal re-renders the page with what was typed and the reason; only success redirects."""
    actor, feedback = _feedback_or_404(request, pk)
    action = query_text(request.POST.get("action", ""), max_length=60)
    comment = normalize_text(request.POST.get(f"comment-{action}", request.POST.get("comment")), multiline=True,
                             max_length=2000)
    with_form = request.POST.get("with_form") == "1"
    typed = {name: request.POST.get(name, "") for name in FORM_FIELDS} if with_form else None
    try:
        outcome = feedback_services.feedback_act(
            actor=actor, feedback_id=feedback.pk, action=action, comment=comment, data=typed,
            expected_lock_version=request.POST.get("lock_version") or "?",
            expected_state=posted_state(request),
            publish_confirmed=request.POST.get("confirm_publish") == "1")
    except ServiceError as exc:
        messages.error(request, exc.message + " " + _("Chưa có gì thay đổi."))
        feedback = feedback_get_for_actor(actor=actor, feedback_id=feedback.pk)
        stale = exc.code == ErrorCode.STALE_STATE
        if typed:  # shown again to be corrected; an oversized paste is not sent back whole
            typed["answer"] = typed["answer"][:feedback_services.ANSWER_MAX + 100]
        return _detail(request, actor, feedback, status=409 if stale else 400,
                       typed=None if stale else typed, comments={action: comment}, errors=exc.errors)
    if outcome is None:
        messages.success(request, _("Đã lưu."))
    else:
        messages.success(request, outcome.message)
    forget_counts(actor)
    return redirect("feedback:detail", pk=feedback.pk)


@login_required
@require_GET
def feedback_photo(request, pk):
    """The photo a resident sent: served only to users who may open the feedback, never from a public URL."""
    _actor, feedback = _feedback_or_404(request, pk)
    if not feedback.photo:
        raise Http404(_("Phản ánh không có ảnh kèm theo."))
    content_type = mimetypes.guess_type(feedback.photo.name)[0] or "application/octet-stream"
    if not content_type.startswith("image/"):
        raise Http404(_("Phản ánh không có ảnh kèm theo."))
    response = FileResponse(feedback.photo.open("rb"), content_type=content_type,
                            filename=f"{feedback.code}{mimetypes.guess_extension(content_type) or ''}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

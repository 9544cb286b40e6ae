"""Public postings on the desk (niêm yết công khai): the list of the territory's postings, the form the
commune officer records a posting with (the cases waiting for it ticked), a posting's page, its printed
list issued with a number, cancelling it and its notice-board photo. Thin: every read goes through
``postings.selectors`` (scoped to the user's territory), every write through one service; a refusal shows
the page again with what was typed and a message per field (status 400)."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from housing_campaign.core.errors import ServiceError
from housing_campaign.core.formatting import format_date
from housing_campaign.core.validators import InputError, parse_date, query_id, query_ids, query_text
from housing_campaign.geography.models import AdminUnit
from housing_campaign.postings import selectors
from housing_campaign.postings import services as postings
from housing_campaign.postings.models import Posting

from .common import issued_document_warnings, issued_pdf_response, pdf_response, request_actor


def _posting_or_404(request, pk):
    actor = request_actor(request)
    posting = selectors.posting_get(actor, pk)
    if posting is None:
        raise Http404(gettext("Không tìm thấy đợt niêm yết trong địa bàn của bạn."))
    return actor, posting


# ---------------------------------------------------------------------------- list
@login_required
@require_GET
def posting_list(request):
    actor = request_actor(request)
    commune_id = query_id(request.GET.get("commune"))
    kind = query_text(request.GET.get("kind"), max_length=20)
    status = query_text(request.GET.get("status"), max_length=20)
    rows = selectors.postings_list(actor, commune_id=commune_id, kind=kind, status=status)
    today = timezone.localdate()
    for p in rows:
        p.status, p.days_left = selectors.posting_status(p, today)
    communes = AdminUnit.objects.filter(pk__in=selectors.postings_visible(actor).values("commune_id")).order_by(
        "name")
    return render(request, "desk/postings/list.html", {
        "postings": rows, "communes": communes, "commune_id": commune_id, "kind": kind, "status": status,
        "kinds": Posting.Kind.choices, "can_post": bool(selectors.poster_communes(actor)) and not actor.read_only})


# ---------------------------------------------------------------------------- create
def _default_end(start: dt.date | None, kind: str) -> dt.date | None:
    return start + dt.timedelta(days=selectors.default_days(kind) - 1) if start else None


def _new_page(request, actor, values: dict, *, errors=None, status=200):
    communes = selectors.poster_communes(actor)
    by_pk = {c.pk: c for c in communes}
    commune = by_pk.get(query_id(values.get("commune"))) or (communes[0] if len(communes) == 1 else None)
    kind = values.get("kind") if values.get("kind") in Posting.Kind.values else Posting.Kind.REVIEW_LIST
    villages = selectors.commune_villages(commune) if commune else []
    village_id = query_id(values.get("village"))
    if village_id not in {v.pk for v in villages}:
        village_id = None
    cases = selectors.cases_waiting(actor, commune=commune, kind=kind, village_id=village_id) if commune else []
    ticked = values.get("cases")
    ticked = set(query_ids(ticked)[0]) if ticked is not None else {c.pk for c in cases}
    today = timezone.localdate()
    return render(request, "desk/postings/new.html", {
        "communes": communes, "commune": commune, "villages": villages, "village_id": village_id, "kind": kind,
        "kinds": Posting.Kind.choices, "cases": cases, "ticked": ticked, "values": values,
        "default_days": selectors.default_days(kind), "errors": errors or {},
        "general_errors": (errors or {}).get("__all__"),
        "starts_on": values.get("starts_on") or format_date(today),
        "ends_on": values.get("ends_on") or format_date(_default_end(today, kind)),
        "read_only": actor.read_only}, status=status)


@login_required
def posting_new(request):
    actor = request_actor(request)
    if request.method != "POST" or request.POST.get("refresh"):
        source = request.POST if request.method == "POST" else request.GET
        values = {k: query_text(source.get(k), max_length=300) for k in
                  ("commune", "village", "kind", "starts_on", "ends_on", "location", "note")}
        if request.method == "POST":
            values["cases"] = source.getlist("cases")
            if source.get("refresh") == "period":
                try:
                    start = parse_date(values["starts_on"], gettext("Ngày bắt đầu niêm yết"), allow_future=True)
                    values["ends_on"] = format_date(_default_end(start, values["kind"]))
                except InputError:
                    pass
            else:
                values.pop("cases")  # another commune, village or kind: its own checklist, all ticked
        return _new_page(request, actor, values)
    values = {k: query_text(request.POST.get(k), max_length=300) for k in
              ("commune", "village", "kind", "starts_on", "ends_on", "location", "note")}
    values["cases"] = request.POST.getlist("cases")
    try:
        posting = postings.posting_create(
            actor=actor, kind=values["kind"], commune_id=values["commune"], village_id=values["village"] or None,
            starts_on=values["starts_on"], ends_on=values["ends_on"], case_ids=values["cases"],
            location=request.POST.get("location", ""), note=request.POST.get("note", ""),
            photo=request.FILES.get("photo"))
    except ServiceError as exc:
        errors = dict(exc.errors) or {"__all__": [exc.message]}
        messages.error(request, gettext("Chưa niêm yết: hãy sửa các ô báo lỗi bên dưới rồi bấm lại."))
        return _new_page(request, actor, values, errors=errors, status=400)
    messages.success(request, gettext("Đã ghi đợt niêm yết %(code)s với %(n)s hồ sơ.") % {
        "code": posting.code, "n": posting.entries.count()})
    return redirect("postings:detail", pk=posting.pk)


# ---------------------------------------------------------------------------- one posting
def _detail_page(request, actor, posting, *, status=200, reason=""):
    from housing_campaign.printing.models import IssuedDocument
    from housing_campaign.workflow.engine import compiled

    entries = selectors.posting_entries(posting)
    for e in entries:
        e.state_label = compiled(e.case.workflow_id).state_label(e.case.state)
    state, days_left = selectors.posting_status(posting)
    issued = list(IssuedDocument.objects.filter(doctype="posting", object_id=posting.pk).order_by("-issued_at"))
    can_act = not actor.read_only and actor.authority_for(
        postings.POSTER_ROLES, posting.unit_path, posting.unit_2025_path) is not None
    return render(request, "desk/postings/detail.html", {
        "posting": posting, "entries": entries, "state": state, "days_left": days_left, "issued": issued,
        "can_act": can_act, "reason": reason, "feedback_total": sum(e.n_feedback for e in entries),
        "public_code": posting.commune.code}, status=status)


@login_required
@require_GET
def posting_detail(request, pk):
    actor, posting = _posting_or_404(request, pk)
    return _detail_page(request, actor, posting)


@login_required
@require_POST
def posting_cancel(request, pk):
    actor, posting = _posting_or_404(request, pk)
    reason = request.POST.get("reason", "")
    try:
        postings.posting_cancel(actor=actor, posting_id=posting.pk, reason=reason)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _detail_page(request, actor, posting, status=400, reason=query_text(reason, max_length=500))
    messages.success(request, gettext("Đã hủy đợt niêm yết %(code)s.") % {"code": posting.code})
    return redirect("postings:detail", pk=posting.pk)


@login_required
def posting_print(request, pk):
    """GET: the list as last issued (frozen), or a draft without a number. POST: issue it with a number."""
    actor, posting = _posting_or_404(request, pk)
    if request.method == "POST":
        try:
            document = postings.posting_list_issue(actor=actor, posting_id=posting.pk)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return _detail_page(request, actor, posting, status=400)
        messages.success(request, gettext("Đã cấp số danh sách niêm yết: %(number)s.") % {
            "number": document.number_text})
        for warning in issued_document_warnings(document):
            messages.warning(request, warning)
        return redirect("postings:detail", pk=posting.pk)
    from housing_campaign.postings.documents import FORMAT_CODE, posting_context
    from housing_campaign.printing import services as printing
    from housing_campaign.printing.models import IssuedDocument, PrintFormat

    document = IssuedDocument.objects.filter(doctype="posting", object_id=posting.pk).order_by("-issued_at").first()
    if document is not None:
        return pdf_response(printing.issued_document_pdf(document), f"{document.number_text.replace('/', '-')}.pdf")
    fmt = PrintFormat.objects.filter(code=FORMAT_CODE, doctype="posting", is_active=True).first()
    if fmt is None:
        raise Http404(gettext("Chưa có mẫu in danh sách niêm yết."))
    context = {**posting_context(posting), "document_number": f"……/{fmt.document_kind or 'DS'}-UBND"}
    return pdf_response(printing.render_pdf(html=fmt.html, css=fmt.css, context=context, title=posting.code),
                        f"{posting.code}.pdf")


@login_required
@require_GET
def posting_issued_pdf(request, pk, document_pk):
    _, posting = _posting_or_404(request, pk)
    return issued_pdf_response(doctype="posting", object_id=posting.pk, document_pk=document_pk)


@login_required
def posting_photo(request, pk):
    """GET: the notice board's photo (personal surroundings: only for users who may see the posting).
    POST: add or replace it (commune officer, chairman)."""
    actor, posting = _posting_or_404(request, pk)
    if request.method == "POST":
        try:
            postings.posting_photo_set(actor=actor, posting_id=posting.pk, photo=request.FILES.get("photo"))
        except ServiceError as exc:
            messages.error(request, exc.message)
            return _detail_page(request, actor, posting, status=400)
        messages.success(request, gettext("Đã lưu ảnh bảng niêm yết."))
        return redirect("postings:detail", pk=posting.pk)
    if not posting.photo:
        raise Http404(gettext("Đợt niêm yết này chưa có ảnh."))
    response = FileResponse(posting.photo.open("rb"), filename=posting.photo.name.rsplit("/", 1)[-1])
    response["X-Content-Type-Options"] = "nosniff"
    return response

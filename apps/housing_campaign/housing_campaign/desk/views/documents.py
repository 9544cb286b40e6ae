"""Printing, issued documents, certificates' files and batch printing; photos and files of a case."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from housing_campaign.core.errors import ServiceError
from housing_campaign.core.models import BackgroundJob
from housing_campaign.core.validators import name_for_type

from .. import printing as desk_printing
from .. import selectors
from .common import (
    case_or_404,
    issued_document_warnings,
    issued_pdf_response,
    pdf_response,
    request_actor,
    warn_qr_base_url,
)


@login_required
@require_GET
def case_print(request, pk, code):
    """The PDF, or a plain page that says why the document cannot be printed (an unknown format, or a
    document the case does not have yet or any more) with a way back to the case, as a 404: there is no
    such document to send."""
    actor, case = case_or_404(request, pk)
    try:
        pdf, filename = desk_printing.case_pdf(actor=actor, case=case, format_code=code)
    except ServiceError as exc:
        return render(request, "desk/print_unavailable.html", {"case": case, "message": exc.message}, status=404)
    return pdf_response(pdf, filename)


@login_required
@require_POST
def case_issue(request, pk, code):
    actor, case = case_or_404(request, pk)
    try:
        document = desk_printing.case_document_issue(actor=actor, case=case, format_code=code)
        messages.success(request, gettext("Đã ban hành văn bản số %(number)s.") % {"number": document.number_text})
        for warning in issued_document_warnings(document):
            messages.warning(request, warning)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("desk:case", pk=case.pk)


@login_required
@require_GET
def issued_pdf(request, pk, document_pk):
    _, case = case_or_404(request, pk)
    return issued_pdf_response(doctype="housing_case", object_id=case.pk, document_pk=document_pk)


@login_required
def batch_print(request):
    actor = request_actor(request)
    from housing_campaign.printing.models import PrintFormat

    formats = PrintFormat.objects.filter(doctype__in=["housing_case", "case_list"], is_active=True)
    if request.method == "POST":
        try:
            job = desk_printing.batch_start(actor=actor, user=request.user, data=request.POST)
            if job.params["format"] == desk_printing.CERTIFICATE_FORMAT:
                warn_qr_base_url(request)
            return redirect("desk:batch_job", pk=job.pk)
        except ServiceError as exc:
            messages.error(request, exc.message)
    communes = selectors.print_communes(actor)
    return render(request, "desk/batch_print.html", {"formats": formats, "communes": communes,
                                                     "querystring": request.GET.urlencode()})


@login_required
def batch_job(request, pk):
    job = BackgroundJob.objects.filter(pk=pk, created_by=request.user).first()
    if job is None:
        raise Http404(gettext("Không tìm thấy tác vụ."))
    template = "desk/_job_progress.html" if request.htmx else "desk/batch_job.html"
    return render(request, template, {"job": job})


@login_required
def batch_download(request, pk):
    job = BackgroundJob.objects.filter(pk=pk, created_by=request.user, status="done").first()
    if job is None or not job.result_file:
        raise Http404(gettext("Tệp chưa sẵn sàng."))
    path = desk_printing.job_file_path(job)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name)


@login_required
@require_GET
def attachment_file(request, pk, attachment_pk):
    """Photos and files are personal data: served only to users who may open the case."""
    from housing_campaign.cases.models import Attachment

    _, case = case_or_404(request, pk)
    attachment = Attachment.objects.filter(pk=attachment_pk, case=case).first()
    if attachment is None:
        raise Http404(gettext("Không tìm thấy tệp."))
    # FileResponse encodes the name (Vietnamese names intact, no header injection from what was uploaded).
    name = name_for_type(attachment.original_name, attachment.content_type)  # the extension of what it is
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                            filename=f"{attachment.pk}-{name}")
    response["X-Content-Type-Options"] = "nosniff"
    return response

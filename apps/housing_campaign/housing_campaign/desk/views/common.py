"""What every desk view shares: the actor, the territory-checked case fetch, safe redirects, files."""
from __future__ import annotations

import io

from django.contrib import messages
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import actor_for
from housing_campaign.cases.selectors import case_get_for_actor
from housing_campaign.core.checks import qr_base_url_warning
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.validators import query_text

PAGE_SIZES = (20, 50, 100)


def request_actor(request):
    return actor_for(request.user)


def pdf_response(data: bytes, filename: str) -> FileResponse:
    """A PDF shown in the browser, its name encoded by Django (Vietnamese names intact)."""
    return FileResponse(io.BytesIO(data), content_type="application/pdf", filename=filename)


def issued_pdf_response(*, doctype: str, object_id: int, document_pk) -> FileResponse:
    """The frozen PDF of a document issued for ``doctype``/``object_id`` (the caller has checked the reader may
    see that object); 404 for any other document."""
    from housing_campaign.printing.models import IssuedDocument
    from housing_campaign.printing.services import issued_document_pdf

    document = IssuedDocument.objects.filter(pk=document_pk, doctype=doctype, object_id=object_id).first()
    if document is None:
        raise Http404(gettext("Không tìm thấy văn bản."))
    return pdf_response(issued_document_pdf(document), f"{document.number_text.replace('/', '-')}.pdf")


def posted_state(request) -> str:
    """The state the page showed when its action form was drawn (the hidden ``expected_state`` every action form
    of the desk carries). Required: without it the service could not tell a stale page from a fresh one, so an
    absent or empty value is refused as a stale page (409: reload), never taken as “do not check”."""
    state = query_text(request.POST.get("expected_state"), max_length=60)
    if not state:
        raise ServiceError(gettext("Biểu mẫu gửi lên thiếu trạng thái lúc mở trang, nên không biết trang có còn mới "
                                   "không. Hãy tải lại trang rồi thao tác lại."),
                           code=ErrorCode.STALE_STATE)
    return state


def case_or_404(request, pk):
    """The actor and the case they asked for, or a 404 that does not tell whether it exists elsewhere."""
    actor = request_actor(request)
    try:
        return actor, case_get_for_actor(actor=actor, case_id=pk)
    except ServiceError as exc:
        raise Http404(exc.message) from None


def safe_back(request, value) -> str:
    """Where “back” links and redirects may go: a path on this site, never another host or a script."""
    value = query_text(value, max_length=1000)
    if value.startswith("/") and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                                  require_https=request.is_secure()):
        return value
    return reverse("desk:queue")


def warn_qr_base_url(request) -> None:
    """Certificates issued while the QR base URL is a loopback address carry a dead QR code: say so."""
    warning = qr_base_url_warning(request)
    if warning:
        messages.warning(request, warning)


def issued_document_warnings(document) -> list[str]:
    """What a just-issued document lacks (e.g. no signer recorded for its date: the name is left blank),
    read from the data stored with it; the view shows each as a warning."""
    from housing_campaign.printing.services import context_warnings

    return context_warnings(document.context or {})

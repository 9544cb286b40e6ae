"""What every desk view shares: the actor, the territory-checked case fetch, safe redirects, files."""
from __future__ import annotations

import io

from django.contrib import messages
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from housing_campaign.accounts.selectors import actor_for
from housing_campaign.cases.selectors import case_get_for_actor
from housing_campaign.core.checks import qr_base_url_warning
from housing_campaign.core.errors import ServiceError
from housing_campaign.core.validators import query_text

PAGE_SIZES = (20, 50, 100)


def request_actor(request):
    return actor_for(request.user)


def pdf_response(data: bytes, filename: str) -> FileResponse:
    """A PDF shown in the browser, its name encoded by Django (Vietnamese names intact)."""
    return FileResponse(io.BytesIO(data), content_type="application/pdf", filename=filename)


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

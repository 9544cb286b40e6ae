"""Public pages: no login, no personal data beyond PRODUCT.md's list, fast on a cheap phone."""
from __future__ import annotations

import functools

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from housing_campaign.certificates.services import certificate_verify
from housing_campaign.core.formatting import format_date
from housing_campaign.core.i18n import translate_stored

PAGE_SECONDS = 60


def shared_cache(response):
    """Public pages may be kept by browsers and shared proxies for ``PAGE_SECONDS``, one copy per language: the
    language is chosen by a cookie (the switch in the header), so the copy varies by Cookie."""
    response["Cache-Control"] = f"public, max-age={PAGE_SECONDS}"
    patch_vary_headers(response, ("Cookie",))
    return response


def vietnamese_page(view):
    """A residents' page of a commune (its postings, money, feedback form, a receipt) is a public notice: it is
    written in Vietnamese whatever the language switch says, every word of it (labels of sources, kinds and
    criteria included), and says so in its Content-Language."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with translation.override("vi"):
            response = view(request, *args, **kwargs)
        response["Content-Language"] = "vi"
        return response

    return wrapped


def _client_key(request) -> str:
    """The client's address; behind a trusted reverse proxy, the nearest address it forwarded for."""
    remote = request.META.get("REMOTE_ADDR", "unknown")
    trusted = set(getattr(settings, "TRUSTED_PROXIES", ()))
    if remote in trusted:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        for address in reversed(forwarded):
            if address not in trusted:
                return address
    return remote


def _rate_limited(request) -> bool:
    """A fixed one-minute window per client address."""
    key = f"verify-rate:{_client_key(request)}"
    if cache.add(key, 1, 60):
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 60)
        return False
    return count > settings.VERIFY_RATE_LIMIT_PER_MINUTE


def _commune_page(case_id: int) -> str:
    """The public page of the certificate's commune (its legacy commune, as on the certificate): the
    commune's code only, nothing of the household."""
    from housing_campaign.cases.models import HousingCase

    code = HousingCase.objects.filter(pk=case_id).values_list("commune__code", flat=True).first()
    return f"/cong-khai/{code}/?he=cu" if code else ""


@never_cache
@require_GET
def verify(request, code: str):
    if _rate_limited(request):
        response = render(request, "public/verify.html", {"status": "rate_limited"}, status=429)
        response["Retry-After"] = "60"
        return response
    result = certificate_verify(code=code, token=request.GET.get("t", ""))
    cert = result.certificate
    context = {"status": result.status, "code": code.upper()[:20]}
    if cert is not None:
        context.update({"commune": cert.public_commune, "village": cert.public_village,
                        # Stored in Vietnamese (the certificate's words); shown in the reader's language.
                        "support_type": translate_stored(cert.public_support_type), "head": cert.public_head_masked,
                        "handover": format_date(cert.public_handover_on), "number": cert.number_text,
                        # The day in the site's time zone (Asia/Ho_Chi_Minh), not UTC's.
                        "revoked_on": format_date(timezone.localdate(cert.revoked_at)) if cert.revoked_at else "",
                        "commune_page": _commune_page(cert.case_id)})
    status = 200 if result.status == "genuine" else (404 if result.status == "not_genuine" else 410)
    response = render(request, "public/verify.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response

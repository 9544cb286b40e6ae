"""The printable list of one posting ``/cong-khai/<unit code>/niem-yet/<posting code>/``: plain HTML that
prints on A4 from a phone or a computer (no PDF rendering on a public address), with the commune's header,
the period and place of the posting and the list as it was posted (masked names only)."""
from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from housing_campaign.postings.selectors import public_posting

from .commune import system_param
from .money import resolve_unit
from .views import shared_cache


@require_GET
def posting_print(request, code: str, posting: str):
    unit, _other, campaigns = resolve_unit(code, request.GET.get("he", ""))
    found = public_posting(unit=unit, code=posting) if unit is not None else None
    if found is None:
        response = render(request, "public/posting_missing.html", {"code": (code or "")[:10]}, status=404)
        response["X-Robots-Tag"] = "noindex"
        return response
    response = render(request, "public/posting_print.html", {
        "unit": unit, "p": found, "campaign": found.campaign, "system_param": system_param(unit),
        "printed": timezone.localdate()})
    shared_cache(response)
    response["X-Robots-Tag"] = "noindex"  # masked names of households: not for search engines
    return response

"""The public honour roll of a campaign ``/vinh-danh/<campaign code>/`` (issue 15): the awards decided in the
emulation movement (by the competent chairman, or by the higher level as recorded), collectives and individuals
by name, with their unit, the award and the decision's number and date. Honours are public; nothing else about a
person is shown (no achievement text, evidence, position or contact). No login; cached, keyed on the awards'
version (one small aggregate query), so a new decision shows at once wherever the cache is shared; a fixed
number of queries whatever the number of awards."""
from __future__ import annotations

from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from housing_campaign.campaigns.models import Campaign
from housing_campaign.commendations.selectors import honour_roll, honour_roll_version
from housing_campaign.core.formatting import format_date

from .views import PAGE_SECONDS, shared_cache


@require_GET
def honour_roll_page(request, code):
    code = str(code)[:40]
    campaign = Campaign.objects.filter(code=code).first()
    if campaign is None:
        response = render(request, "public/honour_roll_missing.html", {"code": code}, status=404)
        response["X-Robots-Tag"] = "noindex"
        return response
    # Per language: the kinds of nominee and the date are written in the reader's language when cached.
    key = (f"public:honours:{campaign.pk}:{get_language() or 'vi'}:"
           f"{'-'.join(map(str, honour_roll_version(campaign)))}")
    page = cache.get(key)
    if page is None:
        groups = honour_roll(campaign)
        page = {"groups": groups, "total": sum(len(g["rows"]) for g in groups),
                "collectives": sum(1 for g in groups for r in g["rows"] if r["collective"]),
                "updated": format_date(timezone.localtime())}
        cache.set(key, page, PAGE_SECONDS)
    response = render(request, "public/honour_roll.html", {"campaign": campaign, **page})
    shared_cache(response)
    return response

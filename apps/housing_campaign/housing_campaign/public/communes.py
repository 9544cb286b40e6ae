"""The list of communes ``/cong-khai/``: every commune of the campaigns' provinces, grouped by (legacy)
district, with its name before and after 01/07/2025 and how many postings are open there today; a search
box that works without JavaScript (``?q=``, diacritics folded) and filters as one types when it runs.
A fixed number of queries, cached like the territory page, a few tens of kilobytes."""
from __future__ import annotations

import re
import unicodedata

from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from housing_campaign.geography.models import AdminUnit
from housing_campaign.postings.selectors import open_posting_counts, postings_version

from .money import _campaign_roots
from .views import PAGE_SECONDS, shared_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """"Xã Đắk  Tơ Lung" → "xa dak to lung": what the search compares (typed with or without accents)."""
    text = unicodedata.normalize("NFKD", str(text or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _NON_ALNUM.sub(" ", text).strip()


def _districts(today) -> list[dict]:
    """[{district, communes: [{unit, successor, open, key}]}] of the campaigns' legacy provinces. Three queries."""
    roots = sorted({root for root, campaign in _campaign_roots() if campaign.province.path == root})
    if not roots:
        return []
    from django.db.models import Q

    q = Q()
    for root in roots:
        q |= Q(path__startswith=root)
    communes = list(AdminUnit.objects.filter(q, level=AdminUnit.Level.COMMUNE, system=AdminUnit.System.LEGACY)
                    .select_related("parent", "successor").order_by("parent__name", "name"))
    counts = open_posting_counts(communes=communes, today=today)
    groups: dict[int, dict] = {}
    for c in communes:
        group = groups.setdefault(c.parent_id, {"district": c.parent, "communes": []})
        group["communes"].append({
            "unit": c, "successor": c.successor, "open": counts.get(c.pk, 0),
            "key": fold(f"{c.name} {c.successor.name if c.successor_id else ''} {c.parent.name} {c.code}")})
    return list(groups.values())


@require_GET
def communes(request):
    today = timezone.localdate()
    key = f"public:communes:{today.isoformat()}:{'-'.join(map(str, postings_version()))}"
    districts = cache.get(key)
    if districts is None:
        districts = _districts(today)
        cache.set(key, districts, PAGE_SECONDS)
    query = str(request.GET.get("q", ""))[:60].strip()
    words = fold(query).split()
    if words:
        shown = []
        for group in districts:
            found = [c for c in group["communes"] if all(w in c["key"] for w in words)]
            if found:
                shown.append({"district": group["district"], "communes": found})
    else:
        shown = districts
    response = render(request, "public/communes.html", {
        "districts": shown, "query": query, "count": sum(len(g["communes"]) for g in shown),
        "open_total": sum(c["open"] for g in districts for c in g["communes"])})
    shared_cache(response)
    response["X-Robots-Tag"] = "noindex"
    return response

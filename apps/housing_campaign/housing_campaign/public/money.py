"""Public money pages (issue 12): a territory's transparency page ``/cong-khai/<unit code>/`` and the check
of a contribution receipt's QR code ``/bien-nhan/<code>?t=<token>``. No login; plain, small, fast on a
phone; nothing personal beyond PRODUCT.md (masked name, village, strand, support type, amounts).

The territory page is the one the public posting issue extends (postings, criteria, contacts, feedback:
``public/commune.py``): its sections are blocks of ``public/territory.html``. Its figures are cached
briefly, keyed on the money version (``funding.selectors.money_version``) that every committed money
write changes, the postings version (``postings.selectors.postings_version``, read from the postings
table) and the day (a posting opens and ends with the date), so a change
shows at once wherever the cache is shared (one process, or Redis); with several processes on local
memory caches a page may lag by ``PAGE_SECONDS`` at most.
"""
from __future__ import annotations

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from housing_campaign.campaigns.models import Campaign, FundingSource
from housing_campaign.contributions.selectors import contribution_figures, receipt_verify
from housing_campaign.core.formatting import format_date
from housing_campaign.funding import selectors as money
from housing_campaign.geography.models import AdminUnit

from .commune import cache_key_part, commune_context
from .views import PAGE_SECONDS, _rate_limited, shared_cache

SYSTEMS = {"cu": AdminUnit.System.LEGACY, "legacy": AdminUnit.System.LEGACY, "2025": AdminUnit.System.CURRENT}


def _campaign_roots() -> list[tuple[str, Campaign]]:
    roots = []
    for campaign in Campaign.objects.select_related("province", "province_2025"):
        roots.append((campaign.province.path, campaign))
        if campaign.province_2025_id:
            roots.append((campaign.province_2025.path, campaign))
    return roots


def resolve_unit(code: str, system: str = "") -> tuple[AdminUnit | None, AdminUnit | None, list[Campaign]]:
    """The unit a public address names (a legacy or a 2025 code: the same digits may name one of each),
    the other one when both exist, and the campaigns covering it. Only units inside a campaign count."""
    code = (code or "")[:10]
    if not code.isascii() or not code.isdigit():
        return None, None, []
    roots = _campaign_roots()
    found = [u for u in AdminUnit.objects.filter(code=code).select_related("parent__parent", "successor")
             if any(u.path.startswith(root) for root, _ in roots)]
    found.sort(key=lambda u: u.system != SYSTEMS.get(system, AdminUnit.System.LEGACY))
    if not found:
        return None, None, []
    unit = found[0]
    campaigns = list({c.pk: c for root, c in roots if unit.path.startswith(root)}.values())
    return unit, (found[1] if len(found) > 1 else None), campaigns


def _ancestors(unit: AdminUnit) -> list[AdminUnit]:
    chain, current = [], unit.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


def _page(unit: AdminUnit, other: AdminUnit | None, campaigns: list[Campaign], today=None) -> str:
    figures = money.money_figures(unit=unit)
    gifts = contribution_figures(unit=unit)
    sources = [{"label": label, "received": figures.received_by_source.get(value, 0),
                "allocated": figures.allocated_by_source.get(value, 0)}
               for value, label in FundingSource.choices if value not in money.LOAN_SOURCES
               and (figures.received_by_source.get(value) or figures.allocated_by_source.get(value))]
    children = money.child_units(unit)
    by_child = money.money_by_child(unit, children) if children else {}
    rows = [{"unit": c, **by_child[c.pk]} for c in children if any(by_child[c.pk].values())]
    houses = money.house_rows(unit=unit) if unit.level == AdminUnit.Level.COMMUNE else []
    predecessors = list(unit.predecessors.order_by("name")) if unit.system == AdminUnit.System.CURRENT else []
    return render_to_string("public/territory.html", {
        "unit": unit, "other": other, "ancestors": _ancestors(unit), "campaigns": campaigns,
        "predecessors": predecessors, "figures": figures, "gifts": gifts, "sources": sources, "children": rows,
        "houses": houses, "loans": figures.loans, "updated": format_date(timezone.localtime()),
        "system_param": "2025" if unit.system == AdminUnit.System.CURRENT else "cu",
        **commune_context(unit, campaigns, today or timezone.localdate())})


@require_GET
def territory(request, code: str):
    unit, other, campaigns = resolve_unit(code, request.GET.get("he", ""))
    if unit is None:
        response = render(request, "public/territory_missing.html", {"code": (code or "")[:10]}, status=404)
        response["X-Robots-Tag"] = "noindex"
        return response
    today = timezone.localdate()
    key = f"public:territory:{unit.pk}:{get_language() or 'vi'}:{money.money_version()}:{cache_key_part(today)}"
    html = cache.get(key)
    if html is None:
        html = _page(unit, other, campaigns, today)
        cache.set(key, html, PAGE_SECONDS)
    response = shared_cache(HttpResponse(html))
    response["X-Robots-Tag"] = "noindex"  # masked names of households: not for search engines
    return response


@never_cache
@require_GET
def receipt(request, code: str):
    """A receipt's QR code: genuine (with what the receipt says, donors who are people by initials) or not."""
    if _rate_limited(request):
        response = render(request, "public/receipt.html", {"status": "rate_limited"}, status=429)
        response["Retry-After"] = "60"
        return response
    from housing_campaign.contributions.documents import earmark_text, public_donor_name

    check = receipt_verify(code=code, token=request.GET.get("t", ""))
    context = {"status": check.status, "code": (code or "").upper()[:20]}
    c = check.contribution
    if c is not None:
        context.update({"number": c.number_text, "donor": public_donor_name(c), "kind": c.get_kind_display(),
                        "value": c.received_amount, "received_on": format_date(c.received_on),
                        "front": c.front_unit.name if c.front_unit_id else "", "earmark": earmark_text(c),
                        "item": c.item, "quantity": c.quantity, "unit": c.unit})
    response = render(request, "public/receipt.html", context, status=200 if c else 404)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response

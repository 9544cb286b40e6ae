"""What the public page of a commune adds to its money (issue 13): the postings open now and the past ones
with their lists (masked names only), the campaign's criteria in plain words and whom to contact. The page
is cached with the money; its key carries ``postings_version`` and the day, so a new or cancelled posting and
the day a posting opens or ends show at once."""
from __future__ import annotations

from housing_campaign.geography.models import AdminUnit
from housing_campaign.postings.selectors import postings_version, public_contact, public_criteria, public_postings


def cache_key_part(today) -> str:
    return f"{today.isoformat()}:{'-'.join(map(str, postings_version()))}"


def system_param(unit: AdminUnit) -> str:
    return "2025" if unit.system == AdminUnit.System.CURRENT else "cu"


def commune_context(unit: AdminUnit, campaigns: list, today) -> dict:
    """Four queries at most, whatever the number of postings and households on them."""
    if unit.level != AdminUnit.Level.COMMUNE:
        return {"is_commune": False}
    shown = public_postings(unit=unit, today=today)
    for p in shown["open"]:
        p.days_left = (p.ends_on - today).days + 1
    return {"is_commune": True, "open_postings": shown["open"], "past_postings": shown["past"],
            "criteria": [{"campaign": c, **public_criteria(c)} for c in campaigns],
            "contact": public_contact(unit=unit)}

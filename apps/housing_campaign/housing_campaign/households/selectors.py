"""Reads of households."""
from __future__ import annotations

from .models import Household

DUPLICATE_NATIONAL_ID = "Đã có hộ khác dùng số CCCD này."


def household_by_national_id(*, national_id: str, exclude_pk: int | None = None) -> Household | None:
    """The household whose head holds this (normalised) CCCD, if any: one CCCD, one household."""
    if not national_id:
        return None
    others = Household.objects.filter(national_id=national_id)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.order_by("pk").first()

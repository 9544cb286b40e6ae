"""Reads of households."""
from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from housing_campaign.accounts.selectors import Actor, scope

from .models import Household

DUPLICATE_NATIONAL_ID = _("Đã có hộ khác dùng số CCCD này.")


def households_visible(actor: Actor) -> QuerySet[Household]:
    """Households of communes inside the actor's territory (legacy commune, or its 2025 successor)."""
    return scope(Household.objects.all(), actor, legacy_field="commune__path",
                 current_field="commune__successor__path")


def household_by_national_id(*, national_id: str, exclude_pk: int | None = None) -> Household | None:
    """The household whose head holds this (normalised) CCCD, if any: one CCCD, one household."""
    if not national_id:
        return None
    others = Household.objects.filter(national_id=national_id)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.order_by("pk").first()

"""Contributions a user may see: those to a commune inside their territory, and province-wide ones."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from housing_campaign.accounts.selectors import Actor, territory_q

from .models import Contribution


def contributions_visible(actor: Actor) -> QuerySet[Contribution]:
    scoped = territory_q(actor, legacy_field="commune__path", current_field="commune__successor__path")
    return Contribution.objects.filter(scoped | Q(commune__isnull=True))

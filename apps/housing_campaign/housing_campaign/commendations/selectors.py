"""Reads of nominations."""
from __future__ import annotations

from django.db.models import QuerySet

from housing_campaign.accounts.selectors import Actor, scope

from .models import Nomination


def nominations_visible(actor: Actor) -> QuerySet[Nomination]:
    """Nominations inside the actor's territory (with their delegations)."""
    return scope(Nomination.objects.all(), actor)

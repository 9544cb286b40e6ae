"""Reads of the emulation movement, scoped to the actor's territory (``hooks.territory_scopes``)."""
from __future__ import annotations

from django.db.models import QuerySet

from housing_campaign.accounts.selectors import Actor, territory_q

from .models import Participant


def participants_visible(actor: Actor) -> QuerySet:
    return Participant.objects.filter(territory_q(actor))

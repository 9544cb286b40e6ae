"""Reads of residents' feedback, scoped to the actor's territory (``hooks.territory_scopes``)."""
from __future__ import annotations

from django.db.models import QuerySet

from housing_campaign.accounts.selectors import Actor, territory_q

from .models import Feedback


def feedback_visible(actor: Actor) -> QuerySet:
    return Feedback.objects.filter(territory_q(actor))

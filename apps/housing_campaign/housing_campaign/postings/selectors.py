"""Reads of postings, scoped to the actor's territory (``hooks.territory_scopes``)."""
from __future__ import annotations

from django.db.models import QuerySet

from housing_campaign.accounts.selectors import Actor, territory_q, units_visible

from .models import CommuneContact, Posting, PostingEntry


def postings_visible(actor: Actor) -> QuerySet:
    return Posting.objects.filter(territory_q(actor))


def posting_entries_visible(actor: Actor) -> QuerySet:
    return PostingEntry.objects.filter(posting__in=postings_visible(actor))


def contacts_visible(actor: Actor) -> QuerySet:
    return CommuneContact.objects.filter(unit__in=units_visible(actor))

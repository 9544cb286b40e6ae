"""Small shared writes: gap-free counters. Timeline events are built in core/events.py."""
from __future__ import annotations

from django.db import transaction
from django.db.models import F

from .models import Sequence


def sequence_next(*, key: str, count: int = 1) -> int:
    """Next value of a gap-free counter (with ``count``: the last of ``count`` consecutive values taken in
    one step, for bulk imports). Must run inside the caller's transaction so that a rolled back document
    also gives its number back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sequence_next must run inside a transaction")
    Sequence.objects.bulk_create([Sequence(key=key, last_value=0)], ignore_conflicts=True)
    Sequence.objects.filter(key=key).update(last_value=F("last_value") + count)
    return Sequence.objects.get(key=key).last_value

"""Small shared writes: counters and timeline events."""
from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import DocumentEvent, Sequence


def sequence_next(*, key: str, count: int = 1) -> int:
    """Next value of a gap-free counter (with ``count``: the last of ``count`` consecutive values taken in
    one step, for bulk imports). Must run inside the caller's transaction so that a rolled back document
    also gives its number back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sequence_next must run inside a transaction")
    Sequence.objects.bulk_create([Sequence(key=key, last_value=0)], ignore_conflicts=True)
    Sequence.objects.filter(key=key).update(last_value=F("last_value") + count)
    return Sequence.objects.get(key=key).last_value


def event_record(*, doctype: str, object_id: int, kind: str, actor=None, acting_for=None, comment: str = "",
                 changes: dict | None = None, data: dict | None = None, from_state: str = "",
                 to_state: str = "", action: str = "", workflow_version: int | None = None) -> DocumentEvent:
    return DocumentEvent.objects.create(
        doctype=doctype, object_id=object_id, kind=kind, at=timezone.now(),
        actor_id=getattr(actor, "pk", actor), acting_for_id=getattr(acting_for, "pk", acting_for), comment=comment,
        changes=changes or {}, data=data or {}, from_state=from_state, to_state=to_state, action=action,
        workflow_version=workflow_version)

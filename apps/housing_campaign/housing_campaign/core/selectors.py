"""Reads of the shared mechanisms (jobs recorded after changes)."""
from __future__ import annotations

from .models import SideEffectJob


def side_effect_jobs_open_for(*, doctype: str, object_id: int) -> list[SideEffectJob]:
    """Jobs of one document that failed or wait for a retry (shown on its timeline)."""
    return list(SideEffectJob.objects.filter(
        doctype=doctype, object_id=object_id,
        status__in=[SideEffectJob.Status.RETRY, SideEffectJob.Status.FAILED]).order_by("-created_at"))

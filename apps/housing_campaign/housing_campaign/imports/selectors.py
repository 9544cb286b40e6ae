"""Reads of import batches, scoped like cases: your own, or those made inside your territory."""
from __future__ import annotations

from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor
from housing_campaign.core.errors import ErrorCode, ServiceError

from .models import ImportBatch, ImportTemplate


def _covers(actor: Actor, batch: ImportBatch) -> bool:
    if batch.created_by_id == actor.user.pk or any(a.everywhere for a in actor.all_authorities):
        return True
    own = [p for a in actor.all_authorities for p in a.paths]
    return bool(batch.unit_paths) and all(any(p.startswith(o) for o in own) for p in batch.unit_paths)


def batches_visible(actor: Actor, *, limit: int = 100) -> list[ImportBatch]:
    recent = ImportBatch.objects.select_related("created_by", "campaign", "job").order_by("-created_at", "-id")
    return [b for b in recent[:limit * 5] if _covers(actor, b)][:limit]


def batch_get_for_actor(*, actor: Actor, batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.select_related("created_by", "campaign", "survey_round", "job").filter(
        pk=batch_id).first()
    if batch is None or not _covers(actor, batch):
        raise ServiceError(gettext("Không tìm thấy lần nhập này."), code=ErrorCode.NOT_FOUND)
    return batch


def templates_for(kind: str):
    return ImportTemplate.objects.filter(kind=kind).order_by("name")

"""Writes on commendation nominations."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.events import created_event, event_save
from housing_campaign.core.sideeffects import doc_events_emit
from housing_campaign.geography.models import AdminUnit
from housing_campaign.workflow import engine

from .models import Nomination

DOCTYPE = Nomination.DOCTYPE


def nomination_unit_paths(commune: AdminUnit) -> tuple[str, str]:
    successor = commune.successor if commune.system == AdminUnit.System.LEGACY else commune
    legacy = commune.path if commune.system == AdminUnit.System.LEGACY else ""
    return legacy, successor.path if successor else ""


def nomination_check_actor(actor: Actor, nomination: Nomination) -> None:
    if actor.read_only:
        raise ServiceError(gettext("Tài khoản của bạn chỉ có quyền xem."), code=ErrorCode.PERMISSION_DENIED)
    if not any(a.covers(*engine.document_paths(nomination)) for a in actor.all_authorities):
        raise ServiceError(gettext("%(commune)s nằm ngoài địa bàn bạn phụ trách.") % {
            "commune": nomination.commune.name}, field="commune", code=ErrorCode.OUT_OF_TERRITORY)


@transaction.atomic
def nomination_save(*, actor: Actor, nomination: Nomination) -> Nomination:
    """Create or update a nomination entered in the admin: a new one starts the active commendation
    workflow; the territory paths always follow the proposing unit, which must lie in the actor's
    territory (so nobody files or moves a nomination outside it)."""
    nomination.unit_path, nomination.unit_2025_path = nomination_unit_paths(nomination.commune)
    nomination_check_actor(actor, nomination)
    created = nomination.pk is None
    if created:
        for key, value in engine.initial_workflow_fields(DOCTYPE, *engine.document_paths(nomination)).items():
            setattr(nomination, key, value)
        nomination.created_by = actor.user
    nomination.save()
    if created:
        row = event_save(created_event(doctype=DOCTYPE, object_id=nomination.pk, actor_id=actor.id,
                                       state=nomination.state,
                                       workflow_version=engine.compiled(nomination.workflow_id).version))
        doc_events_emit(event="on_create", rows=[row])
    return nomination

"""Steps the system takes by itself: a transition marked ``automatic`` in a workflow definition is taken
by a scheduled job (``hooks.scheduler_events``) for every document waiting in its source state whose
condition now holds, e.g. "the posting period is over and no complaint is open". It goes through the
engine like a person's click (row locked, state checked, condition evaluated, log row, side effects),
as the system account, on behalf of the transition's roles, everywhere. A document whose condition does
not hold is simply left where it is; nothing is written for it.

The system account is an inactive user (it cannot sign in and receives no notifications) named so that
the timeline says who moved the case: "Hệ thống (tự động)".
"""
from __future__ import annotations

import logging
from collections import defaultdict

from django.contrib.auth import get_user_model

from housing_campaign.accounts.selectors import Actor, Authority
from housing_campaign.core import hookspec

from . import registry
from .engine import BULK_CHUNK, bulk_transition, compiled
from .models import WorkflowDefinition, WorkflowTransition

logger = logging.getLogger(__name__)
SYSTEM_USERNAME = "he-thong-tu-dong"


def system_user():
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": "Hệ thống (tự động)", "is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def system_actor(roles) -> Actor:
    """The system acting in the name of ``roles`` over the whole country (the transition's territory rule
    is about people; the job moves every document whose condition holds)."""
    user = system_user()
    return Actor(user=user, own=Authority(user_id=user.pk, roles=frozenset(roles), paths=(), everywhere=True))


def automatic_transitions_run(*, doctype: str | None = None, limit: int | None = None) -> dict[str, int]:
    """Take every automatic transition whose condition holds. Returns {"doctype:action": documents moved}.
    Reads each waiting document once per run; ``limit`` bounds the documents tried per transition."""
    moved: dict[str, int] = defaultdict(int)
    doctypes = [doctype] if doctype else list(hookspec.doctype_models())
    # Drafts have no documents, so every version is looked at: documents finish on the version they began.
    transitions = (WorkflowTransition.objects.filter(automatic=True, definition__doctype__in=doctypes)
                   .select_related("definition").order_by("definition_id", "order", "id"))
    for t in transitions:
        definition: WorkflowDefinition = t.definition
        spec = compiled(definition.pk).transitions.get((t.source, t.action))
        if spec is None or not spec.automatic:
            continue
        model = registry.model_for(definition.doctype)
        waiting = (model.objects.filter(workflow_id=definition.pk, state=t.source).order_by("state_since", "pk")
                   .values_list("pk", flat=True))
        ids = list(waiting[:limit] if limit else waiting)
        if not ids:
            continue
        actor = system_actor(spec.roles)
        for start in range(0, len(ids), BULK_CHUNK):
            chunk = ids[start:start + BULK_CHUNK]
            outcomes = bulk_transition(actor=actor, doctype=definition.doctype, ids=chunk, action=t.action,
                                       expected_states={i: t.source for i in chunk})
            count = sum(1 for o in outcomes if o.ok and not o.vote_recorded)
            if count:
                moved[f"{definition.doctype}:{t.action}"] += count
    if moved:
        logger.info("Automatic transitions: %s", dict(moved))
    return dict(moved)


def automatic_transitions_job() -> None:
    """Scheduled (hooks.scheduler_events)."""
    automatic_transitions_run()

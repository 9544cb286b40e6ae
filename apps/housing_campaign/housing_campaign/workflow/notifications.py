"""Side effect: tell the people who can act next that documents wait for them."""
from __future__ import annotations

from django.utils.translation import gettext_noop

from housing_campaign.accounts.selectors import role_holders, users_with_role_over
from housing_campaign.core.i18n import bilingual, message
from housing_campaign.core.models import Notification

from . import registry
from .engine import compiled, document_paths


def notify_next_actors(*, doctype: str, ids: list[int], actor_id: int) -> None:
    model = registry.model_for(doctype)
    notes = []
    holders_cache: dict[frozenset, dict] = {}
    for doc in model.objects.filter(pk__in=ids):
        spec = compiled(doc.workflow_id)
        roles = {r for t in spec.outgoing(doc.state) for r in t.roles}
        if not roles:
            continue
        key = frozenset(roles)
        if key not in holders_cache:
            holders_cache[key] = role_holders(roles)
        for user_id in users_with_role_over(roles, *document_paths(doc), holders=holders_cache[key]):
            if user_id == actor_id:
                continue
            notes.append(Notification.build(
                user_id=user_id, doctype=doctype, object_id=doc.pk,
                dedupe_key=f"next:{doctype}:{doc.pk}:{doc.state_entry}",
                subject=message(gettext_noop("%(document)s chờ xử lý: %(state)s"), document=str(doc),
                                state=bilingual(spec.states.get(doc.state) or doc.state))))
    Notification.objects.bulk_create(notes)

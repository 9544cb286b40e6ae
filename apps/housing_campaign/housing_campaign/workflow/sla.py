"""SLA flags and escalation, derived from the state entry time and the state's SLA in days;
time in each stage derived from the transition log."""
from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from housing_campaign.accounts.selectors import Actor, territory_q, users_with_role_over
from housing_campaign.core import hookspec
from housing_campaign.core.events import escalated_event
from housing_campaign.core.i18n import bilingual, message
from housing_campaign.core.models import DocumentEvent, Notification

from . import registry
from .engine import compiled
from .models import WorkflowState


def overdue_q(doctype: str, *, now: dt.datetime | None = None) -> Q:
    """Documents past their state's SLA: one OR-branch per (definition, state) that has an SLA."""
    now = now or timezone.now()
    q = Q(pk__in=[])
    for definition_id, code, days in WorkflowState.objects.filter(
            definition__doctype=doctype, sla_days__isnull=False).values_list("definition_id", "code", "sla_days"):
        q |= Q(workflow_id=definition_id, state=code, state_since__lt=now - dt.timedelta(days=days))
    return q


def sla_status(document, *, now: dt.datetime | None = None) -> dict:
    """{'days': days in state, 'sla': sla days or None, 'overdue': bool, 'due_soon': bool}."""
    now = now or timezone.now()
    state = compiled(document.workflow_id).states.get(document.state)
    days = (now - document.state_since).total_seconds() / 86400
    sla = state.sla_days if state else None
    return {"days": int(days), "sla": sla, "overdue": bool(sla and days > sla),
            "due_soon": bool(sla and sla * 0.75 < days <= sla)}


def escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Daily job (hooks.scheduler_events): notify the next territorial level about overdue documents.
    Deduplicated per document, state entry and day."""
    now = now or timezone.now()
    created = 0
    for doctype in hookspec.doctype_models():
        model = registry.model_for(doctype)
        # The administrative unit a document belongs to: its commune, unless the model names another field
        # (a nomination's proposing unit, which may be a commune, a district or the province).
        unit_field = getattr(model, "TERRITORY_UNIT_FIELD", "commune")
        overdue = model.objects.filter(overdue_q(doctype, now=now)).select_related(f"{unit_field}__parent")
        notes = []
        events = []
        day = timezone.localdate(now).isoformat()
        existing = set(Notification.objects.filter(dedupe_key__startswith=f"sla:{doctype}:",
                                                   dedupe_key__endswith=f":{day}").values_list("dedupe_key",
                                                                                                flat=True))
        for doc in overdue.iterator(chunk_size=1000):
            key_base = f"sla:{doctype}:{doc.pk}:{doc.state_entry}"
            spec = compiled(doc.workflow_id)
            roles = {r for t in spec.outgoing(doc.state) for r in t.roles}
            unit = getattr(doc, unit_field)
            parent = unit.parent if unit and unit.parent_id else None
            paths = [parent.path] if parent else []
            recipients = [u for u in users_with_role_over(roles | {"reviewer", "administrator"}, *paths)
                          ] if paths else []
            # Users whose territory is the parent level (or above), not the commune itself.
            fresh = [u for u in recipients if f"{key_base}:{u}:{day}" not in existing]
            for user_id in fresh:
                notes.append(Notification.build(
                    user_id=user_id, dedupe_key=f"{key_base}:{user_id}:{day}", doctype=doctype, object_id=doc.pk,
                    subject=message(gettext_noop("Quá hạn: %(document)s ở “%(state)s” %(days)s ngày"),
                                    document=str(doc), state=bilingual(spec.states.get(doc.state) or doc.state),
                                    days=sla_status(doc, now=now)["days"])))
            if fresh:
                events.append(escalated_event(doctype=doctype, object_id=doc.pk, state=doc.state,
                                              recipients=len(fresh), at=now))
        Notification.objects.bulk_create(notes, batch_size=1000)
        DocumentEvent.objects.bulk_create(events, batch_size=1000)
        created += len(notes)
    return created


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * pct
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def time_in_stage(*, actor: Actor, doctype: str = "housing_case", group_by: str = "district",
                  now: dt.datetime | None = None) -> list[dict]:
    """Per territory and stage: count, median and 90th percentile days spent, from the log."""
    now = now or timezone.now()
    model = registry.model_for(doctype)
    docs = model.objects.filter(territory_q(actor))
    rows = docs.values_list("pk", "workflow_id", "state", "state_since", "commune__parent__name",
                            "commune_2025__name" if group_by == "commune_2025" else "commune__parent__name")
    info = {pk: (wf, st, since, grp) for pk, wf, st, since, _, grp in rows}
    stage_of: dict[tuple[int, str], str] = {}
    for definition_id, code, stage in WorkflowState.objects.values_list("definition_id", "code", "stage"):
        stage_of[(definition_id, code)] = stage
    durations: dict[tuple[str, str], list[float]] = defaultdict(list)
    entries: dict[int, list[tuple[dt.datetime, str]]] = defaultdict(list)
    events = DocumentEvent.objects.filter(doctype=doctype, object_id__in=list(info),
                                          kind__in=["created", "transition", "migrated"]
                                          ).order_by("object_id", "at", "id")
    for object_id, at, to_state in events.values_list("object_id", "at", "to_state").iterator(chunk_size=5000):
        entries[object_id].append((at, to_state))
    for object_id, seq in entries.items():
        wf, _, _, group = info[object_id]
        for (start, state), nxt in zip(seq, [*seq[1:], (now, None)]):
            stage = stage_of.get((wf, state), state)
            durations[(group or "—", stage)].append((nxt[0] - start).total_seconds() / 86400)
    result = []
    for (group, stage), values in sorted(durations.items()):
        result.append({"territory": group, "stage": stage, "count": len(values),
                       "median_days": round(statistics.median(values), 1),
                       "p90_days": round(_percentile(values, 0.9), 1)})
    return result

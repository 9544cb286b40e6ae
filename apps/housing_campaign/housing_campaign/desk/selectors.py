"""Queue reads: scoped, filtered, counted without scanning the whole table on every request."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from housing_campaign.accounts.selectors import Actor, territory_q
from housing_campaign.cases.models import HousingCase
from housing_campaign.workflow.models import WorkflowTransition
from housing_campaign.workflow.sla import overdue_q

COUNT_TTL_SECONDS = 60


def actionable_q(actor: Actor, doctype: str = "housing_case") -> Q:
    """Documents whose current state has a transition one of the actor's roles (or delegated roles) may take."""
    roles = set()
    for authority in actor.all_authorities:
        roles |= authority.roles
    q = Q(pk__in=[])
    pairs: dict[int, set[str]] = {}
    for definition_id, source, t_roles in WorkflowTransition.objects.filter(
            definition__doctype=doctype).values_list("definition_id", "source", "roles"):
        if roles & set(t_roles):
            pairs.setdefault(definition_id, set()).add(source)
    for definition_id, states in pairs.items():
        q |= Q(workflow_id=definition_id, state__in=sorted(states))
    return q


@dataclass
class QueueFilters:
    scope: str = "mine"  # mine | all
    unit: str = ""
    stage: str = ""
    state: str = ""
    strand: str = ""
    support_type: str = ""
    category: str = ""
    overdue: bool = False
    q: str = ""
    extra: tuple = ()  # ((code, value), ...) for administrator-defined choice and yes/no fields
    batch: str = ""  # cases created by one import batch

    @classmethod
    def from_request(cls, data) -> QueueFilters:
        return cls(scope=data.get("scope", "mine") if data.get("scope") in ("mine", "all") else "mine",
                   unit=data.get("unit", "").strip(), stage=data.get("stage", "").strip(),
                   state=data.get("state", "").strip(), strand=data.get("strand", "").strip(),
                   support_type=data.get("support_type", "").strip(), category=data.get("category", "").strip(),
                   overdue=data.get("overdue") in ("1", "on", "true"), q=data.get("q", "").strip()[:100],
                   extra=tuple(sorted((k[2:], v) for k, v in data.items() if k.startswith("x_") and v)),
                   batch=data.get("batch", "").strip()[:12])

    def key(self) -> str:
        return hashlib.sha1(repr(sorted(self.__dict__.items())).encode()).hexdigest()


def queue_queryset(actor: Actor, filters: QueueFilters, *, with_stage: bool = True) -> QuerySet[HousingCase]:
    qs = HousingCase.objects.filter(territory_q(actor))
    if filters.scope == "mine":
        qs = qs.filter(actionable_q(actor))
    if filters.unit:
        qs = qs.filter(Q(unit_path__startswith=filters.unit) | Q(unit_2025_path__startswith=filters.unit))
    if filters.stage and with_stage:
        qs = qs.filter(stage=filters.stage)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.strand.isdigit():
        qs = qs.filter(strand_id=int(filters.strand))
    if filters.support_type:
        qs = qs.filter(support_type=filters.support_type)
    if filters.category:
        qs = qs.filter(household__category=filters.category)
    if filters.overdue:
        qs = qs.filter(overdue_q("housing_case"))
    if filters.extra:
        from housing_campaign.extrafields.services import extra_fields_for

        kinds = {f.code: f.field_type for f in extra_fields_for("housing_case")
                 if f.field_type in ("choice", "boolean")}
        for code, value in filters.extra:
            if kinds.get(code) == "boolean":
                qs = qs.filter(**{f"extra__{code}": value == "true"})
            elif kinds.get(code) == "choice":
                qs = qs.filter(**{f"extra__{code}": value})
    if filters.batch.isdigit():
        from housing_campaign.core.models import DocumentEvent

        qs = qs.filter(pk__in=DocumentEvent.objects.filter(
            doctype="housing_case", kind="created", data__import_batch=int(filters.batch)).values("object_id"))
    if filters.q:
        text = filters.q
        cond = Q(code__iexact=text) | Q(household__head_name__icontains=text)
        if text.isdigit():
            cond |= Q(household__national_id=text)
        if "-" in text:
            cond |= Q(code__istartswith=text)
        qs = qs.filter(cond)
    return qs


def stage_counts(actor: Actor, filters: QueueFilters) -> dict[str, int]:
    """Counts per stage for the current filters (ignoring the stage filter), cached briefly per user:
    the queue page never runs a full count on every request."""
    version = cache.get(f"desk:counts-version:{actor.id}", 0)
    key = f"desk:counts:{actor.id}:{version}:{filters.key()}"
    counts = cache.get(key)
    if counts is None:
        counts = dict(queue_queryset(actor, filters, with_stage=False).order_by().values_list("stage")
                      .annotate(n=Count("id")).values_list("stage", "n"))
        cache.set(key, counts, COUNT_TTL_SECONDS)
    return counts


def forget_counts(actor: Actor) -> None:
    """Counts are cached per filter; after a write the user's own view should not lag."""
    try:
        cache.incr(f"desk:counts-version:{actor.id}")
    except ValueError:
        cache.set(f"desk:counts-version:{actor.id}", 1, None)

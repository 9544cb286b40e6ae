"""The queue's filters and their query, shared by every reader of the case list: the desk's queue, its
exports and batch printing, and the REST API (``housing_campaign.api``). One implementation, so the API
answers exactly what the desk shows for the same filters."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from housing_campaign.accounts.selectors import Actor, territory_q
from housing_campaign.core.validators import normalize_national_id, query_id, query_text
from housing_campaign.workflow.models import WorkflowTransition
from housing_campaign.workflow.sla import overdue_q

from .models import HousingCase


def actionable_q(actor: Actor, doctype: str = "housing_case") -> Q:
    """Documents whose current state has a transition one of the actor's roles (or delegated roles) may take."""
    roles = set()
    for authority in actor.all_authorities:
        roles |= authority.roles
    q = Q(pk__in=[])
    pairs: dict[int, set[str]] = {}
    waiting_for_system: set[tuple[int, str]] = set()
    for definition_id, source, t_roles, automatic in WorkflowTransition.objects.filter(
            definition__doctype=doctype).values_list("definition_id", "source", "roles", "automatic"):
        if automatic:
            # A state left by an automatic step (the end of a posting period) waits for the system, not for
            # a person: its cases are not anyone's task meanwhile (the SLA still escalates them).
            waiting_for_system.add((definition_id, source))
        if roles & set(t_roles):
            pairs.setdefault(definition_id, set()).add(source)
    for definition_id, states in pairs.items():
        states = {s for s in states if (definition_id, s) not in waiting_for_system}
        if states:
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
        """Filters from query parameters (or a saved query string): never raises, whatever was sent;
        text is normalised (core.validators.query_text), ids are digits within the column's range."""
        def text(name: str, max_length: int = 100) -> str:
            return query_text(data.get(name, ""), max_length=max_length)

        strand = query_id(text("strand", 20))
        extra = []
        for key in list(data.keys())[:50]:
            if isinstance(key, str) and key.startswith("x_") and (value := text(key)):
                extra.append((query_text(key[2:], max_length=40), value))
        return cls(scope=text("scope") if text("scope") in ("mine", "all") else "mine",
                   unit=text("unit", 80), stage=text("stage", 30), state=text("state", 60),
                   strand=str(strand) if strand else "", support_type=text("support_type", 20),
                   category=text("category", 20), overdue=text("overdue") in ("1", "on", "true"), q=text("q"),
                   extra=tuple(sorted(extra)), batch=str(query_id(text("batch", 20)) or ""))

    def counted_from_aggregates(self) -> bool:
        """Whether the stage counts can be summed from the aggregates: only the scope and the territory (the
        stage filter is ignored by the counts); any other filter counts the case rows."""
        return not (self.state or self.strand or self.support_type or self.category or self.overdue or self.q
                    or self.extra or self.batch)

    def key(self) -> str:
        return hashlib.sha1(repr(sorted(self.__dict__.items())).encode()).hexdigest()


def queue_queryset(actor: Actor, filters: QueueFilters, *, with_stage: bool = True) -> QuerySet[HousingCase]:
    qs = HousingCase.objects.filter(territory_q(actor))
    if filters.scope == "mine":
        qs = qs.filter(actionable_q(actor))
    if filters.unit:
        # A legacy path ("L.…") can only be a case's unit_path and a 2025 path only its unit_2025_path (as in
        # territory_q): one indexed prefix range instead of an OR that no index serves.
        column = "unit_path" if filters.unit.startswith("L.") else "unit_2025_path"
        qs = qs.filter(**{f"{column}__startswith": filters.unit})
    if filters.stage and with_stage:
        qs = qs.filter(stage=filters.stage)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if strand_id := query_id(filters.strand):
        qs = qs.filter(strand_id=strand_id)
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
        national_id = normalize_national_id(text)
        if national_id.isascii() and national_id.isdigit():
            cond |= Q(household__national_id=national_id)
        if "-" in text:
            cond |= Q(code__istartswith=text)
        qs = qs.filter(cond)
    return qs

"""Queue reads: scoped, filtered, counted without scanning the whole table on every request."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from housing_campaign.accounts.selectors import Actor, territory_q
from housing_campaign.cases.models import HousingCase
from housing_campaign.core.validators import normalize_national_id, query_id, query_text
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


# ---------------------------------------------------------------------------- what the desk pages show
def queue_rows(cases) -> list[dict]:
    from housing_campaign.workflow.engine import compiled
    from housing_campaign.workflow.sla import sla_status

    return [{"case": case, "state_label": compiled(case.workflow_id).state_label(case.state), "sla": sla_status(case)}
            for case in cases]


def bulk_actions_for(actor: Actor) -> list[dict]:
    """(action, label) pairs the actor's roles can take somewhere in active workflows."""
    roles = set()
    for authority in actor.all_authorities:
        roles |= authority.roles
    seen = {}
    for action, label, t_roles, comment in WorkflowTransition.objects.filter(
            definition__doctype="housing_case", definition__is_active=True).values_list(
            "action", "label_vi", "roles", "comment_required"):
        if roles & set(t_roles) and action not in seen:
            seen[action] = (label, comment)
    return [{"action": a, "label": lab, "comment_required": c} for a, (lab, c) in seen.items()]


def communes_of(actor: Actor, *, limit: int = 300) -> QuerySet:
    """Communes inside the actor's territories (their own and delegated), by name."""
    from housing_campaign.geography.models import AdminUnit

    paths = [p for a in actor.all_authorities for p in a.paths]
    if not paths:
        return AdminUnit.objects.none()
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return AdminUnit.objects.filter(q, level="commune").order_by("name")[:limit]


def queue_filter_options(actor: Actor, filters: QueueFilters) -> dict:
    """The choices of the queue's filter bar and bulk bar for this actor."""
    from housing_campaign.campaigns.models import Strand
    from housing_campaign.extrafields.services import extra_fields_for
    from housing_campaign.workflow.models import WorkflowState

    states = (WorkflowState.objects.filter(definition__doctype="housing_case", definition__is_active=True)
              .values_list("code", "label_vi"))
    extra_filters = [{"code": f.code, "label": f.label_vi, "value": dict(filters.extra).get(f.code, ""),
                      "choices": [("true", "Có"), ("false", "Không")] if f.field_type == "boolean"
                      else [(str(c[0]), c[1]) for c in f.choices]}
                     for f in extra_fields_for("housing_case") if f.field_type in ("choice", "boolean")]
    return {"states": states, "strands": Strand.objects.all(), "communes": communes_of(actor),
            "extra_filters": extra_filters, "bulk_actions": bulk_actions_for(actor)}


def queue_personal(user) -> dict:
    from housing_campaign.core.models import Notification

    from .models import SavedFilter

    return {"saved_filters": SavedFilter.objects.filter(user=user),
            "notifications": Notification.objects.filter(user=user, read_at__isnull=True)[:5]}


def case_page(actor: Actor, case: HousingCase) -> dict:
    """Everything the case page shows: every stage's data, the actions open now and why the others are
    closed, the stage form the state opens, certificates, issued documents and the timeline."""
    from housing_campaign.cases.models import Acceptance
    from housing_campaign.cases.services import FORM_STAGES, acceptance_reasons
    from housing_campaign.printing.models import IssuedDocument, PrintFormat
    from housing_campaign.workflow import engine
    from housing_campaign.workflow.sla import sla_status

    from . import timeline

    spec = engine.compiled(case.workflow_id)
    options = engine.actions_for(actor=actor, doctype="housing_case", document=case)
    can_edit, edit_reason = engine.can_edit(actor=actor, document=case)
    acceptance = Acceptance.objects.filter(case=case).select_related("inspector").first()
    return {
        "case": case, "household": case.household, "state_label": spec.state_label(case.state),
        "workflow": spec, "options": options, "open_options": [o for o in options if o.allowed],
        "closed_options": [o for o in options if not o.allowed], "can_edit": can_edit, "edit_reason": edit_reason,
        "open_form": next((name for name, stage in FORM_STAGES.items() if stage == case.stage), None),
        "sla": sla_status(case), "eligibility": case.eligibility,
        "progress": case.progress_entries.select_related("recorded_by").prefetch_related("photos"),
        "acceptance": acceptance,
        "acceptance_reasons": acceptance_reasons(acceptance, case.campaign) if acceptance else [],
        "attachments": case.attachments.filter(progress__isnull=True),
        "certificates": list(case.certificates.order_by("-issued_at")),
        "timeline": timeline.case_timeline(case),
        "formats": PrintFormat.objects.filter(doctype="housing_case", is_active=True),
        "issued": (IssuedDocument.objects.filter(doctype="housing_case", object_id=case.pk)
                   .select_related("print_format_version__print_format").order_by("-issued_at")),
        "extra_display": timeline.extra_display(case), "actor": actor,
        "can_manage_certificates": not actor.read_only and actor.authority_for(
            {"commune_chairman", "reviewer", "administrator"}, *engine.document_paths(case)) is not None,
    }


def survey_communes(actor: Actor, campaign) -> list:
    """Communes of the campaign's province where the actor may survey: legacy communes of their territory;
    an officer of a 2025 commune surveys in the legacy communes mapped to it."""
    from housing_campaign.geography.models import AdminUnit

    q = Q(pk__in=[])
    for authority in actor.all_authorities:
        for path in authority.paths:
            q |= Q(path__startswith=path)
        if authority.everywhere:
            q = Q(path__startswith=campaign.province.path)
    communes = list(AdminUnit.objects.filter(q, level="commune", system="legacy",
                                             path__startswith=campaign.province.path).order_by("name")[:200])
    if not communes:
        successors = AdminUnit.objects.filter(q, level="commune", system="2025")
        communes = list(AdminUnit.objects.filter(successor__in=successors, level="commune").order_by("name"))
    return communes


def print_communes(actor: Actor) -> QuerySet:
    """Communes that have cases the actor may see (batch printing per commune)."""
    from housing_campaign.geography.models import AdminUnit

    return AdminUnit.objects.filter(
        pk__in=HousingCase.objects.filter(territory_q(actor)).values("commune_id")).order_by("name")

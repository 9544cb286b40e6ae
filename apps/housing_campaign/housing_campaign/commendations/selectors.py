"""Reads of nominations and award documents, scoped to the actor's territory, and of the public honour roll."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from housing_campaign.accounts.selectors import Actor, scope
from housing_campaign.core.models import DocumentEvent
from housing_campaign.core.validators import query_id, query_text
from housing_campaign.workflow import engine
from housing_campaign.workflow.models import Approval

from .models import AwardDocument, Nomination

DOCTYPE = Nomination.DOCTYPE
# States in which a nomination has been awarded (the honour roll shows these).
AWARDED_STATES = ("decided", "awarded")


def nominations_visible(actor: Actor) -> QuerySet[Nomination]:
    """Nominations inside the actor's territory (with their delegations)."""
    return scope(Nomination.objects.all(), actor)


def award_documents_visible(actor: Actor) -> QuerySet[AwardDocument]:
    return scope(AwardDocument.objects.all(), actor)


def nomination_get(actor: Actor, pk) -> Nomination | None:
    pk = query_id(pk)
    if pk is None:
        return None
    return (nominations_visible(actor)
            .select_related("participant__unit", "award_form", "proposing_unit", "campaign", "decision", "proposal",
                            "minutes", "certificate", "created_by")
            .filter(pk=pk).first())


@dataclass
class NominationFilters:
    state: str = ""
    award_form: int | None = None
    group: str = ""
    q: str = ""
    campaign: int | None = None

    @classmethod
    def from_request(cls, data) -> NominationFilters:
        return cls(state=query_text(data.get("state"), max_length=60),
                   award_form=query_id(data.get("award_form")), group=query_text(data.get("group"), max_length=2),
                   q=query_text(data.get("q"), max_length=100), campaign=query_id(data.get("campaign")))


def nominations_filtered(actor: Actor, filters: NominationFilters) -> QuerySet[Nomination]:
    qs = nominations_visible(actor)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.award_form:
        qs = qs.filter(award_form_id=filters.award_form)
    if filters.group:
        qs = qs.filter(participant__group=filters.group)
    if filters.campaign:
        qs = qs.filter(campaign_id=filters.campaign)
    if filters.q:
        qs = qs.filter(Q(code__iexact=filters.q) | Q(nominee_name__icontains=filters.q)
                       | Q(decision_number__icontains=filters.q))
    return (qs.select_related("award_form", "participant", "proposing_unit", "decision")
            .order_by("-created_at", "-id"))


def awaiting_q(actor: Actor) -> Q:
    """Nominations whose current state has a step one of the actor's roles may take, without those the actor
    has already voted on in this round of a council vote (a member's pending votes, not the ones cast)."""
    from housing_campaign.workflow.models import WorkflowTransition

    roles: set[str] = set()
    for authority in actor.all_authorities:
        roles |= authority.roles
    q = Q(pk__in=[])
    pairs: dict[int, set[str]] = {}
    for definition_id, source, t_roles in WorkflowTransition.objects.filter(
            definition__doctype=DOCTYPE).values_list("definition_id", "source", "roles"):
        if roles & set(t_roles):
            pairs.setdefault(definition_id, set()).add(source)
    for definition_id, states in pairs.items():
        q |= Q(workflow_id=definition_id, state__in=sorted(states))
    return q


def nominations_awaiting(actor: Actor) -> QuerySet[Nomination]:
    """What waits for the actor ("Việc của tôi"), oldest first; read-only accounts wait for nothing."""
    if actor.read_only:
        return Nomination.objects.none()
    voted = Approval.objects.filter(doctype=DOCTYPE, object_id=OuterRef("pk"), state_entry=OuterRef("state_entry"),
                                    actor_id=actor.id)
    return (nominations_visible(actor).filter(awaiting_q(actor)).exclude(Exists(voted))
            .order_by("state_since", "id"))


def vietnamese_name(user) -> str:
    """“Hoàng Văn Bình”: the family and middle names (``last_name``) before the given name, as official
    documents write it (Django's ``get_full_name`` puts the given name first)."""
    return f"{user.last_name} {user.first_name}".strip() or user.username


def _council_transitions(workflow_ids) -> dict[int, dict[str, str]]:
    """{workflow id: {action: "for" | "against"}} of the quorum transitions (the council's votes)."""
    out: dict[int, dict[str, str]] = {}
    for workflow_id in set(workflow_ids):
        spec = engine.compiled(workflow_id)
        out[workflow_id] = {t.action: ("against" if t.kind == "stop" else "for")
                            for t in spec.transitions.values() if t.quorum > 1}
    return out


def council_votes(nominations: list[Nomination]) -> dict[int, dict]:
    """Per nomination, the council's last round of votes: who voted for and against (names), the quorum and
    the result. The votes before the deciding one are approvals; the deciding vote is the transition itself.
    Three queries whatever the number of nominations."""
    if not nominations:
        return {}
    by_workflow = _council_transitions(n.workflow_id for n in nominations)
    ids = [n.pk for n in nominations]
    approvals = list(Approval.objects.filter(doctype=DOCTYPE, object_id__in=ids, transition__quorum__gt=1)
                     .values_list("object_id", "state_entry", "transition__action", "actor_id", "at"))
    events = list(DocumentEvent.objects.filter(doctype=DOCTYPE, object_id__in=ids, kind=DocumentEvent.Kind.TRANSITION,
                                               action__in={a for m in by_workflow.values() for a in m})
                  .values_list("object_id", "action", "actor_id", "at").order_by("at", "id"))
    users = {u.pk: vietnamese_name(u) for u in get_user_model().objects.filter(
        pk__in={a[3] for a in approvals} | {e[2] for e in events})}
    last_entry: dict[int, int] = {}
    for object_id, entry, *_ in approvals:
        last_entry[object_id] = max(entry, last_entry.get(object_id, 0))
    out: dict[int, dict] = {}
    for n in nominations:
        kinds = by_workflow.get(n.workflow_id, {})
        spec = engine.compiled(n.workflow_id)
        quorum = max((t.quorum for t in spec.transitions.values() if t.quorum > 1), default=0)
        row = {"for": [], "against": [], "quorum": quorum, "result": "", "dates": []}
        for object_id, entry, action, actor_id, at in approvals:
            if object_id == n.pk and entry == last_entry.get(n.pk) and action in kinds:
                row[kinds[action]].append(users.get(actor_id, ""))
                row["dates"].append(at)
        final = [e for e in events if e[0] == n.pk and e[1] in kinds]
        if final:
            _, action, actor_id, at = final[-1]
            row[kinds[action]].append(users.get(actor_id, ""))
            row["dates"].append(at)
            row["result"] = "Đồng ý" if kinds[action] == "for" else "Không đồng ý"
        elif row["for"] or row["against"]:
            row["result"] = "Chưa đủ số phiếu"
        out[n.pk] = row
    return out


def nomination_documents(nomination: Nomination) -> list[AwardDocument]:
    ids = [i for i in (nomination.minutes_id, nomination.proposal_id, nomination.decision_id) if i]
    return list(AwardDocument.objects.filter(pk__in=ids).select_related("issued_document").order_by("issued_on",
                                                                                                    "id"))


# ---------------------------------------------------------------------------- public honour roll
def honour_roll_version(campaign) -> tuple:
    """Changes whenever an award of the campaign is decided or its decision recorded (one small aggregate
    query): the public page keys its cache on it."""
    found = Nomination.objects.filter(campaign=campaign, decision__isnull=False).aggregate(
        n=Count("id"), last=Max("state_since"), doc=Max("decision_id"))
    last = found["last"].timestamp() if found["last"] else 0
    return found["n"], int(last), found["doc"] or 0


def honour_roll(campaign) -> list[dict]:
    """The decided awards of a campaign (decided by the competent chairman or recorded from the higher level),
    grouped by award form, highest first: name, kind, unit, the decision's number and date. Nothing else about
    a person. One query."""
    rows = Nomination.objects.filter(campaign=campaign, state__in=AWARDED_STATES, decision__isnull=False)
    rows = (rows.select_related("award_form", "decision", "participant__unit", "proposing_unit")
            .order_by("award_form__level", "award_form__code", "nominee_kind", "nominee_name", "id"))
    groups: dict[int, dict] = {}
    for n in rows:
        participant = n.participant
        if participant is not None and n.nominee_kind == Nomination.NomineeKind.INDIVIDUAL:
            unit = participant.workplace or participant.unit.name
        else:
            unit = participant.unit.name if participant else n.proposing_unit.name
        group = groups.setdefault(n.award_form_id, {"award_form": n.award_form.name,
                                                    "decided_by": n.award_form.decided_by, "rows": []})
        group["rows"].append({"name": n.nominee_name, "kind": n.get_nominee_kind_display(),
                              "collective": n.nominee_kind == Nomination.NomineeKind.COLLECTIVE, "unit": unit,
                              "decision_number": n.decision.number, "decision_date": n.decision.issued_on})
    return list(groups.values())

"""Reads of residents' feedback, scoped to the actor's territory (``hooks.territory_scopes``)."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor, territory_q, users_with_role_over
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.validators import query_id
from housing_campaign.workflow.engine import document_paths
from housing_campaign.workflow.models import WorkflowTransition

from .models import Feedback

# Who handles feedback in a commune: the people an answer may be assigned to.
HANDLER_ROLES = ("commune_officer", "commune_chairman")


def feedback_visible(actor: Actor) -> QuerySet:
    return Feedback.objects.filter(territory_q(actor))


# ---------------------------------------------------------------------------- the public tracking page
PUBLIC_ANSWER_STATES = ("answered", "closed")


def feedback_tracking(code: str) -> dict | None:
    """What the public tracking page of a feedback shows, by its tracking code (already normalized): never
    the sender's name or phone, the text sent, the case or its household. One query; None if unknown."""
    from housing_campaign.workflow.models import Stage

    row = (Feedback.objects.filter(code=code)
           .values("code", "kind", "state", "stage", "submitted_at", "answer", "answered_at", "commune__name",
                   "commune__code", "commune__system", "commune_2025__name", "posting__code").first()) if code else None
    if row is None:
        return None
    state, stage = row["state"], row["stage"]
    if state == "spam":
        status = "not_handled"
    elif state == "received":
        status = "received"
    elif state == "answered":
        status = "answered"
    elif stage == Stage.CLOSED:
        status = "closed"
    else:
        status = "in_progress"
    answer = (row["answer"] or "").strip()
    public_answer = answer if state in PUBLIC_ANSWER_STATES else ""
    return {"code": row["code"], "kind": Feedback.Kind(row["kind"]).label if row["kind"] in Feedback.Kind.values
            else row["kind"], "status": status, "submitted_at": row["submitted_at"],
            "commune": row["commune__name"], "commune_code": row["commune__code"],
            "commune_he": "2025" if row["commune__system"] == "2025" else "cu",
            "commune_2025": row["commune_2025__name"] or "", "posting": row["posting__code"] or "",
            "answer": public_answer, "answered_at": row["answered_at"] if public_answer else None}


def feedback_get_for_actor(*, actor: Actor, feedback_id, for_update: bool = False) -> Feedback:
    """The feedback if the actor may see it; "not found" otherwise (never telling whether it exists elsewhere)."""
    pk = query_id(feedback_id)
    qs = feedback_visible(actor).filter(pk=pk) if pk is not None else Feedback.objects.none()
    if for_update:
        qs = qs.select_for_update(of=("self",))
    feedback = qs.select_related("commune", "commune_2025", "posting", "case", "assignee", "answered_by").first() \
        if not for_update else qs.first()
    if feedback is None:
        raise ServiceError(gettext("Không tìm thấy phản ánh trong địa bàn bạn phụ trách."), code=ErrorCode.NOT_FOUND)
    return feedback


def feedback_assignees(feedback: Feedback) -> QuerySet:
    """Active users holding a handler role over the feedback's commune: who it may be assigned to."""
    ids = users_with_role_over(HANDLER_ROLES, *document_paths(feedback))
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("first_name", "username")


def awaiting_q(actor: Actor) -> Q:
    """Feedback in a state where one of the actor's roles moves it on (forward or stop): what waits for them.
    Reopening (a return from an answered or resolved feedback) is a side road, not work waiting."""
    roles: set[str] = set()
    for authority in actor.all_authorities:
        roles |= authority.roles
    pairs: dict[int, set[str]] = {}
    for definition_id, source, t_roles in WorkflowTransition.objects.filter(
            definition__doctype=Feedback.DOCTYPE).exclude(kind=WorkflowTransition.Kind.RETURN).values_list(
            "definition_id", "source", "roles"):
        if roles & set(t_roles):
            pairs.setdefault(definition_id, set()).add(source)
    q = Q(pk__in=[])
    for definition_id, states in pairs.items():
        q |= Q(workflow_id=definition_id, state__in=sorted(states))
    return q


def feedback_awaiting(actor: Actor) -> QuerySet:
    """Feedback waiting for the actor's action in their territory, overdue first, then the oldest."""
    from django.db.models import BooleanField, Case, Value, When

    from housing_campaign.workflow.sla import overdue_q

    return (feedback_visible(actor).filter(awaiting_q(actor))
            .annotate(is_overdue=Case(When(overdue_q(Feedback.DOCTYPE), then=Value(True)), default=Value(False),
                                      output_field=BooleanField()))
            .order_by("-is_overdue", "state_since", "id"))


def feedback_for_case(actor: Actor, case) -> list[Feedback]:
    """Feedback about a case, as its page lists it (the case page has already checked the actor sees the case)."""
    return list(feedback_visible(actor).filter(case_id=case.pk).order_by("-submitted_at", "-id"))

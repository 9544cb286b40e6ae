"""Reads of residents' feedback, scoped to the actor's territory (``hooks.territory_scopes``)."""
from __future__ import annotations

from django.db.models import QuerySet

from housing_campaign.accounts.selectors import Actor, territory_q

from .models import Feedback


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

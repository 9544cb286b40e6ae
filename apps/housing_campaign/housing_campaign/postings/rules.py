"""What waits for a posting and who records one: shared by the services and the selectors of postings."""
from __future__ import annotations

from housing_campaign.workflow.engine import compiled
from housing_campaign.workflow.models import Stage

from .models import Posting

POSTER_ROLES = ("commune_officer", "commune_chairman")
CONDITION_NAMES = ("posting_over",)


def waiting_states(workflow_id: int) -> dict[str, str]:
    """{state code: posting kind} of the states of a workflow version in which a case waits for a posting."""
    spec = compiled(workflow_id)
    found = {}
    for (source, _action), t in spec.transitions.items():
        if any(name in (t.condition or "") for name in CONDITION_NAMES):
            stage = spec.states[source].stage if source in spec.states else ""
            found[source] = Posting.Kind.RESULTS if stage == Stage.POSTING else Posting.Kind.REVIEW_LIST
    return found

"""Names workflow conditions may use about residents' feedback (``hooks.computed_fields``)."""
from __future__ import annotations

from housing_campaign.workflow.models import Stage

from .models import Feedback


def open_feedback(case) -> int:
    """Complaints about the case sent while it was posted that are not resolved yet (their workflow has
    not reached a state of the "closed" stage): while there is one, the case is held."""
    return Feedback.objects.filter(case_id=case.pk, holds_case=True).exclude(stage=Stage.CLOSED).count()

"""Computed names a workflow condition (or a state's required fields) may use on a nomination (declared in
``hooks.computed_fields``): the commendation workflow branches on the award form's competence as data."""
from __future__ import annotations


def linked_cases(nomination) -> int:
    return nomination.cases.count()


def decided_above(nomination) -> bool:
    """The award is decided above the province (State President, Prime Minister, central bodies): the
    province only proposes it."""
    return bool(nomination.award_form.national)


def proposal_number(nomination) -> str:
    """The number of the proposal (tờ trình) sent up with the nomination, empty before it is sent."""
    return nomination.proposal.number if nomination.proposal_id else ""


def higher_awarded(nomination) -> bool | None:
    """The higher level's decision as recorded: True (awarded), False (not awarded), None (none recorded)."""
    if not nomination.decision_id or nomination.decision.kind != "higher_decision":
        return None
    return nomination.decision.awarded


def certificate_ready(nomination) -> bool:
    """The certificate is printed here (or, for an award printed by the higher level, there is none to print)."""
    return bool(nomination.certificate_id) or not nomination.award_form.print_format

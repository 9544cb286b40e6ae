"""Reads of the emulation movement, scoped to the actor's territory (``hooks.territory_scopes``): participants,
their registrations and documents, the office's criteria and deadlines, who is late for each deadline, and
initiatives. A fixed number of queries per page, whatever the number of rows."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from housing_campaign.accounts.selectors import Actor, territory_q
from housing_campaign.campaigns.models import Campaign
from housing_campaign.core.validators import query_id

from . import rules
from .models import Criterion, Initiative, Participant, ReportingDeadline, Submission


def participants_visible(actor: Actor) -> QuerySet:
    return Participant.objects.filter(territory_q(actor))


def initiatives_visible(actor: Actor) -> QuerySet:
    return Initiative.objects.filter(territory_q(actor))


def campaigns() -> list[Campaign]:
    return list(Campaign.objects.order_by("-is_active", "-starts_on", "pk"))


def pick_campaign(value) -> Campaign | None:
    """The campaign asked for by id (a query parameter), else the active one most recently started."""
    found = campaigns()
    pk = query_id(value)
    for campaign in found:
        if campaign.pk == pk:
            return campaign
    return found[0] if found else None


def campaign_exact(value) -> Campaign | None:
    """The campaign of that id, or None (a form's hidden value: no fallback to another campaign)."""
    pk = query_id(value)
    return next((c for c in campaigns() if c.pk == pk), None) if pk else None


@dataclass
class ParticipantFilters:
    group: str = ""
    kind: str = ""
    q: str = ""
    registered: str = ""      # "" | "yes" | "no"

    def query(self) -> dict[str, str]:
        return {k: v for k, v in {"group": self.group, "kind": self.kind, "q": self.q,
                                  "registered": self.registered}.items() if v}


def participants_list(actor: Actor, campaign: Campaign, filters: ParticipantFilters) -> QuerySet:
    qs = (participants_visible(actor).filter(campaign=campaign)
          .select_related("unit__parent__parent", "registration", "donor", "household", "user"))
    if filters.group:
        qs = qs.filter(group=filters.group)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(unit__name__icontains=filters.q))
    if filters.registered == "yes":
        qs = qs.filter(registration__isnull=False)
    elif filters.registered == "no":
        qs = qs.filter(registration__isnull=True)
    return qs.order_by("group", "name", "id")


def managed_participants(actor: Actor, campaign: Campaign, *, limit: int = 200) -> list[Participant]:
    """The units the actor registers and reports for ("Đơn vị của tôi"): a commune's People's Committee for its
    officer and chairman, the Front's organisations for the Front; for the office, the units of its territory."""
    qs = (participants_visible(actor).filter(campaign=campaign, kind__in=rules.REGISTERING_KINDS)
          .select_related("unit", "unit__parent", "registration").order_by("group", "name", "id"))
    return [p for p in qs[:limit] if rules.may_manage(actor, p)]


def criteria_for(campaign: Campaign, group: str | None = None, *, active_only: bool = True) -> list[Criterion]:
    qs = Criterion.objects.filter(campaign=campaign)
    if group:
        qs = qs.filter(group=group)
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("group", "order", "id"))


def deadlines_for(campaign: Campaign, *, active_only: bool = True) -> list[ReportingDeadline]:
    qs = ReportingDeadline.objects.filter(campaign=campaign)
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("due_on", "id"))


# ---------------------------------------------------------------------------- lateness
@dataclass
class DeadlineStatus:
    participant: Participant
    deadline: ReportingDeadline
    submission: Submission | None
    today: dt.date

    @property
    def is_due(self) -> bool:
        return self.today > self.deadline.due_on

    @property
    def state(self) -> str:
        """on_time | late (sent after the due date) | missing (due, not sent) | pending (not due yet)."""
        if self.submission is not None:
            return "late" if self.submission.submitted_on > self.deadline.due_on else "on_time"
        return "missing" if self.is_due else "pending"

    @property
    def days_late(self) -> int:
        if self.state == "late":
            return (self.submission.submitted_on - self.deadline.due_on).days
        if self.state == "missing":
            return (self.today - self.deadline.due_on).days
        return 0


def deadline_statuses(campaign: Campaign, participants: list[Participant], *, deadlines=None,
                      today: dt.date | None = None) -> list[DeadlineStatus]:
    """For each (participant, deadline of its group): what it sent, if anything. Two queries (deadlines, unless
    given, and submissions). A plan recorded with the registration before the office set a plan deadline counts
    for the plan deadline."""
    today = today or timezone.localdate()
    deadlines = deadlines if deadlines is not None else deadlines_for(campaign)
    units = [p for p in participants if p.kind in rules.REGISTERING_KINDS]
    if not units or not deadlines:
        return []
    sent: dict[tuple[int, int | None], Submission] = {}
    free_plans: dict[int, Submission] = {}
    for submission in Submission.objects.filter(participant__in=[p.pk for p in units]).filter(
            Q(deadline__in=[d.pk for d in deadlines]) | Q(deadline__isnull=True, kind=ReportingDeadline.Kind.PLAN)) \
            .order_by("submitted_on", "id"):
        if submission.deadline_id is None:
            free_plans.setdefault(submission.participant_id, submission)
        else:
            sent[(submission.participant_id, submission.deadline_id)] = submission
    statuses = []
    for deadline in deadlines:
        for participant in units:
            if participant.group not in (deadline.groups or []):
                continue
            submission = sent.get((participant.pk, deadline.pk))
            if submission is None and deadline.kind == ReportingDeadline.Kind.PLAN:
                submission = free_plans.get(participant.pk)
            statuses.append(DeadlineStatus(participant, deadline, submission, today))
    return statuses


@dataclass
class DeadlineReport:
    deadline: ReportingDeadline
    expected: int
    on_time: int
    late: list[DeadlineStatus]        # sent late or not sent, most days late first
    pending: int


def lateness(actor: Actor, campaign: Campaign, *, today: dt.date | None = None, group: str = "") \
        -> list[DeadlineReport]:
    """Per deadline: the units of the actor's territory that owe it, and who is late (not sent by the due date,
    or sent after it, with the days late). Three queries."""
    today = today or timezone.localdate()
    deadlines = deadlines_for(campaign)
    units = participants_visible(actor).filter(campaign=campaign, kind__in=rules.REGISTERING_KINDS)
    if group:
        units = units.filter(group=group)
    units = list(units.select_related("unit__parent__parent").order_by("group", "name", "id"))
    by_deadline: dict[int, list[DeadlineStatus]] = {d.pk: [] for d in deadlines}
    for status in deadline_statuses(campaign, units, deadlines=deadlines, today=today):
        by_deadline[status.deadline.pk].append(status)
    reports = []
    for deadline in deadlines:
        rows = by_deadline[deadline.pk]
        late = sorted((s for s in rows if s.state in ("late", "missing")),
                      key=lambda s: (-s.days_late, s.participant.name))
        reports.append(DeadlineReport(deadline=deadline, expected=len(rows),
                                      on_time=sum(1 for s in rows if s.state == "on_time"), late=late,
                                      pending=sum(1 for s in rows if s.state == "pending")))
    return reports


def participant_documents(participant: Participant) -> dict:
    """The participant's plan and reports (with their deadlines) and its evidence documents: two queries."""
    submissions = list(participant.submissions.select_related("deadline").order_by("submitted_on", "id"))
    documents = list(participant.evidence_documents.select_related("criterion").order_by("-uploaded_at", "-id"))
    return {"submissions": submissions, "documents": documents}


def participant_log(participant: Participant, *, limit: int = 50) -> list:
    from housing_campaign.core.models import DocumentEvent

    from .models import PARTICIPANT_DOCTYPE

    return list(DocumentEvent.objects.filter(doctype=PARTICIPANT_DOCTYPE, object_id=participant.pk)
                .select_related("actor").order_by("-at", "-id")[:limit])

"""Reports on residents' feedback (issue 13, item 5): the desk list's filters, counts by kind, commune and
outcome, how many are overdue, how long answers take (median and 90th percentile of the days from sending to
the published answer), and the rows of the Excel export. Every figure is computed over the same filtered,
territory-scoped queryset, with a fixed number of queries whatever the number of rows."""
from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor
from housing_campaign.core import validators
from housing_campaign.workflow.models import WorkflowState
from housing_campaign.workflow.sla import overdue_q

from .models import Feedback
from .selectors import awaiting_q, feedback_visible

OUTCOMES = dict(Feedback._meta.get_field("outcome").choices)


@dataclass
class FeedbackFilters:
    state: str = ""
    kind: str = ""
    outcome: str = ""
    commune: int | None = None
    overdue: bool = False
    holds: str = ""  # "" | "yes" | "no"
    sent_from: dt.date | None = None
    sent_to: dt.date | None = None
    mine: bool = False  # only what waits for the actor's action
    errors: list[str] = field(default_factory=list)  # what was typed and ignored, said on the page

    @classmethod
    def from_request(cls, data) -> FeedbackFilters:
        """Never raises: an unknown value is ignored, a date that cannot be read is named in ``errors``."""
        def text(name: str, max_length: int = 60) -> str:
            return validators.query_text(data.get(name, ""), max_length=max_length)

        errors = []
        dates = {}
        for name, label in (("sent_from", gettext("Gửi từ ngày")), ("sent_to", gettext("Gửi đến ngày"))):
            try:
                dates[name] = validators.parse_date(text(name, 20), label, required=False, allow_future=True)
            except validators.InputError as exc:
                errors.append(exc.message)
                dates[name] = None
        kind, outcome = text("kind"), text("outcome")
        return cls(state=text("state"), kind=kind if kind in Feedback.Kind.values else "",
                   outcome=outcome if outcome in OUTCOMES or outcome == "none" else "",
                   commune=validators.query_id(text("commune", 20)),
                   overdue=text("overdue") in ("1", "on", "true"),
                   holds=text("holds") if text("holds") in ("yes", "no") else "", mine=text("mine") == "1",
                   errors=errors, **dates)

    def query(self) -> dict[str, str]:
        """The filters as query parameters (for the export link and the pager)."""
        values = {"state": self.state, "kind": self.kind, "outcome": self.outcome,
                  "commune": str(self.commune or ""), "overdue": "1" if self.overdue else "", "holds": self.holds,
                  "sent_from": self.sent_from.strftime("%d/%m/%Y") if self.sent_from else "",
                  "sent_to": self.sent_to.strftime("%d/%m/%Y") if self.sent_to else "",
                  "mine": "1" if self.mine else ""}
        return {k: v for k, v in values.items() if v}


def feedback_filtered(actor: Actor, filters: FeedbackFilters) -> QuerySet:
    qs = feedback_visible(actor)
    if filters.mine:
        qs = qs.filter(awaiting_q(actor))
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.outcome == "none":
        qs = qs.filter(outcome="")
    elif filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.commune:
        qs = qs.filter(commune_id=filters.commune) | qs.filter(commune_2025_id=filters.commune)
    if filters.overdue:
        qs = qs.filter(overdue_q(Feedback.DOCTYPE))
    if filters.holds:
        qs = qs.filter(holds_case=filters.holds == "yes")
    tz = timezone.get_current_timezone()
    if filters.sent_from:
        qs = qs.filter(submitted_at__gte=dt.datetime.combine(filters.sent_from, dt.time.min, tzinfo=tz))
    if filters.sent_to:
        qs = qs.filter(submitted_at__lt=dt.datetime.combine(filters.sent_to + dt.timedelta(days=1), dt.time.min,
                                                            tzinfo=tz))
    return qs


def days_to_answer(submitted_at, answered_at) -> float | None:
    if not submitted_at or not answered_at:
        return None
    return round((answered_at - submitted_at).total_seconds() / 86400, 1)


def percentile(values: list[float], pct: float) -> float | None:
    """Linear interpolation between the closest ranks (as ``workflow.sla`` computes time in stage)."""
    ordered = sorted(values)
    if not ordered:
        return None
    k = (len(ordered) - 1) * pct
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def feedback_summary(qs: QuerySet) -> dict:
    """Counts by kind, commune and outcome, the number overdue, and the days to answer (median, 90th
    percentile) over the answered ones: five queries."""
    base = qs.order_by()
    kinds = dict(Feedback.Kind.choices)
    by_kind = [{"code": code, "label": kinds.get(code, code), "count": n}
               for code, n in base.values_list("kind").annotate(n=Count("id")).order_by("-n", "kind")]
    by_commune = [{"id": pk, "name": name, "count": n} for pk, name, n in
                  base.values_list("commune_id", "commune__name").annotate(n=Count("id"))
                  .order_by("-n", "commune__name")]
    by_outcome = [{"code": code, "label": OUTCOMES.get(code, gettext("Chưa có kết quả")), "count": n}
                  for code, n in base.values_list("outcome").annotate(n=Count("id")).order_by("-n", "outcome")]
    overdue = base.filter(overdue_q(Feedback.DOCTYPE)).count()
    days = [d for d in (days_to_answer(s, a) for s, a in base.filter(answered_at__isnull=False).values_list(
        "submitted_at", "answered_at").iterator(chunk_size=5000)) if d is not None]
    median = round(statistics.median(days), 1) if days else None
    p90 = percentile(days, 0.9)
    return {"total": sum(row["count"] for row in by_kind), "by_kind": by_kind, "by_commune": by_commune,
            "by_outcome": by_outcome, "overdue": overdue, "answered": len(days), "median_days": median,
            "p90_days": round(p90, 1) if p90 is not None else None}


def state_choices() -> list[tuple[str, str]]:
    """(code, label) of the feedback states of the active workflow, in the reader's language."""
    from housing_campaign.core.i18n import localized_label

    return [(code, localized_label({"label_vi": vi, "label_en": en})) for code, vi, en in
            WorkflowState.objects.filter(definition__doctype=Feedback.DOCTYPE, definition__is_active=True)
            .order_by("order", "id").values_list("code", "label_vi", "label_en")]


# The Excel export: the list's columns plus the days to answer, never the sender's name or phone.
EXPORT_COLUMNS = [("Mã theo dõi", "text"), ("Gửi lúc", "datetime"), ("Nội dung phản ánh về", "text"),
                  ("Xã", "text"), ("Huyện", "text"), ("Mã hồ sơ liên quan", "text"), ("Giữ hồ sơ", "text"),
                  ("Trạng thái", "text"), ("Quá hạn", "text"), ("Người được giao", "text"),
                  ("Kết quả giải quyết", "text"), ("Trả lời lúc", "datetime"), ("Số ngày đến khi trả lời", "decimal")]


def export_rows(qs: QuerySet):
    """Rows for ``core.spreadsheets``: values only (no model objects), over a server-side cursor. Labels are
    in Vietnamese whatever the interface language: the workbook is a document sent up."""
    states = dict(WorkflowState.objects.filter(definition__doctype=Feedback.DOCTYPE).values_list("code", "label_vi"))
    kinds = {k: str(v) for k, v in Feedback.Kind.choices}
    outcomes = {k: str(v) for k, v in OUTCOMES.items()}
    overdue_ids = set(qs.filter(overdue_q(Feedback.DOCTYPE)).values_list("pk", flat=True))
    for row in qs.order_by("-submitted_at", "-id").values_list(
            "pk", "code", "submitted_at", "kind", "commune__name", "commune__parent__name", "case__code",
            "holds_case", "state", "assignee__first_name", "assignee__last_name", "assignee__username", "outcome",
            "answered_at").iterator(chunk_size=2000):
        (pk, code, submitted, kind, commune, district, case_code, holds, state, first, last, username, outcome,
         answered) = row
        assignee = " ".join(p for p in (first, last) if p) or (username or "")
        days = days_to_answer(submitted, answered)
        yield [code, submitted, kinds.get(kind, kind), commune, district or "",
               case_code or "", "Có" if holds else "Không", states.get(state, state),
               "Có" if pk in overdue_ids else "Không", assignee, outcomes.get(outcome, ""),
               answered, days]

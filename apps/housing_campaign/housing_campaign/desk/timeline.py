"""The case timeline as people read it: who did what, when, from which state to which, why."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from housing_campaign.core.hookspec import side_effect_specs
from housing_campaign.core.models import DocumentEvent
from housing_campaign.core.selectors import side_effect_jobs_open_for
from housing_campaign.extrafields.services import extra_fields_for
from housing_campaign.workflow import registry
from housing_campaign.workflow.engine import compiled

# Keys of the timeline rows that are not fields of the case (core/events.py).
MONEY_LABELS = {"funding": "kinh phí", "acceptance": "nghiệm thu", "inspection": "kiểm tra giai đoạn",
                "release": "giải ngân"}


def _show(value):
    """Dates in the log are ISO; people read dd/mm/yyyy."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return value


def _name(user) -> str:
    if user is None:
        return "Hệ thống"
    return user.get_full_name() or user.username


def case_timeline(case) -> list[dict]:
    events = list(DocumentEvent.objects.filter(doctype="housing_case", object_id=case.pk).order_by("-at", "-id"))
    users = get_user_model().objects.in_bulk({e.actor_id for e in events} | {e.acting_for_id for e in events} - {None})
    spec = compiled(case.workflow_id)
    rows = []
    for e in events:
        changes = []
        for field, (old, new) in (e.changes or {}).items():
            if field == "state":
                continue
            label = MONEY_LABELS.get(field) or registry.field_label("housing_case", field)
            changes.append({"field": label, "old": _show(old), "new": _show(new)})
        rows.append({
            "at": e.at, "kind": e.kind, "kind_label": e.get_kind_display(), "actor": _name(users.get(e.actor_id)),
            "acting_for": _name(users[e.acting_for_id]) if e.acting_for_id in users else "",
            "from": spec.state_label(e.from_state) if e.from_state else "",
            "to": spec.state_label(e.to_state) if e.to_state else "", "action": e.action, "comment": e.comment,
            "changes": changes, "data": e.data,
        })
    labels = {name: spec["label"] for name, spec in side_effect_specs().items()}
    for job in side_effect_jobs_open_for(doctype="housing_case", object_id=case.pk):
        rows.append({"at": job.created_at, "kind": "job", "kind_label": job.get_status_display(),
                     "actor": "Hệ thống", "acting_for": "", "from": "", "to": "", "action": job.name,
                     "comment": "", "changes": [],
                     "data": {"label": labels.get(job.name, job.name), "attempts": job.attempts,
                              "max_attempts": job.max_attempts, "next_attempt_at": job.next_attempt_at,
                              "failed": job.status == job.Status.FAILED, "reference": job.pk}})
    rows.sort(key=lambda row: row["at"], reverse=True)
    return rows


def extra_display(case) -> list[tuple[str, object]]:
    values = case.extra or {}
    shown = []
    for field in extra_fields_for("housing_case", include_retired=True):
        if field.code in values:
            value = values[field.code]
            if field.field_type == "choice":
                value = dict((str(c[0]), c[1]) for c in field.choices).get(str(value), value)
            if field.field_type == "boolean":
                value = "Có" if value else "Không"
            shown.append((field.label_vi + ("" if field.is_active else " (ngừng dùng)"), value))
    return shown

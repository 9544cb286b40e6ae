"""The case timeline as people read it, in their language: who did what, when, from which state to which, why."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils.translation import gettext, gettext_noop

from housing_campaign.core.hookspec import side_effect_label
from housing_campaign.core.i18n import localized_label, render_message, translate_stored
from housing_campaign.core.models import DocumentEvent
from housing_campaign.core.selectors import side_effect_jobs_open_for
from housing_campaign.extrafields.services import extra_fields_for
from housing_campaign.workflow import registry
from housing_campaign.workflow.labels import event_labels


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
        return gettext("Hệ thống")
    return user.get_full_name() or user.username


# Changes recorded under names that are not fields of the case.
CHANGE_LABELS = {"funding": gettext_noop("kinh phí"), "acceptance": gettext_noop("nghiệm thu"),
                 "inspection": gettext_noop("kiểm tra giai đoạn"), "release": gettext_noop("giải ngân"),
                 "posting": gettext_noop("niêm yết công khai")}
CHANGE_LABELS["feedback"] = gettext_noop("phản ánh của người dân")


def case_timeline(case) -> list[dict]:
    """The rows in the reader's language: states and actions by their labels (of the version each row was
    recorded on), notes written by services rendered from their stored messages (core/i18n.py)."""
    return document_timeline("housing_case", case.pk)


def document_timeline(doctype: str, object_id: int, *, values: dict | None = None) -> list[dict]:
    """Any document's timeline (see ``case_timeline``); ``values``: {field: {stored value: label}} for
    fields whose changes are stored as codes."""
    values = values or {}
    events = list(DocumentEvent.objects.filter(doctype=doctype, object_id=object_id).order_by("-at", "-id"))
    users = get_user_model().objects.in_bulk({e.actor_id for e in events} | {e.acting_for_id for e in events} - {None})
    versions: dict = {}
    rows = []
    for e in events:
        stored = (e.data or {}).get("messages") or {}
        changes = []
        for field, (old, new) in (e.changes or {}).items():
            if field == "state":
                continue
            if field in CHANGE_LABELS:
                label = gettext(CHANGE_LABELS[field])
                new = render_message(stored[field]) if field in stored else translate_stored(new)
                if f"{field}_old" in stored:
                    old = render_message(stored[f"{field}_old"])
            else:
                label = registry.field_label(doctype, field)
                if field in values:
                    old, new = values[field].get(old, old), values[field].get(new, new)
            changes.append({"field": label, "old": _show(old), "new": _show(new)})
        names = event_labels(e, versions)
        rows.append({
            "at": e.at, "kind": e.kind, "kind_label": e.get_kind_display(),
            # Without an actor: a resident's feedback from the public page (marked so), or the system.
            "actor": gettext("Người dân") if (e.data or {}).get("by") == "resident"
            else _name(users.get(e.actor_id)),
            "acting_for": _name(users[e.acting_for_id]) if e.acting_for_id in users else "",
            "from": names["from"], "to": names["to"], "action": e.action, "action_label": names["action"],
            "comment": render_message(stored["comment"]) if "comment" in stored else e.comment,
            "changes": changes, "data": e.data,
        })
    for job in side_effect_jobs_open_for(doctype=doctype, object_id=object_id):
        rows.append({"at": job.created_at, "kind": "job", "kind_label": job.get_status_display(),
                     "actor": gettext("Hệ thống"), "acting_for": "", "from": "", "to": "", "action": job.name,
                     "action_label": side_effect_label(job.name), "comment": "", "changes": [],
                     "data": {"label": side_effect_label(job.name), "attempts": job.attempts,
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
                value = gettext("Có") if value else gettext("Không")
            label = localized_label(field)
            shown.append((label if field.is_active else gettext("%(label)s (ngừng dùng)") % {"label": label}, value))
    return shown

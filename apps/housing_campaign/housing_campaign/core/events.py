"""The timeline's event kinds, one builder each (Saleor's ``order/events.py``).

Every row of the append-only ``DocumentEvent`` log is built here, so the case timeline, reports "as
of a date" and (later) webhooks read one documented shape. A builder returns an unsaved row so a
bulk action can write thousands with one ``bulk_create``; ``event_save`` writes one.

Shapes (besides doctype, object_id, kind, at, actor, acting_for):
- created:    to_state, workflow_version
- edited:     changes {field: [old, new]}, comment (optional); data may name the record touched
              (``funding_line``, ``acceptance``)
- transition: from_state, to_state, action, comment, workflow_version, changes {"state": [old, new]}
- approval:   from_state (a vote does not move the document), action, comment, workflow_version,
              data {"votes": n, "quorum": m}
- attachment: comment (the caption), data {"attachment": id, "name": file name, "kind": photo|document}
- migrated:   from_state, to_state, workflow_version (target), data {"from_version", "to_version",
              "job": the background migration's id, when it ran as one}
- escalated:  from_state (the overdue state), data {"recipients": number of people notified}
- document:   comment (what was issued/revoked, with its number), data {"document": id, "certificate": code,
              "number": the certificate's number}
- money (kind "edited", so every reader of the log handles it): changes {"funding" | "inspection" |
              "release": [old, new]} in words, comment (reason, notes), data {"allocation" | "inspection" |
              "release": id, "amount": đồng} (``allocation_event``, ``allocation_cancelled_event``,
              ``inspection_event``, ``release_event``)

Text a person reads later is kept in Vietnamese and, where a service gives it as a stored message
(core/i18n.py), also in ``data["messages"]`` ({"comment": message, "<change field>": message}), so the
timeline shows it in the reader's language.
"""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_noop

from .i18n import render_message
from .models import DocumentEvent

Kind = DocumentEvent.Kind


def _event(kind: str, *, doctype: str, object_id: int, actor_id: int | None, at: dt.datetime | None = None,
           acting_for_id: int | None = None, **fields) -> DocumentEvent:
    return DocumentEvent(doctype=doctype, object_id=object_id, kind=kind, at=at or timezone.now(),
                         actor_id=actor_id, acting_for_id=acting_for_id, **fields)


def event_save(event: DocumentEvent) -> DocumentEvent:
    event.save(force_insert=True)
    return event


def created_event(*, doctype: str, object_id: int, actor_id: int | None, state: str,
                  workflow_version: int | None, at: dt.datetime | None = None) -> DocumentEvent:
    return _event(Kind.CREATED, doctype=doctype, object_id=object_id, actor_id=actor_id, at=at, to_state=state,
                  workflow_version=workflow_version)


def edited_event(*, doctype: str, object_id: int, actor_id: int | None, changes: dict[str, list],
                 comment: str = "", data: dict | None = None) -> DocumentEvent:
    return _event(Kind.EDITED, doctype=doctype, object_id=object_id, actor_id=actor_id, changes=changes,
                  comment=comment, data=data or {})


def transition_event(*, doctype: str, object_id: int, actor_id: int, acting_for_id: int | None, from_state: str,
                     to_state: str, action: str, comment: str, workflow_version: int,
                     at: dt.datetime) -> DocumentEvent:
    return _event(Kind.TRANSITION, doctype=doctype, object_id=object_id, actor_id=actor_id, at=at,
                  acting_for_id=acting_for_id, from_state=from_state, to_state=to_state, action=action,
                  comment=comment, workflow_version=workflow_version, changes={"state": [from_state, to_state]})


def approval_event(*, doctype: str, object_id: int, actor_id: int, acting_for_id: int | None, state: str,
                   action: str, comment: str, workflow_version: int, votes: int, quorum: int,
                   at: dt.datetime) -> DocumentEvent:
    return _event(Kind.APPROVAL, doctype=doctype, object_id=object_id, actor_id=actor_id, at=at,
                  acting_for_id=acting_for_id, from_state=state, action=action, comment=comment,
                  workflow_version=workflow_version, data={"votes": votes, "quorum": quorum})


def attachment_event(*, doctype: str, object_id: int, actor_id: int, attachment_id: int, name: str, kind: str,
                     caption: str = "") -> DocumentEvent:
    return _event(Kind.ATTACHMENT, doctype=doctype, object_id=object_id, actor_id=actor_id, comment=caption,
                  data={"attachment": attachment_id, "name": name, "kind": kind})


def migrated_event(*, doctype: str, object_id: int, actor_id: int, from_state: str, to_state: str,
                   from_version: int, to_version: int, at: dt.datetime, job_id: int | None = None) -> DocumentEvent:
    """One row per moved document, read "chuyển sang quy trình phiên bản N" with its old and new state
    (even when the state's code is the same): never a transition to itself."""
    data = {"from_version": from_version, "to_version": to_version}
    if job_id is not None:
        data["job"] = job_id  # the background migration that moved it
    return _event(Kind.MIGRATED, doctype=doctype, object_id=object_id, actor_id=actor_id, at=at,
                  from_state=from_state, to_state=to_state, workflow_version=to_version, data=data)


def escalated_event(*, doctype: str, object_id: int, state: str, recipients: int, at: dt.datetime) -> DocumentEvent:
    return _event(Kind.ESCALATED, doctype=doctype, object_id=object_id, actor_id=None, at=at, from_state=state,
                  data={"recipients": recipients})


def document_event(*, doctype: str, object_id: int, actor_id: int | None, comment: str = "",
                   message: dict | None = None, document_id: int | None = None,
                   certificate: str | None = None, number: str | None = None) -> DocumentEvent:
    """``message``: what was issued or revoked as a stored message (core/i18n.py), read in the reader's
    language; ``comment`` keeps it in Vietnamese (or is given as text by older callers). ``certificate`` and
    ``number``: the certificate's code and number, when the row is about one (webhooks send them)."""
    data = {k: v for k, v in {"document": document_id, "certificate": certificate, "number": number}.items()
            if v is not None}
    if message:
        data["messages"] = {"comment": message}
        comment = render_message(message, source=True)
    return _event(Kind.DOCUMENT, doctype=doctype, object_id=object_id, actor_id=actor_id, comment=comment, data=data)


def _stored_note(field: str, text: dict, old: dict | None = None) -> tuple[dict, dict]:
    """A note under a name that is not a field of the document (money, postings, feedback), as a stored
    message (core/i18n.py): kept in Vietnamese in ``changes``, read in the reader's language from
    ``data["messages"]`` (desk/timeline.py)."""
    messages = {field: text}
    if old is not None:
        messages[f"{field}_old"] = old
    changes = {field: [render_message(old, source=True) if old is not None else None,
                       render_message(text, source=True)]}
    return changes, messages


def allocation_event(*, doctype: str, object_id: int, actor_id: int | None, allocation_id: int, text: dict,
                     amount: int, comment: str = "") -> DocumentEvent:
    """Money allocated to the case from a pool (``text``: source, portion and amount, a stored message)."""
    changes, messages = _stored_note("funding", text)
    return _event(Kind.EDITED, doctype=doctype, object_id=object_id, actor_id=actor_id, comment=comment,
                  changes=changes, data={"allocation": allocation_id, "amount": amount, "messages": messages})


def allocation_cancelled_event(*, doctype: str, object_id: int, actor_id: int, allocation_id: int, text: dict,
                               amount: int, reason: str) -> DocumentEvent:
    changes, messages = _stored_note("funding", {"msg": gettext_noop("đã hủy, hoàn lại quỹ")}, old=text)
    return _event(Kind.EDITED, doctype=doctype, object_id=object_id, actor_id=actor_id, comment=reason,
                  changes=changes, data={"allocation": allocation_id, "amount": -amount, "messages": messages})


def inspection_event(*, doctype: str, object_id: int, actor_id: int, inspection_id: int, text: dict,
                     notes: str = "") -> DocumentEvent:
    changes, messages = _stored_note("inspection", text)
    return _event(Kind.EDITED, doctype=doctype, object_id=object_id, actor_id=actor_id, comment=notes,
                  changes=changes, data={"inspection": inspection_id, "messages": messages})


def release_event(*, doctype: str, object_id: int, actor_id: int, release_id: int, text: dict,
                  amount: int) -> DocumentEvent:
    changes, messages = _stored_note("release", text)
    return _event(Kind.EDITED, doctype=doctype, object_id=object_id, actor_id=actor_id,
                  changes=changes, data={"release": release_id, "amount": amount, "messages": messages})


def posting_event(*, object_id: int, actor_id: int | None, posting_id: int, text: dict,
                  comment: str = "") -> DocumentEvent:
    """A case put on a public posting (or the posting cancelled): ``text`` says which posting and its period,
    as a stored message (kind "edited", so every reader of the log handles it)."""
    changes, messages = _stored_note("posting", text)
    return _event(Kind.EDITED, doctype="housing_case", object_id=object_id, actor_id=actor_id, comment=comment,
                  changes=changes, data={"posting": posting_id, "messages": messages})


def feedback_event(*, object_id: int, actor_id: int | None, feedback_id: int, text: dict,
                   at: dt.datetime | None = None, by_resident: bool = False) -> DocumentEvent:
    """Residents' feedback about the case: received, answered, resolved (``text``: a stored message naming the
    tracking code, the kind and whether it holds the case). Never the sender's name or phone. ``by_resident``:
    written when a resident sent it from the public form (no account: data["by"] = "resident")."""
    changes, messages = _stored_note("feedback", text)
    data = {"feedback": feedback_id, "messages": messages, **({"by": "resident"} if by_resident else {})}
    return _event(Kind.EDITED, doctype="housing_case", object_id=object_id, actor_id=actor_id, at=at,
                  changes=changes, data=data)

"""The API's answers as plain JSON-ready dicts, shaped as ``serializers`` documents them. Lists read ``values()``
rows (a fixed number of queries whatever the page size, no model instances); a detail reads what the desk's case
page reads."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone

from housing_campaign.core.i18n import localized_label, render_message, translate_stored
from housing_campaign.workflow.engine import compiled
from housing_campaign.workflow.sla import sla_status


def when(value, tz=None):
    """A datetime in the site's time zone, a date as YYYY-MM-DD, None as None (ISO 8601, as the schema says).
    A list passes ``tz`` (the current time zone, looked up once): the lookup per value is a thread-local read
    that cost more than the rest of a row."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.isoformat()
        return value.astimezone(tz or timezone.get_current_timezone()).isoformat()
    return value.isoformat()


def decimal(value) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def unit_ref(unit) -> dict | None:
    if unit is None:
        return None
    return {"id": unit.pk, "system": unit.system, "level": unit.level, "code": unit.code, "name": unit.name}


def _unit_from(row: dict, prefix: str) -> dict | None:
    if row.get(f"{prefix}_id") is None:
        return None
    return {"id": row[f"{prefix}_id"], "system": row[f"{prefix}__system"], "level": row[f"{prefix}__level"],
            "code": row[f"{prefix}__code"], "name": row[f"{prefix}__name"]}


def unit_values(prefix: str) -> list[str]:
    return [f"{prefix}_id", *(f"{prefix}__{f}" for f in ("system", "level", "code", "name"))]


# ---------------------------------------------------------------------------- cases
# The list reads the page in one query (the case with its household, campaign, strand and village; the territory's
# index serves the filter and the order), and the units from a memo of the administrative units, which are reference
# data loaded by ``sync`` and never edited: a fixed number of queries whatever the page size.
_UNITS: dict[int, dict] = {}
_UNIT_FIELDS = ("id", "system", "level", "code", "name")


def unit_refs(ids: set[int]) -> dict[int, dict]:
    """{id: unit reference} of administrative units, read once per process."""
    from housing_campaign.geography.models import AdminUnit

    missing = [i for i in ids if i not in _UNITS]
    if missing:
        _UNITS.update({u["id"]: u for u in AdminUnit.objects.filter(pk__in=missing).values(*_UNIT_FIELDS)})
    return {i: _UNITS[i] for i in ids if i in _UNITS}


def unit_by_code(system: str, code: str) -> tuple[str, str] | None:
    """(path, level) of a unit by its system and code (memoized, like ``unit_refs``)."""
    from housing_campaign.geography.models import AdminUnit

    key = (system, code)
    if key not in _BY_CODE:
        found = AdminUnit.objects.filter(system=system, code=code).values_list("path", "level").first()
        if found is None:
            return None  # never memoized: what a client invents must not grow the memo
        _BY_CODE[key] = found
    return _BY_CODE[key]


_BY_CODE: dict[tuple[str, str], tuple[str, str]] = {}
CASE_COLUMNS = ["id", "code", "campaign_id", "household_id", "household__code", "household__head_name",
                "household__category", "commune_id", "commune_2025_id", "village_id", "strand_id", "support_type",
                "support_amount", "priority", "state", "stage", "state_since", "workflow_id", "lock_version",
                "progress_percent", "is_eligible", "surveyed_on", "handed_over_on", "created_at"]
_CODES: dict[str, tuple[float, dict[int, str]]] = {}
CODES_TTL_SECONDS = 60


def _codes(model) -> dict[int, str]:
    """{id: code} of a small table of reference data (campaigns, strands), re-read at most once a minute: a
    renamed code shows within a minute, and the list's one query needs no join for it."""
    import time

    key = model._meta.label_lower
    read_at, codes = _CODES.get(key, (0.0, {}))
    if time.monotonic() - read_at > CODES_TTL_SECONDS:
        codes = dict(model.objects.values_list("id", "code"))
        _CODES[key] = (time.monotonic(), codes)
    return codes


def _codes_missing(model, pk: int) -> str:
    """A record created since the memo was read: read it now (and the memo with it)."""
    _CODES.pop(model._meta.label_lower, None)
    return _codes(model).get(pk, "")


def case_list_items(rows: list[dict], request, *, now: dt.datetime | None = None) -> list[dict]:
    if not rows:
        return []

    def ids(name: str) -> set:
        return {r[name] for r in rows if r[name] is not None}

    from housing_campaign.campaigns.models import Campaign, Strand
    from housing_campaign.geography.models import Village

    units = unit_refs(ids("commune_id") | ids("commune_2025_id"))
    campaigns, strands = _codes(Campaign), _codes(Strand)
    village_ids = ids("village_id")
    villages = dict(Village.objects.filter(pk__in=village_ids).values_list("id", "name")) if village_ids else {}
    base = case_url(request, "")
    labels: dict = {}
    tz = timezone.get_current_timezone()
    items = []
    for r in rows:
        row = {**r, "campaign__code": campaigns.get(r["campaign_id"]) or _codes_missing(Campaign, r["campaign_id"]),
               "strand__code": strands.get(r["strand_id"]) or _codes_missing(Strand, r["strand_id"]),
               "village__name": villages.get(r["village_id"])}
        for prefix in ("commune", "commune_2025"):
            unit = units.get(r[f"{prefix}_id"])
            for f in ("system", "level", "code", "name"):
                row[f"{prefix}__{f}"] = unit[f] if unit else None
        items.append(case_list_item(row, request, now=now, base_url=base, labels=labels, tz=tz))
    return items


def case_url(request, code: str) -> str:
    if not code:
        return request.build_absolute_uri(reverse("api:cases"))
    return request.build_absolute_uri(reverse("api:case", args=[code]))


def case_list_item(row: dict, request, *, now: dt.datetime | None = None, base_url: str | None = None,
                   labels: dict | None = None, tz=None) -> dict:
    """One case of a list. ``base_url``, ``labels`` (a memo of state labels) and ``tz`` spare a list the per-row
    work."""
    spec = compiled(row["workflow_id"])
    sla = sla_status(SimpleNamespace(workflow_id=row["workflow_id"], state=row["state"],
                                     state_since=row["state_since"]), now=now)
    key = (row["workflow_id"], row["state"])
    if labels is None or key not in (labels or {}):
        label = spec.state_label(row["state"])
        if labels is not None:
            labels[key] = label
    else:
        label = labels[key]
    url = f"{base_url}{quote(row['code'], safe='')}/" if base_url else case_url(request, row["code"])
    return {
        "code": row["code"], "url": url, "campaign": row["campaign__code"],
        "household": row["household__code"], "head_name": row["household__head_name"],
        "category": row["household__category"], "commune": _unit_from(row, "commune"),
        "commune_2025": _unit_from(row, "commune_2025"), "village": row["village__name"],
        "strand": row["strand__code"], "support_type": row["support_type"], "support_amount": row["support_amount"],
        "priority": row["priority"], "state": row["state"], "state_label": label,
        "stage": row["stage"], "state_since": when(row["state_since"], tz), "overdue": sla["overdue"],
        "workflow_version": spec.version, "lock_version": row["lock_version"],
        "progress_percent": row["progress_percent"], "is_eligible": row["is_eligible"],
        "surveyed_on": when(row["surveyed_on"]), "handed_over_on": when(row["handed_over_on"]),
        "created_at": when(row["created_at"], tz),
    }


def case_as_row(case) -> dict:
    """A loaded case as the ``values()`` row a list reads (one shape for list and detail)."""
    row = {"id": case.pk, "code": case.code, "campaign__code": case.campaign.code,
           "household__code": case.household.code, "household__head_name": case.household.head_name,
           "household__category": case.household.category, "village__name": case.village.name if case.village else None,
           "strand__code": case.strand.code}
    for prefix in ("commune", "commune_2025"):
        unit = getattr(case, prefix)
        row[f"{prefix}_id"] = unit.pk if unit else None
        for f in ("system", "level", "code", "name"):
            row[f"{prefix}__{f}"] = getattr(unit, f) if unit else None
    for f in ("support_type", "support_amount", "priority", "state", "stage", "state_since", "workflow_id",
              "lock_version", "progress_percent", "is_eligible", "surveyed_on", "handed_over_on", "created_at"):
        row[f] = getattr(case, f)
    return row


def action_options(actor, case) -> list[dict]:
    from housing_campaign.workflow import engine

    return [{"action": o.action, "label": o.label, "kind": o.transition.kind, "target": o.transition.target,
             "allowed": o.allowed, "comment_required": o.transition.comment_required, "reasons": list(o.reasons),
             "codes": [str(c) for c in o.codes], "missing_fields": [m.name for m in o.missing]}
            for o in engine.actions_for(actor=actor, doctype="housing_case", document=case)]


def funding(case) -> dict:
    from housing_campaign.funding.selectors import case_money

    money = case_money(case)
    return {
        "norm": money.norm, "state_allocated": money.state, "topup": money.topup.amount,
        "topup_allocated": money.topup_allocated, "community": money.community, "household": money.household,
        "loan": money.loan, "in_kind": money.in_kind, "total_support": money.total_support,
        "released": money.released,
        "allocations": [{"id": a.pk, "source": a.source, "portion": a.portion, "amount": a.amount,
                         "decision_number": a.decision_number, "decision_date": when(a.decision_date),
                         "created_at": when(a.created_at), "cancelled_at": when(a.cancelled_at)}
                        for a in money.allocations],
        "releases": [{"tranche": row["tranche"].name, "amount": row["release"].amount,
                      "released_on": when(row["release"].released_on), "reference": row["release"].reference}
                     for row in money.tranches if row["release"] is not None],
        "inspections": [{"id": i.pk, "stage": i.stage, "inspected_on": when(i.inspected_on), "result": i.result,
                         "notes": i.notes} for i in money.inspections],
    }


def case_detail(actor, case, request) -> dict:
    from housing_campaign.cases.eligibility import eligibility_display
    from housing_campaign.cases.models import Acceptance
    from housing_campaign.cases.services import acceptance_reasons
    from housing_campaign.workflow import engine

    item = case_list_item(case_as_row(case), request)
    can_edit, edit_reason = engine.can_edit(actor=actor, document=case)
    acceptance = Acceptance.objects.filter(case=case).first()
    progress = list(case.progress_entries.select_related("recorded_by").prefetch_related("photos"))
    item.update({
        "floor_area": decimal(case.floor_area), "persons": case.persons, "foundation": case.foundation,
        "frame_walls": case.frame_walls, "roof": case.roof, "remaining_lifespan_years": case.remaining_lifespan_years,
        "survey_note": case.survey_note, "village_meeting_on": when(case.village_meeting_on),
        "village_meeting_total": case.village_meeting_total, "village_meeting_agree": case.village_meeting_agree,
        "commune_list_number": case.commune_list_number,
        "eligibility": [{"rule": str(r.get("code", "")), "passed": r.get("passed"), "reason": str(r.get("reason", ""))}
                        for r in eligibility_display(case.eligibility)],
        "approval_decision_number": case.approval_decision_number,
        "approval_decision_date": when(case.approval_decision_date),
        "construction_started_on": when(case.construction_started_on), "extra": dict(case.extra or {}),
        "can_edit": can_edit, "edit_reason": edit_reason, "actions": action_options(actor, case),
        "funding": funding(case),
        "progress": [{"id": p.pk, "date": when(p.date), "stage": p.stage, "percent": p.percent, "note": p.note,
                      "recorded_by": p.recorded_by.username if p.recorded_by else None,
                      "photos": [photo.pk for photo in p.photos.all()]} for p in progress],
        "acceptance": None if acceptance is None else {
            "usable_area": decimal(acceptance.usable_area), "hard_foundation": acceptance.hard_foundation,
            "hard_frame": acceptance.hard_frame, "hard_roof": acceptance.hard_roof,
            "lifespan_years": acceptance.lifespan_years, "accepted_on": when(acceptance.accepted_on),
            "result": acceptance.result, "note": acceptance.note,
            "checklist": acceptance_reasons(acceptance, case.campaign)},
        "certificates": [{"code": c.code, "number": c.number_text, "status": c.status, "issued_at": when(c.issued_at),
                          "revoked_at": when(c.revoked_at), "revoke_reason": c.revoke_reason}
                         for c in case.certificates.order_by("-issued_at")],
        "attachments": [attachment(a) for a in case.attachments.all()],
    })
    return item


def attachment(a) -> dict:
    return {"id": a.pk, "stage": a.stage, "kind": a.kind, "name": a.original_name, "content_type": a.content_type,
            "size": a.size, "caption": a.caption, "taken_at": when(a.taken_at), "latitude": a.latitude,
            "longitude": a.longitude, "progress": a.progress_id, "uploaded_at": when(a.uploaded_at)}


def outcome(result, code: str) -> dict:
    return {"case": code, "ok": result.ok, "code": str(result.code or ""), "message": str(result.message),
            "from_state": result.from_state, "to_state": result.to_state, "vote_recorded": result.vote_recorded}


def document_outcome(result, code: str) -> dict:
    """The engine's Outcome for a feedback or a nomination (``document``: its code)."""
    item = outcome(result, code)
    item["document"] = item.pop("case")
    return item


# ---------------------------------------------------------------------------- households
HOUSEHOLD_VALUES = ["id", "code", "head_name", "national_id", "category", "ethnicity", "is_ethnic_minority",
                    "social_assistance", "split_on", "earlier_support", "land_status", *unit_values("commune"),
                    "village__name", "address", "phone"]


def household_item(row: dict, cases: list[str]) -> dict:
    return {"code": row["code"], "head_name": row["head_name"], "national_id": row["national_id"],
            "category": row["category"], "ethnicity": row["ethnicity"], "is_ethnic_minority": row["is_ethnic_minority"],
            "social_assistance": row["social_assistance"], "split_on": when(row["split_on"]),
            "earlier_support": row["earlier_support"], "land_status": row["land_status"],
            "commune": _unit_from(row, "commune"), "village": row["village__name"], "address": row["address"],
            "phone": row["phone"], "cases": cases}


# ---------------------------------------------------------------------------- events
def event_item(row: dict, users: dict[int, str]) -> dict:
    data = dict(row["data"] or {})
    comment = row["comment"]
    stored = (data.get("messages") or {}).get("comment")
    if stored:
        comment = render_message(stored)
    return {"id": row["id"], "kind": row["kind"], "at": when(row["at"]), "actor": users.get(row["actor_id"]),
            "acting_for": users.get(row["acting_for_id"]), "from_state": row["from_state"],
            "to_state": row["to_state"], "action": row["action"], "comment": comment,
            "workflow_version": row["workflow_version"], "changes": row["changes"] or {}, "data": data}


EVENT_VALUES = ["id", "kind", "at", "actor_id", "acting_for_id", "from_state", "to_state", "action", "comment",
                "workflow_version", "changes", "data"]


# ---------------------------------------------------------------------------- reference data
def unit_item(unit, *, villages: bool = False) -> dict:
    item = {**unit_ref(unit), "short_name": unit.short_name, "parent": unit_ref(unit.parent), "path": unit.path,
            "successor": unit_ref(unit.successor),
            "predecessors": [unit_ref(p) for p in getattr(unit, "api_predecessors", unit.predecessors.all())]}
    if villages:
        item["villages"] = [{"id": v.pk, "name": v.name} for v in unit.villages.all()]
    return item


def state_item(s) -> dict:
    return {"code": s.code, "label": localized_label(s), "label_vi": s.label_vi, "label_en": s.label_en,
            "stage": s.stage, "edit_roles": list(s.edit_roles), "required_fields": list(s.required_fields),
            "sla_days": s.sla_days, "is_terminal": s.is_terminal}


def transition_item(t) -> dict:
    from housing_campaign.core.i18n import localized

    return {"source": t.source, "action": t.action, "label": localized_label(t), "target": t.target, "kind": t.kind,
            "roles": list(t.roles), "condition": t.condition,
            "condition_message": localized(t.condition_message, t.condition_message_en),
            "comment_required": t.comment_required, "allow_previous_actor": t.allow_previous_actor,
            "quorum": t.quorum, "territory_rule": t.territory_rule, "automatic": t.automatic}


def stored_text(value: str) -> str:
    return translate_stored(value or "")

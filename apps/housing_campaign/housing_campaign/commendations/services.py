"""Writes on commendation nominations: who may nominate whom for which award (competence, territory,
duplicates), and the steps of the commendation workflow that record documents."""
from __future__ import annotations

import json
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from housing_campaign.accounts.selectors import Actor
from housing_campaign.core import validators
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.events import created_event, event_save
from housing_campaign.core.locks import lock_own_rows
from housing_campaign.core.services import sequence_next
from housing_campaign.core.sideeffects import doc_events_emit
from housing_campaign.geography.models import AdminUnit
from housing_campaign.geography.selectors import in_text
from housing_campaign.workflow import engine

from . import documents
from .documents import committee_name
from .models import NO_AWARD_STATES, AwardDocument, AwardForm, Nomination, Proposer

logger = logging.getLogger(__name__)
DOCTYPE = Nomination.DOCTYPE
ACHIEVEMENT_MAX = 4000
EVIDENCE_MAX_BYTES = 200_000

# At the province, the kind of body a role nominates for: the emulation office prepares the province's own
# proposals (national awards, after the council) and proposes as a department (Sở Nội vụ); the Fatherland
# Front for the provincial Front and mass organisations; the province's reviewers for their department.
PROVINCIAL_PROPOSERS = {
    "emulation_office": (Proposer.PROVINCE, Proposer.DEPARTMENT),
    "administrator": (Proposer.PROVINCE, Proposer.DEPARTMENT),
    "fatherland_front": (Proposer.PROVINCIAL_ORGANISATION,),
    "reviewer": (Proposer.DEPARTMENT,),
}
# The name a department proposing through a role goes by (followed by the province's name).
DEPARTMENT_NAMES = {"emulation_office": "Sở Nội vụ", "reviewer": "Sở Xây dựng", "administrator": "Sở Nội vụ"}


def nomination_unit_paths(unit: AdminUnit) -> tuple[str, str]:
    successor = unit.successor if unit.system == AdminUnit.System.LEGACY else unit
    legacy = unit.path if unit.system == AdminUnit.System.LEGACY else ""
    return legacy, successor.path if successor else ""


def nominating_roles() -> tuple[str, ...]:
    """Roles that may file a nomination: those that edit the initial state of the active commendation
    workflow (data: an administrator changes who nominates by changing the workflow)."""
    definition = engine.active_definition(DOCTYPE)
    spec = engine.compiled(definition.id)
    return spec.states[spec.initial_state].edit_roles


def proposer_options(actor: Actor, unit: AdminUnit) -> list[tuple[str, str]]:
    """The kinds of proposing body (with their names) the actor may nominate for from ``unit``."""
    roles = set(nominating_roles())
    paths = nomination_unit_paths(unit)
    held = set()
    for authority in actor.all_authorities:
        if authority.covers(*[p for p in paths if p]):
            held |= authority.roles & roles
    if not held:
        return []
    if unit.level == AdminUnit.Level.COMMUNE:
        return [(Proposer.COMMUNE, committee_name(unit))]
    if unit.level == AdminUnit.Level.DISTRICT:
        return [(Proposer.DISTRICT, committee_name(unit))]
    options: list[tuple[str, str]] = []
    for role in sorted(held):
        for kind in PROVINCIAL_PROPOSERS.get(role, ()):
            if kind == Proposer.PROVINCE:
                name = committee_name(unit)
            elif kind == Proposer.PROVINCIAL_ORGANISATION:
                name = f"Ủy ban Mặt trận Tổ quốc Việt Nam {in_text(unit.name)}"
            else:
                name = f"{DEPARTMENT_NAMES.get(role, 'Sở Nội vụ')} {in_text(unit.name)}"
            if kind not in [k for k, _ in options]:
                options.append((kind, name))
    return options


def proposers_label(kinds) -> str:
    labels = dict(Proposer.choices)
    return ", ".join(str(labels.get(k, k)) for k in kinds)


def nomination_check_actor(actor: Actor, nomination: Nomination) -> None:
    if actor.read_only:
        raise ServiceError(gettext("Tài khoản của bạn chỉ có quyền xem."), code=ErrorCode.PERMISSION_DENIED)
    if not any(a.covers(*engine.document_paths(nomination)) for a in actor.all_authorities):
        raise ServiceError(gettext("%(unit)s nằm ngoài địa bàn bạn phụ trách.") % {
            "unit": nomination.proposing_unit.name}, field="proposing_unit", code=ErrorCode.OUT_OF_TERRITORY)


def _default_proposing_unit(actor: Actor, participant) -> AdminUnit:
    """The actor's own unit that contains the participant (the deepest one when several do)."""
    candidates = [p for p in actor.own.paths if p and (participant.unit_path.startswith(p)
                                                       or participant.unit_2025_path.startswith(p))]
    if not candidates:
        candidates = [p for a in actor.delegated for p in a.paths
                      if p and (participant.unit_path.startswith(p) or participant.unit_2025_path.startswith(p))]
    if not candidates and any(a.everywhere for a in actor.all_authorities):
        return participant.unit
    if not candidates:
        raise ServiceError(gettext("%(name)s nằm ngoài địa bàn bạn phụ trách.") % {"name": participant.name},
                           field="participant", code=ErrorCode.OUT_OF_TERRITORY)
    return AdminUnit.objects.get(path=max(candidates, key=len))


def _evidence_of_the_day(campaign, participant) -> dict:
    """What the records show for the participant today (the emulation movement's evidence, computed above this
    layer and reached through ``hooks.evidence_snapshots``); empty when no module provides it."""
    from housing_campaign.core.hookspec import evidence_snapshot

    compute = evidence_snapshot(DOCTYPE)
    return compute(campaign=campaign, participant=participant) if compute is not None else {}


def _check_evidence(evidence) -> dict:
    if evidence is None:
        return {}
    if not isinstance(evidence, dict):
        raise ServiceError(gettext("Minh chứng phải là một bảng dữ liệu."), field="evidence")
    try:
        text = json.dumps(evidence, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        raise ServiceError(gettext("Minh chứng có dữ liệu không lưu được."), field="evidence") from None
    if len(text.encode()) > EVIDENCE_MAX_BYTES:
        raise ServiceError(gettext("Minh chứng quá lớn (tối đa %(kb)s KB).") % {"kb": EVIDENCE_MAX_BYTES // 1000},
                           field="evidence", code=ErrorCode.LIMIT_EXCEEDED)
    # Stored as JSON would read it back (dates and numbers as text), text without control characters.
    return _clean_json(json.loads(text))


def _clean_json(value):
    if isinstance(value, dict):
        return {validators.normalize_text(str(k)): _clean_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    if isinstance(value, str):
        return validators.normalize_text(value, multiline=True)
    return value


def nomination_same_achievement(*, campaign, participant, initiative_id: int | None,
                                exclude_pk: int | None = None) -> Nomination | None:
    """The nomination already made for the same achievement: the same participant in the same movement,
    for the same initiative (or, without one, for their overall achievement), that has not ended without
    an award (rejected by the office or the council, or not awarded by the higher level)."""
    qs = (Nomination.objects.filter(campaign=campaign, participant=participant, initiative_id=initiative_id)
          .exclude(state__in=NO_AWARD_STATES).select_related("award_form"))
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("id").first()


def _duplicate_error(existing: Nomination) -> ServiceError:
    return ServiceError(
        gettext("%(name)s đã được đề nghị “%(award)s” cho cùng thành tích trong phong trào này (đề nghị %(code)s, "
                "trạng thái “%(state)s”). Mỗi thành tích chỉ được khen thưởng một lần; hãy dùng đề nghị đó hoặc "
                "đề nghị cho một sáng kiến khác.") % {
            "name": existing.nominee_name, "award": existing.award_form.name, "code": existing.code,
            "state": engine.compiled(existing.workflow_id).state_label(existing.state)},
        field="participant", code=ErrorCode.DUPLICATE)


def nominee_kind_of(participant) -> str:
    if participant.is_collective:
        return Nomination.NomineeKind.COLLECTIVE
    if participant.kind == "household":
        return Nomination.NomineeKind.HOUSEHOLD
    return Nomination.NomineeKind.INDIVIDUAL


def award_form_refusal(award_form: AwardForm, participant) -> str:
    """Why ``award_form`` cannot go to ``participant`` (empty when it can)."""
    if award_form.recipient_kinds and participant.kind not in award_form.recipient_kinds:
        return gettext("“%(award)s” không tặng cho %(kind)s (%(name)s).") % {
            "award": award_form.name, "kind": participant.get_kind_display().lower(), "name": participant.name}
    return ""


def _new_code() -> str:
    year = timezone.localdate().year
    return f"KT-{year}-{sequence_next(key=f'nomination:{year}'):04d}"


@transaction.atomic
def nomination_create(*, actor: Actor, campaign, participant, award_form: AwardForm, achievement: str,
                      evidence: dict | None = None, proposing_unit: AdminUnit | None = None, initiative=None,
                      proposer_kind: str | None = None, proposer_name: str = "") -> Nomination:
    """File a nomination of ``participant`` for ``award_form`` on behalf of a proposing unit (by default
    the actor's own unit that contains the participant), with the evidence gathered from the records as a
    snapshot. Starts the commendation workflow of the unit's territory and writes the created event.

    ``evidence``: the snapshot a caller already computed for this participant today; none (or empty): computed
    here from the records (``hooks.evidence_snapshots``), so that every nomination keeps the evidence it was
    made on, whatever the page, script or import that files it.

    ``initiative``: an ``emulation.Initiative`` (or its id) when the award is for that initiative; none for
    the participant's overall achievement in the movement. ``proposer_kind``: which body of the unit
    proposes when there are several (at the province: the province itself, a department, the Front); by
    default the first one allowed to propose ``award_form``. Refused with a clear message, nothing written:
    a read-only actor, a participant of another campaign or outside the actor's territory, a unit that
    cannot propose the award (Law 06/2022/QH15, Decree 98/2023/NĐ-CP), a recipient the award is not for,
    an empty achievement, and a second award for the same achievement."""
    if actor.read_only:
        raise ServiceError(gettext("Tài khoản của bạn chỉ có quyền xem."), code=ErrorCode.PERMISSION_DENIED)
    if participant.campaign_id != campaign.pk:
        raise ServiceError(gettext("%(name)s không tham gia phong trào của chương trình “%(campaign)s”.") % {
            "name": participant.name, "campaign": campaign.name}, field="participant")
    if proposing_unit is None:
        proposing_unit = _default_proposing_unit(actor, participant)
    legacy_path, current_path = nomination_unit_paths(proposing_unit)
    inside = ((legacy_path and participant.unit_path.startswith(legacy_path))
              or (current_path and participant.unit_2025_path.startswith(current_path)))
    if not inside:
        raise ServiceError(gettext("%(name)s không thuộc địa bàn của đơn vị đề nghị (%(unit)s).") % {
            "name": participant.name, "unit": proposing_unit.name}, field="participant",
            code=ErrorCode.OUT_OF_TERRITORY)
    options = proposer_options(actor, proposing_unit)
    if not options:
        if any(a.covers(legacy_path, current_path) for a in actor.all_authorities):
            raise ServiceError(gettext("Chỉ %(roles)s được lập đề nghị khen thưởng.") % {
                "roles": engine.role_labels(nominating_roles())}, code=ErrorCode.PERMISSION_DENIED)
        raise ServiceError(gettext("%(unit)s nằm ngoài địa bàn bạn phụ trách.") % {"unit": proposing_unit.name},
                           field="proposing_unit", code=ErrorCode.OUT_OF_TERRITORY)
    allowed = [(kind, name) for kind, name in options if kind in award_form.proposer_kinds]
    if proposer_kind:
        if proposer_kind not in [k for k, _ in options]:
            raise ServiceError(gettext("Bạn không đề nghị thay cho %(proposer)s.") % {
                "proposer": proposers_label([proposer_kind])}, field="proposer_kind")
        allowed = [(k, n) for k, n in allowed if k == proposer_kind]
    if not allowed:
        raise ServiceError(
            gettext("%(unit)s không có thẩm quyền đề nghị “%(award)s”: hình thức này do %(proposers)s đề nghị "
                    "(Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định 98/2023/NĐ-CP).") % {
                "unit": (dict(options).get(proposer_kind) if proposer_kind else options[0][1]),
                "award": award_form.name, "proposers": proposers_label(award_form.proposer_kinds) or "—"},
            field="award_form", code=ErrorCode.PERMISSION_DENIED)
    kind, default_name = allowed[0]
    refusal = award_form_refusal(award_form, participant)
    if refusal:
        raise ServiceError(refusal, field="award_form")
    try:
        achievement = validators.parse_text(achievement, gettext("Thành tích"), max_length=ACHIEVEMENT_MAX,
                                            required=True, multiline=True)
        proposer_name = validators.parse_text(proposer_name, gettext("Tên đơn vị đề nghị"), max_length=200)
    except validators.InputError as exc:
        raise ServiceError(exc.message, field="achievement") from None
    initiative_id = getattr(initiative, "pk", initiative)
    if initiative_id is not None:
        initiative_id = validators.query_int(initiative_id, minimum=1)
        if initiative_id is None:
            raise ServiceError(gettext("Sáng kiến không hợp lệ."), field="initiative")
        if hasattr(initiative, "campaign_id") and initiative.campaign_id != campaign.pk:
            raise ServiceError(gettext("Sáng kiến không thuộc chương trình này."), field="initiative")
    evidence = _check_evidence(evidence or _evidence_of_the_day(campaign, participant))
    existing = nomination_same_achievement(campaign=campaign, participant=participant, initiative_id=initiative_id)
    if existing is not None:
        raise _duplicate_error(existing)
    nomination = Nomination(
        code=_new_code(), campaign=campaign, participant=participant, nominee_kind=nominee_kind_of(participant),
        nominee_name=participant.name, award_form=award_form, achievement=achievement, initiative_id=initiative_id,
        evidence=evidence, proposing_unit=proposing_unit, proposer_kind=kind,
        proposer_name=proposer_name or default_name, unit_path=legacy_path, unit_2025_path=current_path,
        created_by=actor.user, **engine.initial_workflow_fields(DOCTYPE, legacy_path, current_path))
    try:
        with transaction.atomic():
            nomination.save(force_insert=True)
    except IntegrityError:
        # Another nomination of the same achievement committed meanwhile (the constraint's last guard).
        existing = nomination_same_achievement(campaign=campaign, participant=participant,
                                               initiative_id=initiative_id)
        if existing is None:
            raise
        raise _duplicate_error(existing) from None
    row = event_save(created_event(doctype=DOCTYPE, object_id=nomination.pk, actor_id=actor.id,
                                   state=nomination.state,
                                   workflow_version=engine.compiled(nomination.workflow_id).version))
    doc_events_emit(event="on_create", rows=[row])
    return nomination


# ---------------------------------------------------------------------------- the steps of the workflow
# Steps that record a document: taken only through their own service (decision, proposal, higher decision),
# never as a plain button (the engine also refuses them while the document's number is missing).
DOCUMENT_ACTIONS = {"decide": "decision", "send_up": "proposal", "record_awarded": "higher_decision",
                    "record_not_awarded": "higher_decision"}
COMMENT_MAX = 2000
OFFICE_ROLES = ("emulation_office",)
COUNCIL_ROLES = ("emulation_council",)


def _locked(actor: Actor, ids: list[int]) -> list[Nomination]:
    """The nominations (inside the actor's territory), locked in the caller's transaction, in the given order;
    one the actor may not see is "not found"."""
    from housing_campaign.accounts.selectors import territory_q

    qs = lock_own_rows(Nomination.objects.filter(territory_q(actor), pk__in=ids).select_related(
        "award_form", "proposing_unit__parent__parent", "participant__unit", "campaign", "proposal", "decision",
        "minutes"))
    found = {n.pk: n for n in qs}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ServiceError(gettext("Không tìm thấy đề nghị khen thưởng trong địa bàn bạn phụ trách."),
                           code=ErrorCode.NOT_FOUND)
    return [found[i] for i in ids]


def _ids(nomination_ids) -> list[int]:
    ids, bad = validators.query_ids(nomination_ids if isinstance(nomination_ids, (list, tuple))
                                    else [nomination_ids])
    if bad or not ids:
        raise ServiceError(gettext("Hãy chọn ít nhất một đề nghị khen thưởng."), field="nominations")
    return list(dict.fromkeys(ids))


def _state_label(nomination: Nomination, state: str | None = None) -> str:
    return engine.compiled(nomination.workflow_id).state_label(state or nomination.state)


def _check_role(actor: Actor, roles, nominations: list[Nomination], what: str) -> None:
    if actor.read_only:
        raise ServiceError(gettext("Tài khoản của bạn chỉ có quyền xem."), code=ErrorCode.PERMISSION_DENIED)
    for n in nominations:
        if actor.authority_for(roles, *engine.document_paths(n)) is None:
            raise ServiceError(gettext("Chỉ %(roles)s được %(what)s.") % {
                "roles": engine.role_labels(roles), "what": what}, code=ErrorCode.PERMISSION_DENIED)


def _text(value, label: str, *, max_length: int, required: bool = False, multiline: bool = False,
          field: str = "") -> str:
    try:
        return validators.parse_text(value, label, max_length=max_length, required=required, multiline=multiline)
    except validators.InputError as exc:
        raise ServiceError(exc.message, field=field or None) from None


def _date(value, label: str, *, earliest=None, field: str = ""):
    import datetime as dt

    if value in (None, ""):
        return timezone.localdate()
    try:
        return value if isinstance(value, dt.date) else validators.parse_date(
            value, label, earliest=earliest or validators.EARLIEST_EVENT_DATE)
    except validators.InputError as exc:
        raise ServiceError(exc.message, field=field or None) from None


def _after_minutes(day, nominations: list[Nomination], label: str, field: str) -> None:
    """A decision or a proposal follows the council's minutes it rests on: it is not dated before them. (Dates
    are the papers' own: the system's clock says when a vote was entered, which may be long after a meeting
    recorded from paper, so it is not the measure.)"""
    for n in nominations:
        if n.minutes_id and day < n.minutes.issued_on:
            raise ServiceError(gettext("%(label)s %(date)s trước ngày của biên bản họp Hội đồng số %(number)s "
                                       "(%(minutes)s) mà văn bản căn cứ.") % {
                "label": label, "date": day.strftime("%d/%m/%Y"), "number": n.minutes.number,
                "minutes": n.minutes.issued_on.strftime("%d/%m/%Y")}, field=field)


def nomination_act(*, actor: Actor, nomination_id, action: str, comment: str = "",
                   expected_state: str | None = None) -> engine.Outcome:
    """A plain step (submit, review, return, reject, record the award as presented) through the engine, which
    checks roles, territory, required comments and the state the user saw. Council votes go through
    ``nomination_vote``; steps that record a document through their own service."""
    if action in DOCUMENT_ACTIONS:
        raise ServiceError(gettext("Thao tác này ghi kèm văn bản: hãy dùng biểu mẫu văn bản trên trang đề nghị."),
                           code=ErrorCode.TRANSITION_NOT_ALLOWED)
    nomination = Nomination.objects.filter(pk=validators.query_id(nomination_id)).only("workflow_id", "state").first()
    if nomination is not None:
        t = engine.compiled(nomination.workflow_id).transitions.get((nomination.state, action))
        if t is not None and t.quorum > 1:
            raise ServiceError(gettext("Biểu quyết của Hội đồng dùng nút “Đồng ý” hoặc “Không đồng ý”."),
                               code=ErrorCode.TRANSITION_NOT_ALLOWED)
    comment = validators.normalize_text(comment, multiline=True)
    if len(comment) > COMMENT_MAX:
        raise ServiceError(gettext("Ý kiến dài tối đa %(n)s ký tự.") % {"n": COMMENT_MAX}, field="comment")
    return engine.document_transition(actor=actor, doctype=DOCTYPE, object_id=validators.query_id(nomination_id) or 0,
                                      action=action, comment=comment, expected_state=expected_state)


@transaction.atomic
def nomination_vote(*, actor: Actor, nomination_id, vote: str, comment: str = "",
                    expected_state: str | None = None) -> engine.Outcome:
    """A council member's vote: ``for`` (the award, or proposing it up when the higher level decides it) or
    ``against`` (a reason required). Refused with a clear message, nothing written: a vote by someone who is
    not a member of the council over this nomination, a second vote by the same member in the same round
    (for or against), a nomination not at the council's vote."""
    if vote not in ("for", "against"):
        raise ServiceError(gettext("Hãy chọn đồng ý hoặc không đồng ý."), field="vote")
    (nomination,) = _locked(actor, _ids([nomination_id]))
    if expected_state and expected_state != nomination.state:
        raise ServiceError(gettext("Đề nghị vừa được chuyển sang “%(state)s”; phiếu của bạn chưa được ghi. Hãy xem "
                                   "lại đề nghị.") % {"state": _state_label(nomination)}, code=ErrorCode.STALE_STATE)
    spec = engine.compiled(nomination.workflow_id)
    votes = [t for t in spec.outgoing(nomination.state) if t.quorum > 1]
    if not votes:
        raise ServiceError(gettext("Đề nghị %(code)s không ở bước Hội đồng biểu quyết (đang “%(state)s”).") % {
            "code": nomination.code, "state": _state_label(nomination)}, code=ErrorCode.TRANSITION_NOT_ALLOWED)
    if actor.read_only:
        raise ServiceError(gettext("Tài khoản của bạn chỉ có quyền xem."), code=ErrorCode.PERMISSION_DENIED)
    council_roles = sorted({r for t in votes for r in t.roles})
    if actor.authority_for(council_roles, *engine.document_paths(nomination)) is None:
        raise ServiceError(gettext("Chỉ thành viên %(council)s phụ trách địa bàn của đề nghị được biểu quyết; bạn "
                                   "không phải thành viên.") % {"council": engine.role_labels(council_roles)},
                           code=ErrorCode.PERMISSION_DENIED)
    from housing_campaign.workflow.models import Approval

    cast = (Approval.objects.filter(doctype=DOCTYPE, object_id=nomination.pk, state_entry=nomination.state_entry,
                                    transition_id__in=[t.id for t in votes], actor_id=actor.id)
            .select_related("transition").first())
    if cast is not None:
        raise ServiceError(gettext("Bạn đã biểu quyết “%(vote)s” cho đề nghị này lúc %(at)s; mỗi thành viên chỉ "
                                   "biểu quyết một lần.") % {
            "vote": cast.transition.label_vi, "at": validators_format_datetime(cast.at)},
            code=ErrorCode.ALREADY_APPROVED)
    from housing_campaign.workflow.conditions import ConditionError, evaluate

    def fits(t) -> bool:
        if (t.kind == "stop") != (vote == "against"):
            return False
        try:
            return not t.condition or evaluate(DOCTYPE, nomination, t.condition)
        except ConditionError:
            return False

    chosen = next((t for t in votes if fits(t)), None)
    if chosen is None:
        raise ServiceError(gettext("Không có lựa chọn biểu quyết này ở bước hiện tại."),
                           code=ErrorCode.TRANSITION_NOT_ALLOWED)
    comment = validators.normalize_text(comment, multiline=True)
    if len(comment) > COMMENT_MAX:
        raise ServiceError(gettext("Ý kiến dài tối đa %(n)s ký tự.") % {"n": COMMENT_MAX}, field="comment")
    return engine.document_transition(actor=actor, doctype=DOCTYPE, object_id=nomination.pk, action=chosen.action,
                                      comment=comment, expected_state=nomination.state)


def validators_format_datetime(value) -> str:
    from housing_campaign.core.formatting import format_date

    return format_date(value)


def _same(nominations: list[Nomination], what: str, key, message: str) -> None:
    values = {key(n) for n in nominations}
    if len(values) > 1:
        raise ServiceError(message, field="nominations")


def _issue(*, actor: Actor, document: AwardDocument, nominations: list[Nomination], issuer_key: str,
           symbol: str, format_code: str) -> AwardDocument:
    """Number and freeze the document: the printing module gives the next gap-free number of the issuing body
    for the format's kind and keeps the context as issued."""
    from housing_campaign.printing import services as printing

    context = documents.award_document_context(document, nominations)
    issued = printing.document_issue(actor_user=actor.user, format_code=format_code, doctype="award_document",
                                     object_id=document.pk, context=context, issuer_key=issuer_key,
                                     issuer_symbol=symbol)
    document.number = issued.number_text
    document.issued_document = issued
    document.save(update_fields=["number", "issued_document"])
    return document


DOCUMENT_MESSAGES = {
    AwardDocument.Kind.DECISION: gettext_noop("Quyết định khen thưởng số %(number)s ngày %(date)s"),
    AwardDocument.Kind.PROPOSAL: gettext_noop("Tờ trình đề nghị cấp trên khen thưởng số %(number)s ngày %(date)s"),
    AwardDocument.Kind.MINUTES: gettext_noop("Biên bản họp Hội đồng số %(number)s ngày %(date)s"),
}


def _document_event(actor: Actor, nomination: Nomination, document: AwardDocument) -> None:
    from housing_campaign.core.events import document_event

    event_save(document_event(doctype=DOCTYPE, object_id=nomination.pk, actor_id=actor.id,
                              message={"msg": DOCUMENT_MESSAGES[document.kind],
                                       "params": {"number": document.number,
                                                  "date": document.issued_on.strftime("%d/%m/%Y")}},
                              document_id=document.issued_document_id))


DATE_FIELDS = {AwardDocument.Kind.DECISION: "decided_on", AwardDocument.Kind.PROPOSAL: "proposed_on",
               AwardDocument.Kind.MINUTES: "meeting_on"}


def _new_document(*, actor: Actor, kind: str, first: Nomination, issued_on, signer_name: str, signer_title: str,
                  addressee: str = "", awarded=None, number: str = "", issuing_body: str = "",
                  note: str = "") -> tuple[AwardDocument, str, str]:
    body, unit, issuer_key, symbol = documents.issuing_body(first, kind, issued_on)
    if not number:  # numbered here, in the body's register: numbers follow the dates
        later = (AwardDocument.objects.filter(kind=kind, issuing_body=issuing_body or body, issued_on__gt=issued_on,
                                              issued_on__year=issued_on.year).exclude(issued_document=None)
                 .order_by("-issued_on").first())
        if later is not None:
            raise ServiceError(gettext("Sổ văn bản của %(body)s đã có %(kind)s số %(number)s ngày %(date)s; văn bản "
                                       "mới nhận số tiếp theo nên không được ghi ngày trước ngày đó.") % {
                "body": later.issuing_body, "kind": later.get_kind_display().lower(), "number": later.number,
                "date": later.issued_on.strftime("%d/%m/%Y")}, field=DATE_FIELDS.get(kind))
    legacy, current = nomination_unit_paths(unit)
    document = AwardDocument.objects.create(
        kind=kind, campaign=first.campaign, award_form=first.award_form, number=number or "—", issued_on=issued_on,
        issuing_body=issuing_body or body, issuing_unit=unit, unit_path=legacy, unit_2025_path=current,
        signer_name=signer_name, signer_title=signer_title, addressee=addressee, awarded=awarded, note=note,
        created_by=actor.user)
    return document, issuer_key, symbol


def _signer(signer_name, signer_title, form: AwardForm, kind: str) -> tuple[str, str]:
    name = _text(signer_name, gettext("Người ký"), max_length=120, required=True, field="signer_name")
    title = _text(signer_title, gettext("Chức vụ người ký"), max_length=200, multiline=True,
                  field="signer_title") or documents.default_signer_title(form, kind)
    return name, title


def _move_all(actor: Actor, nominations: list[Nomination], action: str, comment: str = "") -> None:
    """Every nomination takes ``action`` or none does (the caller's transaction is rolled back with the
    document and its number): the engine's refusal is shown for the first one refused."""
    outcomes = engine.bulk_transition(actor=actor, doctype=DOCTYPE, ids=[n.pk for n in nominations], action=action,
                                      comment=comment, expected_states={n.pk: n.state for n in nominations})
    refused = next((o for o in outcomes if not o.ok), None)
    if refused is not None:
        code = next(n.code for n in nominations if n.pk == refused.object_id)
        raise ServiceError(f"{code}: {refused.message}", code=refused.code)


def _check_batch(nominations: list[Nomination], state: str, what: str) -> None:
    for n in nominations:
        if n.state != state:
            raise ServiceError(gettext("Đề nghị %(code)s đang “%(state)s”, chưa thể %(what)s.") % {
                "code": n.code, "state": _state_label(n), "what": what}, code=ErrorCode.TRANSITION_NOT_ALLOWED)
    _same(nominations, "form", lambda n: n.award_form_id,
          gettext("Các đề nghị trong một văn bản phải cùng một hình thức khen thưởng."))
    _same(nominations, "campaign", lambda n: n.campaign_id,
          gettext("Các đề nghị trong một văn bản phải cùng một chương trình."))


@transaction.atomic
def nomination_decide(*, actor: Actor, nomination_ids, signer_name: str, signer_title: str = "",
                      decided_on=None) -> AwardDocument:
    """The competent chairman's (or unit head's) decision on nominations the council approved: one numbered
    decision (QĐ) with its annex, issued through the printing module (gap-free number of the issuing body,
    frozen), each nomination moved to "decided". All of one award form and one deciding body; the higher
    level's awards are refused (they are proposed, not decided here)."""
    nominations = _locked(actor, _ids(nomination_ids))
    first = nominations[0]
    if first.award_form.national:
        raise ServiceError(gettext("“%(award)s” do %(by)s quyết định: tỉnh chỉ lập tờ trình đề nghị, không ban hành "
                                   "quyết định.") % {"award": first.award_form.name, "by": first.award_form.decided_by},
                           code=ErrorCode.TRANSITION_NOT_ALLOWED)
    _check_batch(nominations, "awaiting_decision", gettext("ban hành quyết định khen thưởng"))
    _same(nominations, "body", lambda n: documents.issuing_body(n, AwardDocument.Kind.DECISION)[2],
          gettext("Các đề nghị trong một quyết định phải do cùng một cấp quyết định."))
    _check_role(actor, OFFICE_ROLES, nominations, gettext("ghi quyết định khen thưởng"))
    name, title = _signer(signer_name, signer_title, first.award_form, AwardDocument.Kind.DECISION)
    decided_on = _date(decided_on, gettext("Ngày quyết định"), earliest=first.campaign.starts_on, field="decided_on")
    _after_minutes(decided_on, nominations, gettext("Ngày quyết định"), "decided_on")
    document, key, symbol = _new_document(actor=actor, kind=AwardDocument.Kind.DECISION, first=first,
                                          issued_on=decided_on, signer_name=name, signer_title=title)
    Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(decision=document)
    for n in nominations:
        n.decision = document
    _issue(actor=actor, document=document, nominations=nominations, issuer_key=key, symbol=symbol,
           format_code=documents.DECISION_FORMAT)
    Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(decision_number=document.number)
    for n in nominations:
        _document_event(actor, n, document)
    _move_all(actor, nominations, "decide")
    return document


@transaction.atomic
def nomination_propose(*, actor: Actor, nomination_ids, signer_name: str, signer_title: str = "",
                       addressee: str = "", proposed_on=None) -> AwardDocument:
    """The province's proposal (tờ trình, TTr) sending nominations for an award decided above it: numbered
    and frozen by the printing module with its annexed list; each nomination waits for the higher level."""
    nominations = _locked(actor, _ids(nomination_ids))
    first = nominations[0]
    if not first.award_form.national:
        raise ServiceError(gettext("“%(award)s” do %(by)s quyết định trong tỉnh: hãy ban hành quyết định, không "
                                   "lập tờ trình lên cấp trên.") % {"award": first.award_form.name,
                                                                     "by": first.award_form.decided_by},
                           code=ErrorCode.TRANSITION_NOT_ALLOWED)
    _check_batch(nominations, "awaiting_proposal", gettext("gửi tờ trình lên cấp trên"))
    _check_role(actor, OFFICE_ROLES, nominations, gettext("lập tờ trình đề nghị cấp trên khen thưởng"))
    name, title = _signer(signer_name, signer_title, first.award_form, AwardDocument.Kind.PROPOSAL)
    addressee = _text(addressee, gettext("Kính gửi"), max_length=200, field="addressee") or \
        documents.default_addressee(first.award_form)
    proposed_on = _date(proposed_on, gettext("Ngày tờ trình"), earliest=first.campaign.starts_on, field="proposed_on")
    _after_minutes(proposed_on, nominations, gettext("Ngày tờ trình"), "proposed_on")
    document, key, symbol = _new_document(actor=actor, kind=AwardDocument.Kind.PROPOSAL, first=first,
                                          issued_on=proposed_on, signer_name=name, signer_title=title,
                                          addressee=addressee)
    Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(proposal=document)
    for n in nominations:
        n.proposal = document
    _issue(actor=actor, document=document, nominations=nominations, issuer_key=key, symbol=symbol,
           format_code=documents.PROPOSAL_FORMAT)
    for n in nominations:
        _document_event(actor, n, document)
    _move_all(actor, nominations, "send_up")
    return document


@transaction.atomic
def nomination_record_higher_decision(*, actor: Actor, nomination_ids, number: str, decided_on, awarded: bool,
                                      issuing_body: str = "", signer_name: str = "", note: str = "") -> AwardDocument:
    """The higher level's answer to a proposal, typed in from the paper received: its number, date and result
    (awarded, or not). Refused, nothing written: a nomination that was not sent up with a proposal, a date before
    the proposal's, a missing number."""
    nominations = _locked(actor, _ids(nomination_ids))
    for n in nominations:
        if n.proposal_id is None or n.state != "awaiting_higher":
            raise ServiceError(gettext("Đề nghị %(code)s chưa được gửi lên cấp trên bằng tờ trình (đang “%(state)s”): "
                                       "chưa thể ghi nhận quyết định của cấp trên.") % {
                "code": n.code, "state": _state_label(n)}, code=ErrorCode.TRANSITION_NOT_ALLOWED)
    _same(nominations, "form", lambda n: n.award_form_id,
          gettext("Các đề nghị trong một quyết định phải cùng một hình thức khen thưởng."))
    _check_role(actor, OFFICE_ROLES, nominations, gettext("ghi nhận quyết định của cấp trên"))
    if awarded not in (True, False):
        raise ServiceError(gettext("Hãy chọn kết quả: được khen thưởng hay không."), field="awarded")
    number = _text(number, gettext("Số quyết định của cấp trên"), max_length=60, required=True, field="number")
    latest_proposal = max(n.proposal.issued_on for n in nominations)
    decided_on = _date(decided_on, gettext("Ngày quyết định"), earliest=latest_proposal, field="decided_on")
    first = nominations[0]
    body = _text(issuing_body, gettext("Cơ quan quyết định"), max_length=200, field="issuing_body") or \
        first.award_form.decided_by
    document, _key, _symbol = _new_document(
        actor=actor, kind=AwardDocument.Kind.HIGHER_DECISION, first=first, issued_on=decided_on,
        signer_name=_text(signer_name, gettext("Người ký"), max_length=120, field="signer_name"), signer_title="",
        awarded=awarded, number=number, issuing_body=body,
        note=_text(note, gettext("Ghi chú"), max_length=COMMENT_MAX, multiline=True, field="note"))
    update = {"decision": document, **({"decision_number": number} if awarded else {})}
    Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(**update)
    for n in nominations:
        event_save(_higher_event(actor, n, document))
    _move_all(actor, nominations, "record_awarded" if awarded else "record_not_awarded", comment=document.note)
    return document


def _higher_event(actor: Actor, nomination: Nomination, document: AwardDocument):
    from housing_campaign.core.events import document_event

    msg = (gettext_noop("Quyết định của cấp trên số %(number)s ngày %(date)s: khen thưởng") if document.awarded
           else gettext_noop("Văn bản của cấp trên số %(number)s ngày %(date)s: không khen thưởng"))
    return document_event(doctype=DOCTYPE, object_id=nomination.pk, actor_id=actor.id, message={
        "msg": msg, "params": {"number": document.number, "date": document.issued_on.strftime("%d/%m/%Y")}})


@transaction.atomic
def council_minutes_issue(*, actor: Actor, nomination_ids, chair_name: str, meeting_on=None) -> AwardDocument:
    """The council's minutes of the vote on nominations whose vote has concluded: who voted for and against,
    the quorum and the result, numbered (BB) by the council and frozen. Each nomination has one minutes."""
    from .selectors import council_votes

    nominations = _locked(actor, _ids(nomination_ids))
    _check_role(actor, OFFICE_ROLES, nominations, gettext("lập biên bản họp Hội đồng"))
    votes = council_votes(nominations)
    for n in nominations:
        if n.minutes_id:
            raise ServiceError(gettext("Đề nghị %(code)s đã có biên bản họp Hội đồng số %(number)s.") % {
                "code": n.code, "number": n.minutes.number}, code=ErrorCode.DUPLICATE)
        if not votes.get(n.pk, {}).get("result") or votes[n.pk]["result"] == "Chưa đủ số phiếu":
            raise ServiceError(gettext("Hội đồng chưa biểu quyết xong đề nghị %(code)s.") % {"code": n.code},
                               code=ErrorCode.TRANSITION_NOT_ALLOWED)
    _same(nominations, "body", lambda n: documents.issuing_body(n, AwardDocument.Kind.MINUTES)[2],
          gettext("Các đề nghị trong một biên bản phải do cùng một Hội đồng xét."))
    _same(nominations, "campaign", lambda n: n.campaign_id,
          gettext("Các đề nghị trong một biên bản phải cùng một chương trình."))
    first = nominations[0]
    name, title = _signer(chair_name, "", first.award_form, AwardDocument.Kind.MINUTES)
    meeting_on = _date(meeting_on, gettext("Ngày họp"), earliest=first.campaign.starts_on, field="meeting_on")
    forms = {n.award_form_id for n in nominations}
    document, key, symbol = _new_document(actor=actor, kind=AwardDocument.Kind.MINUTES, first=first,
                                          issued_on=meeting_on, signer_name=name, signer_title=title)
    if len(forms) > 1:
        AwardDocument.objects.filter(pk=document.pk).update(award_form=None)
        document.award_form = None
    Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(minutes=document)
    for n in nominations:
        n.minutes = document
    from housing_campaign.printing import services as printing

    context = documents.award_document_context(document, nominations, votes)
    issued = printing.document_issue(actor_user=actor.user, format_code=documents.MINUTES_FORMAT,
                                     doctype="award_document", object_id=document.pk, context=context,
                                     issuer_key=key, issuer_symbol=symbol)
    document.number, document.issued_document = issued.number_text, issued
    document.save(update_fields=["number", "issued_document"])
    for n in nominations:
        _document_event(actor, n, document)
    return document


@transaction.atomic
def nomination_certificate_issue(*, actor: Actor, nomination_id) -> Nomination:
    """Print the award's certificate (Bằng khen, Giấy khen) once it is decided: numbered in the issuing body's
    register and frozen; printing again reprints the same. Awards printed by the higher level have none here."""
    from housing_campaign.printing import services as printing

    (nomination,) = _locked(actor, _ids([nomination_id]))
    _check_role(actor, OFFICE_ROLES, [nomination], gettext("in bằng, giấy khen"))
    if nomination.certificate_id:
        raise ServiceError(gettext("Bằng, giấy khen của đề nghị %(code)s đã in (số %(number)s): hãy in lại bản đã "
                                   "cấp số.") % {"code": nomination.code, "number": nomination.certificate.number_text},
                           code=ErrorCode.DUPLICATE)
    if nomination.state != "decided" or nomination.decision_id is None:
        raise ServiceError(gettext("Đề nghị %(code)s chưa có quyết định khen thưởng (đang “%(state)s”): chưa in "
                                   "được bằng, giấy khen.") % {"code": nomination.code,
                                                               "state": _state_label(nomination)},
                           code=ErrorCode.TRANSITION_NOT_ALLOWED)
    if not nomination.award_form.print_format:
        raise ServiceError(gettext("“%(award)s” do cấp trên in và trao; tỉnh không in.") % {
            "award": nomination.award_form.name}, code=ErrorCode.TRANSITION_NOT_ALLOWED)
    _body, _unit, key, symbol = documents.issuing_body(nomination, AwardDocument.Kind.DECISION,
                                                       nomination.decision.issued_on)
    issued = printing.document_issue(actor_user=actor.user, format_code=nomination.award_form.print_format,
                                     doctype=DOCTYPE, object_id=nomination.pk,
                                     context=documents.nomination_context(nomination), issuer_key=key,
                                     issuer_symbol=symbol)
    Nomination.objects.filter(pk=nomination.pk).update(certificate=issued)
    nomination.certificate = issued
    from housing_campaign.core.events import document_event

    event_save(document_event(doctype=DOCTYPE, object_id=nomination.pk, actor_id=actor.id, document_id=issued.pk,
                              message={"msg": gettext_noop("In %(award)s số %(number)s"),
                                       "params": {"award": nomination.award_form.name,
                                                  "number": issued.number_text}}))
    return nomination


@transaction.atomic
def nomination_update(*, actor: Actor, nomination_id, achievement: str, expected_lock_version=None) -> Nomination:
    """The achievement, while the proposing unit may still edit the nomination (proposed, returned)."""
    from housing_campaign.core.events import edited_event

    (nomination,) = _locked(actor, _ids([nomination_id]))
    engine.check_lock_version(nomination, expected_lock_version,
                              invalid=gettext("Biểu mẫu không hợp lệ; hãy tải lại trang."),
                              changed=gettext("Đề nghị vừa được người khác sửa; hãy tải lại trang."))
    allowed, reason = engine.can_edit(actor=actor, document=nomination)
    if not allowed:
        raise ServiceError(reason, code=ErrorCode.FIELD_LOCKED)
    text = _text(achievement, gettext("Thành tích"), max_length=ACHIEVEMENT_MAX, required=True, multiline=True,
                 field="achievement")
    if text == nomination.achievement:
        return nomination
    old = nomination.achievement
    Nomination.objects.filter(pk=nomination.pk).update(achievement=text, lock_version=nomination.lock_version + 1)
    nomination.achievement, nomination.lock_version = text, nomination.lock_version + 1
    event_save(edited_event(doctype=DOCTYPE, object_id=nomination.pk, actor_id=actor.id,
                            changes={"achievement": [old, text]}))
    return nomination

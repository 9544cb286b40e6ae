"""The workflow engine: which actions an actor may take and why others are closed, atomic
transitions with the row locked and the expected state checked, quorum votes, delegation, bulk
transitions with a result per document, and which version a new document starts on (pilots by
territory). Moving documents between versions is ``migration.py``.

Nobody assigns ``document.state`` outside this module and ``migration.py``.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor
from housing_campaign.core import hookspec
from housing_campaign.core.errors import ErrorCode, ServiceError, unexpected_error
from housing_campaign.core.events import approval_event, transition_event
from housing_campaign.core.formatting import format_date
from housing_campaign.core.i18n import localized, localized_label
from housing_campaign.core.locks import lock_own_rows
from housing_campaign.core.models import DocumentEvent
from housing_campaign.core.sideeffects import side_effect_jobs_record

from . import registry
from .conditions import ConditionError, evaluate
from .models import Approval, WorkflowDefinition

logger = logging.getLogger(__name__)
BULK_CHUNK = 500


# ---------------------------------------------------------------------------- compiled definitions
@dataclass(frozen=True)
class StateSpec:
    code: str
    label_vi: str
    label_en: str
    stage: str
    edit_roles: tuple[str, ...]
    required_fields: tuple[str, ...]
    sla_days: int | None
    is_terminal: bool


@dataclass(frozen=True)
class TransitionSpec:
    id: int
    source: str
    action: str
    label_vi: str
    label_en: str
    target: str
    kind: str
    roles: tuple[str, ...]
    condition: str
    condition_message: str
    condition_message_en: str
    comment_required: bool
    allow_previous_actor: bool
    quorum: int
    territory_rule: str
    side_effects: tuple[str, ...]
    automatic: bool = False


@dataclass(frozen=True)
class CompiledDefinition:
    id: int
    doctype: str
    version: int
    name: str
    initial_state: str
    states: dict[str, StateSpec]
    transitions: dict[tuple[str, str], TransitionSpec]

    def outgoing(self, state: str) -> list[TransitionSpec]:
        return [t for (src, _), t in self.transitions.items() if src == state]

    def state_label(self, code: str) -> str:
        """The state's label in the reader's language (core.i18n.localized_label); the code when unknown."""
        spec = self.states.get(code)
        return localized_label(spec) if spec else code


_CACHE: dict[int, CompiledDefinition] = {}


def clear_definition_cache() -> None:
    _CACHE.clear()


def compiled(definition_id: int) -> CompiledDefinition:
    """Definitions in use never change (edits make a new version), so they cache safely."""
    found = _CACHE.get(definition_id)
    if found is not None:
        return found
    d = WorkflowDefinition.objects.get(pk=definition_id)
    states = {s.code: StateSpec(s.code, s.label_vi, s.label_en, s.stage, tuple(s.edit_roles),
                                tuple(s.required_fields), s.sla_days, s.is_terminal)
              for s in d.states.all()}
    transitions = {(t.source, t.action): TransitionSpec(
        t.id, t.source, t.action, t.label_vi, t.label_en, t.target, t.kind, tuple(t.roles), t.condition,
        t.condition_message, t.condition_message_en, t.comment_required, t.allow_previous_actor, t.quorum,
        t.territory_rule,
        tuple(t.side_effects), t.automatic) for t in d.transitions.all()}
    result = CompiledDefinition(d.id, d.doctype, d.version, d.name, d.initial_state, states, transitions)
    _CACHE[definition_id] = result
    return result


def active_definition(doctype: str) -> WorkflowDefinition:
    definition = WorkflowDefinition.objects.filter(doctype=doctype, is_active=True).first()
    if definition is None:
        raise ServiceError(gettext("Chưa có quy trình đang áp dụng cho loại hồ sơ %(doctype)s. Hãy chạy "
                                   "“manage.py sync”.") % {"doctype": doctype}, code=ErrorCode.INVALID_DEFINITION)
    return definition


@dataclass(frozen=True)
class Rollout:
    """Which version new documents of a type start on: the active version, except inside a pilot's
    territory (``workflow.rollout``), where the highest version piloted there wins, unless the active
    version is newer (a pilot left behind by a later province-wide version no longer applies). Read once
    per call of a bulk import: choosing a version for a row costs no query."""

    doctype: str
    active: WorkflowDefinition | None
    pilots: tuple[tuple[str, WorkflowDefinition], ...]  # (unit path, version), highest version first

    def definition_for(self, *paths: str) -> WorkflowDefinition:
        floor = self.active.version if self.active else 0
        for unit_path, definition in self.pilots:
            if definition.version <= floor:
                break
            if any(p and p.startswith(unit_path) for p in paths):
                return definition
        if self.active is None:
            raise ServiceError(gettext("Chưa có quy trình đang áp dụng cho loại hồ sơ %(doctype)s. Hãy chạy "
                                       "“manage.py sync”.") % {"doctype": self.doctype},
                               code=ErrorCode.INVALID_DEFINITION)
        return self.active


def workflow_rollout(doctype: str) -> Rollout:
    from .models import WorkflowPilot

    active = WorkflowDefinition.objects.filter(doctype=doctype, is_active=True).first()
    pilots = tuple((p.unit_path, p.definition) for p in WorkflowPilot.objects.filter(
        definition__doctype=doctype).select_related("definition").order_by("-definition__version", "unit_path"))
    return Rollout(doctype, active, pilots)


def initial_workflow_fields(doctype: str, *paths: str, rollout: Rollout | None = None) -> dict:
    """The workflow fields of a new document whose territory is ``paths`` (its ``unit_path`` and
    ``unit_2025_path``): the version of its territory (a pilot's, else the active one) in its initial
    state. A bulk caller passes one ``rollout`` for all its rows."""
    definition = (rollout or workflow_rollout(doctype)).definition_for(*paths)
    spec = compiled(definition.id)
    return {"workflow": definition, "state": spec.initial_state, "stage": spec.states[spec.initial_state].stage,
            "state_since": timezone.now(), "state_entry": 1, "lock_version": 0}


# ---------------------------------------------------------------------------- who may do what
def role_labels(codes) -> str:
    """Role names for refusal messages; cached briefly so a bulk refusal does not query once per document."""
    from django.core.cache import cache

    from housing_campaign.accounts.models import Role

    labels = cache.get("workflow:role-names")
    if labels is None:
        labels = {code: {"name_vi": vi, "name_en": en} for code, vi, en in
                  Role.objects.values_list("code", "name_vi", "name_en")}
        cache.set("workflow:role-names", labels, 300)
    return ", ".join(localized_label(labels[c]) if c in labels else c for c in codes)


def document_paths(document) -> tuple[str, ...]:
    return tuple(p for p in (getattr(document, "unit_path", ""), getattr(document, "unit_2025_path", "")) if p)


@dataclass(frozen=True)
class MissingField:
    """A required field of the current state that has no value: its name (a model, extra or computed
    field) and its label. Where it is edited is the page's business (the desk links it to its form)."""

    name: str
    label: str


@dataclass
class ActionOption:
    """One action from the current state. ``reasons`` (with their ``ErrorCode`` in ``codes``) say why it is
    closed, except missing required fields, which are in ``missing`` so that a page can link each one."""

    transition: TransitionSpec
    allowed: bool
    reasons: list[str] = field(default_factory=list)
    acting_for_id: int | None = None
    votes: int = 0
    missing: list[MissingField] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)

    @property
    def action(self) -> str:
        return self.transition.action

    @property
    def label(self) -> str:
        return localized_label(self.transition)


def _missing_required(doctype: str, document, state: StateSpec) -> list[MissingField]:
    missing = []
    for name in state.required_fields:
        try:
            value = registry.document_value(doctype, document, name)
        except KeyError:
            value = None
        if value is None or value == "" or value == []:
            missing.append(MissingField(name, registry.field_label(doctype, name)))
    return missing


def _check(actor: Actor, doctype: str, document, spec: CompiledDefinition, t: TransitionSpec,
           *, comment: str | None, votes_by_actor: set[int] | None = None
           ) -> tuple[list[tuple[str, str]], int | None, list[MissingField]]:
    """(code, reason) pairs for why the transition is closed to the actor (empty when open), on whose
    behalf they act, and the required fields that are missing (also one of the reasons)."""
    reasons: list[tuple[str, str]] = []
    missing: list[MissingField] = []
    acting_for = None
    if actor.read_only:
        return [(ErrorCode.PERMISSION_DENIED, gettext("Tài khoản của bạn chỉ có quyền xem."))], None, []
    if t.territory_rule == "contains":
        authority = actor.authority_for(t.roles, *document_paths(document))
    else:
        authority = next((a for a in actor.all_authorities if a.roles & set(t.roles)), None)
    if authority is None:
        if any(a.roles & set(t.roles) for a in actor.all_authorities):
            reasons.append((ErrorCode.OUT_OF_TERRITORY, gettext("Hồ sơ nằm ngoài địa bàn bạn phụ trách.")))
        else:
            reasons.append((ErrorCode.PERMISSION_DENIED, gettext("Chỉ %(roles)s được thực hiện thao tác này.") % {
                "roles": role_labels(t.roles)}))
    elif authority.user_id != actor.id:
        acting_for = authority.user_id
    if not t.allow_previous_actor and document.last_actor_id and document.last_actor_id in (actor.id, acting_for):
        reasons.append((ErrorCode.PREVIOUS_ACTOR,
                        gettext("Người đã thực hiện bước trước không được thực hiện bước này.")))
    state = spec.states.get(document.state)
    # Only a forward step needs the state's required fields: a return for correction or a rejection
    # is never blocked by the very fields that need correcting.
    if state and t.kind == "forward":
        missing = _missing_required(doctype, document, state)
        if missing:
            reasons.append((ErrorCode.REQUIRED_FIELDS_MISSING,
                            gettext("Còn thiếu thông tin bắt buộc: %(fields)s.") % {
                                "fields": ", ".join(m.label for m in missing)}))
    if t.condition:
        try:
            ok = evaluate(doctype, document, t.condition)
        except ConditionError as exc:
            ok = False
            logger.warning("Condition error on %s#%s: %s", doctype, document.pk, exc)
        if not ok:
            reasons.append((ErrorCode.CONDITION_FAILED, localized(t.condition_message, t.condition_message_en)
                            or gettext("Điều kiện chưa đạt: %(condition)s") % {"condition": t.condition}))
    if t.quorum > 1 and votes_by_actor is not None and (actor.id in votes_by_actor):
        reasons.append((ErrorCode.ALREADY_APPROVED, gettext("Bạn đã bỏ phiếu cho bước này.")))
    if comment is not None and t.comment_required and not comment.strip():
        reasons.append((ErrorCode.COMMENT_REQUIRED, gettext("Thao tác này bắt buộc ghi lý do.")))
    return reasons, acting_for, missing


def _votes(doctype: str, document, transition_ids: list[int]) -> dict[int, set[int]]:
    votes: dict[int, set[int]] = defaultdict(set)
    for tid, actor_id in Approval.objects.filter(doctype=doctype, object_id=document.pk,
                                                 state_entry=document.state_entry,
                                                 transition_id__in=transition_ids).values_list("transition_id",
                                                                                              "actor_id"):
        votes[tid].add(actor_id)
    return votes


def actions_for(*, actor: Actor, doctype: str, document) -> list[ActionOption]:
    """Every action from the current state, open or closed with its reasons (Wagtail's
    ``get_actions``: the same answer drives the buttons and the server)."""
    spec = compiled(document.workflow_id)
    outgoing = spec.outgoing(document.state)
    votes = _votes(doctype, document, [t.id for t in outgoing if t.quorum > 1])
    options = []
    for t in outgoing:
        reasons, acting_for, missing = _check(actor, doctype, document, spec, t, comment=None,
                                              votes_by_actor=votes.get(t.id))
        others = [(code, message) for code, message in reasons if code != ErrorCode.REQUIRED_FIELDS_MISSING]
        options.append(ActionOption(t, not reasons, [message for _, message in others], acting_for,
                                    len(votes.get(t.id, ())), missing, [code for code, _ in others]))
    return options


def can_edit(*, actor: Actor, document) -> tuple[bool, str]:
    """Whether the actor may change the document's data in its current state (and why not)."""
    if actor.read_only:
        return False, gettext("Tài khoản của bạn chỉ có quyền xem.")
    spec = compiled(document.workflow_id)
    state = spec.states[document.state]
    if not state.edit_roles:
        return False, gettext("Ở trạng thái “%(state)s”, không ai được sửa nội dung.") % {
            "state": localized_label(state)}
    if actor.authority_for(state.edit_roles, *document_paths(document)) is None:
        return False, gettext("Ở trạng thái “%(state)s”, chỉ %(roles)s được sửa hồ sơ.") % {
            "state": localized_label(state), "roles": role_labels(state.edit_roles)}
    return True, ""


def check_lock_version(document, expected_lock_version, *, invalid: str, changed: str) -> None:
    """A form's hidden ``lock_version`` against the document's: anything but the current version (a value that is
    not a number included) is a stale form, refused with ``invalid`` (not a number) or ``changed`` (someone
    saved meanwhile). None or "": the caller did not send one (nothing to check)."""
    from housing_campaign.core import validators

    if expected_lock_version is None or expected_lock_version == "":
        return
    expected = validators.query_int(expected_lock_version, minimum=0, maximum=validators.INT_MAX)
    if expected is None:
        raise ServiceError(invalid, code=ErrorCode.STALE_STATE)
    if expected != document.lock_version:
        raise ServiceError(changed, code=ErrorCode.STALE_STATE)


# ---------------------------------------------------------------------------- transitions
@dataclass
class Outcome:
    object_id: int
    ok: bool
    code: str = ""
    message: str = ""
    from_state: str = ""
    to_state: str = ""
    vote_recorded: bool = False


def _lock(model, ids, actor: Actor):
    """Lock the rows the actor may see; a document outside their territory is "not found"."""
    from housing_campaign.accounts.selectors import territory_q

    qs = lock_own_rows(model.objects.filter(territory_q(actor), pk__in=ids))
    related = getattr(model, "WORKFLOW_SELECT_RELATED", ())
    return {doc.pk: doc for doc in qs.select_related(*related)}


Decision = tuple[object, TransitionSpec, int | None]  # (locked document, transition, acting for)


def _apply(actor: Actor, doctype: str, ids: list[int], action: str, comment: str,
           expected_states: dict[int, str] | None) -> list[Outcome]:
    """Lock, check and move a chunk of documents inside the caller's transaction. Every check runs in
    Python on the locked rows before any write, so a refused document changes nothing.

    A document without an expected state is expected in the state read just before waiting for its
    lock: when a concurrent transition wins the race, the loser is told the document moved on (a
    stale-state conflict) instead of a refusal computed against a state the user never saw."""
    model = registry.model_for(doctype)
    seen = dict(model.objects.filter(pk__in=ids).values_list("pk", "state"))
    explicit = expected_states
    expected_states = {**seen, **(expected_states or {})}
    docs = _lock(model, ids, actor)
    now = timezone.now()
    outcomes: dict[int, Outcome] = {}
    to_move: list[Decision] = []
    to_vote: list[Decision] = []
    for object_id in ids:
        verdict = _judge(actor, doctype, docs.get(object_id), object_id, action, comment,
                         expected_states.get(object_id))
        if isinstance(verdict, Outcome):
            if not verdict.ok and len(ids) == 1 and object_id not in (explicit or {}):
                verdict = _moved_on(actor, doctype, docs.get(object_id), action) or verdict
            outcomes[object_id] = verdict
        else:
            doc, t, acting_for, is_vote = verdict
            (to_vote if is_vote else to_move).append((doc, t, acting_for))
    if to_vote:
        outcomes.update(_record_votes(actor, doctype, to_vote, comment, now))
    if to_move:
        outcomes.update(_move(actor, doctype, model, to_move, comment, now))
    return [outcomes[i] for i in ids]


def _judge(actor: Actor, doctype: str, doc, object_id: int, action: str, comment: str, expected: str | None):
    """A refusal (an Outcome) or what to do with the locked document: (doc, transition, acting_for, is_vote)."""
    if doc is None:
        return Outcome(object_id, False, ErrorCode.NOT_FOUND,
                       gettext("Không tìm thấy hồ sơ trong địa bàn bạn phụ trách."))
    spec = compiled(doc.workflow_id)
    if expected and expected != doc.state:
        return Outcome(object_id, False, ErrorCode.STALE_STATE, _moved_message(spec, doc), doc.state)
    t = spec.transitions.get((doc.state, action))
    if t is None:
        return Outcome(object_id, False, ErrorCode.TRANSITION_NOT_ALLOWED,
                       gettext("Không có thao tác này ở trạng thái “%(state)s”.") % {
                           "state": spec.state_label(doc.state)},
                       doc.state)
    votes = _votes(doctype, doc, [t.id]).get(t.id, set()) if t.quorum > 1 else None
    reasons, acting_for, _missing = _check(actor, doctype, doc, spec, t, comment=comment, votes_by_actor=votes)
    if reasons:
        # The most specific reason names the error; the message gives them all.
        return Outcome(object_id, False, reasons[-1][0], " ".join(m for _, m in reasons), doc.state)
    return doc, t, acting_for, t.quorum > 1 and len(votes or ()) + 1 < t.quorum


def _moved_on(actor: Actor, doctype: str, doc, action: str) -> Outcome | None:
    """A refused action sent without the state the user saw: when the document has just left a state
    from which this actor could take this action, the honest answer is that it moved on (the loser of a
    race between "approve" and "return"), not a refusal computed against a state the user never saw."""
    if doc is None:
        return None
    last = (DocumentEvent.objects.filter(doctype=doctype, object_id=doc.pk, kind=DocumentEvent.Kind.TRANSITION,
                                         to_state=doc.state).order_by("-at", "-id").values_list("from_state", flat=True)
            .first())
    spec = compiled(doc.workflow_id)
    before = spec.transitions.get((last, action)) if last else None
    if before is None or not any(set(before.roles) & a.roles for a in actor.all_authorities):
        return None
    return Outcome(doc.pk, False, ErrorCode.STALE_STATE, _moved_message(spec, doc), doc.state)


def _moved_message(spec: CompiledDefinition, doc) -> str:
    return gettext("Hồ sơ vừa được chuyển sang “%(state)s” lúc %(at)s; thao tác của bạn không được áp dụng. Hãy xem "
                   "lại hồ sơ.") % {"state": spec.state_label(doc.state), "at": format_date(doc.state_since)}


def _record_votes(actor: Actor, doctype: str, to_vote: list[Decision], comment: str, now) -> dict[int, Outcome]:
    """A vote of a committee (quorum): recorded, the document stays where it is."""
    Approval.objects.bulk_create([Approval(doctype=doctype, object_id=doc.pk, transition_id=t.id,
                                           state_entry=doc.state_entry, actor_id=actor.id,
                                           acting_for_id=acting_for, at=now, comment=comment)
                                  for doc, t, acting_for in to_vote])
    # Votes count only within the current entry into the state, for the same transition.
    wanted = {(d.pk, t.id, d.state_entry) for d, t, _ in to_vote}
    counts: dict[int, int] = defaultdict(int)
    for key in Approval.objects.filter(doctype=doctype, object_id__in=[d.pk for d, _, _ in to_vote]).values_list(
            "object_id", "transition_id", "state_entry"):
        if key in wanted:
            counts[key[0]] += 1
    events, outcomes = [], {}
    for doc, t, acting_for in to_vote:
        events.append(approval_event(doctype=doctype, object_id=doc.pk, actor_id=actor.id, acting_for_id=acting_for,
                                     state=doc.state, action=t.action, comment=comment,
                                     workflow_version=compiled(doc.workflow_id).version,
                                     votes=counts.get(doc.pk, 1), quorum=t.quorum, at=now))
        outcomes[doc.pk] = Outcome(doc.pk, True, "", gettext("Đã ghi nhận phiếu (%(votes)s/%(quorum)s).") % {
                                   "votes": counts.get(doc.pk, 1), "quorum": t.quorum},
                                   doc.state, doc.state, vote_recorded=True)
    DocumentEvent.objects.bulk_create(events)
    return outcomes


def _move(actor: Actor, doctype: str, model, to_move: list[Decision], comment: str, now) -> dict[int, Outcome]:
    """Move the documents: one UPDATE per target state, the log rows, and the side-effect jobs."""
    events, outcomes = [], {}
    for doc, t, acting_for in to_move:
        spec = compiled(doc.workflow_id)
        old = doc.state
        doc.state = t.target
        doc.stage = spec.states[t.target].stage
        events.append(transition_event(doctype=doctype, object_id=doc.pk, actor_id=actor.id,
                                       acting_for_id=acting_for, from_state=old, to_state=t.target,
                                       action=t.action, comment=comment, workflow_version=spec.version, at=now))
        outcomes[doc.pk] = Outcome(doc.pk, True, "", gettext("Đã chuyển sang “%(state)s”.") % {
                                   "state": spec.state_label(t.target)}, old, t.target)
    # Every moved row gets the same values and its counters go up by one.
    by_target: dict[tuple[str, str], list[int]] = defaultdict(list)
    for doc, _t, _ in to_move:
        by_target[(doc.state, doc.stage)].append(doc.pk)
    for (state, stage), pks in by_target.items():
        model.objects.filter(pk__in=pks).update(
            state=state, stage=stage, state_since=now, state_entry=F("state_entry") + 1,
            lock_version=F("lock_version") + 1, last_actor_id=actor.id)
    DocumentEvent.objects.bulk_create(events, batch_size=BULK_CHUNK)
    counter = hookspec.doc_counter(doctype, "moved")
    if counter is not None:  # the aggregates dashboards read, kept in this transaction
        counter(moves=[(doc.pk, doc.workflow_id, e.from_state, doc.workflow_id, t.target)
                       for (doc, t, _), e in zip(to_move, events)], at=now)
    effects: dict[str, list[int]] = defaultdict(list)
    for doc, t, _ in to_move:
        for effect in t.side_effects:
            effects[effect].append(doc.pk)
    # Recorded in this transaction, run after commit; a failure is retried, never a 500.
    side_effect_jobs_record(doctype=doctype, effects=effects, actor_id=actor.id,
                            event_ids=[doc.pk for doc, _t, _ in to_move], log_ids=[e.pk for e in events])
    return outcomes


def document_transition(*, actor: Actor, doctype: str, object_id: int, action: str, comment: str = "",
                        expected_state: str | None = None) -> Outcome:
    """One transition, atomic. Raises ServiceError with a stable code when refused."""
    with transaction.atomic():
        outcome = _apply(actor, doctype, [object_id], action, comment or "",
                         {object_id: expected_state} if expected_state else None)[0]
    if not outcome.ok:
        raise ServiceError(outcome.message, code=outcome.code)
    return outcome


def bulk_transition(*, actor: Actor, doctype: str, ids: list[int], action: str, comment: str = "",
                    expected_states: dict[int, str] | None = None) -> list[Outcome]:
    """Any number of documents, each on its own, a result for each (no cap)."""
    results: list[Outcome] = []
    unique_ids = list(dict.fromkeys(int(i) for i in ids))
    for start in range(0, len(unique_ids), BULK_CHUNK):
        chunk = unique_ids[start:start + BULK_CHUNK]
        try:
            with transaction.atomic():
                results.extend(_apply(actor, doctype, chunk, action, comment or "", expected_states))
        except Exception:  # noqa: BLE001 - a database failure refuses the chunk, never the whole request
            refusal = unexpected_error(logger, "Bulk transition chunk failed")
            results.extend(Outcome(i, False, refusal.code, refusal.message) for i in chunk)
    return results

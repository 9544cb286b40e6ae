"""Editing a draft version of a workflow, one element at a time (the builder page's writes).

Every service here is keyword-only and atomic, and follows the same steps:

1. only an administrator (or a superuser), never a read-only actor;
2. the definition row is locked (``select_for_update``): two administrators saving at once are served
   one after the other;
3. only a *draft* is edited: a version that is active, was ever activated, is piloted somewhere or
   is used by a document is read-only (``draft_lock_reason``);
4. the form names the draft's ``revision`` it was opened on; an older one is refused with who saved
   in between and when (the form comes back with everything typed, nothing is lost);
5. the edit is made on the definition *as data* first and checked by the single validator,
   ``definitions.definition_problems``: any problem of the elements being written (a target state
   that does not exist, a condition that does not parse or names an unknown field, an unknown role,
   a duplicated code …) refuses the whole edit with every reason and nothing is written. Problems of
   the graph (an unreachable state, a state with no way out) do not: a draft is a working copy, and
   activation (``definitions.raise_if_invalid``) refuses them;
6. only then are the rows written, the revision incremented and ``edited_at``/``edited_by`` set.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from housing_campaign.accounts.selectors import Actor
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.validators import code_from_label, normalize_text

from . import definitions
from .models import Stage, WorkflowDefinition, WorkflowState, WorkflowTransition

CODE_RE = re.compile(r"[a-z][a-z0-9_]{0,59}")
MAX_CONDITION = 2000
MAX_SLA_DAYS = 3650
MAX_QUORUM = 1000
# Side effects that belong to every step rather than to arriving at a given state: when a state is
# inserted in the middle of a step, both halves keep them (the others move to the half that arrives).
EVERY_STEP_SIDE_EFFECTS = frozenset({"notify_next_actors"})


# ---------------------------------------------------------------------------- what may be edited
def draft_lock_reason(definition: WorkflowDefinition) -> str | None:
    """Why ``definition`` is read-only, or None for a draft that may be edited and discarded."""
    v = {"version": definition.version}
    if definition.is_active:
        return _("Phiên bản %(version)s đang được áp dụng nên chỉ xem; hãy tạo bản nháp để sửa.") % v
    if definition.activated_at or definition.retired_at:
        return _("Phiên bản %(version)s đã từng được áp dụng nên chỉ xem.") % v
    if definition.pilots.exists():
        return _("Phiên bản %(version)s đang được thí điểm nên chỉ xem.") % v
    if definitions.definition_in_use(definition):
        return _("Phiên bản %(version)s đã có hồ sơ sử dụng nên chỉ xem.") % v
    return None


def drafts_of(doctype: str) -> list[WorkflowDefinition]:
    """The drafts of a document type, newest first."""
    candidates = WorkflowDefinition.objects.filter(doctype=doctype, is_active=False, activated_at__isnull=True,
                                                   retired_at__isnull=True).order_by("-version")
    return [d for d in candidates if draft_lock_reason(d) is None]


def _ensure_administrator(actor: Actor) -> None:
    if actor.read_only:
        raise ServiceError(_("Tài khoản của bạn chỉ có quyền xem, không được sửa quy trình."),
                           code=ErrorCode.PERMISSION_DENIED)
    if not (actor.user.is_superuser or "administrator" in actor.own.roles):
        raise ServiceError(_("Chỉ Quản trị hệ thống được sửa quy trình."), code=ErrorCode.PERMISSION_DENIED)


def _person(user) -> str:
    if user is None:
        return _("một quản trị viên khác")
    return user.get_full_name() or user.get_username()


def _locked_draft(actor: Actor, definition_id: int, revision: int | None) -> WorkflowDefinition:
    _ensure_administrator(actor)
    definition = (WorkflowDefinition.objects.select_for_update(of=("self",)).select_related("edited_by")
                  .filter(pk=definition_id).first())
    if definition is None:
        raise ServiceError(_("Không tìm thấy phiên bản quy trình này; có thể bản nháp vừa bị hủy."),
                           code=ErrorCode.NOT_FOUND)
    reason = draft_lock_reason(definition)
    if reason:
        raise ServiceError(reason, code=ErrorCode.VERSION_LOCKED)
    if revision != definition.revision:
        raise ServiceError(stale_message(definition), code=ErrorCode.STALE_REVISION)
    return definition


def stale_message(definition: WorkflowDefinition) -> str:
    """What the second of two administrators editing one draft is told (the builder and the table page)."""
    when = timezone.localtime(definition.edited_at).strftime("%H:%M %d/%m/%Y") if definition.edited_at else ""
    return (_("Bản nháp vừa được %(person)s sửa lúc %(when)s nên thay đổi của bạn chưa được lưu. Những gì bạn nhập "
              "vẫn còn trên biểu mẫu: xem lại sơ đồ mới rồi bấm lưu lần nữa.")
            % {"person": _person(definition.edited_by), "when": when})


def draft_touch(*, definition: WorkflowDefinition, user) -> None:
    """Count an edit made elsewhere (the table page of the admin) as a revision of the draft."""
    definition.revision += 1
    definition.edited_at = timezone.now()
    definition.edited_by = user
    definition.save(update_fields=["revision", "edited_at", "edited_by"])


def _touch(definition: WorkflowDefinition, actor: Actor) -> None:
    definition.revision += 1
    definition.edited_at = timezone.now()
    definition.edited_by = actor.user
    definition.save(update_fields=["revision", "edited_at", "edited_by"])

    def clear():
        from .engine import clear_definition_cache

        clear_definition_cache()

    transaction.on_commit(clear)


# ---------------------------------------------------------------------------- the draft as data
@dataclass
class _Draft:
    """The draft's rows in memory: edited, checked as data, then written."""

    definition: WorkflowDefinition
    states: list[WorkflowState]
    transitions: list[WorkflowTransition]
    deleted: list = field(default_factory=list)

    @classmethod
    def load(cls, definition: WorkflowDefinition) -> _Draft:
        return cls(definition, list(definition.states.order_by("order", "id")),
                   list(definition.transitions.order_by("order", "id")))

    def data(self) -> dict:
        d = self.definition
        return {"doctype": d.doctype, "version": d.version, "name": d.name, "description": d.description,
                "initial_state": d.initial_state,
                "states": [{k: getattr(s, k) for k in definitions.STATE_KEYS} for s in self.states],
                "transitions": [{k: getattr(t, k) for k in definitions.TRANSITION_KEYS} for t in self.transitions]}

    def state(self, state_id) -> WorkflowState:
        found = next((s for s in self.states if s.pk == state_id), None)
        if found is None:
            raise ServiceError(_("Trạng thái này không còn trong bản nháp (có thể vừa bị xóa)."),
                               code=ErrorCode.NOT_FOUND)
        return found

    def transition(self, transition_id) -> WorkflowTransition:
        found = next((t for t in self.transitions if t.pk == transition_id), None)
        if found is None:
            raise ServiceError(_("Bước chuyển này không còn trong bản nháp (có thể vừa bị xóa)."),
                               code=ErrorCode.NOT_FOUND)
        return found

    def codes(self, *, besides=None) -> set[str]:
        return {s.code for s in self.states if s is not besides}

    def actions(self, source: str, *, besides=None) -> set[str]:
        return {t.action for t in self.transitions if t.source == source and t is not besides}

    def check(self, *, states=(), transitions=(), extra: list[str] | None = None) -> None:
        """Refuse with every reason when an element being written has a problem of its own (graph
        problems and those of other elements are left for the page to show)."""
        reasons = list(extra or [])
        touched_states = {s.code for s in states}
        touched_transitions = {(t.source, t.action) for t in transitions}
        for problem in definitions.definition_problems(self.data()):
            if problem.scope == "element" and (problem.state in touched_states
                                               or problem.transition in touched_transitions):
                reasons.append(str(problem))
        if reasons:
            raise ServiceError(_("Chưa lưu gì vì: %(reasons)s") % {"reasons": " ".join(reasons)},
                               code=ErrorCode.INVALID_DEFINITION,
                               details=list(dict.fromkeys(reasons)))

    def renumber(self) -> None:
        for i, s in enumerate(self.states):
            s.order = i
        for i, t in enumerate(self.transitions):
            t.order = i

    def write(self) -> None:
        for row in self.deleted:
            if row.pk:
                row.delete()
        for rows, model, keys in ((self.states, WorkflowState, definitions.STATE_KEYS),
                                  (self.transitions, WorkflowTransition, definitions.TRANSITION_KEYS)):
            model.objects.bulk_update([r for r in rows if r.pk], [*keys, "order"])
            for row in rows:
                if not row.pk:
                    row.definition = self.definition
                    row.save(force_insert=True)


# ---------------------------------------------------------------------------- input shapes
def _text(data: dict, key: str, label: str, max_length: int, reasons: list[str], *, required: bool = False,
          multiline: bool = False) -> str:
    value = data.get(key)
    text = normalize_text(value, multiline=multiline) if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        reasons.append(_("%(field)s: phải là chữ.") % {"field": label})
    elif len(text) > max_length:
        reasons.append(_("%(field)s: tối đa %(max)s ký tự (đang có %(length)s).")
                       % {"field": label, "max": max_length, "length": len(text)})
    elif required and not text:
        reasons.append(_("%(field)s: chưa nhập.") % {"field": label})
    return text[:max_length]


def _codes(data: dict, key: str, label: str, reasons: list[str]) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        reasons.append(_("%(field)s: phải là danh sách chọn.") % {"field": label})
        return []
    return list(dict.fromkeys(v.strip() for v in value if v.strip()))


def _int(data: dict, key: str, label: str, reasons: list[str], *, minimum: int, maximum: int,
         default: int | None) -> int | None:
    value = data.get(key, default)
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        reasons.append(_("%(field)s: phải là số nguyên từ %(min)s đến %(max)s.")
                       % {"field": label, "min": minimum, "max": maximum})
        return default
    return value


def _code(data: dict, key: str, label: str, reasons: list[str], default: str, *, max_length: int = 60) -> str:
    """A code picked from a list. Whether it is one of the list is the validator's question (it answers
    with its own words); here only that it is a short text the column holds."""
    value = data.get(key) or default
    if not isinstance(value, str) or len(value) > max_length:
        reasons.append(_("%(field)s: “%(value)s” không có trong danh sách.")
                       % {"field": label, "value": str(value)[:40]})
        return default
    return value


def _override(data: dict, key: str, label: str, taken: set[str], reasons: list[str]) -> str:
    """A code typed on purpose (optional): a lower-case slug, not already used."""
    value = data.get(key) or ""
    if not value:
        return ""
    if not isinstance(value, str) or not CODE_RE.fullmatch(value):
        reasons.append(_("%(field)s: chỉ gồm chữ thường không dấu, số và dấu gạch dưới, bắt đầu bằng chữ, tối đa "
                         "60 ký tự.") % {"field": label})
        return ""
    if value in taken:
        reasons.append(_("%(field)s: “%(value)s” đã được dùng.") % {"field": label, "value": value})
        return ""
    return value


def _state_fields(state: WorkflowState, data: dict, reasons: list[str]) -> None:
    state.label_vi = _text(data, "label_vi", _("Tên trạng thái"), 120, reasons, required=True)
    state.label_en = _text(data, "label_en", _("Tên tiếng Anh"), 120, reasons)
    state.stage = _code(data, "stage", _("Giai đoạn"), reasons, state.stage or Stage.SURVEY, max_length=20)
    state.edit_roles = _codes(data, "edit_roles", _("Vai trò được sửa hồ sơ"), reasons)
    state.required_fields = _codes(data, "required_fields", _("Trường bắt buộc"), reasons)
    state.sla_days = _int(data, "sla_days", _("Thời hạn xử lý"), reasons, minimum=1, maximum=MAX_SLA_DAYS, default=None)
    state.is_terminal = bool(data.get("is_terminal"))


def _transition_fields(transition: WorkflowTransition, data: dict, reasons: list[str]) -> None:
    transition.label_vi = _text(data, "label_vi", _("Nhãn nút"), 120, reasons, required=True)
    transition.label_en = _text(data, "label_en", _("Nhãn nút tiếng Anh"), 120, reasons)
    transition.source = _code(data, "source", _("Từ trạng thái"), reasons, transition.source or "")
    transition.target = _code(data, "target", _("Đến trạng thái"), reasons, transition.target or "")
    transition.kind = _code(data, "kind", _("Loại bước"), reasons, transition.kind or WorkflowTransition.Kind.FORWARD,
                            max_length=10)
    transition.roles = _codes(data, "roles", _("Vai trò được thực hiện"), reasons)
    transition.condition = _text(data, "condition", _("Điều kiện"), MAX_CONDITION, reasons, multiline=True)
    transition.condition_message = _text(data, "condition_message", _("Thông báo khi điều kiện không đạt"), 300,
                                         reasons)
    transition.comment_required = bool(data.get("comment_required"))
    transition.allow_previous_actor = bool(data.get("allow_previous_actor", True))
    transition.quorum = _int(data, "quorum", _("Số phiếu cần"), reasons, minimum=1, maximum=MAX_QUORUM, default=1)
    transition.territory_rule = _code(data, "territory_rule", _("Quy tắc địa bàn"), reasons,
                                      transition.territory_rule or WorkflowTransition.TerritoryRule.CONTAINS,
                                      max_length=10)
    transition.side_effects = _codes(data, "side_effects", _("Tác vụ kèm theo"), reasons)
    transition.automatic = bool(data.get("automatic"))


def _rename_state(draft: _Draft, old: str, new: str) -> None:
    if old == new:
        return
    for t in draft.transitions:
        if t.source == old:
            t.source = new
        if t.target == old:
            t.target = new
    if draft.definition.initial_state == old:
        draft.definition.initial_state = new


# ---------------------------------------------------------------------------- services
@transaction.atomic
def draft_create(*, actor: Actor, doctype: str) -> WorkflowDefinition:
    """A new draft copied from the active version (its rows as they are, problems included: the draft
    is where they get fixed). One draft per document type at a time."""
    _ensure_administrator(actor)
    active = WorkflowDefinition.objects.select_for_update().filter(doctype=doctype, is_active=True).first()
    if active is None:
        raise ServiceError(_("Chưa có phiên bản đang áp dụng để tạo bản nháp."), code=ErrorCode.NOT_FOUND)
    existing = drafts_of(doctype)
    if existing:
        raise ServiceError(_("Đã có bản nháp phiên bản %(version)s; hãy sửa tiếp bản nháp đó hoặc hủy nó trước khi "
                             "tạo bản mới.") % {"version": existing[0].version}, code=ErrorCode.DUPLICATE)
    data = definitions.definition_to_dict(active)
    draft = WorkflowDefinition.objects.create(
        doctype=doctype, version=definitions.definition_next_version(doctype), name=active.name,
        description=active.description, initial_state=active.initial_state, based_on=active,
        edited_at=timezone.now(), edited_by=actor.user)
    definitions._write_rows(draft, data)
    return draft


@transaction.atomic
def draft_discard(*, actor: Actor, definition_id: int, revision: int | None) -> int:
    """Delete a draft (never a version that is or was in use); returns its version number."""
    definition = _locked_draft(actor, definition_id, revision)
    version = definition.version
    definition.delete()
    return version


@transaction.atomic
def draft_info_save(*, actor: Actor, definition_id: int, revision: int | None, data: dict) -> WorkflowDefinition:
    definition = _locked_draft(actor, definition_id, revision)
    reasons: list[str] = []
    name = _text(data, "name", _("Tên quy trình"), 200, reasons, required=True)
    description = _text(data, "description", _("Mô tả"), 4000, reasons, multiline=True)
    if reasons:
        raise ServiceError(_("Chưa lưu gì vì: %(reasons)s") % {"reasons": " ".join(reasons)},
                           code=ErrorCode.VALIDATION, details=reasons)
    definition.name, definition.description = name, description
    definition.save(update_fields=["name", "description"])
    _touch(definition, actor)
    return definition


@transaction.atomic
def draft_state_save(*, actor: Actor, definition_id: int, revision: int | None, state_id: int | None,
                     data: dict) -> WorkflowState:
    """Add (``state_id`` None) or change a state. Its code is made from its Vietnamese name unless one
    is given; a changed code is followed by the transitions and the initial state."""
    definition = _locked_draft(actor, definition_id, revision)
    draft = _Draft.load(definition)
    reasons: list[str] = []
    if state_id is None:
        state = WorkflowState(definition=definition)
        draft.states.append(state)
    else:
        state = draft.state(state_id)
    old_code = state.code
    _state_fields(state, data, reasons)
    code = _override(data, "code", _("Mã trạng thái"), draft.codes(besides=state), reasons)
    if code:
        state.code = code
    elif not state.code:
        state.code = code_from_label(state.label_vi, taken=draft.codes(besides=state), fallback="trang_thai")
    if old_code:
        _rename_state(draft, old_code, state.code)
    if data.get("is_initial"):
        definition.initial_state = state.code
    elif old_code and definition.initial_state == state.code and data.get("is_initial") is False:
        reasons.append(_("Trạng thái đầu: hãy đánh dấu một trạng thái khác là trạng thái đầu thay vì bỏ chọn ở đây."))
    draft.renumber()
    draft.check(states=[state], extra=reasons)
    definition.save(update_fields=["initial_state"])
    draft.write()
    _touch(definition, actor)
    return state


@transaction.atomic
def draft_state_delete(*, actor: Actor, definition_id: int, revision: int | None, state_id: int) -> list[str]:
    """Delete a state and the transitions into and out of it; returns their button labels."""
    definition = _locked_draft(actor, definition_id, revision)
    draft = _Draft.load(definition)
    state = draft.state(state_id)
    if definition.initial_state == state.code:
        raise ServiceError(_("“%(state)s” là trạng thái đầu: hãy chọn trạng thái đầu khác trước khi xóa.")
                           % {"state": state.label_vi},
                           code=ErrorCode.VALIDATION)
    attached = [t for t in draft.transitions if state.code in (t.source, t.target)]
    draft.states.remove(state)
    for t in attached:
        draft.transitions.remove(t)
    draft.deleted += [*attached, state]
    draft.renumber()
    draft.write()
    _touch(definition, actor)
    return [t.label_vi for t in attached]


@transaction.atomic
def draft_transition_save(*, actor: Actor, definition_id: int, revision: int | None, transition_id: int | None,
                          data: dict) -> WorkflowTransition:
    """Add (``transition_id`` None) or change a transition. Its action code is made from the button
    label unless one is given, and kept when it is changed (bulk actions and links name it)."""
    definition = _locked_draft(actor, definition_id, revision)
    draft = _Draft.load(definition)
    reasons: list[str] = []
    if transition_id is None:
        transition = WorkflowTransition(definition=definition)
    else:
        transition = draft.transition(transition_id)
    _transition_fields(transition, data, reasons)
    taken = draft.actions(transition.source, besides=transition)
    action = _override(data, "action", _("Mã thao tác"), taken, reasons)
    if action:
        transition.action = action
    elif not transition.action or transition.action in taken:
        transition.action = code_from_label(transition.label_vi, taken=taken, fallback="thao_tac")
    if transition_id is None:
        # After the last step out of the same state, so the buttons keep their order on the desk.
        last = max((i for i, t in enumerate(draft.transitions) if t.source == transition.source), default=None)
        draft.transitions.insert(len(draft.transitions) if last is None else last + 1, transition)
    draft.renumber()
    draft.check(transitions=[transition], extra=reasons)
    draft.write()
    _touch(definition, actor)
    return transition


@transaction.atomic
def draft_transition_delete(*, actor: Actor, definition_id: int, revision: int | None, transition_id: int) -> None:
    definition = _locked_draft(actor, definition_id, revision)
    draft = _Draft.load(definition)
    transition = draft.transition(transition_id)
    draft.transitions.remove(transition)
    draft.deleted.append(transition)
    draft.renumber()
    draft.write()
    _touch(definition, actor)


@transaction.atomic
def draft_state_insert_between(*, actor: Actor, definition_id: int, revision: int | None, transition_id: int,
                               data: dict) -> WorkflowState:
    """“Thêm trạng thái giữa A và B”, given the transition A→B: a new state N, that transition now
    goes A→N (same button, roles and condition: the decision taken in A is unchanged), and a new
    transition N→B taken by ``data["roles"]``. The side effects of arriving in B move to N→B, except
    those of every step (notifications), which both keep. The administrator edits either afterwards."""
    definition = _locked_draft(actor, definition_id, revision)
    draft = _Draft.load(definition)
    step = draft.transition(transition_id)
    reasons: list[str] = []
    label = _text(data, "label_vi", _("Tên trạng thái mới"), 120, reasons, required=True)
    stage = _code(data, "stage", _("Giai đoạn"), reasons,
                  next((s.stage for s in draft.states if s.code == step.target), Stage.SURVEY), max_length=20)
    roles = _codes(data, "roles", _("Vai trò thực hiện ở trạng thái mới"), reasons)
    button = _text(data, "action_label", _("Nhãn nút của bước mới"), 120, reasons)
    code = _override(data, "code", _("Mã trạng thái"), draft.codes(), reasons)
    target = step.target
    state = WorkflowState(definition=definition, label_vi=label, stage=stage, edit_roles=roles,
                          code=code or code_from_label(label, taken=draft.codes(), fallback="trang_thai"))
    source_index = next((i for i, s in enumerate(draft.states) if s.code == step.source), len(draft.states) - 1)
    draft.states.insert(source_index + 1, state)
    button = button or (_("Hoàn tất %(state)s") % {"state": label[:1].lower() + label[1:]})[:120]
    onward = WorkflowTransition(
        definition=definition, source=state.code, target=target, label_vi=button, kind=step.kind, roles=roles,
        action=code_from_label(button, taken=(), fallback="thao_tac"), quorum=1, territory_rule=step.territory_rule,
        side_effects=list(step.side_effects))
    step.target = state.code
    step.side_effects = [e for e in step.side_effects if e in EVERY_STEP_SIDE_EFFECTS]
    draft.transitions.insert(draft.transitions.index(step) + 1, onward)
    draft.renumber()
    draft.check(states=[state], transitions=[step, onward], extra=reasons)
    draft.write()
    _touch(definition, actor)
    return state

"""Workflow definitions as plain data: validated, loaded from ``workflows/*.yaml``, exported back.

The canonical form (key order, defaults omitted) makes an export of an unedited definition
byte-identical to the file it came from.
"""
from __future__ import annotations

import hashlib
from collections import deque
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from housing_campaign.core import hookspec, limits
from housing_campaign.core.errors import ErrorCode, ServiceError

from . import registry
from .conditions import condition_problems
from .models import Stage, WorkflowDefinition, WorkflowState, WorkflowTransition

STATE_KEYS = ("code", "label_vi", "label_en", "stage", "edit_roles", "required_fields", "sla_days", "is_terminal")
STATE_DEFAULTS = {"label_en": "", "edit_roles": [], "required_fields": [], "sla_days": None, "is_terminal": False}
TRANSITION_KEYS = ("source", "action", "label_vi", "label_en", "target", "kind", "roles", "condition",
                   "condition_message", "condition_message_en", "comment_required", "allow_previous_actor", "quorum",
                   "territory_rule", "side_effects", "automatic")
TRANSITION_DEFAULTS = {"label_en": "", "kind": "forward", "condition": "", "condition_message": "",
                       "condition_message_en": "", "comment_required": False, "allow_previous_actor": True, "quorum": 1,
                       "territory_rule": "contains", "side_effects": [], "automatic": False}


class Problem(str):
    """One reason a definition cannot take effect, as the text shown to people (a ``str``, so callers
    that join or compare messages keep working) plus where it is: ``state`` (a state's code) or
    ``transition`` (its ``(source, action)``), and ``scope``: ``element`` (the state's or transition's own
    input: refused whenever it is saved), ``graph`` (how the states connect: a draft may be saved with
    it, activation refuses it) or ``definition`` (the whole). ``blocking`` is False for warnings, which
    are shown but refuse nothing."""

    state: str | None = None
    transition: tuple[str, str] | None = None
    scope: str = "definition"
    blocking: bool = True

    @classmethod
    def at(cls, message: str, *, state: str | None = None, transition: tuple[str, str] | None = None,
           scope: str = "definition", blocking: bool = True) -> Problem:
        problem = cls(str(message))
        problem.state, problem.transition, problem.scope, problem.blocking = state, transition, scope, blocking
        return problem


def _tag(problems: list, start: int, **where) -> None:
    """Attach ``where`` to the problems appended since ``start`` (the checks stay plain appends)."""
    for i in range(start, len(problems)):
        problems[i] = Problem.at(problems[i], **where)


def workflows_dir() -> Path:
    return Path(settings.PROJECT_ROOT) / "workflows"


# ---------------------------------------------------------------------------- conversions
def definition_to_dict(definition: WorkflowDefinition) -> dict:
    states = []
    for s in definition.states.all().order_by("order", "id"):
        states.append({k: getattr(s, k) for k in STATE_KEYS})
    transitions = []
    for t in definition.transitions.all().order_by("order", "id"):
        transitions.append({k: getattr(t, k) for k in TRANSITION_KEYS})
    return {"doctype": definition.doctype, "version": definition.version, "name": definition.name,
            "description": definition.description, "initial_state": definition.initial_state,
            "states": states, "transitions": transitions}


def _strip_defaults(item: dict, keys: tuple[str, ...], defaults: dict) -> dict:
    return {k: item[k] for k in keys if k in item and not (k in defaults and item[k] == defaults[k])}


def canonical_yaml(data: dict) -> str:
    out = {"doctype": data["doctype"], "version": data["version"], "name": data["name"]}
    if data.get("description"):
        out["description"] = data["description"]
    out["initial_state"] = data["initial_state"]
    out["states"] = [_strip_defaults(s, STATE_KEYS, STATE_DEFAULTS) for s in data["states"]]
    out["transitions"] = [_strip_defaults(t, TRANSITION_KEYS, TRANSITION_DEFAULTS) for t in data["transitions"]]
    return yaml.safe_dump(out, allow_unicode=True, sort_keys=False, width=4096, default_flow_style=None)


def parse_yaml(text: str) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ServiceError(_("Tệp quy trình không đọc được: %(error)s") % {"error": exc},
                           code=ErrorCode.INVALID_DEFINITION) from None
    if not isinstance(data, dict):
        raise ServiceError(_("Tệp quy trình phải là một bảng khóa–giá trị."), code=ErrorCode.INVALID_DEFINITION)
    data.setdefault("description", "")
    data["states"] = [{**STATE_DEFAULTS, **s} for s in data.get("states") or []]
    data["transitions"] = [{**TRANSITION_DEFAULTS, **t} for t in data.get("transitions") or []]
    return data


def definition_checksum(data: dict) -> str:
    return hashlib.sha256(canonical_yaml({**data, "version": 0}).encode()).hexdigest()


# ---------------------------------------------------------------------------- validation
def definition_problems(data: dict) -> list[Problem]:
    """Every reason the definition cannot take effect (python-statemachine's checks, and ours). The
    conditions' bound checks share one time budget (``definition_seconds``), however many there are.
    Each item is a ``Problem``: its text, and the state or transition it is about."""
    with limits.bounded(seconds=limits.limits().definition_seconds):
        return [p if isinstance(p, Problem) else Problem.at(p) for p in _definition_problems(data)]


def definition_warnings(data: dict) -> list[Problem]:
    """What an administrator should know but that refuses nothing: a role that no active user holds
    (nobody could take the step or edit in the state until someone is given the role). Not a reason to
    refuse activation: roles are often staffed after the procedure is set, and a fresh site loads its
    workflows before it has users."""
    from django.contrib.auth import get_user_model
    from django.utils.translation import gettext

    from housing_campaign.accounts.models import Role

    names = dict(Role.objects.filter(is_active=True).values_list("code", "name_vi"))
    used = {r for s in data.get("states") or [] for r in s.get("edit_roles") or []} | {
        r for t in data.get("transitions") or [] for r in t.get("roles") or []}
    held = set(get_user_model().objects.filter(is_active=True, groups__role__code__in=used & set(names))
               .values_list("groups__role__code", flat=True).distinct())
    empty = {r for r in used if r in names and r not in held}
    warnings = []
    for s in data.get("states") or []:
        for role in s.get("edit_roles") or []:
            if role in empty:
                warnings.append(Problem.at(
                    gettext("Trạng thái “%(state)s”: chưa có người dùng nào giữ vai trò “%(role)s” (được sửa hồ sơ).")
                    % {"state": s.get("label_vi") or s.get("code"), "role": names[role]},
                    state=s.get("code"), scope="element", blocking=False))
    for t in data.get("transitions") or []:
        for role in t.get("roles") or []:
            if role in empty:
                warnings.append(Problem.at(
                    gettext("Bước “%(step)s”: chưa có người dùng nào giữ vai trò “%(role)s”, chưa ai thực hiện được "
                            "bước này.") % {"step": t.get("label_vi") or t.get("action"), "role": names[role]},
                    transition=(t.get("source"), t.get("action")), scope="element", blocking=False))
    return warnings


def _definition_problems(data: dict) -> list[str]:
    from housing_campaign.accounts.models import Role

    problems = _unknown_keys(data)
    doctype = data.get("doctype")
    if doctype not in hookspec.doctype_models():
        return [_("Loại hồ sơ không tồn tại: %(doctype)r.") % {"doctype": doctype}]
    # A retired role counts as gone; a read-only role (the auditor) may neither act nor edit.
    roles = set(Role.objects.filter(is_active=True, read_only=False).values_list("code", flat=True))
    states = data.get("states") or []
    codes = [s.get("code") for s in states]
    problems += _state_problems(data, states, codes, roles, registry.known_names(doctype))
    transition_problems, graph = _transition_problems(doctype, data.get("transitions") or [], codes, roles)
    problems += transition_problems
    problems += _graph_problems(data, states, graph)
    return problems


def _viewer_roles() -> set[str]:
    from housing_campaign.accounts.models import Role

    return set(Role.objects.filter(is_active=True, read_only=True).values_list("code", flat=True))


def _unknown_keys(data: dict) -> list[str]:
    problems = []
    for s in data.get("states") or []:
        start = len(problems)
        unknown = sorted(set(s) - set(STATE_KEYS))
        if unknown:
            problems.append(_("Trạng thái %(code)s: khóa không hợp lệ %(keys)s.") % {
                "code": s.get("code"), "keys": ", ".join(map(str, unknown))})
        _tag(problems, start, state=s.get("code"), scope="element")
    for t in data.get("transitions") or []:
        start = len(problems)
        unknown = sorted(set(t) - set(TRANSITION_KEYS))
        if unknown:
            problems.append(_("Bước %(source)s→%(target)s: khóa không hợp lệ %(keys)s.") % {
                "source": t.get("source"), "target": t.get("target"), "keys": ", ".join(map(str, unknown))})
        _tag(problems, start, transition=(t.get("source"), t.get("action")), scope="element")
    return problems


def _state_problems(data: dict, states: list[dict], codes: list, roles: set[str], field_names: set[str]
                    ) -> list[str]:
    problems = []
    stages = set(Stage.values)
    if not states:
        problems.append(_("Quy trình phải có ít nhất một trạng thái."))
    for code in {c for c in codes if codes.count(c) > 1}:
        start = len(problems)
        problems.append(_("Mã trạng thái bị trùng: %(code)s.") % {"code": code})
        _tag(problems, start, state=code, scope="element")
    if data.get("initial_state") not in codes:
        problems.append(_("Trạng thái đầu “%(code)s” không có trong danh sách trạng thái.") % {
            "code": data.get("initial_state")})
    for s in states:
        code = s.get("code") or "?"
        start = len(problems)
        if not s.get("code"):
            problems.append(_("Có trạng thái chưa có mã."))
        if not s.get("label_vi"):
            problems.append(_("Trạng thái %(code)s: thiếu tên tiếng Việt.") % {"code": code})
        if s.get("stage") not in stages:
            problems.append(_("Trạng thái %(code)s: giai đoạn “%(stage)s” không tồn tại.") % {
                "code": code, "stage": s.get("stage")})
        for role in s.get("edit_roles") or []:
            if role in roles:
                continue
            if role in _viewer_roles():
                problems.append(_("Trạng thái %(code)s: vai trò “%(role)s” chỉ được xem, không được sửa hồ sơ.") % {
                    "code": code, "role": role})
            else:
                problems.append(_("Trạng thái %(code)s: vai trò “%(role)s” không tồn tại.") % {
                    "code": code, "role": role})
        for field in s.get("required_fields") or []:
            if field not in field_names:
                problems.append(_("Trạng thái %(code)s: trường bắt buộc “%(field)s” không tồn tại.") % {
                    "code": code, "field": field})
        sla = s.get("sla_days")
        if sla is not None and (not isinstance(sla, int) or sla <= 0):
            problems.append(_("Trạng thái %(code)s: thời hạn xử lý phải là số ngày nguyên dương.") % {"code": code})
        _tag(problems, start, state=s.get("code"), scope="element")
    return problems


def _transition_problems(doctype: str, transitions: list[dict], codes: list, roles: set[str]
                         ) -> tuple[list[str], dict[str, set[str]]]:
    """Problems of each transition, and the graph of states they draw (for reachability)."""
    problems = []
    seen_actions = set()
    graph: dict[str, set[str]] = {c: set() for c in codes}
    for t in transitions:
        src, act, tgt = t.get("source"), t.get("action"), t.get("target")
        name = _("Bước “%(label)s” (%(source)s → %(target)s)") % {"label": t.get("label_vi") or act, "source": src,
                                                                   "target": tgt}
        start = len(problems)
        if src not in codes:
            problems.append(_("%(step)s: trạng thái nguồn “%(state)s” không tồn tại.") % {"step": name, "state": src})
        if tgt not in codes:
            problems.append(_("%(step)s: trạng thái đích “%(state)s” không tồn tại.") % {"step": name, "state": tgt})
        if not act:
            problems.append(_("%(step)s: thiếu mã thao tác.") % {"step": name})
        if (src, act) in seen_actions:
            problems.append(_("%(step)s: trùng thao tác “%(action)s” từ trạng thái %(state)s.") % {
                "step": name, "action": act, "state": src})
        seen_actions.add((src, act))
        if not t.get("label_vi"):
            problems.append(_("%(step)s: thiếu nhãn nút tiếng Việt.") % {"step": name})
        if not t.get("roles"):
            problems.append(_("%(step)s: phải có ít nhất một vai trò được thực hiện.") % {"step": name})
        for role in t.get("roles") or []:
            if role in roles:
                continue
            if role in _viewer_roles():
                problems.append(_("%(step)s: vai trò “%(role)s” chỉ được xem, không thực hiện được bước chuyển.") % {
                    "step": name, "role": role})
            else:
                problems.append(_("%(step)s: vai trò “%(role)s” không tồn tại.") % {"step": name, "role": role})
        for problem in condition_problems(doctype, t.get("condition") or ""):
            problems.append(f"{name}: {problem}")
        quorum = t.get("quorum", 1)
        if not isinstance(quorum, int) or quorum < 1:
            problems.append(_("%(step)s: số phiếu cần phải là số nguyên ≥ 1.") % {"step": name})
        if t.get("kind", "forward") not in WorkflowTransition.Kind.values:
            problems.append(_("%(step)s: loại bước “%(kind)s” không hợp lệ.") % {"step": name, "kind": t.get("kind")})
        if t.get("territory_rule", "contains") not in ("contains", "none"):
            problems.append(_("%(step)s: quy tắc địa bàn không hợp lệ.") % {"step": name})
        if t.get("automatic"):
            if t.get("kind", "forward") != "forward":
                problems.append(_("%(step)s: chỉ bước chuyển tiếp mới để hệ thống tự thực hiện được.") % {"step": name})
            if not (t.get("condition") or "").strip():
                problems.append(_("%(step)s: bước hệ thống tự thực hiện phải có điều kiện (nếu không, hồ sơ sẽ "
                                  "chuyển ngay khi vào trạng thái).") % {"step": name})
            if t.get("comment_required") or (t.get("quorum") or 1) > 1:
                problems.append(_("%(step)s: bước hệ thống tự thực hiện không thể bắt buộc ghi lý do hay cần nhiều "
                                  "phiếu.") % {"step": name})
        for effect in t.get("side_effects") or []:
            spec = hookspec.side_effect_specs().get(effect)
            if spec is None:
                problems.append(_("%(step)s: tác vụ kèm theo “%(effect)s” không có trong hooks.py.") % {
                    "step": name, "effect": effect})
            elif doctype not in spec["doctypes"]:
                problems.append(_("%(step)s: tác vụ “%(effect)s” không dùng được cho loại hồ sơ này.") % {
                    "step": name, "effect": effect})
        _tag(problems, start, transition=(src, act), scope="element")
        if src in graph:
            graph[src].add(tgt)
    return problems, graph


def _graph_problems(data: dict, states: list[dict], graph: dict[str, set[str]]) -> list[str]:
    """Terminal states with a way out, others without one, states the initial state cannot reach."""
    problems = []
    by_code = {s.get("code"): s for s in states}
    for code, targets in graph.items():
        state = by_code.get(code) or {}
        start = len(problems)
        if state.get("is_terminal") and targets:
            problems.append(_("Trạng thái kết thúc %(code)s không được có bước chuyển đi.") % {"code": code})
        if not state.get("is_terminal") and not targets:
            problems.append(_("Trạng thái %(code)s không phải trạng thái kết thúc nhưng không có bước chuyển đi.") % {
                "code": code})
        _tag(problems, start, state=code, scope="graph")
    if data.get("initial_state") in graph:
        reached = {data["initial_state"]}
        queue = deque([data["initial_state"]])
        while queue:
            for nxt in graph.get(queue.popleft(), ()):
                if nxt in graph and nxt not in reached:
                    reached.add(nxt)
                    queue.append(nxt)
        for code in graph:
            if code not in reached:
                start = len(problems)
                problems.append(_("Trạng thái %(code)s không thể đến được từ trạng thái đầu.") % {
                    "code": code})
                _tag(problems, start, state=code, scope="graph")
    if not any(s.get("is_terminal") for s in states):
        start = len(problems)
        problems.append(_("Quy trình phải có ít nhất một trạng thái kết thúc."))
        _tag(problems, start, scope="graph")
    return problems


def raise_if_invalid(data: dict) -> None:
    problems = definition_problems(data)
    if problems:
        raise ServiceError(_("Quy trình không hợp lệ: %(problems)s") % {"problems": "; ".join(problems)},
                           code=ErrorCode.INVALID_DEFINITION, details=problems)


# ---------------------------------------------------------------------------- writes
def _write_rows(definition: WorkflowDefinition, data: dict) -> None:
    definition.states.all().delete()
    definition.transitions.all().delete()
    WorkflowState.objects.bulk_create([
        WorkflowState(definition=definition, order=i, **{k: s.get(k, STATE_DEFAULTS.get(k)) for k in STATE_KEYS})
        for i, s in enumerate(data["states"])])
    WorkflowTransition.objects.bulk_create([
        WorkflowTransition(definition=definition, order=i,
                           **{k: (t.get(k) if t.get(k) is not None else TRANSITION_DEFAULTS.get(k, ""))
                              for k in TRANSITION_KEYS})
        for i, t in enumerate(data["transitions"])])


def definition_next_version(doctype: str) -> int:
    """The number the next version of ``doctype``'s workflow takes (the admin and sync share it)."""
    last = WorkflowDefinition.objects.filter(doctype=doctype).order_by("-version").values_list("version", flat=True)
    return (last.first() or 0) + 1


@transaction.atomic
def definition_create(*, data: dict, activate: bool = False, based_on: WorkflowDefinition | None = None
                      ) -> WorkflowDefinition:
    raise_if_invalid(data)
    version = data.get("version") or definition_next_version(data["doctype"])
    if WorkflowDefinition.objects.filter(doctype=data["doctype"], version=version).exists():
        raise ServiceError(_("Phiên bản %(version)s của quy trình %(doctype)s đã tồn tại.") % {
            "version": version, "doctype": data["doctype"]},
                           code=ErrorCode.DUPLICATE)
    definition = WorkflowDefinition.objects.create(
        doctype=data["doctype"], version=version, name=data["name"], description=data.get("description", ""),
        initial_state=data["initial_state"], based_on=based_on)
    _write_rows(definition, data)
    if activate:
        definition_activate(definition=definition)
    return definition


def definition_in_use(definition: WorkflowDefinition) -> bool:
    model = registry.model_for(definition.doctype)
    return model.objects.filter(workflow=definition).exists()


@transaction.atomic
def definition_clone(*, definition: WorkflowDefinition) -> WorkflowDefinition:
    data = definition_to_dict(definition)
    data["version"] = None
    data["name"] = definition.name
    return definition_create(data=data, based_on=definition)


@transaction.atomic
def definition_activate(*, definition: WorkflowDefinition) -> WorkflowDefinition:
    raise_if_invalid(definition_to_dict(definition))
    now = timezone.now()
    (WorkflowDefinition.objects.filter(doctype=definition.doctype, is_active=True).exclude(pk=definition.pk)
     .update(is_active=False, retired_at=now))
    definition.is_active = True
    definition.activated_at = now
    definition.retired_at = None
    definition.save(update_fields=["is_active", "activated_at", "retired_at"])
    from .engine import clear_definition_cache

    clear_definition_cache()
    return definition


def definition_export(*, doctype: str, version: int | None = None) -> str:
    qs = WorkflowDefinition.objects.filter(doctype=doctype)
    definition = qs.get(version=version) if version else qs.get(is_active=True)
    return canonical_yaml(definition_to_dict(definition))


def definitions_sync(*, folder: Path | None = None) -> list[str]:
    """Load each ``workflows/*.yaml``. A file version already stored is left alone (administrators
    make newer versions in the admin); a newer file version is created and activated."""
    report = []
    for path in sorted((folder or workflows_dir()).glob("*.yaml")):
        data = parse_yaml(path.read_text(encoding="utf-8"))
        existing = WorkflowDefinition.objects.filter(doctype=data.get("doctype"), version=data.get("version")).first()
        if existing:
            if definition_checksum(definition_to_dict(existing)) != definition_checksum(data):
                report.append(f"{path.name}: phiên bản {existing.version} trong cơ sở dữ liệu khác tệp; giữ nguyên.")
            continue
        active = WorkflowDefinition.objects.filter(doctype=data.get("doctype"), is_active=True).first()
        activate = active is None or active.version < data["version"]
        definition_create(data=data, activate=activate)
        report.append(f"{path.name}: nạp phiên bản {data['version']}{' và áp dụng' if activate else ''}.")
    return report

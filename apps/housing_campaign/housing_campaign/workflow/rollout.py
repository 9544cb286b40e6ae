"""How a workflow version reaches new documents: province-wide, or first as a pilot in chosen communes or
districts (legacy or 2025 units) while the rest keep the active version.

- ``definition_pilot_start``: new documents of the chosen units start on the version (``engine.Rollout``
  picks, per document, the highest version piloted over its territory, else the active version).
- ``definition_pilot_widen``: one step to the whole province: the version becomes the active one, its
  pilot rows (and those of older versions, which no longer apply) are cleared, the old active retired.
- ``definition_province_apply``: the same for a version that was never piloted.
- ``definition_pilot_stop``: new documents of the units go back to the active version. Documents
  opened during the pilot stay on the piloted version until they finish or are migrated.

Every service checks everything first and refuses with every reason (``ServiceError.details``, in the reader's
language), writes nothing then, and otherwise logs the change in the version's history (the admin's
"Lịch sử"; a record, kept in Vietnamese).
Documents already in flight never move here: moving them is ``migration.py``.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.validators import query_id
from housing_campaign.geography.models import AdminUnit

from . import definitions
from .models import WorkflowDefinition, WorkflowPilot
from .selectors import ROLLOUT_LEVELS, rollout_units, unit_label

MAX_UNITS = 500  # more than the communes of any province


# ---------------------------------------------------------------------------- checks shared by the services
def administrator_problems(actor: Actor) -> list[str]:
    """Only an administrator (or a superuser) changes how workflows roll out; never the read-only auditor."""
    if actor.read_only:
        return [gettext("Tài khoản của bạn chỉ có quyền xem, không được áp dụng hay chuyển quy trình.")]
    if not (actor.own.everywhere or "administrator" in actor.own.roles):
        return [gettext("Chỉ Quản trị hệ thống được áp dụng, thí điểm hoặc chuyển hồ sơ sang phiên bản khác của "
                        "quy trình.")]
    return []


def province_administrator(actor: Actor) -> bool:
    """A superuser, or an administrator whose own territory includes a whole province."""
    if actor.own.everywhere:
        return True
    return AdminUnit.objects.filter(path__in=actor.own.paths, level=AdminUnit.Level.PROVINCE).exists()


def _shown(value) -> str:
    text = str(value)
    return text if len(text) <= 30 else text[:27] + "…"


def units_clean(*, actor: Actor, units: Iterable) -> tuple[list[AdminUnit], list[str]]:
    """The units chosen (ids as typed or posted, or AdminUnit rows), and every reason one is refused: not
    an id, not found, not a commune or district, outside the actor's territory. Never raises."""
    problems: list[str] = []
    ids: dict[int, None] = {}
    raw = list(units or ())
    if len(raw) > MAX_UNITS:
        return [], [gettext("Chọn quá nhiều đơn vị (%(count)s); tối đa %(max)s.") % {"count": len(raw),
                                                                                       "max": MAX_UNITS}]
    for value in raw:
        number = value.pk if isinstance(value, AdminUnit) else query_id(value.strip() if isinstance(value, str)
                                                                         else value)
        if number is None:
            problems.append(gettext("“%(value)s” không phải là một đơn vị hành chính.") % {"value": _shown(value)})
        else:
            ids[number] = None
    found = AdminUnit.objects.select_related("parent__parent").in_bulk(list(ids))
    allowed = set(rollout_units(actor).filter(pk__in=list(ids)).values_list("pk", flat=True))
    chosen = []
    for number in ids:
        unit = found.get(number)
        if unit is None:
            problems.append(gettext("Không tìm thấy đơn vị hành chính số %(id)s.") % {"id": number})
        elif unit.level not in ROLLOUT_LEVELS:
            problems.append(gettext("%(unit)s là đơn vị cấp tỉnh: chỉ chọn xã hoặc huyện (muốn áp dụng cho cả tỉnh, "
                                    "hãy chọn “Áp dụng cho toàn tỉnh”).") % {"unit": unit.name})
        elif number not in allowed:
            problems.append(gettext("%(unit)s nằm ngoài địa bàn bạn phụ trách.") % {"unit": unit_label(unit)})
        else:
            chosen.append(unit)
    return chosen, problems


def _validity_problems(definition: WorkflowDefinition) -> list[str]:
    problems = definitions.definition_problems(definitions.definition_to_dict(definition))
    return [gettext("Phiên bản %(version)s còn lỗi: %(problem)s") % {"version": definition.version, "problem": p}
            for p in problems]


def _locked(definition: WorkflowDefinition) -> WorkflowDefinition:
    """The version's row, locked until the end of the transaction: two administrators acting on it at once
    act one after the other, each on what the other left."""
    return WorkflowDefinition.objects.select_for_update().get(pk=definition.pk)


def _active(doctype: str) -> WorkflowDefinition | None:
    return WorkflowDefinition.objects.filter(doctype=doctype, is_active=True).first()


def refuse(actor: Actor, problems: list[str], what: str) -> None:
    """Raise with every reason (``details``); the code says whether the actor may not act at all."""
    if problems:
        code = ErrorCode.PERMISSION_DENIED if administrator_problems(actor) else ErrorCode.VALIDATION
        raise ServiceError(f"{what}: " + " ".join(problems), code=code, details=problems)


def _log(actor: Actor, definition: WorkflowDefinition, message: str) -> None:
    LogEntry.objects.log_actions(actor.user.pk, [definition], CHANGE, change_message=message, single_object=True)


def _names(units) -> str:
    return ", ".join(unit_label(u) for u in units)


# ---------------------------------------------------------------------------- pilots
def pilot_start_problems(*, actor: Actor, definition: WorkflowDefinition, units: Iterable
                         ) -> tuple[list[AdminUnit], list[str]]:
    """The units that would start piloting ``definition``, and every reason the pilot is refused."""
    problems = administrator_problems(actor)
    chosen, unit_problems = units_clean(actor=actor, units=units)
    problems += unit_problems
    active = _active(definition.doctype)
    if definition.is_active:
        problems.append(gettext("Phiên bản %(version)s đang được áp dụng cho toàn tỉnh nên không thể thí điểm.")
                        % {"version": definition.version})
    elif active is not None and definition.version < active.version:
        problems.append(gettext("Phiên bản %(version)s cũ hơn phiên bản đang áp dụng (%(active)s): hồ sơ mới luôn "
                                "theo phiên bản mới hơn, nên thí điểm phiên bản này không có tác dụng.")
                        % {"version": definition.version, "active": active.version})
    problems += _validity_problems(definition)
    if not chosen and not unit_problems:
        problems.append(gettext("Hãy chọn ít nhất một xã hoặc huyện để thí điểm."))
    piloted = set(definition.pilots.values_list("unit_id", flat=True))
    new = [u for u in chosen if u.pk not in piloted]
    if chosen and not new:
        problems.append(gettext("Phiên bản %(version)s đã được thí điểm tại %(units)s.")
                        % {"version": definition.version, "units": _names(chosen)})
    return new, problems


@transaction.atomic
def definition_pilot_start(*, actor: Actor, definition: WorkflowDefinition, units: Iterable) -> list[WorkflowPilot]:
    """Pilot ``definition`` in ``units`` (communes or districts in the actor's territory; ids or rows):
    new documents there start on it. Units already piloted on it are kept as they are."""
    definition = _locked(definition)
    new, problems = pilot_start_problems(actor=actor, definition=definition, units=units)
    refuse(actor, problems, gettext("Không thí điểm được"))
    definitions.raise_if_invalid(definitions.definition_to_dict(definition))  # the one gate of validity
    now = timezone.now()
    pilots = WorkflowPilot.objects.bulk_create([
        WorkflowPilot(definition=definition, unit=u, unit_path=u.path, started_at=now, started_by=actor.user)
        for u in new])
    _log(actor, definition, f"Bắt đầu thí điểm phiên bản {definition.version} tại: {_names(new)}.")
    return pilots


def pilot_stop_problems(*, actor: Actor, definition: WorkflowDefinition, units: Iterable | None = None
                        ) -> tuple[list[WorkflowPilot], list[str]]:
    """The pilot rows that would end (all those in the actor's territory when no unit is named), and every
    reason the stop is refused."""
    problems = administrator_problems(actor)
    pilots = list(definition.pilots.select_related("unit__parent__parent"))
    if not pilots:
        return [], [*problems, gettext("Phiên bản %(version)s không được thí điểm ở đâu.")
                    % {"version": definition.version}]
    inside = set(rollout_units(actor).filter(pk__in=[p.unit_id for p in pilots]).values_list("pk", flat=True))
    if units is None:
        ending = [p for p in pilots if p.unit_id in inside]
        if not ending:
            problems.append(gettext("Các địa bàn thí điểm đều nằm ngoài địa bàn bạn phụ trách."))
        return ending, problems
    chosen, unit_problems = units_clean(actor=actor, units=units)
    problems += unit_problems
    by_unit = {p.unit_id: p for p in pilots}
    for unit in chosen:
        if unit.pk not in by_unit:
            problems.append(gettext("Phiên bản %(version)s không được thí điểm tại %(unit)s.")
                            % {"version": definition.version, "unit": unit_label(unit)})
    if not chosen and not unit_problems:
        problems.append(gettext("Hãy chọn địa bàn cần dừng thí điểm."))
    return [by_unit[u.pk] for u in chosen if u.pk in by_unit], problems


@transaction.atomic
def definition_pilot_stop(*, actor: Actor, definition: WorkflowDefinition, units: Iterable | None = None) -> int:
    """End the pilot in ``units`` (by default everywhere in the actor's territory): new documents there
    start on the active version again. Returns how many units stopped piloting."""
    definition = _locked(definition)
    ending, problems = pilot_stop_problems(actor=actor, definition=definition, units=units)
    refuse(actor, problems, gettext("Không dừng thí điểm được"))
    WorkflowPilot.objects.filter(pk__in=[p.pk for p in ending]).delete()
    left = definition.pilots.count()
    _log(actor, definition, f"Dừng thí điểm phiên bản {definition.version} tại: {_names(p.unit for p in ending)}."
         + (f" Còn thí điểm ở {left} địa bàn khác." if left else ""))
    return len(ending)


# ---------------------------------------------------------------------------- the whole province
def province_apply_problems(*, actor: Actor, definition: WorkflowDefinition) -> list[str]:
    """Every reason ``definition`` cannot become the province-wide version now."""
    problems = administrator_problems(actor)
    if not problems and not province_administrator(actor):
        problems.append(gettext("Chỉ quản trị cấp tỉnh được áp dụng quy trình cho toàn tỉnh; bạn có thể thí điểm "
                                "trong địa bàn của mình."))
    if definition.is_active:
        problems.append(gettext("Phiên bản %(version)s đã đang được áp dụng cho toàn tỉnh.")
                        % {"version": definition.version})
    problems += _validity_problems(definition)
    return problems


def _apply_province(actor: Actor, definition: WorkflowDefinition, *, widen: bool) -> WorkflowDefinition:
    definition = _locked(definition)
    problems = province_apply_problems(actor=actor, definition=definition)
    if widen and not definition.pilots.exists():
        problems.append(gettext("Phiên bản %(version)s không được thí điểm ở đâu; hãy chọn “Áp dụng cho toàn "
                                "tỉnh”.") % {"version": definition.version})
    refuse(actor, problems, gettext("Không áp dụng được"))
    previous = _active(definition.doctype)
    piloted = [p.unit for p in definition.pilots.select_related("unit__parent")]
    definitions.definition_activate(definition=definition)  # raises on any problem; retires the old active
    # Pilots of this version and of older ones no longer choose anything: the province-wide version wins.
    stale = WorkflowPilot.objects.filter(definition__doctype=definition.doctype,
                                         definition__version__lte=definition.version)
    others = list(stale.exclude(definition=definition).select_related("definition", "unit__parent"))
    stale.delete()
    message = f"Áp dụng phiên bản {definition.version} cho toàn tỉnh"
    if piloted:
        message += f" (sau khi thí điểm tại {_names(piloted)})"
    if previous is not None:
        message += f"; ngừng áp dụng phiên bản {previous.version}"
    if others:
        message += "; kết thúc thí điểm " + ", ".join(f"phiên bản {p.definition.version} tại {unit_label(p.unit)}"
                                                     for p in others)
    _log(actor, definition, message + ".")
    return definition


@transaction.atomic
def definition_province_apply(*, actor: Actor, definition: WorkflowDefinition) -> WorkflowDefinition:
    """Make ``definition`` the version every new document of the province starts on."""
    return _apply_province(actor, definition, widen=False)


@transaction.atomic
def definition_pilot_widen(*, actor: Actor, definition: WorkflowDefinition) -> WorkflowDefinition:
    """One step from a pilot to the whole province: the piloted version becomes the active one, its pilot
    rows are cleared and the old active version is retired."""
    return _apply_province(actor, definition, widen=True)

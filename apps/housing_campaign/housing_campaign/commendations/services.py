"""Writes on commendation nominations: who may nominate whom for which award (competence, territory,
duplicates), and the steps of the commendation workflow that record documents."""
from __future__ import annotations

import json
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor
from housing_campaign.core import validators
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.events import created_event, event_save
from housing_campaign.core.services import sequence_next
from housing_campaign.geography.models import AdminUnit
from housing_campaign.workflow import engine

from .models import NO_AWARD_STATES, AwardForm, Nomination, Proposer

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


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def committee_name(unit: AdminUnit) -> str:
    """“Ủy ban nhân dân xã Đăk Blô” for the unit “Xã Đăk Blô”."""
    return f"Ủy ban nhân dân {_lower_first(unit.name)}"


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
                name = f"Ủy ban Mặt trận Tổ quốc Việt Nam {_lower_first(unit.name)}"
            else:
                name = f"{DEPARTMENT_NAMES.get(role, 'Sở Nội vụ')} {_lower_first(unit.name)}"
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
    if not candidates:
        raise ServiceError(gettext("%(name)s nằm ngoài địa bàn bạn phụ trách.") % {"name": participant.name},
                           field="participant", code=ErrorCode.OUT_OF_TERRITORY)
    return AdminUnit.objects.get(path=max(candidates, key=len))


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
                      evidence: dict, proposing_unit: AdminUnit | None = None, initiative=None,
                      proposer_kind: str | None = None, proposer_name: str = "") -> Nomination:
    """File a nomination of ``participant`` for ``award_form`` on behalf of a proposing unit (by default
    the actor's own unit that contains the participant), with the evidence gathered from the records as a
    snapshot. Starts the commendation workflow of the unit's territory and writes the created event.

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
    evidence = _check_evidence(evidence)
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
    event_save(created_event(doctype=DOCTYPE, object_id=nomination.pk, actor_id=actor.id, state=nomination.state,
                             workflow_version=engine.compiled(nomination.workflow_id).version))
    return nomination

"""Who may do what in the emulation movement, by the kind of participant (checked by the services on every
write, and by the pages to offer only what will be accepted).

- The emulation office (Sở Nội vụ, the council's secretariat) and administrators: everything inside their
  territory (participants of any kind, registrations, reports, initiatives, criteria, deadlines).
- A commune's officer and chairman: their commune's People's Committee (registration, plan, reports) and the
  households and individuals of their commune (created and looked after by the commune).
- The Fatherland Front: its own organisations (kind "front_organisation").
- The auditor and every other role read what lies in their territory; nothing else.
"""
from __future__ import annotations

from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor, Authority
from housing_campaign.geography.models import AdminUnit

from .models import Participant

OFFICE_ROLES = frozenset({"emulation_office", "administrator"})
COMMUNE_ROLES = frozenset({"commune_officer", "commune_chairman"})
FRONT_ROLES = frozenset({"fatherland_front"})
# Kinds a commune creates and looks after itself (the plan's households and individuals of its territory).
COMMUNE_KINDS = frozenset({Participant.Kind.HOUSEHOLD, Participant.Kind.PERSON, Participant.Kind.OFFICIAL})
# Kinds that register for the movement and owe plans and reports (units; households and individuals do not).
REGISTERING_KINDS = frozenset(Participant.COLLECTIVE_KINDS)
# Who reads the suggestions page (the secretariat, the council it serves, administrators, the auditor) and who
# turns a suggestion into a nomination there.
SUGGESTION_READERS = frozenset({"emulation_office", "emulation_council", "administrator", "auditor"})
NOMINATORS = frozenset({"emulation_office"})


def authority_over(actor: Actor, roles, unit_path: str, unit_2025_path: str = "") -> Authority | None:
    """The actor's authority (own first, then delegations) holding one of ``roles`` over the territory, or
    everywhere (a superuser)."""
    for authority in actor.all_authorities:
        if authority.everywhere:
            return authority
    return actor.authority_for(set(roles), *(p for p in (unit_path, unit_2025_path) if p))


def _is_commune(unit: AdminUnit | None) -> bool:
    return unit is not None and unit.level == AdminUnit.Level.COMMUNE


def creator_roles(kind: str, unit: AdminUnit | None) -> frozenset[str]:
    """Roles that may create (and edit) a participant of ``kind`` in ``unit``."""
    if kind in COMMUNE_KINDS and _is_commune(unit):
        return OFFICE_ROLES | COMMUNE_ROLES
    return OFFICE_ROLES


def manager_roles(participant: Participant) -> frozenset[str]:
    """Roles that register a unit, send its plan and reports, record its initiatives and attach its evidence."""
    unit = participant.unit
    if participant.kind == Participant.Kind.PEOPLES_COMMITTEE and _is_commune(unit):
        return OFFICE_ROLES | COMMUNE_ROLES
    if participant.kind == Participant.Kind.FRONT_ORGANISATION:
        return OFFICE_ROLES | FRONT_ROLES
    return creator_roles(participant.kind, unit)


def may_manage(actor: Actor, participant: Participant) -> bool:
    return not actor.read_only and authority_over(actor, manager_roles(participant), participant.unit_path,
                                                  participant.unit_2025_path) is not None


def may_edit(actor: Actor, participant: Participant) -> bool:
    return not actor.read_only and authority_over(actor, creator_roles(participant.kind, participant.unit),
                                                  participant.unit_path, participant.unit_2025_path) is not None


def holds(actor: Actor, roles) -> bool:
    """Whether the actor holds one of ``roles`` anywhere (or is a superuser)."""
    return any(a.everywhere or a.roles & set(roles) for a in actor.all_authorities)


def is_office(actor: Actor) -> bool:
    return not actor.read_only and holds(actor, OFFICE_ROLES)


def may_create_some(actor: Actor) -> bool:
    """Whether the actor may create participants of some kind somewhere (the page offers the form)."""
    return not actor.read_only and holds(actor, OFFICE_ROLES | COMMUNE_ROLES)


def reads_suggestions(actor: Actor) -> bool:
    return holds(actor, SUGGESTION_READERS)


def may_nominate(actor: Actor) -> bool:
    """The office's own role (a superuser holds no role to propose as: the commendations refuse them)."""
    return not actor.read_only and any(a.roles & NOMINATORS for a in actor.all_authorities)


def nominate_refusal(actor: Actor) -> str:
    """Why the actor may not turn a suggestion into a nomination (empty when they may), said on the page and by
    the service. A superuser is told why not: a nomination is a paper of the proposing body (the emulation office,
    Sở Nội vụ), filed under the name of the official who made it; a technical account holds no office to propose
    for, and acting as one would leave the body's papers signed by nobody of it."""
    if may_nominate(actor):
        return ""
    if actor.read_only:
        return gettext("Tài khoản của bạn chỉ có quyền xem.")
    if actor.user.is_superuser:
        return gettext("Tài khoản quản trị hệ thống không đứng tên đề nghị khen thưởng: đề nghị là văn bản của cơ quan "
                       "thường trực thi đua (Sở Nội vụ), ghi tên cán bộ lập. Hãy đăng nhập bằng tài khoản của cơ quan "
                       "thường trực thi đua, hoặc nhận ủy quyền của cơ quan đó.")
    return gettext("Chỉ cơ quan thường trực thi đua (Sở Nội vụ) lập đề nghị từ trang gợi ý.")

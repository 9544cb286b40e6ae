"""Who a user is to the product: roles, territories and delegations, and the one scoping function
every selector uses (Frappe's User Permission, checked on the server for every read and write)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Delegation, Role, UserTerritory


@dataclass(frozen=True)
class Authority:
    """Roles and territory held by someone (the user, or a delegator for a delegate)."""

    user_id: int
    roles: frozenset[str]
    paths: tuple[str, ...]
    everywhere: bool = False

    def covers(self, *paths: str) -> bool:
        if self.everywhere:
            return True
        return any(p and p.startswith(own) for p in paths for own in self.paths)


@dataclass(frozen=True)
class Actor:
    user: object
    own: Authority
    delegated: tuple[Authority, ...] = field(default=())
    read_only: bool = False

    @property
    def id(self) -> int:
        return self.user.pk

    @property
    def all_authorities(self) -> tuple[Authority, ...]:
        return (self.own, *self.delegated)

    def authority_for(self, roles: set[str] | list[str], *paths: str) -> Authority | None:
        """The first authority (own first, then delegations) that has one of ``roles`` over ``paths``."""
        wanted = set(roles)
        for authority in self.all_authorities:
            if authority.roles & wanted and authority.covers(*paths):
                return authority
        return None


def _authority(user_id: int, *, is_superuser: bool = False) -> tuple[Authority, bool]:
    roles = list(Role.objects.filter(group__user__id=user_id, is_active=True).values_list("code", "read_only"))
    role_codes = frozenset(code for code, _ in roles)
    read_only = bool(roles) and all(ro for _, ro in roles)
    paths = tuple(UserTerritory.objects.filter(user_id=user_id).values_list("unit__path", flat=True)) if roles else ()
    return Authority(user_id=user_id, roles=role_codes, paths=paths, everywhere=is_superuser), read_only


_GRANTS_SQL: dict[str, str] = {}


def _grants_sql() -> str:
    """The query of ``_grants``, written once per process from the models' tables and columns. It is plain SQL
    because building it with the ORM (a union of three queries) cost 1.3 ms per request, ten times its running
    time; it reads the same tables the ORM would (the user's groups' roles, their territories, and the
    delegations in force)."""
    if connection.vendor not in _GRANTS_SQL:
        from django.contrib.auth import get_user_model

        from housing_campaign.geography.models import AdminUnit

        user_model = get_user_model()
        q = connection.ops.quote_name

        def table(model) -> str:
            return q(model._meta.db_table)

        def col(model, name: str) -> str:
            return q(model._meta.get_field(name).column)

        user_groups = user_model.groups.through
        group_fk = user_groups._meta.get_field("group").column
        user_fk = user_groups._meta.get_field(user_model._meta.model_name).column
        _GRANTS_SQL[connection.vendor] = (
            f"SELECT 'r', r.{col(Role, 'code')}, r.{col(Role, 'read_only')} FROM {table(Role)} r "
            f"JOIN {table(user_groups)} ug ON ug.{q(group_fk)} = r.{col(Role, 'group')} "
            f"WHERE ug.{q(user_fk)} = %s AND r.{col(Role, 'is_active')} = %s "
            f"UNION ALL SELECT 't', u.{col(AdminUnit, 'path')}, %s FROM {table(UserTerritory)} t "
            f"JOIN {table(AdminUnit)} u ON u.{col(AdminUnit, 'id')} = t.{col(UserTerritory, 'unit')} "
            f"WHERE t.{col(UserTerritory, 'user')} = %s "
            f"UNION ALL SELECT 'd', CAST(d.{col(Delegation, 'delegator')} AS VARCHAR(20)), "
            f"du.{col(user_model, 'is_superuser')} FROM {table(Delegation)} d "
            f"JOIN {table(user_model)} du ON du.{col(user_model, 'id')} = d.{col(Delegation, 'delegator')} "
            f"WHERE d.{col(Delegation, 'delegate')} = %s AND d.{col(Delegation, 'is_active')} = %s "
            f"AND du.{col(user_model, 'is_active')} = %s "
            f"AND d.{col(Delegation, 'starts_on')} <= %s AND d.{col(Delegation, 'ends_on')} >= %s")
    return _GRANTS_SQL[connection.vendor]


def _grants(user_id: int, today: dt.date) -> tuple[list[tuple[str, bool]], list[str], list[tuple[int, bool]]]:
    """(roles with their read-only flag, territory paths, delegators in force today with their superuser flag)
    of a user, in one query: this runs for every request (the API's first cost after the token). A delegation
    counts while it is active, its dates cover the day and its delegator's account is active (a locked account
    lends no power)."""
    day = connection.ops.adapt_datefield_value(today)
    found: dict[str, list] = {"r": [], "t": [], "d": []}
    with connection.cursor() as cursor:
        cursor.execute(_grants_sql(), [user_id, True, False, user_id, user_id, True, True, day, day])
        for kind, value, bit in cursor.fetchall():
            found[kind].append((value, bool(bit)))
    return found["r"], [path for path, _ in found["t"]], [(int(pk), bit) for pk, bit in found["d"]]


def actor_for(user, *, on: dt.date | None = None) -> Actor:
    """Build the actor once per request (cached on the user object)."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        raise PermissionError("not authenticated")
    cached = getattr(user, "_hc_actor", None)
    if cached is not None and on is None:
        return cached
    today = on or timezone.localdate()
    roles, paths, delegators = _grants(user.pk, today)
    # A territory is where a role is exercised: without an active role it opens nothing (not even reading), so
    # a user whose roles were all withdrawn or switched off sees no record, by any page or the API.
    own = Authority(user_id=user.pk, roles=frozenset(code for code, _ in roles), paths=tuple(paths) if roles else (),
                    everywhere=user.is_superuser)
    read_only = bool(roles) and all(ro for _, ro in roles)
    delegated = tuple(_authority(delegator_id, is_superuser=is_superuser)[0]
                      for delegator_id, is_superuser in sorted(delegators))
    actor = Actor(user=user, own=own, delegated=delegated, read_only=read_only and not user.is_superuser)
    if on is None:
        user._hc_actor = actor
    return actor


def territory_q(actor: Actor, *, legacy_field: str = "unit_path", current_field: str = "unit_2025_path") -> Q:
    """The filter that limits any query to what the actor (with their delegations) may see."""
    if any(a.everywhere for a in actor.all_authorities):
        return Q()
    q = Q(pk__in=[])
    for authority in actor.all_authorities:
        for path in authority.paths:
            column = legacy_field if path.startswith("L.") else current_field
            q |= Q(**{f"{column}__startswith": path})
    return q


def scope(queryset: QuerySet, actor: Actor, **fields: str) -> QuerySet:
    return queryset.filter(territory_q(actor, **fields))


def role_holders(role_codes: list[str] | set[str]) -> dict[int, list[str]]:
    """{user id: territory paths} of active users holding any of ``role_codes``."""
    territories: dict[int, list[str]] = {}
    for user_id, unit_path in UserTerritory.objects.filter(
            user__is_active=True, user__groups__role__code__in=list(role_codes)).values_list(
            "user_id", "unit__path").distinct():
        territories.setdefault(user_id, []).append(unit_path)
    return territories


def users_with_role_over(role_codes: list[str] | set[str], *paths: str,
                         holders: dict[int, list[str]] | None = None) -> list[int]:
    """Users holding one of ``role_codes`` whose territory contains any of ``paths``."""
    holders = role_holders(role_codes) if holders is None else holders
    return sorted(user_id for user_id, own_paths in holders.items()
                  if any(p and p.startswith(own) for p in paths for own in own_paths))


# ---------------------------------------------------------------------------- managing users
def units_inside_q(actor: Actor, *, field: str = "") -> Q:
    """Units inside the actor's own territory (delegations grant no power over users): legacy units
    under one of their paths, and 2025 units every legacy unit of which lies inside."""
    from housing_campaign.geography.models import AdminUnit

    prefix = f"{field}__" if field else ""
    if actor.own.everywhere:
        return Q()
    inside_legacy = Q(pk__in=[])
    for path in actor.own.paths:
        inside_legacy |= Q(path__startswith=path)
    outside_predecessors = AdminUnit.objects.filter(successor__isnull=False).exclude(inside_legacy)
    inside_2025 = (AdminUnit.objects.filter(system=AdminUnit.System.CURRENT, predecessors__isnull=False)
                   .exclude(pk__in=outside_predecessors.values("successor_id")).values("pk"))
    q = Q(**{f"{prefix}pk__in": inside_2025})
    for path in actor.own.paths:
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def units_visible(actor: Actor) -> QuerySet:
    """Administrative units within the actor's territory (with their delegations): the units under
    one of their paths, legacy units merged into a 2025 unit of theirs, and (for a legacy territory)
    the 2025 units every legacy unit of which lies inside. What a record of theirs may point to."""
    from housing_campaign.geography.models import AdminUnit

    if any(a.everywhere for a in actor.all_authorities):
        return AdminUnit.objects.all()
    q = territory_q(actor, legacy_field="path", current_field="successor__path")
    for authority in actor.all_authorities:
        for path in authority.paths:
            q |= Q(path__startswith=path)
            if path.startswith("L."):
                q |= Q(pk__in=_current_units_inside(path))
    return AdminUnit.objects.filter(q)


def _current_units_inside(path: str) -> QuerySet:
    from housing_campaign.geography.models import AdminUnit

    outside = AdminUnit.objects.filter(successor__isnull=False).exclude(path__startswith=path)
    return (AdminUnit.objects.filter(system=AdminUnit.System.CURRENT, predecessors__path__startswith=path)
            .exclude(pk__in=outside.values("successor_id")).values("pk"))


def villages_visible(actor: Actor) -> QuerySet:
    """Villages of the communes the actor may see."""
    from housing_campaign.geography.models import Village

    return Village.objects.filter(commune__in=units_visible(actor).values("pk"))


def unit_is_inside(actor: Actor, unit) -> bool:
    from housing_campaign.geography.models import AdminUnit

    return AdminUnit.objects.filter(units_inside_q(actor), pk=unit.pk).exists()


def users_manageable(actor: Actor, queryset: QuerySet | None = None) -> QuerySet:
    """Users a (non-superuser) administrator may see and edit: not superusers, not administrators,
    with at least one territory and every territory inside the administrator's own."""
    from django.contrib.auth import get_user_model

    qs = queryset if queryset is not None else get_user_model().objects.all()
    if actor.own.everywhere:
        return qs
    outside = UserTerritory.objects.exclude(units_inside_q(actor, field="unit")).values("user_id")
    administrators = get_user_model().groups.through.objects.filter(
        group__role__code="administrator").values("user_id")
    return (qs.filter(is_superuser=False, pk__in=UserTerritory.objects.values("user_id"))
            .exclude(pk__in=administrators).exclude(pk__in=outside))

"""Inserting many rows at once: PostgreSQL's COPY where available, Django's bulk_create elsewhere.

Django's bulk_create on PostgreSQL sends every value through Python-side array adaptation (UNNEST),
about 0.5 ms per 40-column row; COPY streams the rows in the binary-capable C path of psycopg. The ids
are taken from the table's own sequence first, so each object gets its primary key as bulk_create
would set it, and foreign keys to these objects can be filled before they are inserted.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from operator import attrgetter

from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.utils import timezone


def _set_replication_role(role: str) -> bool:
    """``SET LOCAL session_replication_role``, for the rest of the transaction; False when the database role
    may not (it needs a superuser, or ``GRANT SET ON PARAMETER`` on PostgreSQL 15+)."""
    try:
        with transaction.atomic(savepoint=True), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL session_replication_role = {role}")
    except DatabaseError:
        return False
    return True


def _check_foreign_keys(model: type[models.Model], first_id: int, last_id: int,
                        fresh: frozenset = frozenset()) -> None:
    """What PostgreSQL's per-row foreign-key triggers check, for the rows just inserted, one statement per
    key: each referenced row exists, and it is locked FOR KEY SHARE (as the triggers lock it) so that no
    other transaction can delete it before this one commits. Rows of the ``fresh`` models were inserted by
    this transaction: no other can see them, let alone delete them, so they are checked but not locked (the
    lock is the costly half: a write on every referenced row). Raises IntegrityError naming the first bad key."""
    meta = model._meta
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    with connection.cursor() as cursor:
        for field in meta.concrete_fields:
            if not field.is_relation or not field.db_constraint:
                continue
            column = quote(field.column)
            target = field.target_field
            ref, ref_column = quote(target.model._meta.db_table), quote(target.column)
            keys = (f"SELECT DISTINCT {column} FROM {table} WHERE {pk} BETWEEN %s AND %s "
                    f"AND {column} IS NOT NULL")
            if target.model not in fresh:
                cursor.execute(f"SELECT 1 FROM {ref} WHERE {ref_column} IN ({keys}) FOR KEY SHARE",
                               [first_id, last_id])
            cursor.execute(f"SELECT k.{column} FROM ({keys}) k WHERE NOT EXISTS "
                           f"(SELECT 1 FROM {ref} r WHERE r.{ref_column} = k.{column}) LIMIT 1",
                           [first_id, last_id])
            missing = cursor.fetchone()
            if missing is not None:
                raise IntegrityError(f"insert on table {meta.db_table} violates foreign key {field.column}: "
                                     f"Key ({field.column})=({missing[0]}) is not present in table "
                                     f"{target.model._meta.db_table}.")


def bulk_insert(model: type[models.Model], objects: Sequence[models.Model], *, batch_size: int = 2000,
                check_keys_in_bulk: bool = False, fresh: Sequence[type[models.Model]] = ()) -> None:
    """Insert ``objects`` (new, unsaved) and set their primary keys. Runs inside the caller's transaction.

    ``check_keys_in_bulk``: on PostgreSQL, check the foreign keys of the inserted rows with one statement per
    key instead of one trigger call per row and key at commit (100,000 cases × 10 keys: seconds). The
    per-row triggers are switched off (``session_replication_role = replica``) for the COPY only, and the
    same checks and locks are made right after it (``_check_foreign_keys``): integrity is kept, the
    transaction fails as it would at commit. Where the database role may not switch them off, the triggers
    run as usual. Only for tables without triggers of their own (replica mode skips every ordinary trigger).
    ``fresh``: models whose rows these objects point to were all inserted earlier in this same transaction
    (checked, not locked: see ``_check_foreign_keys``)."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=batch_size)
        return
    meta = model._meta
    table, pk = meta.db_table, meta.pk
    # What bulk_create does for each object: a foreign key to an object saved since takes its id.
    relations = [f for f in meta.concrete_fields if f.is_relation]
    for obj in objects:
        cached = obj._state.fields_cache
        for field in relations:
            if getattr(obj, field.attname) is None and (related := cached.get(field.name)) is not None:
                if related.pk is None:
                    raise ValueError(f"bulk_insert: {model.__name__}.{field.name} points to an unsaved object.")
                setattr(obj, field.attname, related.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [table, pk.column, len(objects)])
        ids = [row[0] for row in cursor.fetchall()]
    for obj, new_id in zip(objects, ids):
        obj.pk = new_id
    fields = list(meta.concrete_fields)
    dumped: dict[int, tuple] = {}  # rows often share one JSON value (a memoised eligibility, a batch marker)
    json_at = [(i, f.null, functools.partial(json.dumps, cls=f.encoder)) for i, f in enumerate(fields)
               if isinstance(f, models.JSONField)]
    # auto_now(_add) columns: one timestamp for the whole insert, as one transaction would have it.
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    now = timezone.now()
    values_of = attrgetter(*[f.attname for f in fields])  # one C call per object
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    raw = connection.connection  # psycopg connection, inside Django's transaction
    in_bulk = check_keys_in_bulk and connection.in_atomic_block and _set_replication_role("replica")
    try:
        with raw.cursor() as cursor, \
                cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                for attname in stamped:
                    setattr(obj, attname, now)
                row = list(values_of(obj))
                for i, nullable, dumps in json_at:
                    value = row[i]
                    if value is None and nullable:
                        continue
                    # JSON text once per distinct value object (rows share their eligibility, their marker).
                    held = dumped.get(id(value))
                    if held is None or held[0] is not value:
                        held = dumped[id(value)] = (value, dumps(value))
                    row[i] = held[1]
                copy.write_row(row)
    finally:
        if in_bulk:
            _set_replication_role("origin")
    if in_bulk:
        _check_foreign_keys(model, min(ids), max(ids), frozenset(fresh))
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias


class InstanceBuilder:
    """Unsaved instances of ``model`` made the way ``Model.from_db`` makes loaded ones: every concrete
    field's value passed by position, so Django's constructor skips its per-keyword work (descriptor
    calls, default look-ups). ``builder(**values)`` takes what ``model(**values)`` takes for concrete
    fields (a related object by its field name, or its id by attname) and gives the same instance:
    defaults for the rest, related objects cached on the instance as the descriptor would cache them.
    For bulk imports that build tens of thousands of rows."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        fields = model._meta.concrete_fields
        self.position = {f.attname: i for i, f in enumerate(fields)}
        self.relations = {f.name: (self.position[f.attname], f) for f in fields if f.is_relation}
        self.position.update({f.name: self.position[f.attname] for f in fields})
        self.base = [None if f.has_default() and callable(f.default) else f.get_default() for f in fields]
        self.called = [(i, f) for i, f in enumerate(fields) if f.has_default() and callable(f.default)]

    def __call__(self, **values) -> models.Model:
        row = list(self.base)
        for i, field in self.called:
            row[i] = field.get_default()
        related = {}
        for name, value in values.items():
            relation = self.relations.get(name)
            if relation is not None:
                i, field = relation
                if value is not None and not isinstance(value, field.remote_field.model):
                    raise ValueError(f"{self.model.__name__}.{name} must be a {field.remote_field.model.__name__}.")
                row[i] = None if value is None else getattr(value, field.target_field.attname)
                related[name] = value
            else:
                try:
                    row[self.position[name]] = value
                except KeyError:
                    raise TypeError(f"{self.model.__name__}() got an unexpected keyword argument '{name}'") from None
        obj = self.model(*row)
        obj._state.fields_cache.update(related)
        return obj


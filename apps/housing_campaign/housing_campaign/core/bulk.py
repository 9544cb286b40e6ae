"""Inserting many rows at once: PostgreSQL's COPY where available, Django's bulk_create elsewhere.

Django's bulk_create on PostgreSQL sends every value through Python-side array adaptation (UNNEST),
about 0.5 ms per 40-column row; COPY streams the rows in the binary-capable C path of psycopg. The ids
are taken from the table's own sequence first, so each object gets its primary key as bulk_create
would set it, and foreign keys to these objects can be filled before they are inserted.
"""
from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from django.db import connection, models
from django.utils import timezone


def _json_adapter():
    from psycopg.types.json import Jsonb

    return Jsonb


def bulk_insert(model: type[models.Model], objects: Sequence[models.Model], *, batch_size: int = 2000) -> None:
    """Insert ``objects`` (new, unsaved) and set their primary keys. Runs inside the caller's transaction."""
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
    jsonb = _json_adapter()
    dumped: dict[int, object] = {}  # rows often share one JSON value (a memoised eligibility, a batch marker)
    json_at = [(i, f.null) for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    # auto_now(_add) columns: one timestamp for the whole insert, as one transaction would have it.
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    now = timezone.now()
    values_of = attrgetter(*[f.attname for f in fields])  # one C call per object
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    raw = connection.connection  # psycopg connection, inside Django's transaction
    with raw.cursor() as cursor, cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
        for obj in objects:
            for attname in stamped:
                setattr(obj, attname, now)
            row = list(values_of(obj))
            for i, nullable in json_at:
                value = row[i]
                if value is None and nullable:
                    continue
                adapted = dumped.get(id(value))
                if adapted is None:
                    adapted = dumped[id(value)] = jsonb(value)
                row[i] = adapted
            copy.write_row(row)
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


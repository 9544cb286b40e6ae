"""Row locks for a write: one helper, so every service locks the same way on every database."""
from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet


def lock_own_rows(queryset: QuerySet) -> QuerySet:
    """``queryset`` with its own rows locked until the transaction ends: ``FOR UPDATE OF`` the model's table where
    the database can say so (PostgreSQL), so the rows joined by ``select_related`` stay free (PostgreSQL refuses to
    lock the nullable side of an outer join); a plain ``FOR UPDATE`` elsewhere; unchanged on a database without
    row locks (SQLite, whose writes are serialised anyway)."""
    features = connection.features
    if not features.has_select_for_update:
        return queryset
    return queryset.select_for_update(of=("self",)) if features.has_select_for_update_of else \
        queryset.select_for_update()

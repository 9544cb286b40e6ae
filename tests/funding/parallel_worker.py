"""A separate process allocating from one pool (tests/funding/test_parallel_allocations.py): its own Python,
its own Django and its own database connection, started by ``multiprocessing`` with "spawn"."""
from __future__ import annotations

import os
import time


def allocate_many(database_url: str, pool_id: int, case_id: int, user_id: int, attempts: int, amount: int,
                  start, results) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "housing_campaign.config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from housing_campaign.accounts.selectors import actor_for
    from housing_campaign.core.errors import ErrorCode, ServiceError
    from housing_campaign.funding.services import allocation_create

    actor = actor_for(get_user_model().objects.get(pk=user_id))
    connection.ensure_connection()
    backend_pid = connection.connection.info.backend_pid
    start.wait(60)
    done = refused = other = 0
    began = time.perf_counter()
    for _ in range(attempts):
        try:
            allocation_create(actor=actor, case_id=case_id, pool_id=pool_id, amount=amount)
            done += 1
        except ServiceError as exc:
            if exc.code == ErrorCode.INSUFFICIENT_BALANCE:
                refused += 1
            else:
                other += 1
    results.put({"pid": os.getpid(), "backend": backend_pid, "done": done, "refused": refused, "other": other,
                 "seconds": time.perf_counter() - began})
    connection.close()


def overdraw_without_the_service(database_url: str, pool_id: int, attempts: int, amount: int, start, results) -> None:
    """A careless path that skips the service (no lock, no balance check): only the database's CHECK
    constraint stands between it and a negative pool."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "housing_campaign.config.settings")
    import django

    django.setup()
    from django.db import IntegrityError, connection, transaction
    from django.db.models import F

    from housing_campaign.funding.models import FundingPool

    connection.ensure_connection()
    start.wait(60)
    done = refused = 0
    for _ in range(attempts):
        try:
            with transaction.atomic():
                FundingPool.objects.filter(pk=pool_id).update(allocated=F("allocated") + amount)
            done += 1
        except IntegrityError:
            refused += 1
    results.put({"pid": os.getpid(), "done": done, "refused": refused})
    connection.close()

"""Eight processes allocate from one pool at the same moment on PostgreSQL (issue 12): the pool never
goes below zero. Each process is its own Python with its own database connection; the pool's row lock
makes them take turns, and the CHECK constraint would refuse an overdraw if a path forgot the lock."""
import multiprocessing

import pytest
from django.db import connection
from django.utils import timezone

from housing_campaign.core.formatting import format_vnd as vnd
from housing_campaign.funding import selectors
from housing_campaign.funding import services as funding
from housing_campaign.funding.models import Allocation, FundingPool, PoolEntry
from tests.conftest import advance, new_case, unit

PROCESSES, ATTEMPTS, AMOUNT, RECEIVED = 8, 12, 3_000_000, 100_000_000


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_processes_never_overdraw_a_pool(people, campaign):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and separate connections (run with DATABASE_URL=postgres://...)")
    from tests.funding.parallel_worker import allocate_many

    finance = people.actor(people.finance)
    pool = funding.pool_create(actor=finance, campaign_id=campaign.pk, source="provincial", unit_id=unit("62").pk)
    funding.pool_receive(actor=finance, pool_id=pool.pk, amount=RECEIVED, received_on=timezone.localdate(),
                         reference="01/QĐ-UBND")
    cases = [advance(people, new_case(people, campaign), "funding") for _ in range(PROCESSES)]
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [context.Process(target=allocate_many, args=(_database_url(), pool.pk, case.pk, people.finance.pk,
                                                            ATTEMPTS, AMOUNT, start, results))
               for case in cases]
    for worker in workers:
        worker.start()
    import time

    time.sleep(3)  # every process has set Django up and holds its own connection
    start.set()
    outcomes = [results.get(timeout=180) for _ in workers]
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    pool.refresh_from_db()
    done = sum(o["done"] for o in outcomes)
    refused = sum(o["refused"] for o in outcomes)
    other = sum(o["other"] for o in outcomes)
    print(f"\nparallel allocation on PostgreSQL: {PROCESSES} processes (pids {sorted(o['pid'] for o in outcomes)}, "
          f"{len({o['backend'] for o in outcomes})} database connections), {PROCESSES * ATTEMPTS} attempts of "
          f"{vnd(AMOUNT)} against a pool of {vnd(RECEIVED)}: {done} allocated, {refused} refused for insufficient "
          f"balance, {other} other refusals; final balance {vnd(pool.balance)} (received {vnd(pool.received)}, "
          f"allocated {vnd(pool.allocated)}); slowest process {max(o['seconds'] for o in outcomes):.2f} s")
    assert len({o["backend"] for o in outcomes}) == PROCESSES
    assert other == 0 and done + refused == PROCESSES * ATTEMPTS
    assert done == RECEIVED // AMOUNT and pool.balance == RECEIVED - done * AMOUNT >= 0
    assert pool.allocated == done * AMOUNT == sum(Allocation.objects.filter(pool=pool).values_list("amount", flat=True))
    balances = list(PoolEntry.objects.filter(pool=pool).order_by("id").values_list("balance_after", flat=True))
    assert min(balances) >= 0 and balances[-1] == pool.balance
    assert balances == sorted(balances, reverse=True)  # every line saw the one before it
    assert selectors.reconciliation(FundingPool.objects.filter(pk=pool.pk)).balances


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_check_constraint_alone_stops_a_careless_path(people, campaign):
    """Eight processes bump the pool's allocated total directly, skipping the service: the database still
    never lets it pass what was received."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and separate connections (run with DATABASE_URL=postgres://...)")
    import time

    from tests.funding.parallel_worker import overdraw_without_the_service

    finance = people.actor(people.finance)
    pool = funding.pool_create(actor=finance, campaign_id=campaign.pk, source="district", unit_id=unit("610").pk)
    funding.pool_receive(actor=finance, pool_id=pool.pk, amount=RECEIVED, received_on=timezone.localdate(),
                         reference="02/QĐ-UBND")
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [context.Process(target=overdraw_without_the_service,
                               args=(_database_url(), pool.pk, ATTEMPTS, AMOUNT, start, results))
               for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    time.sleep(3)
    start.set()
    outcomes = [results.get(timeout=180) for _ in workers]
    for worker in workers:
        worker.join(60)
    pool.refresh_from_db()
    done, refused = sum(o["done"] for o in outcomes), sum(o["refused"] for o in outcomes)
    print(f"\nwithout the service's lock, CHECK constraint only: {PROCESSES * ATTEMPTS} attempts, {done} applied, "
          f"{refused} refused by the database; allocated {vnd(pool.allocated)} of {vnd(pool.received)}")
    assert done == RECEIVED // AMOUNT and refused == PROCESSES * ATTEMPTS - done
    assert pool.allocated == done * AMOUNT <= pool.received

"""Batch print jobs: never forked from the (threaded) server, never "running" forever, and capped."""
from __future__ import annotations

import datetime as dt
import io
import os
import threading
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from housing_campaign.core.models import BackgroundJob
from housing_campaign.desk import printing as desk_printing
from tests.conftest import advance, new_case
from tests.desk.test_desk_views import login

# A lock another thread of the server holds while a batch starts (as fontconfig, a database driver or a
# logging handler may). A forked worker gets a copy that stays locked forever; a worker started by the
# forkserver imports this module afresh and finds it free.
HELD = threading.Lock()


def _blank_pdf(args) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _chunk_needing_held_lock(args) -> bytes:
    if not HELD.acquire(timeout=10):  # forked while another thread held it: would wait forever
        raise RuntimeError("worker inherited a lock held by another thread of the parent")
    HELD.release()
    return _blank_pdf(args)


def _chunk_worker_dies(args) -> bytes:
    os._exit(3)  # as when the kernel kills a worker that ran out of memory


def _chunk_never_ends(args) -> bytes:
    time.sleep(60)
    return _blank_pdf(args)


def _job(people, n=3):
    return BackgroundJob.objects.create(kind="batch_print", created_by=people.chairman, total=n,
                                        params={"format": "acceptance_minutes", "ids": list(range(1, n + 1)),
                                                "output": "pdf"})


@pytest.fixture
def in_workers(monkeypatch):
    """Each case its own part, two worker processes, whatever the machine's cores."""
    monkeypatch.setattr(desk_printing, "CHUNK", 1)
    monkeypatch.setattr(desk_printing, "_workers", lambda n_chunks: 2)

    def use(func):
        monkeypatch.setattr(desk_printing, "_chunk_pdf", func)
    return use


def test_batch_runs_while_another_thread_holds_a_lock(people, in_workers):
    in_workers(_chunk_needing_held_lock)
    job = _job(people)
    holding, release = threading.Event(), threading.Event()

    def hold():
        with HELD:
            holding.set()
            release.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(10)
    try:
        desk_printing.batch_run(job_id=job.pk)
    finally:
        release.set()
        holder.join()
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.done == 3
    assert len(PdfReader(str(desk_printing.job_file_path(job))).pages) == 3


def test_a_worker_that_dies_fails_the_job_at_once(people, in_workers):
    in_workers(_chunk_worker_dies)
    job = _job(people)
    started = time.monotonic()
    desk_printing.batch_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "một tiến trình in bị dừng đột ngột" in job.error
    assert job.finished_at is not None and job.done == 0
    assert time.monotonic() - started < 60


def test_a_stuck_part_fails_the_job_after_the_timeout(people, in_workers, settings):
    settings.BATCH_PRINT_CHUNK_TIMEOUT = 2
    in_workers(_chunk_never_ends)
    job = _job(people)
    started = time.monotonic()
    desk_printing.batch_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "quá 2 giây" in job.error and "chưa in xong" in job.error
    assert time.monotonic() - started < 30  # the stuck workers were killed, not waited for


def test_a_failing_job_says_so_in_vietnamese(people, monkeypatch):
    def broken(args):
        raise OSError("đĩa đầy")

    monkeypatch.setattr(desk_printing, "_chunk_pdf", broken)
    job = _job(people, n=1)
    desk_printing.batch_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "Tác vụ in bị lỗi và đã dừng: đĩa đầy"


def test_stale_jobs_are_swept_to_failed_by_the_scheduler(people, settings):
    from housing_campaign.core.hookspec import scheduled_jobs
    from housing_campaign.core.scheduler import scheduled_job_run

    path = "housing_campaign.desk.printing.batch_jobs_sweep_stale"
    assert scheduled_jobs()[path] == 60
    settings.BATCH_PRINT_STALE_MINUTES = 15
    now = timezone.now()
    stuck = _job(people)
    BackgroundJob.objects.filter(pk=stuck.pk).update(status="running", done=1,
                                                    progress_at=now - dt.timedelta(minutes=16))
    never_started = _job(people)
    BackgroundJob.objects.filter(pk=never_started.pk).update(created_at=now - dt.timedelta(minutes=30))
    alive = _job(people)
    BackgroundJob.objects.filter(pk=alive.pk).update(status="running", progress_at=now - dt.timedelta(minutes=2))
    finished = _job(people)
    BackgroundJob.objects.filter(pk=finished.pk).update(status="done", progress_at=now - dt.timedelta(hours=2))

    assert scheduled_job_run(path) == 2
    for job in (stuck, never_started):
        job.refresh_from_db()
        assert job.status == "failed"
        assert "quá 15 phút không có tiến triển" in job.error
        assert job.finished_at is not None
    alive.refresh_from_db()
    finished.refresh_from_db()
    assert (alive.status, finished.status) == ("running", "done")
    page = login("chairman_a").get(reverse("desk:batch_job", args=[stuck.pk])).content.decode()
    assert "quá 15 phút không có tiến triển" in page


def _post_batch(client, case):
    return client.post(reverse("desk:batch_print"), {"format": "acceptance_minutes", "output": "pdf",
                                                     "commune": str(case.commune_id)}, follow=True)


def test_at_most_two_batch_jobs_per_user(people, campaign, settings):
    settings.BATCH_PRINT_MAX_PER_USER = 2
    settings.BATCH_PRINT_MAX_SITE = 10
    case = new_case(people, campaign)
    client = login("chairman_a")
    assert _post_batch(client, case).redirect_chain  # queued (the job runs after commit; not here)
    BackgroundJob.objects.filter(created_by=people.chairman).update(status="running")
    assert _post_batch(client, case).redirect_chain
    response = _post_batch(client, case)
    assert not response.redirect_chain
    assert ("Bạn đang có 2 tác vụ in hàng loạt chưa xong (tối đa 2 tác vụ cùng lúc)"
            in response.content.decode())
    assert BackgroundJob.objects.filter(created_by=people.chairman).count() == 2
    # A finished or failed job frees its slot.
    BackgroundJob.objects.filter(created_by=people.chairman).update(status="failed")
    assert _post_batch(client, case).redirect_chain


def test_at_most_m_batch_jobs_on_the_site(people, campaign, settings):
    settings.BATCH_PRINT_MAX_PER_USER = 2
    settings.BATCH_PRINT_MAX_SITE = 1
    case = new_case(people, campaign)
    BackgroundJob.objects.create(kind="batch_print", created_by=people.officer, total=1, status="running")
    response = _post_batch(login("chairman_a"), case)
    assert "Hệ thống đang chạy 1 tác vụ in hàng loạt, mức tối đa cùng lúc" in response.content.decode()
    assert not BackgroundJob.objects.filter(created_by=people.chairman).exists()


@pytest.mark.django_db(transaction=True)
def test_real_certificates_printed_by_worker_processes(people, campaign, monkeypatch):
    """The real parts (database, templates, WeasyPrint) in two worker processes started by the forkserver,
    with the batch started from a thread as on the server. Workers need the committed rows in a database
    they can open: PostgreSQL (the in-memory SQLite test database is private to this process)."""
    if connection.vendor != "postgresql":
        pytest.skip("worker processes cannot open the in-memory SQLite test database")
    monkeypatch.setattr(desk_printing, "CHUNK", 1)
    monkeypatch.setattr(desk_printing, "_workers", lambda n_chunks: 2)
    cases = [advance(people, new_case(people, campaign), "posting") for _ in range(3)]
    job = BackgroundJob.objects.create(kind="batch_print", created_by=people.chairman, total=3,
                                       params={"format": "handover_certificate", "ids": [c.pk for c in cases],
                                               "output": "pdf"})
    from housing_campaign.core.jobs import enqueue

    with HELD:  # another thread holds a lock while the batch starts
        enqueue("housing_campaign.desk.printing.batch_run", background=True, job_id=job.pk)
        for _ in range(300):
            job.refresh_from_db()
            if job.status in ("done", "failed"):
                break
            time.sleep(0.2)
    for thread in threading.enumerate():  # its database connection closed before the database is flushed
        if thread.name.startswith("job:"):
            thread.join(30)
    assert job.status == "done", job.error
    assert len(PdfReader(str(desk_printing.job_file_path(job))).pages) == 3

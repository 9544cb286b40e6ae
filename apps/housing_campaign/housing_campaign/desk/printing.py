"""Printing from the desk: one case's documents, and batches built in the background."""
from __future__ import annotations

import datetime as dt
import io
import logging
import multiprocessing
import os
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from pypdf import PdfWriter

from housing_campaign.accounts.selectors import Actor
from housing_campaign.cases.documents import case_list_context
from housing_campaign.cases.models import HousingCase
from housing_campaign.cases.selectors import cases_visible
from housing_campaign.certificates.documents import case_context
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.events import document_event, event_save
from housing_campaign.core.i18n import bilingual, message
from housing_campaign.core.jobs import enqueue
from housing_campaign.core.models import BackgroundJob
from housing_campaign.core.validators import query_id, query_text
from housing_campaign.printing import pdf
from housing_campaign.printing import services as printing
from housing_campaign.printing.models import PrintFormat

from .print_rules import CERTIFICATE_FORMAT, ISSUING_ROLES, case_print_refusal, document_date

logger = logging.getLogger(__name__)
CHUNK = 50


def case_pdf(*, actor: Actor, case: HousingCase, format_code: str) -> tuple[bytes, str]:
    """The PDF of one of the case's documents. Refused with NOT_FOUND for an unknown format and with
    CONDITION_FAILED, saying why, for a document the case does not have yet."""
    fmt = PrintFormat.objects.filter(code=format_code, doctype="housing_case", is_active=True).first()
    if fmt is None:
        raise ServiceError(gettext("Không có mẫu in này."), code=ErrorCode.NOT_FOUND)
    document = documents_to_print(fmt, [case]).get(case.pk)
    if document is not None:
        # Issued means frozen: the document as issued (its own format version and stored context).
        prefix = "GCN" if fmt.code == CERTIFICATE_FORMAT else fmt.code
        return printing.issued_document_pdf(document), f"{prefix}-{case.code}.pdf"
    reason = case_print_refusal(case=case, fmt=fmt)
    if reason:
        raise ServiceError(reason, code=ErrorCode.CONDITION_FAILED)
    return pdf.html_to_pdf(_draft_html(fmt, case)), f"{fmt.code}-{case.code}.pdf"


def documents_to_print(fmt: PrintFormat, cases) -> dict:
    """For each case that has one, the issued document that printing ``fmt`` must reproduce: the valid
    certificate's own document for the handover certificate (never a revoked or superseded one), else
    the latest document issued in that format. Cases without one print a draft of the current format."""
    if fmt.code == CERTIFICATE_FORMAT:
        from housing_campaign.certificates.models import Certificate

        valid = (Certificate.objects.filter(case__in=[c.pk for c in cases], status=Certificate.Status.VALID,
                                            document__isnull=False)
                 .select_related("document__print_format_version"))
        return {cert.case_id: cert.document for cert in valid}
    return printing.issued_documents_latest(doctype="housing_case", object_ids=[c.pk for c in cases],
                                            format_code=fmt.code)



def case_document_issue(*, actor: Actor, case: HousingCase, format_code: str):
    """Issue a numbered document (e.g. acceptance minutes) for a case: the next number of the commune's
    register for that kind and year, the format version and the data kept so it reprints exactly."""
    from housing_campaign.workflow.engine import document_paths

    fmt = PrintFormat.objects.filter(code=format_code, doctype="housing_case", is_active=True).first()
    if fmt is None:
        raise ServiceError(gettext("Không có mẫu in này."), code=ErrorCode.NOT_FOUND)
    if format_code == CERTIFICATE_FORMAT:
        raise ServiceError(gettext("Giấy chứng nhận được cấp khi bàn giao; dùng “Cấp lại” để cấp giấy mới."),
                           code=ErrorCode.VALIDATION)
    if actor.read_only or actor.authority_for(ISSUING_ROLES, *document_paths(case)) is None:
        raise ServiceError(gettext("Chỉ Chủ tịch UBND xã, cán bộ thẩm định hoặc quản trị được ban hành văn bản."),
                           code=ErrorCode.PERMISSION_DENIED)
    reason = case_print_refusal(case=case, fmt=fmt)
    if reason:
        raise ServiceError(reason, code=ErrorCode.CONDITION_FAILED)
    with transaction.atomic():
        certificate = case.certificates.filter(status="valid").first()
        context = case_context(case, certificate=certificate,
                               on=document_date(format_code=fmt.code, case=case) or timezone.localdate())
        # Numbered in the register of the body named in the document's header (the one in force on its date).
        document = printing.document_issue(
            actor_user=actor.user, format_code=fmt.code, doctype="housing_case", object_id=case.pk,
            context=context, issuer_key=context["issuer"]["register_key"], issuer_symbol=context["issuer"]["symbol"])
        event_save(document_event(doctype="housing_case", object_id=case.pk, actor_id=actor.id,
                                  message=message(gettext_noop("Ban hành %(format)s số %(number)s"),
                                                  format=bilingual(fmt), number=document.number_text),
                                  document_id=document.pk))
    return document


def batch_start(*, actor: Actor, user, data) -> BackgroundJob:
    code = query_text(data.get("format", ""), max_length=60)
    fmt = PrintFormat.objects.filter(code=code, is_active=True).first()
    if fmt is None:
        raise ServiceError(gettext("Hãy chọn mẫu in."), code=ErrorCode.VALIDATION)
    qs = cases_visible(actor)
    filter_query = query_text(data.get("filter_query", ""), max_length=2000)
    if filter_query:
        # The list the user was looking at in the queue, with the same filters.
        from django.http import QueryDict

        from .selectors import QueueFilters, queue_queryset

        qs = queue_queryset(actor, QueueFilters.from_request(QueryDict(filter_query)))
    commune = query_id(data.get("commune", ""))  # never raises: a bad or huge value means no commune filter
    if commune is not None:
        qs = qs.filter(commune_id=commune)
    if code == CERTIFICATE_FORMAT:
        qs = qs.filter(certificates__status="valid")
    ids = list(qs.order_by("commune_id", "priority", "code").values_list("pk", flat=True).distinct())
    if not ids:
        raise ServiceError(gettext("Không có hồ sơ nào phù hợp để in."), code=ErrorCode.VALIDATION)
    output = "zip" if data.get("output") == "zip" else "pdf"
    with transaction.atomic():
        _batch_slots_check(user)
        job = BackgroundJob.objects.create(kind="batch_print", created_by=user, total=len(ids),
                                           params={"format": code, "ids": ids, "output": output,
                                                   "commune": str(commune or ""),
                                                   "filter_query": filter_query})
    transaction.on_commit(lambda: enqueue("housing_campaign.desk.printing.batch_run", background=True,
                                          job_id=job.pk))
    return job


def batch_limits() -> tuple[int, int]:
    """At most this many batch jobs queued or running at once: per user, and on the whole site (each uses
    up to ``_workers`` processes, so the site-wide cap bounds the load on the machine)."""
    per_user = int(getattr(settings, "BATCH_PRINT_MAX_PER_USER", 2))
    site = int(getattr(settings, "BATCH_PRINT_MAX_SITE", 0) or os.cpu_count() or 1)
    return max(1, per_user), max(1, site)


def _batch_slots_check(user) -> None:
    """Refuse a new batch job past the caps. The user's row is locked so that two requests of the same
    user cannot both take the last slot (the site-wide count may, rarely, be passed by one)."""
    from django.contrib.auth import get_user_model

    per_user, site = batch_limits()
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    active = BackgroundJob.objects.filter(kind="batch_print", status__in=[BackgroundJob.Status.QUEUED,
                                                                          BackgroundJob.Status.RUNNING])
    mine = active.filter(created_by=user).count()
    if mine >= per_user:
        raise ServiceError(gettext("Bạn đang có %(mine)s tác vụ in hàng loạt chưa xong (tối đa %(max)s tác vụ cùng "
                                   "lúc). Hãy chờ một tác vụ xong rồi tạo tác vụ mới.") % {
                                       "mine": mine, "max": per_user}, code=ErrorCode.LIMIT_EXCEEDED)
    if active.count() >= site:
        raise ServiceError(gettext("Hệ thống đang chạy %(count)s tác vụ in hàng loạt, mức tối đa cùng lúc. Hãy thử "
                                   "lại sau vài phút.") % {"count": site}, code=ErrorCode.LIMIT_EXCEEDED)


def jobs_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "batches"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def job_file_path(job: BackgroundJob) -> Path:
    return jobs_dir() / job.result_file


def _case_queryset(ids):
    return (HousingCase.objects.filter(pk__in=ids)
            .select_related("household", "commune__parent__parent", "commune_2025", "village", "strand", "campaign")
            .prefetch_related("certificates"))


class BatchPrintError(Exception):
    """A batch stopped for a reason the user is told as is (Vietnamese)."""


def batch_run(*, job_id: int) -> None:
    job = BackgroundJob.objects.get(pk=job_id)
    job.status = BackgroundJob.Status.RUNNING
    job.progress_at = timezone.now()
    job.save(update_fields=["status", "progress_at"])
    try:
        fmt = PrintFormat.objects.get(code=job.params["format"])
        ids = job.params["ids"]
        name = f"{fmt.code}-{job.pk}-{timezone.localtime():%Y%m%d%H%M}"
        if fmt.doctype == "case_list":
            _batch_lists(job, fmt, ids, name)
        else:
            _batch_cases(job, fmt, ids, name)
        job.status = BackgroundJob.Status.DONE
    except BatchPrintError as exc:
        job.status = BackgroundJob.Status.FAILED
        job.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - the job row tells the user what went wrong
        logger.exception("Batch print job %s failed", job_id)
        job.status = BackgroundJob.Status.FAILED
        job.error = (gettext("Tác vụ in bị lỗi và đã dừng: %(error)s") % {"error": exc})[:2000]
    job.finished_at = timezone.now()
    job.save()


STALE_MESSAGE = gettext_noop("Tác vụ in đã dừng: quá %(minutes)s phút không có tiến triển (máy chủ có thể đã khởi "
                             "động lại hoặc tiến trình in bị treo). Hãy tạo lại tác vụ in.")


def batch_jobs_sweep_stale() -> int:
    """Scheduled every minute: a batch job queued or running with no sign of life for
    ``BATCH_PRINT_STALE_MINUTES`` is marked failed, so no page shows "running" forever. Returns how many."""
    minutes = int(getattr(settings, "BATCH_PRINT_STALE_MINUTES", 15))
    cutoff = timezone.now() - dt.timedelta(minutes=minutes)
    stale = (BackgroundJob.objects.filter(kind="batch_print", status__in=[BackgroundJob.Status.QUEUED,
                                                                          BackgroundJob.Status.RUNNING])
             .filter(Q(progress_at__lt=cutoff) | Q(progress_at__isnull=True, created_at__lt=cutoff)))
    return stale.update(status=BackgroundJob.Status.FAILED, error=gettext(STALE_MESSAGE) % {"minutes": minutes},
                        finished_at=timezone.now())


def _progress(job, count: int) -> None:
    job.done += count
    job.progress_at = timezone.now()
    BackgroundJob.objects.filter(pk=job.pk).update(done=job.done, progress_at=job.progress_at)


def _draft_html(fmt, case) -> str:
    """A case that has no issued document in this format prints a draft of the current format (no number)."""
    certificate = next((c for c in case.certificates.all() if c.status == "valid"), None)
    on = document_date(format_code=fmt.code, case=case) or (None if certificate and fmt.code == CERTIFICATE_FORMAT
                                                            else timezone.localdate())
    context = case_context(case, certificate=certificate, on=on)
    context["document_number"] = f"……/{fmt.document_kind or 'VB'}-{context['issuer']['symbol']}"
    return printing.render_html(html=fmt.html, css=fmt.css, context=context, title=case.code)


def _case_htmls(fmt, cases) -> list[str]:
    """One complete HTML document per case: issued ones as issued, the others as drafts."""
    issued = documents_to_print(fmt, cases)
    return [printing.issued_document_html(issued[case.pk]) if case.pk in issued else _draft_html(fmt, case)
            for case in cases]


def _chunk_pdf(args) -> bytes:
    """One PDF for a chunk of cases, each laid out exactly as when printed alone (also in a worker process,
    which opens its own database connection)."""
    format_code, chunk_ids = args
    fmt = PrintFormat.objects.get(code=format_code)
    cases = sorted(_case_queryset(chunk_ids), key=lambda c: chunk_ids.index(c.pk))
    return pdf.htmls_to_pdf(_case_htmls(fmt, cases))


def _workers(n_chunks: int) -> int:
    return max(1, min(os.cpu_count() or 1, 4, n_chunks))


def _in_workers(func, items: list, workers: int, on_result) -> None:
    """``on_result(item, func(item))`` for each item in order, ``func`` running in ``workers`` processes
    started by the forkserver (``print_worker`` says why never by a fork of this process). Nothing waits
    forever: a worker that dies stops the batch at once, and a part not done within
    ``BATCH_PRINT_CHUNK_TIMEOUT`` seconds of the previous one stops it too (the workers are killed)."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from django.db import connections

    from . import print_worker

    timeout = float(getattr(settings, "BATCH_PRINT_CHUNK_TIMEOUT", 300))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["housing_campaign.desk.print_preload"])
    executor = ProcessPoolExecutor(workers, mp_context=context, initializer=print_worker.init_worker,
                                   initargs=(dict(connections["default"].settings_dict), str(settings.MEDIA_ROOT)))
    finished = False
    try:
        futures = [executor.submit(func, item) for item in items]
        for item, future in zip(items, futures):
            try:
                result = future.result(timeout=timeout)
            except TimeoutError:
                raise BatchPrintError(gettext(
                    "Tác vụ in đã dừng: quá %(seconds)s giây mà phần tiếp theo (tối đa %(chunk)s hồ sơ) vẫn chưa in "
                    "xong. Hãy thử lại; nếu vẫn lỗi, hãy in ít hồ sơ hơn hoặc báo quản trị.") % {
                    "seconds": f"{timeout:g}", "chunk": CHUNK}) from None
            except BrokenProcessPool:
                raise BatchPrintError(gettext(
                    "Tác vụ in đã dừng: một tiến trình in bị dừng đột ngột (có thể do máy chủ thiếu bộ nhớ). Hãy thử "
                    "lại; nếu vẫn lỗi, hãy in ít hồ sơ hơn hoặc báo quản trị.")) from None
            on_result(item, result)
        finished = True
    finally:
        if finished:
            executor.shutdown(wait=True)
        else:
            _stop_workers(executor)


def _stop_workers(executor) -> None:
    """Cancel what has not started and kill the workers (a stuck one would never return)."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(timeout=5)


def _batch_cases(job, fmt, ids, name):
    chunks = [ids[start:start + CHUNK] for start in range(0, len(ids), CHUNK)]
    if job.params["output"] == "pdf":
        writer = PdfWriter()
        workers = _workers(len(chunks))

        def add(item, data):
            writer.append(io.BytesIO(data))
            _progress(job, len(item[1]))

        if workers > 1:
            # PDF layout is CPU-bound: one process per core, chunks kept in order.
            _in_workers(_chunk_pdf, [(fmt.code, chunk) for chunk in chunks], workers, add)
        else:
            for chunk in chunks:
                add((fmt.code, chunk), _chunk_pdf((fmt.code, chunk)))
        job.result_file = f"{name}.pdf"
        with open(jobs_dir() / job.result_file, "wb") as handle:
            writer.write(handle)
        return
    archive_buffer = io.BytesIO()
    with zipfile.ZipFile(archive_buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for chunk in chunks:
            cases = list(_case_queryset(chunk))
            for case, html in zip(cases, _case_htmls(fmt, cases)):
                archive.writestr(f"{case.commune.short_name}/{case.code}.pdf", pdf.html_to_pdf(html))
            _progress(job, len(chunk))
    job.result_file = f"{name}.zip"
    (jobs_dir() / job.result_file).write_bytes(archive_buffer.getvalue())


def _batch_lists(job, fmt, ids, name):
    from housing_campaign.geography.models import AdminUnit

    cases = list(_case_queryset(ids).order_by("commune_id", "priority", "code"))
    by_commune: dict[int, list] = {}
    for case in cases:
        by_commune.setdefault(case.commune_id, []).append(case)
    writer = PdfWriter()
    for commune_id, items in by_commune.items():
        commune = AdminUnit.objects.select_related("parent").get(pk=commune_id)
        context = case_list_context(items, campaign=items[0].campaign, commune=commune)
        context["document_number"] = f"……/{fmt.document_kind or 'VB'}-{context['issuer']['symbol']}"
        writer.append(io.BytesIO(printing.render_pdf(html=fmt.html, css=fmt.css, context=context)))
        _progress(job, len(items))
    job.result_file = f"{name}.pdf"
    with open(jobs_dir() / job.result_file, "wb") as handle:
        writer.write(handle)

"""Print formats: sync from files, edit with validation and versions, render to HTML/PDF, and
issue numbered documents that can be reproduced exactly as issued."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.hookspec import print_doctypes
from housing_campaign.core.services import sequence_next

from . import formats_io, pdf, sandbox, selectors
from .models import IssuedDocument, PrintFormat, PrintFormatVersion, Signer


def template_problems(*, doctype: str, html: str, css: str) -> list[str]:
    """Compile, then render against a real document when one exists, within the bounds of
    ``core/limits.py`` and the (shorter) preview time limit. Nothing broken or unbounded is saved."""
    return _template_check(doctype=doctype, html=html, css=css)[0]


def _template_check(*, doctype: str, html: str, css: str) -> tuple[list[str], str]:
    """The problems and the error code that names them."""
    from housing_campaign.core.limits import limits

    if doctype not in print_doctypes():
        return [gettext("Loại hồ sơ “%(doctype)s” không có mẫu in.") % {"doctype": doctype}], ErrorCode.TEMPLATE_ERROR
    try:
        sandbox.compile_template(html)
        sample = selectors.sample_context(doctype)
        if sample is not None:
            sandbox.render(html, {**sample, "document_number": "01/GCN-UBND"}, seconds=limits().preview_seconds)
    except ServiceError as exc:
        return [exc.message], exc.code
    if "</style" in css.lower():
        return [gettext("CSS không được chứa thẻ </style>.")], ErrorCode.TEMPLATE_ERROR
    return [], ""


@transaction.atomic
def print_format_save(*, actor_user, print_format: PrintFormat, html: str, css: str, name: str | None = None
                      ) -> PrintFormat:
    problems, code = _template_check(doctype=print_format.doctype, html=html, css=css)
    if problems:
        raise ServiceError("; ".join(problems), code=code if code == ErrorCode.TEMPLATE_SECURITY
                           else ErrorCode.TEMPLATE_ERROR, details=problems)
    locked = PrintFormat.objects.select_for_update().get(pk=print_format.pk) if print_format.pk else print_format
    if locked.pk and locked.html == html and locked.css == css and (name is None or name == locked.name):
        return locked
    locked.version = (locked.version + 1) if locked.pk else 1
    locked.html, locked.css = html, css
    if name:
        locked.name = name
    locked.save()
    PrintFormatVersion.objects.create(print_format=locked, version=locked.version, html=html, css=css,
                                      created_by=actor_user)
    return locked


def print_formats_sync() -> list[str]:
    report = []
    for path in sorted(formats_io.formats_dir().glob("*.html")):
        data = formats_io.parse_format_file(path.read_text(encoding="utf-8"))
        fmt = PrintFormat.objects.filter(code=data["code"]).first()
        if fmt is None:
            fmt = PrintFormat(code=data["code"], doctype=data["doctype"], name=data["name"], name_en=data["name_en"],
                              description=data.get("description", ""), document_kind=data.get("document_kind", ""),
                              html="", css="", version=0)
            with transaction.atomic():
                fmt.save()
                fmt.version = 0
                _store_version(fmt, data, None)
            report.append(f"{path.name}: nạp mẫu in mới.")
            continue
        if data["name_en"] and not fmt.name_en:
            # The English name only labels the format in the interface: filled in without a new version.
            PrintFormat.objects.filter(pk=fmt.pk).update(name_en=data["name_en"])
            fmt.name_en = data["name_en"]
        if data["doctype"] != fmt.doctype:
            # The file says which data the format is printed from (e.g. the public list moved from a
            # commune's cases to a posting, whose data is a superset): followed even when an administrator
            # edited the template, which keeps rendering on the richer data.
            PrintFormat.objects.filter(pk=fmt.pk).update(doctype=data["doctype"])
            report.append(f"{path.name}: in từ “{data['doctype']}” (trước đây “{fmt.doctype}”).")
            fmt.doctype = data["doctype"]
        latest = fmt.versions.order_by("-version").first()
        if fmt.html == data["html"] and fmt.css == data["css"]:
            continue
        if latest and latest.created_by_id is not None:
            report.append(f"{path.name}: mẫu đã được quản trị viên sửa (v{fmt.version}); giữ nguyên.")
            continue
        with transaction.atomic():
            for key in ("name", "name_en", "description", "document_kind"):
                setattr(fmt, key, data.get(key, ""))
            _store_version(fmt, data, None)
        report.append(f"{path.name}: cập nhật lên v{fmt.version}.")
    return report


def _store_version(fmt: PrintFormat, data: dict, user) -> None:
    fmt.version += 1
    fmt.html, fmt.css = data["html"], data["css"]
    fmt.save()
    PrintFormatVersion.objects.create(print_format=fmt, version=fmt.version, html=fmt.html, css=fmt.css,
                                      created_by=user)


def print_format_export(*, code: str) -> str:
    fmt = PrintFormat.objects.get(code=code)
    return formats_io.format_file_text({"code": fmt.code, "doctype": fmt.doctype, "name": fmt.name,
                                        "name_en": fmt.name_en, "description": fmt.description,
                                        "document_kind": fmt.document_kind,
                                        "css": fmt.css, "html": fmt.html})


def signer_period_problems(*, unit, organ: str, valid_from: dt.date | None, valid_to: dt.date | None,
                           exclude_pk: int | None = None) -> list[str]:
    """Why a signer's period cannot be recorded: it must be ordered and must not overlap another signer of
    the same body (a document dated in the overlap would have two signers)."""
    if valid_from is None or unit is None or not organ:
        return []
    if valid_to is not None and valid_to < valid_from:
        return [gettext("Ngày kết thúc không được trước ngày bắt đầu.")]
    from django.db.models import Q

    others = Signer.objects.filter(unit=unit, organ=organ).exclude(pk=exclude_pk)
    others = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    if valid_to is not None:
        others = others.filter(valid_from__lte=valid_to)
    clash = others.order_by("valid_from").first()
    if clash is None:
        return []
    until = f"{clash.valid_to:%d/%m/%Y}" if clash.valid_to else gettext("nay")
    return [gettext("Thời gian ký trùng với %(name)s (%(start)s – %(end)s) của cùng cơ quan; hãy ghi ngày kết "
                    "thúc cho người ký trước.") % {"name": clash.full_name, "start": f"{clash.valid_from:%d/%m/%Y}",
                                                   "end": until}]


@transaction.atomic
def signer_create(*, unit, organ: str, full_name: str, valid_from: dt.date, valid_to: dt.date | None = None,
                  authority: str = Signer.Authority.HEAD, position: str = "", note: str = "") -> Signer:
    """Record who signs a body's documents over a period (the admin edits the same rows with the same checks)."""
    from housing_campaign.core import validators

    full_name = validators.normalize_text(full_name)
    if not full_name:
        raise ServiceError(gettext("Chưa nhập họ và tên người ký."), code=ErrorCode.VALIDATION, field="full_name")
    if authority == Signer.Authority.DEPUTY and not position.strip():
        raise ServiceError(gettext("Cấp phó ký thay phải ghi chức vụ, ví dụ “Phó Chủ tịch”."),
                           code=ErrorCode.VALIDATION, field="position")
    list(Signer.objects.select_for_update().filter(unit=unit, organ=organ).values_list("pk", flat=True))
    problems = signer_period_problems(unit=unit, organ=organ, valid_from=valid_from, valid_to=valid_to)
    if problems:
        raise ServiceError("; ".join(problems), code=ErrorCode.VALIDATION, field="valid_from")
    return Signer.objects.create(unit=unit, organ=organ, full_name=full_name, valid_from=valid_from,
                                 valid_to=valid_to, authority=authority, position=position.strip(), note=note)


def context_warnings(context: dict) -> list[str]:
    """What the preview and the issuing of a document warn about (e.g. no signer recorded for its date)."""
    from .issuers import context_warnings as issuer_warnings

    return issuer_warnings(context)


def render_html(*, html: str, css: str, context: dict, title: str = "", seconds: float | None = None) -> str:
    """``seconds``: the render's time limit (default: the per-document limit of core.limits)."""
    return pdf.document_html(sandbox.render(html, context, seconds=seconds), css, title=title)


def render_pdf(*, html: str, css: str, context: dict, title: str = "", seconds: float | None = None) -> bytes:
    return pdf.html_to_pdf(render_html(html=html, css=css, context=context, title=title, seconds=seconds))


def document_number_next(*, issuer_key: str, issuer_symbol: str, kind: str, year: int | None = None
                         ) -> tuple[int, str]:
    """'15/QĐ-UBND': gap-free per issuing unit, document kind and year (a locked counter row)."""
    year = year or timezone.localdate().year
    number = sequence_next(key=f"doc:{issuer_key}:{kind}:{year}")
    return number, f"{number:02d}/{kind}-{issuer_symbol}"


@transaction.atomic
def document_issue(*, actor_user, format_code: str, doctype: str, object_id: int | None, context: dict,
                   issuer_key: str, issuer_symbol: str, issued_at: dt.datetime | None = None) -> IssuedDocument:
    fmt = PrintFormat.objects.get(code=format_code)
    version = fmt.versions.get(version=fmt.version)
    number, text = document_number_next(issuer_key=issuer_key, issuer_symbol=issuer_symbol,
                                        kind=fmt.document_kind or "VB")
    snapshot = _jsonable({**context, "document_number": text})
    return IssuedDocument.objects.create(print_format_version=version, doctype=doctype, object_id=object_id,
                                         number=number, number_text=text, issued_at=issued_at or timezone.now(),
                                         issued_by=actor_user, context=snapshot)


# Issued means frozen: the functions below are the only way to print an issued document (desk single and
# batch printing, the admin, the API later). They render the format version the document was issued with
# and the context stored at issue, never the print format as it is today.
def issued_document_html(document: IssuedDocument) -> str:
    """The complete HTML of an issued document as issued: its own format version and stored context."""
    version = document.print_format_version
    return render_html(html=version.html, css=version.css, context=_revive(document.context),
                       title=document.number_text)


def issued_document_pdf(document: IssuedDocument) -> bytes:
    """Reproduce an issued document exactly: its own format version and its stored context."""
    return pdf.html_to_pdf(issued_document_html(document))


def issued_documents_pdf(documents: list[IssuedDocument]) -> bytes:
    """Several issued documents in one PDF, each page by page as its single reprint."""
    return pdf.htmls_to_pdf([issued_document_html(document) for document in documents])


def issued_documents_latest(*, doctype: str, object_ids: list[int], format_code: str) -> dict[int, IssuedDocument]:
    """The latest document issued in ``format_code`` for each object that has one (one query)."""
    latest: dict[int, IssuedDocument] = {}
    for document in (IssuedDocument.objects.filter(doctype=doctype, object_id__in=object_ids,
                                                   print_format_version__print_format__code=format_code)
                     .select_related("print_format_version").order_by("object_id", "-issued_at", "-pk")):
        latest.setdefault(document.object_id, document)
    return latest


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return {"__dt__": value.isoformat()}
    if isinstance(value, dt.date):
        return {"__date__": value.isoformat()}
    return value


def _revive(value):
    if isinstance(value, dict):
        if set(value) == {"__date__"}:
            return dt.date.fromisoformat(value["__date__"])
        if set(value) == {"__dt__"}:
            return dt.datetime.fromisoformat(value["__dt__"])
        return {k: _revive(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_revive(v) for v in value]
    return value

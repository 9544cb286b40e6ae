"""Periodic reports (section V of the provincial plan): compose one (kind, territory, units, the date its
figures are "as of", the difficulties and proposals), render it as a draft without a number, issue it with the
next number of the issuer's register (frozen: the format version and the figures are stored with the number),
and the figures of the command line (``manage.py report progress``)."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor
from housing_campaign.campaigns.models import Campaign
from housing_campaign.core.errors import ErrorCode, ServiceError, validation_error
from housing_campaign.core.validators import InputError, parse_date, parse_text, query_id, query_text
from housing_campaign.geography.models import AdminUnit

from . import figures
from .documents import draft_number, format_code, periodic_report_context, report_context
from .models import PeriodicReport

# Who composes and issues reports for their territory; the auditor (read-only) and the other roles read them.
COMPOSERS = frozenset({"reviewer", "commune_officer", "commune_chairman", "finance_officer", "administrator"})
TEXT_MAX = 10_000


def default_as_of(today: dt.date | None = None) -> dt.date:
    """30/11 of this year when it has passed (the units' reporting date of the plan), else today."""
    today = today or timezone.localdate()
    day = dt.date(today.year, 11, 30)
    return day if day <= today else today


def can_compose(actor: Actor) -> bool:
    if actor.read_only:
        return False
    return any(a.everywhere or a.roles & COMPOSERS for a in actor.all_authorities)


def _composer_covers(actor: Actor, unit: AdminUnit) -> bool:
    """A composing role over the whole unit (its own authority or a delegation)."""
    for authority in actor.all_authorities:
        if authority.everywhere:
            return True
        if not authority.roles & COMPOSERS:
            continue
        single = Actor(user=actor.user, own=authority)
        if figures.covers(single, unit):
            return True
    return False


def _paths(unit: AdminUnit) -> tuple[str, str]:
    """(legacy path, 2025 path) of a unit, for scoping: a 2025 unit's legacy path is the deepest unit
    containing all its predecessors (segment by segment), so only readers of all of them see it."""
    if unit.system == AdminUnit.System.LEGACY:
        return unit.path, unit.successor.path if unit.successor_id else ""
    parts = [p.split(".") for p in unit.predecessors.values_list("path", flat=True)]
    common: list[str] = []
    for segments in zip(*parts):
        if len(set(segments)) != 1 or not segments[0]:
            break
        common.append(segments[0])
    return (".".join(common) + "." if len(common) > 1 else ""), unit.path


def _campaign(campaign_id) -> Campaign:
    campaign = Campaign.objects.filter(pk=query_id(campaign_id)).first() if query_id(campaign_id) else None
    if campaign is None:
        raise ServiceError(gettext("Chọn chương trình."), code=ErrorCode.VALIDATION, field="campaign")
    return campaign


def periodic_report_create(*, actor: Actor, campaign_id, kind, territory, units, as_of, difficulties="",
                           proposals="") -> PeriodicReport:
    """Store a report after checking every field; a refusal names each wrong field and stores nothing."""
    if not can_compose(actor):
        raise ServiceError(gettext("Bạn không có quyền lập báo cáo định kỳ."), code=ErrorCode.PERMISSION_DENIED)
    errors: dict[str, list[str]] = {}
    campaign = None
    try:
        campaign = _campaign(campaign_id)
    except ServiceError as exc:
        errors.setdefault("campaign", []).append(exc.message)
    kind = query_text(kind, max_length=20)
    if kind not in PeriodicReport.Kind.values:
        errors.setdefault("kind", []).append(gettext("Chọn loại báo cáo."))
    units = query_text(units, max_length=10)
    if units not in figures.UNITS:
        errors.setdefault("units", []).append(
            gettext("Hệ đơn vị phải là “legacy” (trước 01/07/2025) hoặc “2025”."))
    day = None
    try:
        day = parse_date(as_of, gettext("Ngày số liệu"))
    except InputError as exc:
        errors.setdefault("as_of", []).append(exc.message)
    texts = {}
    for field, label, value in (("difficulties", gettext("Khó khăn, vướng mắc"), difficulties),
                                ("proposals", gettext("Đề xuất, kiến nghị"), proposals)):
        try:
            texts[field] = parse_text(value, label, max_length=TEXT_MAX, multiline=True)
        except InputError as exc:
            errors.setdefault(field, []).append(exc.message)
    unit = None
    if campaign is not None and units in figures.UNITS:
        if day is not None:
            try:
                figures.check_as_of(campaign, day)
            except ServiceError as exc:
                errors.setdefault("as_of", []).append(exc.message)
        code = query_text(territory, max_length=12)
        if kind == PeriodicReport.Kind.PROVINCE:
            try:
                code = figures.campaign_root(campaign, units).code
            except ServiceError as exc:
                errors.setdefault("units", []).append(exc.message)
        if not code:
            errors.setdefault("territory", []).append(gettext("Chọn địa bàn báo cáo."))
        elif "units" not in errors:
            try:
                unit = figures.resolve_territory(campaign=campaign, code=code, units=units, actor=actor)
                if not _composer_covers(actor, unit):
                    raise ServiceError(gettext("%(unit)s nằm ngoài địa bàn bạn được lập báo cáo.") % {
                        "unit": unit.name}, code=ErrorCode.OUT_OF_TERRITORY, field="territory")
            except ServiceError as exc:
                errors.setdefault("territory", []).append(
                    exc.message if kind != PeriodicReport.Kind.PROVINCE else
                    gettext("Báo cáo của Sở Nội vụ gồm cả tỉnh; bạn chỉ phụ trách một phần của tỉnh."))
    if errors:
        raise validation_error(errors)
    legacy_path, path_2025 = _paths(unit)
    return PeriodicReport.objects.create(
        campaign=campaign, kind=kind, unit=unit, unit_path=legacy_path, unit_2025_path=path_2025, units=units,
        as_of=day, difficulties=texts["difficulties"], proposals=texts["proposals"], created_by=actor.user)


def can_issue(actor: Actor, report: PeriodicReport) -> bool:
    return can_compose(actor) and _composer_covers(actor, report.unit)


def report_documents(reports: list[PeriodicReport]) -> dict:
    """{report id: its issued document} for a page of reports (one query)."""
    from housing_campaign.printing.models import IssuedDocument

    found: dict = {}
    for document in IssuedDocument.objects.filter(doctype="report", object_id__in=[r.pk for r in reports]).order_by(
            "object_id", "-issued_at", "-pk"):
        found.setdefault(document.object_id, document)
    return found


def report_document(report: PeriodicReport):
    """The numbered document issued for the report, if any."""
    from housing_campaign.printing.models import IssuedDocument

    return (IssuedDocument.objects.filter(doctype="report", object_id=report.pk)
            .select_related("print_format_version").order_by("-issued_at", "-pk").first())


def _format(kind: str):
    from housing_campaign.printing.models import PrintFormat

    fmt = PrintFormat.objects.filter(code=format_code(kind), doctype="report", is_active=True).first()
    if fmt is None:
        raise ServiceError(gettext("Chưa có mẫu in báo cáo; hãy báo quản trị viên."), code=ErrorCode.NOT_FOUND)
    return fmt


def periodic_report_issue(*, actor: Actor, report_id):
    """Issue the report with the next number of the issuer's register (BC): the figures as of its date and
    the format version are stored with the number, so it always reprints as issued."""
    from housing_campaign.printing import services as printing

    with transaction.atomic():
        report = PeriodicReport.objects.select_for_update().filter(pk=query_id(report_id)).first()
        if report is None:
            raise ServiceError(gettext("Không tìm thấy báo cáo."), code=ErrorCode.NOT_FOUND)
        report = PeriodicReport.objects.select_related("campaign", "unit", "unit__parent").get(pk=report.pk)
        if not can_compose(actor) or not _composer_covers(actor, report.unit):
            raise ServiceError(gettext("Bạn không có quyền ban hành báo cáo của %(unit)s.") % {
                "unit": report.unit.name}, code=ErrorCode.PERMISSION_DENIED)
        existing = report_document(report)
        if existing is not None:
            raise ServiceError(gettext("Báo cáo đã được ban hành, số %(number)s.") % {
                "number": existing.number_text}, code=ErrorCode.STALE_STATE)
        fmt = _format(report.kind)
        context = periodic_report_context(report)
        issuer = context["issuer"]
        return printing.document_issue(actor_user=actor.user, format_code=fmt.code, doctype="report",
                                       object_id=report.pk, context=context, issuer_key=issuer["key"],
                                       issuer_symbol=issuer["symbol"])


def periodic_report_pdf(*, report: PeriodicReport) -> tuple[bytes, str]:
    """The issued PDF (frozen) if the report has a number, else a draft without one."""
    from housing_campaign.printing import services as printing

    document = report_document(report)
    if document is not None:
        return printing.issued_document_pdf(document), f"{document.number_text.replace('/', '-')}.pdf"
    fmt = _format(report.kind)
    context = periodic_report_context(report, mark="draft")
    context["document_number"] = draft_number(context)
    pdf = printing.render_pdf(html=fmt.html, css=fmt.css, context=context, title=f"BC-{report.pk}")
    return pdf, f"bao-cao-{report.pk}-du-thao.pdf"


def periodic_report_xlsx(*, report: PeriodicReport) -> tuple[bytes, str]:
    """The report's tables as Excel: the figures issued with the number if issued, else the draft's."""
    from housing_campaign.printing.services import _revive

    from .documents import report_xlsx

    document = report_document(report)
    if document is not None:
        return report_xlsx(_revive(document.context)), f"{document.number_text.replace('/', '-')}.xlsx"
    return report_xlsx(periodic_report_context(report, mark="draft")), f"bao-cao-{report.pk}.xlsx"


# ---------------------------------------------------------------------------- the command line
def progress_for_command(*, campaign_code: str, as_of: dt.date | None, territory: str | None, units: str):
    """(campaign, unit, Progress) for ``manage.py report progress``: every input checked (unknown campaign,
    date in the future or before the campaign, unknown territory, wrong units)."""
    if units not in figures.UNITS:
        raise ServiceError(gettext("Hệ đơn vị phải là “legacy” (trước 01/07/2025) hoặc “2025”."), field="units")
    campaign = Campaign.objects.filter(code=(campaign_code or "").strip()[:40]).first()
    if campaign is None:
        raise ServiceError(gettext("Không có chương trình mã “%(code)s”.") % {"code": (campaign_code or "")[:40]},
                           code=ErrorCode.NOT_FOUND, field="campaign")
    figures.check_as_of(campaign, as_of)
    unit = figures.resolve_territory(campaign=campaign, code=territory, units=units, actor=None)
    return campaign, unit, figures.progress(campaign=campaign, root=unit, units=units, as_of=as_of)


def command_pdf(*, campaign: Campaign, unit: AdminUnit, units: str, as_of: dt.date | None) -> bytes:
    from housing_campaign.printing import services as printing

    fmt = _format(PeriodicReport.Kind.PROGRESS)
    context = report_context(campaign=campaign, kind=PeriodicReport.Kind.PROGRESS, unit=unit, units=units,
                             as_of=as_of or timezone.localdate(), mark="command")
    context["document_number"] = draft_number(context)
    return printing.render_pdf(html=fmt.html, css=fmt.css, context=context, title="report progress")

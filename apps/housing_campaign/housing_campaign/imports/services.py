"""Imports of survey lists (households + cases) and of updates to existing cases.

One path for the command, the desk and the benchmark: read (``readers``), map the columns
(``mapping``), turn each cell into a value or a repair or a refusal (``cells``), check each row with the
same rules as the survey form (``cases.services``), deduplicate inside the file and against the
database, then write everything in ONE transaction with bulk inserts (no row-by-row creation):
households, cases built exactly as ``case_create`` builds them (``case_build``), and their timeline rows.
A dry run does everything except the write. Any refused row stops the whole write unless "good rows
only" was chosen. A report workbook lists every row with its status and reasons.
"""
from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import logging
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext, gettext_noop

from housing_campaign.accounts.selectors import Actor
from housing_campaign.campaigns.models import Campaign, Category, Strand, SupportType, SurveyRound
from housing_campaign.cases import services as case_services
from housing_campaign.cases.models import HousingCase, PartCondition
from housing_campaign.core import hookspec
from housing_campaign.core.bulk import InstanceBuilder, bulk_insert
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.events import created_event
from housing_campaign.core.i18n import message, render_message
from housing_campaign.core.models import BackgroundJob, DocumentEvent
from housing_campaign.core.services import sequence_next
from housing_campaign.core.sideeffects import doc_events_batched, doc_events_emit
from housing_campaign.core.spreadsheets import Column, xlsx_write
from housing_campaign.extrafields.models import ExtraField
from housing_campaign.extrafields.services import extra_fields_known
from housing_campaign.geography.models import AdminUnit, Village
from housing_campaign.households.models import Household, LandStatus
from housing_campaign.workflow import engine

from . import cells
from .cells import CellError, compact, fold
from .mapping import SURVEY_FIELDS, UPDATE_FIELDS, FieldSpec, is_numbering_row
from .models import ImportBatch, ImportKind, ImportTemplate
from .readers import ReadError, Sheet, read_sheet

logger = logging.getLogger(__name__)
DOCTYPE = HousingCase.DOCTYPE

CREATED, REPAIRED, REFUSED, EXISTING, IGNORED, UPDATED, UNCHANGED = (
    "created", "repaired", "refused", "existing", "ignored", "updated", "unchanged")
# The report is written in the importer's language (batch_run runs in it): labels are msgids.
STATUS_LABELS = {CREATED: gettext_noop("Tạo mới"), REPAIRED: gettext_noop("Tạo mới (đã sửa)"),
                 REFUSED: gettext_noop("Từ chối"), EXISTING: gettext_noop("Đã có, bỏ qua"),
                 IGNORED: gettext_noop("Không phải dòng dữ liệu"), UPDATED: gettext_noop("Cập nhật"),
                 UNCHANGED: gettext_noop("Không thay đổi")}
DRY_STATUS_LABELS = {CREATED: gettext_noop("Sẽ tạo mới"), REPAIRED: gettext_noop("Sẽ tạo mới (đã sửa)"),
                     UPDATED: gettext_noop("Sẽ cập nhật")}

CATEGORY_NAMES = {
    "ho ngheo": Category.POOR, "ngheo": Category.POOR, "hn": Category.POOR, "poor": Category.POOR,
    "ho can ngheo": Category.NEAR_POOR, "can ngheo": Category.NEAR_POOR, "hcn": Category.NEAR_POOR,
    "near poor": Category.NEAR_POOR, "near_poor": Category.NEAR_POOR,
    "nguoi co cong": Category.MERITORIOUS, "ho nguoi co cong": Category.MERITORIOUS,
    "nguoi co cong voi cach mang": Category.MERITORIOUS, "ho nguoi co cong voi cach mang": Category.MERITORIOUS,
    "co cong": Category.MERITORIOUS, "ncc": Category.MERITORIOUS, "meritorious": Category.MERITORIOUS,
    "thien tai": Category.DISASTER, "ho bi anh huong thien tai": Category.DISASTER,
    "bi anh huong thien tai": Category.DISASTER, "ho thien tai": Category.DISASTER, "disaster": Category.DISASTER,
    "khac": Category.OTHER, "doi tuong khac": Category.OTHER, "other": Category.OTHER,
}
SUPPORT_TYPE_NAMES = {
    "xay moi": SupportType.NEW_BUILD, "xay dung moi": SupportType.NEW_BUILD, "lam moi": SupportType.NEW_BUILD,
    "xd moi": SupportType.NEW_BUILD, "lam nha moi": SupportType.NEW_BUILD, "new build": SupportType.NEW_BUILD,
    "new_build": SupportType.NEW_BUILD, "sua chua": SupportType.REPAIR, "sua": SupportType.REPAIR,
    "sua chua nha": SupportType.REPAIR, "sua chua cai tao": SupportType.REPAIR, "repair": SupportType.REPAIR,
}
PART_NAMES = {
    "khong ben vung": PartCondition.UNSTABLE, "kbv": PartCondition.UNSTABLE, "hu hong": PartCondition.UNSTABLE,
    "khong": PartCondition.UNSTABLE, "unstable": PartCondition.UNSTABLE, "x": PartCondition.UNSTABLE,
    "ben vung": PartCondition.STABLE, "bv": PartCondition.STABLE, "tot": PartCondition.STABLE,
    "stable": PartCondition.STABLE, "co": PartCondition.STABLE,
}
PART_HINT = gettext_noop("tình trạng đã biết (Bền vững, Không bền vững)")
LAND_NAMES = {
    "hop phap": LandStatus.UNDISPUTED, "khong tranh chap": LandStatus.UNDISPUTED,
    "dat o hop phap khong tranh chap": LandStatus.UNDISPUTED, "on dinh": LandStatus.UNDISPUTED,
    "undisputed": LandStatus.UNDISPUTED, "tranh chap": LandStatus.DISPUTED, "dang tranh chap": LandStatus.DISPUTED,
    "disputed": LandStatus.DISPUTED, "khong co dat": LandStatus.NONE, "khong co dat o": LandStatus.NONE,
    "none": LandStatus.NONE,
}
# Who may import besides the roles that may edit a case in its first state: reviewers, in their territory.
IMPORT_ROLES = ("reviewer",)
UNIT_PREFIXES = ("thi tran ", "phuong ", "xa ", "tt ", "huyen ", "thanh pho ", "thi xa ", "tp ", "quan ")
TOTAL_MARKERS = ("tong cong", "tong so", "cong", "tong")


# ---------------------------------------------------------------------------- results
@dataclass
class RowResult:
    excel_row: int
    index: int
    status: str
    messages: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return "; ".join(m.rstrip(".") for m in self.messages) + ("." if self.messages else "")

    def line(self) -> str:
        return gettext("dòng %(row)s: %(reason)s") % {"row": self.excel_row, "reason": self.reason}


@dataclass
class Outcome:
    kind: str
    rows: list[RowResult]
    written: bool
    dry_run: bool
    phases: dict[str, float]
    sheet: Sheet | None = None
    batch: ImportBatch | None = None
    report_path: Path | None = None
    good_rows_only: bool = False

    def count(self, *statuses: str) -> int:
        return sum(1 for r in self.rows if r.status in statuses)

    @property
    def refused(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == REFUSED]

    @property
    def counts(self) -> dict[str, int]:
        return {"rows": self.count(CREATED, REPAIRED, REFUSED, EXISTING, UPDATED, UNCHANGED),
                "created": self.count(CREATED, REPAIRED), "repaired": self.count(REPAIRED),
                "refused": self.count(REFUSED), "existing": self.count(EXISTING), "updated": self.count(UPDATED),
                "unchanged": self.count(UNCHANGED), "ignored": self.count(IGNORED)}

    def summary_message(self) -> dict:
        """The summary as a stored message (core/i18n.py): the batch page shows it in the reader's language."""
        c = self.counts
        if self.kind == ImportKind.UPDATE:
            head = message(gettext_noop("%(rows)s dòng: %(updated)s cập nhật, %(unchanged)s không thay đổi, "
                                        "%(refused)s bị từ chối.") if self.written else
                           gettext_noop("%(rows)s dòng: %(updated)s sẽ cập nhật, %(unchanged)s không thay đổi, "
                                        "%(refused)s bị từ chối."), **c)
        else:
            head = message(gettext_noop("%(rows)s dòng: %(created)s đã tạo mới (trong đó %(repaired)s dòng đã sửa), "
                                        "%(refused)s bị từ chối, %(existing)s đã có trong chương trình (bỏ qua).")
                           if self.written else
                           gettext_noop("%(rows)s dòng: %(created)s sẽ tạo mới (trong đó %(repaired)s dòng đã sửa), "
                                        "%(refused)s bị từ chối, %(existing)s đã có trong chương trình (bỏ qua)."),
                           **c)
        if self.dry_run:
            return message(gettext_noop("Kiểm tra thử, chưa ghi gì. %(head)s"), head=head)
        if self.written:
            if c["refused"]:
                return message(gettext_noop("Đã nhập. %(head)s Các dòng bị từ chối chưa được nhập: sửa và nhập lại "
                                            "bằng tệp khác."), head=head)
            return message(gettext_noop("Đã nhập. %(head)s"), head=head)
        if c["refused"] and not self.good_rows_only:
            return message(gettext_noop("KHÔNG nhập dòng nào vì có %(refused)s dòng bị từ chối (nhập tất cả hoặc không "
                                        "nhập gì). %(head)s Sửa các dòng này, hoặc chọn “chỉ nhập dòng hợp lệ”."),
                           refused=c["refused"], head=head)
        if c["existing"]:
            return message(gettext_noop("Không tạo thêm hồ sơ nào: các dòng hợp lệ đã có trong chương trình (tệp đã "
                                        "được nhập trước đây). %(head)s"), head=head)
        return message(gettext_noop("Không có dòng nào để nhập. %(head)s"), head=head)

    def summary(self) -> str:
        """The summary in the active language (the command line, the report's title row)."""
        return render_message(self.summary_message())


def _timer():
    phases: dict[str, float] = {}
    state = {"t": time.perf_counter()}

    def mark(name: str) -> None:
        now = time.perf_counter()
        phases[name] = round(phases.get(name, 0) + now - state["t"], 3)
        state["t"] = now
    return phases, mark


# ---------------------------------------------------------------------------- survey import context
class SurveyContext:
    """Everything a row is checked against, loaded once per import (no query per row)."""

    def __init__(self, *, actor: Actor, campaign: Campaign, survey_round: SurveyRound, mapping: dict):
        self.actor, self.campaign, self.survey_round = actor, campaign, survey_round
        self.mapping = mapping
        prefixes = [campaign.province.path] + ([campaign.province_2025.path] if campaign.province_2025_id else [])
        units = list(AdminUnit.objects.filter(level__in=("commune", "district"))
                     .filter(path__regex=r"^(" + "|".join(p.replace(".", r"\.") for p in prefixes) + ")")
                     .select_related("successor", "parent"))
        self.unit_by_id = {unit.id: unit for unit in units}
        self.communes: dict[str, list[AdminUnit]] = defaultdict(list)
        self.districts: dict[str, list[AdminUnit]] = defaultdict(list)
        for unit in units:
            target = self.communes if unit.level == "commune" else self.districts
            target[_unit_key(unit.short_name)].append(unit)
        self.villages: dict[tuple[int, str], Village] = {
            (v.commune_id, _village_key(v.name)): v
            for v in Village.objects.filter(commune__in=[u for u in units if u.level == "commune"])}
        strands = list(Strand.objects.filter(campaign=campaign).order_by("id"))
        self.strands = {}
        for strand in strands:
            self.strands[fold(strand.name)] = strand
            self.strands[fold(strand.code)] = strand
        default_strand = (mapping.get("defaults") or {}).get("strand")
        self.default_strand = next((s for s in strands if default_strand in (s.code, str(s.pk))), None)
        if self.default_strand is None and len(strands) == 1:
            self.default_strand = strands[0]
        self.norms = case_services.support_norms_today(campaign)
        self.extra_fields = extra_fields_known(DOCTYPE)
        # The version a new case starts on depends on its commune (pilots): read once, chosen per commune.
        self.rollout = engine.workflow_rollout(DOCTYPE)
        self._workflow_fields: dict[int, dict] = {}
        self.admitted = campaign.admitted_categories or [Category.POOR, Category.NEAR_POOR]
        self._village_new: dict[tuple[int, str], Village] = {}
        self.eligibility_memo: dict = {}
        self.cell_cache: dict = {}
        self.case_checks: dict = {}  # ``_case_checks``: the form's answer per distinct value
        self.new_household = InstanceBuilder(Household)
        self._communes_found: dict = {}

    def workflow_fields(self, commune: AdminUnit) -> dict:
        """The workflow fields of a new case in ``commune`` (``engine.initial_workflow_fields``), kept per
        commune: no query per row."""
        fields = self._workflow_fields.get(commune.id)
        if fields is None:
            fields = engine.initial_workflow_fields(DOCTYPE, *case_services.case_unit_paths(commune),
                                                    rollout=self.rollout)
            self._workflow_fields[commune.id] = fields
        return fields

    def commune_for(self, raw_commune, raw_district) -> tuple[AdminUnit, str | None]:
        return cells.cached_lookup(self._communes_found, (raw_commune, raw_district),
                                   lambda: self._commune_for(raw_commune, raw_district))

    def _commune_for(self, raw_commune, raw_district) -> tuple[AdminUnit, str | None]:
        name = cells.text(raw_commune)
        candidates = list(self.communes.get(_unit_key(name), []))
        if not candidates:
            if self.campaign.province_2025_id:
                raise CellError(gettext("không tìm thấy xã “%(name)s” trong tỉnh %(province)s hoặc %(province_2025)s.")
                                % {"name": name, "province": self.campaign.province.name,
                                   "province_2025": self.campaign.province_2025.name})
            raise CellError(gettext("không tìm thấy xã “%(name)s” trong tỉnh %(province)s.") % {
                "name": name, "province": self.campaign.province.name})
        district_name = cells.text(raw_district)
        if len(candidates) > 1 and district_name:
            districts = self.districts.get(_unit_key(district_name), [])
            narrowed = [c for c in candidates if c.parent_id in {d.id for d in districts}]
            candidates = narrowed or candidates
        if len(candidates) > 1:
            legacy = [c for c in candidates if c.system == AdminUnit.System.LEGACY]
            successors = {c.successor_id for c in legacy}
            # A legacy commune and the 2025 commune that kept its name are the same place: keep the legacy one.
            if len(legacy) == 1 and all(c.id in successors for c in candidates if c not in legacy):
                candidates = legacy
        if len(candidates) > 1:
            names = ", ".join(sorted({c.full_name for c in candidates}))
            raise CellError(gettext("tên xã “%(name)s” khớp với nhiều đơn vị (%(units)s); hãy thêm cột Huyện.") % {
                "name": name, "units": names})
        unit = candidates[0]
        warning = None
        if name not in (unit.name, unit.short_name):
            warning = gettext("Xã “%(name)s” được hiểu là “%(unit)s” (%(parent)s).") % {
                "name": name, "unit": unit.name, "parent": unit.parent.name}
        if district_name and unit.system == AdminUnit.System.LEGACY and unit.parent and \
                _unit_key(district_name) != _unit_key(unit.parent.short_name):
            raise CellError(gettext("xã “%(unit)s” không thuộc huyện “%(district)s” (thuộc %(parent)s).") % {
                "unit": unit.name, "district": district_name, "parent": unit.parent.name})
        return unit, warning

    def village_for(self, commune: AdminUnit, raw) -> tuple[Village | None, str | None]:
        name = cells.text(raw)
        if not name:
            return None, None
        key = (commune.id, _village_key(name))
        found = self.villages.get(key) or self._village_new.get(key)
        if found is not None:
            return found, None
        village = Village(commune=commune, name=name[:120])
        self._village_new[key] = village
        return village, None

    def strand_for(self, raw) -> Strand | None:
        if cells.is_blank(raw):
            return self.default_strand
        found = self.strands.get(fold(raw))
        if found is None:
            known = ", ".join(f"“{s.name}”" for s in {s.pk: s for s in self.strands.values()}.values())
            raise CellError(gettext("không phải nguồn hỗ trợ của chương trình (có: %(known)s).") % {"known": known})
        return found


def _unit_key(name: str) -> str:
    folded = fold(name)
    for prefix in UNIT_PREFIXES:
        if folded.startswith(prefix):
            folded = folded[len(prefix):]
            break
    return folded.replace(" ", "")


def _village_key(name: str) -> str:
    folded = fold(name)
    for prefix in ("thon ", "lang ", "buon ", "to dan pho ", "to ", "plei ", "khoi "):
        if folded.startswith(prefix):
            folded = folded[len(prefix):]
            break
    return folded.replace(" ", "")


# ---------------------------------------------------------------------------- one row
class KnownHousehold(NamedTuple):
    """A household already in the database that a row's CCCD names: what deduplication reads of it."""
    pk: int
    national_id: str
    code: str
    head_name: str
    commune_id: int
    commune_name: str


@dataclass
class Candidate:
    result: RowResult
    household: Household
    case: HousingCase
    national_id: str
    existing_household: KnownHousehold | None = None
    new_village: Village | None = None  # a village the list names that the commune's catalogue lacks


class _Row:
    """The mapped cells of one row and the messages about them."""

    def __init__(self, values: list, columns: dict[str, int], labels: list[str], defaults: dict,
                 cache: dict | None = None):
        self.values, self.columns, self.labels, self.defaults = values, columns, labels, defaults
        self.cache = {} if cache is None else cache
        self.errors: list[str] = []
        self.warnings: list[str] = []  # repairs: the row's status says "repaired"
        self.notes: list[str] = []     # what the import will do besides (a new village)
        self.bad_fields: set[str] = set()

    def raw(self, key: str):
        index = self.columns.get(key)
        value = self.values[index] if index is not None and index < len(self.values) else None
        if key in self.defaults and cells.is_blank(value):
            return self.defaults[key]
        return value

    def where(self, key: str) -> str:
        index = self.columns.get(key)
        if index is not None:
            return gettext("cột “%(label)s”") % {"label": self.labels[index]}
        if key in self.defaults:
            return gettext("giá trị mặc định")
        return gettext("cột “%(label)s”") % {"label": gettext(_FIELD_LABELS[key])} if key in _FIELD_LABELS else ""

    def refuse(self, key: str, message: str) -> None:
        where, value = self.where(key), cells.shown(self.raw(key))
        if where and value:
            message = f"{where} (“{value}”): {message}"
        elif where:
            message = f"{where}: {message}"
        self.errors.append(message)
        self.bad_fields.add(key)

    def parse(self, key: str, parser, *args):
        """The parsed cell; a list repeats its values (communes, categories, areas, dates), so each distinct
        value is parsed once per import (the parsers are pure functions of the cell)."""
        raw = self.raw(key)
        try:
            cache_key = (parser, raw.__class__, raw, args[1:] if args else ())
            found = self.cache.get(cache_key, _MISSING)
        except TypeError:  # an unhashable cell: parse it
            cache_key, found = None, _MISSING
        if found is _MISSING:
            try:
                found = parser(raw, *args)
            except CellError as exc:
                found = CellError(str(exc)[0].upper() + str(exc)[1:] if str(exc) else gettext("không đọc được."))
            if cache_key is not None and parser is not cells.national_id:
                self.cache[cache_key] = found
        if isinstance(found, CellError):
            self.refuse(key, str(found))
            return None
        return found


_FIELD_LABELS = {f.key: f.label for f in (*SURVEY_FIELDS, *UPDATE_FIELDS)}
_MISSING = object()


def _is_total_row(values) -> bool:
    for value in values[:6]:
        if isinstance(value, str) and value.lstrip()[:1] in ("T", "t", "C", "c"):
            folded = fold(value)
            if any(folded == m or folded.startswith(m + " ") for m in TOTAL_MARKERS):
                return True
    return False


def _extra_values(ctx: SurveyContext, row: _Row) -> dict:
    """Administrator-defined fields: the cell typed as the field wants it ("60.000.000" for a number),
    then checked by the same cleaner as the forms."""
    active = {f.code: f for f in ctx.extra_fields[0]}
    values = {}
    for key in list(row.columns) + [k for k in row.defaults if k not in row.columns]:
        if not key.startswith("extra:") or key[6:] not in active:
            continue
        spec, raw = active[key[6:]], row.raw(key)
        if cells.is_blank(raw):
            continue
        kind = spec.field_type
        if kind in (ExtraField.FieldType.INTEGER, ExtraField.FieldType.DECIMAL):
            number = row.parse(key, cells.decimal)
            if number is not None:
                values[spec.code] = int(number) if number == number.to_integral_value() else number
        elif kind == ExtraField.FieldType.DATE:
            day = row.parse(key, cells.date)
            if day is not None:
                values[spec.code] = day
        elif kind == ExtraField.FieldType.BOOLEAN:
            flag = row.parse(key, cells.boolean)
            if flag is not None:
                values[spec.code] = flag
        elif kind == ExtraField.FieldType.CHOICE:
            by_name = {fold(label): str(code) for code, label in spec.choices}
            by_name.update({fold(code): str(code) for code, _ in spec.choices})
            values[spec.code] = by_name.get(fold(raw), cells.text(raw))
        else:
            values[spec.code] = cells.text(raw)
    return values


def _survey_row(ctx: SurveyContext, row: _Row) -> tuple[Household, HousingCase, str] | None:
    """Parse and check one row; None when refused (the reasons are on ``row.errors``)."""
    nid, warning = row.parse("national_id", cells.national_id) or ("", None)
    if warning:
        row.warnings.append(warning)
    commune = village = None
    if cells.is_blank(row.raw("commune")):
        row.refuse("commune", gettext("Chưa có tên xã."))
    else:
        try:
            commune, warning = ctx.commune_for(row.raw("commune"), row.raw("district"))
            if warning:
                row.warnings.append(warning)
        except CellError as exc:
            row.refuse("commune", str(exc)[0].upper() + str(exc)[1:])
    if commune is not None:
        village, _ = ctx.village_for(commune, row.raw("village"))
        if village is not None and village.pk is None:
            row.notes.append(gettext("Thôn “%(village)s” chưa có trong danh mục của %(commune)s: sẽ được thêm.") % {
                "village": village.name, "commune": commune.name})
    category = row.parse("category", cells.choice, CATEGORY_NAMES, gettext(
        "đối tượng đã biết (Hộ nghèo, Hộ cận nghèo, Người có công, Hộ bị ảnh hưởng thiên tai, Đối tượng khác)"))
    if category is None and "category" not in row.bad_fields:
        row.refuse("category", gettext("Chưa có đối tượng (Hộ nghèo, Hộ cận nghèo, Người có công ...)."))
    elif category and category not in ctx.admitted:
        row.refuse("category", gettext("%(category)s không thuộc đối tượng chương trình hỗ trợ.") % {
            "category": Category(category).label})
    ethnicity = cells.text(row.raw("ethnicity"))[:40]
    minority = row.parse("is_ethnic_minority", cells.boolean)
    if minority is None:
        minority = bool(ethnicity) and compact(ethnicity) != "kinh"
    hh_data = {
        "head_name": cells.text(row.raw("head_name"))[:120], "national_id": nid, "category": category or "",
        "ethnicity": ethnicity, "is_ethnic_minority": minority,
        "social_assistance": bool(row.parse("social_assistance", cells.boolean)),
        "split_on": row.parse("split_on", cells.date),
        "earlier_support": bool(row.parse("earlier_support", cells.boolean)),
        "land_status": (row.parse("land_status", cells.choice, LAND_NAMES, gettext("tình trạng đất ở đã biết"))
                        or LandStatus.UNDISPUTED),
        "commune": commune, "village": village,
        "address": cells.text(row.raw("address"))[:300], "phone": cells.text(row.raw("phone"))[:20],
    }
    strand = None
    try:
        strand = ctx.strand_for(row.raw("strand"))
    except CellError as exc:
        row.refuse("strand", str(exc)[0].upper() + str(exc)[1:])
    case_data = {
        "strand": strand,
        "support_type": row.parse("support_type", cells.choice, SUPPORT_TYPE_NAMES,
                                  gettext("hình thức hỗ trợ đã biết (Xây mới, Sửa chữa)")),
        "floor_area": row.parse("floor_area", cells.decimal),
        "persons": row.parse("persons", cells.integer),
        "foundation": row.parse("foundation", cells.choice, PART_NAMES, gettext(PART_HINT)),
        "frame_walls": row.parse("frame_walls", cells.choice, PART_NAMES, gettext(PART_HINT)),
        "roof": row.parse("roof", cells.choice, PART_NAMES, gettext(PART_HINT)),
        "remaining_lifespan_years": row.parse("remaining_lifespan_years", cells.integer),
        "surveyed_on": row.parse("surveyed_on", cells.date),
        "survey_note": cells.text(row.raw("survey_note")),
        "village": village,
    }
    extra = _extra_values(ctx, row)
    # The same rules as the survey form, on the typed values (duplicate CCCDs: checked for the whole file).
    hh_clean, shared = case_services.household_clean(hh_data, campaign=ctx.campaign, check_duplicate=False)
    household = survey = None
    if commune is not None:
        household = ctx.new_household(code="", commune=commune, **hh_clean)
        survey, errors, extra_clean = _case_checks(ctx, household, case_data, extra)
        shared.update(errors)
    for key, messages in shared.items():
        field_key = f"extra:{key[len('extra__'):]}" if key.startswith("extra__") else key
        if field_key in row.bad_fields:
            continue
        for text in messages:
            row.refuse(field_key, text)
    if row.errors or household is None:
        return None
    case = case_services.case_build(
        actor=ctx.actor, campaign=ctx.campaign, household=household, survey_round=ctx.survey_round,
        survey={**survey, "village": village}, extra_clean=extra_clean, code="",
        workflow_fields=ctx.workflow_fields(household.commune),
        norms=ctx.norms, eligibility_memo=ctx.eligibility_memo)
    return household, case, hh_clean["national_id"]


_PLAIN_KEYS = frozenset({str, int, float, bool, Decimal, dt.date, dt.datetime, type(None)})


def _memo_key(value):
    """A cell value as a memo key: models by identity of their row (or of the unsaved object), others with
    their type (Decimal("18") and 18 are not the same input)."""
    cls = value.__class__
    if cls in _PLAIN_KEYS:
        return cls, value
    if isinstance(value, Model):
        return value.__class__, value.pk if value.pk is not None else id(value)
    if isinstance(value, dict):
        return dict, tuple(sorted((k, _memo_key(v)) for k, v in value.items()))
    return value.__class__, value


def _case_checks(ctx: SurveyContext, household: Household, data: dict, extra: dict) -> tuple[dict, dict, dict]:
    """``case_services.case_create_errors`` for one row, run once per distinct value of each input.

    The form's checks are field by field: each survey field's cleaned value and error depend on that field's
    value alone; the commune's (campaign, territory) on the commune; the extra fields' on their values; the
    rest on what is fixed for the whole import (actor, campaign, round) or follows the commune (the workflow
    version: pilots). So the shared function is called for a row only when one of its values was not seen yet
    in this import, and its answer is kept per value; a row whose every value was seen is answered from those
    parts. A row with any error is always checked by the function itself, so refusals read exactly as the
    form's. ``test_case_checks_memo`` holds the two ways to the same answers."""
    memo = ctx.case_checks
    get = data.get
    try:
        keys = [("field", key, _memo_key(get(key))) for key in case_services.SURVEY_FIELDS]
        keys.append(("commune", household.commune_id))
        keys.append(("extra", _memo_key(extra)))
    except TypeError:  # an unhashable value: no memo for this row
        keys = None
    if keys is not None:
        parts = [memo.get(key) for key in keys]
        if all(part is not None and not part[1] for part in parts):
            survey = {key[1]: part[0] for key, part in zip(keys, parts) if key[0] == "field" and part[2]}
            return survey, {}, dict(parts[-1][0])
    survey, errors, extra_clean = case_services.case_create_errors(
        actor=ctx.actor, campaign=ctx.campaign, household=household, survey_round=ctx.survey_round,
        data=data, extra=extra, workflow_fields=ctx.workflow_fields(household.commune),
        extra_fields=ctx.extra_fields,
        check_existing=False, also_roles=IMPORT_ROLES)
    if keys is not None:
        fields = set(case_services.SURVEY_FIELDS)
        for key in keys:
            if key[0] == "field":
                memo[key] = (survey.get(key[1]), errors.get(key[1]), key[1] in survey)
            elif key[0] == "commune":
                memo[key] = (None, errors.get("commune"), False)
            else:  # the extra fields, and whatever else is not a survey field or the commune
                memo[key] = (dict(extra_clean), {k: v for k, v in errors.items()
                                                 if k not in fields and k != "commune"}, False)
    return survey, errors, extra_clean


# ---------------------------------------------------------------------------- survey import
def _columns(sheet: Sheet, mapping: dict, fields: tuple[FieldSpec, ...]) -> tuple[dict[str, int], dict]:
    """{field: column index} from a mapping by header labels (or the automatic one), and the defaults."""
    labels = sheet.header.labels
    chosen = mapping.get("columns") if mapping.get("columns") else sheet.header.auto
    columns = {}
    for key, label in chosen.items():
        if label in labels:
            columns[key] = labels.index(label)
    defaults = {k: v for k, v in (mapping.get("defaults") or {}).items() if v not in (None, "")}
    return columns, defaults


def _require_columns(columns: dict, defaults: dict, fields: tuple[FieldSpec, ...], *, optional: set[str] = frozenset()):
    missing = [f for f in fields if f.required and f.key not in columns and f.key not in defaults
               and f.key not in optional]
    if missing:
        names = ", ".join(f"“{gettext(f.label)}”" for f in missing)
        raise ReadError(gettext("Không thấy cột %(names)s trong dòng tiêu đề (và không có giá trị mặc định): hãy ghép "
                                "cột trên màn hình nhập hoặc dùng một mẫu ghép cột.") % {"names": names})


TOTAL_ROW = gettext_noop("Dòng tổng cộng: không nhập.")


def _classify(values: list, columns: dict[str, int], after_total: bool, near_header: bool) -> str | None:
    """Why a row is not data (title, total, numbering, signature), or None for a data row."""
    if all(cells.is_blank(v) for v in values):
        return ""
    if after_total:
        return gettext("Sau dòng tổng cộng (chữ ký, ghi chú): không phải dòng dữ liệu.")
    if _is_total_row(values):
        return gettext(TOTAL_ROW)
    if near_header and is_numbering_row(values):
        return gettext("Dòng đánh số cột: không nhập.")
    keys = [k for k in ("head_name", "national_id", "commune", "code") if k in columns]
    if keys and all(cells.is_blank(values[columns[k]]) if columns[k] < len(values) else True for k in keys):
        filled = sum(1 for v in values if not cells.is_blank(v))
        if filled <= 2:
            return gettext("Không có họ tên, CCCD hay xã: không phải dòng dữ liệu.")
    return None


def _without_cyclic_gc(function):
    """Every row makes a dozen objects that live until the write: the cyclic collector would walk them all
    again and again (a large share of the check time at 100,000 rows) and finds nothing to free. Off for
    the call (reference counting still frees everything as usual), back on after it, whatever happens."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()
    return wrapper


@_without_cyclic_gc
def survey_import(*, actor: Actor, campaign: Campaign, survey_round: SurveyRound, path: Path | str,
                  file_name: str = "", mapping: dict | None = None, dry_run: bool = True, good_rows_only: bool = False,
                  batch: ImportBatch | None = None, progress=None, report: Path | str | None = None) -> Outcome:
    """Import a survey list. Raises ReadError when the file cannot be used at all, ServiceError when the
    actor may not import. Writes nothing on a dry run, or when a row is refused and ``good_rows_only``
    is false; otherwise writes every good row in one transaction."""
    if actor.read_only:
        raise ServiceError(gettext("Tài khoản chỉ xem không được nhập danh sách."), code=ErrorCode.PERMISSION_DENIED)
    if survey_round.campaign_id != campaign.id:
        raise ServiceError(gettext("Đợt rà soát không thuộc chương trình này."), code=ErrorCode.VALIDATION)
    phases, mark = _timer()
    mapping = mapping or {}
    extra_labels = {f.code: f.label_vi for f in ExtraField.objects.filter(doctype=DOCTYPE, is_active=True)}
    sheet = read_sheet(path, fields=SURVEY_FIELDS, extra_labels=extra_labels)
    mark("read")
    ctx = SurveyContext(actor=actor, campaign=campaign, survey_round=survey_round, mapping=mapping)
    columns, defaults = _columns(sheet, mapping, SURVEY_FIELDS)
    _require_columns(columns, defaults, SURVEY_FIELDS, optional={"strand"} if ctx.default_strand else set())
    mark("prepare")

    data_rows, results = [], []
    after_total = False
    for n, index in enumerate(sheet.data_rows):
        reason = _classify(sheet.rows[index], columns, after_total, n < 3)
        if reason is None:
            data_rows.append(index)
        else:
            after_total = after_total or reason == gettext(TOTAL_ROW)
            if reason:
                results.append(RowResult(index + 1, index, IGNORED, [reason]))
    # One core: checking rows in forked workers was tried and measured slower on this 2-core machine once
    # the values travel back (and slower still when the machine is shared).
    validated = _validate_serial(ctx, sheet, columns, defaults, data_rows, progress)
    candidates = [c for _, c in validated if c is not None]
    results = sorted(results + [r for r, _ in validated], key=lambda r: r.index)
    mark("validate")
    _deduplicate(ctx, candidates)
    mark("deduplicate")

    to_write = [c for c in candidates if c.result.status in (CREATED, REPAIRED)]
    refused = any(r.status == REFUSED for r in results)
    outcome = Outcome(kind=ImportKind.SURVEY, rows=results, written=False, dry_run=dry_run, phases=phases,
                      sheet=sheet, batch=batch, good_rows_only=good_rows_only)
    if not dry_run and to_write and (good_rows_only or not refused):
        with transaction.atomic():
            if batch is None:
                batch = _batch_create(actor=actor, campaign=campaign, survey_round=survey_round, path=path,
                                      file_name=file_name, mapping=mapping, good_rows_only=good_rows_only)
            _write_survey(ctx, to_write, batch, mark)
            outcome.written, outcome.batch = True, batch
            _batch_finish(batch, outcome)
        mark("commit")  # the foreign keys were checked in bulk after each COPY (core.bulk)
    if progress:
        progress(len(data_rows), len(data_rows))
    if report:
        write_report(outcome, report)
        outcome.report_path = Path(report)
        mark("report")
    return outcome


def _validate_serial(ctx, sheet, columns, defaults, indexes, progress=None) -> list[tuple[RowResult, Candidate | None]]:
    out = []
    step = max(250, len(indexes) // 100)
    for n, index in enumerate(indexes):
        row = _Row(sheet.rows[index], columns, sheet.header.labels, defaults, ctx.cell_cache)
        built = _survey_row(ctx, row)
        result = RowResult(index + 1, index, REFUSED if built is None else (REPAIRED if row.warnings else CREATED),
                           row.errors + row.warnings if built is None else row.warnings + row.notes)
        candidate = None
        if built is not None:
            household, case, nid = built
            village = household.village
            candidate = Candidate(result=result, household=household, case=case, national_id=nid,
                                  new_village=village if village is not None and village.pk is None else None)
        out.append((result, candidate))
        if progress and n % step == 0:
            progress(n, len(indexes))
    return out


def _deduplicate(ctx: SurveyContext, candidates: list[Candidate]) -> None:
    by_nid: dict[str, list[Candidate]] = defaultdict(list)
    for cand in candidates:
        if cand.national_id:
            by_nid[cand.national_id].append(cand)
    for nid, group in by_nid.items():
        if len(group) > 1:
            for cand in group:
                others = ", ".join(str(o.result.excel_row) for o in group if o is not cand)
                cand.result.status = REFUSED
                cand.result.messages.insert(0, gettext("cột “Số CCCD” (“%(nid)s”): trùng số CCCD với dòng %(rows)s "
                                                       "trong tệp.") % {"nid": nid, "rows": others})
    alone = [c for c in candidates if c.result.status != REFUSED]
    nids = sorted({c.national_id for c in alone if c.national_id})
    existing: dict[str, KnownHousehold] = {}
    for start in range(0, len(nids), 2000):  # plain tuples: a re-import finds every row's household
        for known in Household.objects.filter(national_id__in=nids[start:start + 2000]).order_by("pk").values_list(
                "pk", "national_id", "code", "head_name", "commune_id", "commune__name"):
            existing.setdefault(known[1], KnownHousehold(*known))
    cases_by_household: dict[int, str] = {}
    ids = [h.pk for h in existing.values()]
    for start in range(0, len(ids), 2000):
        cases_by_household.update(HousingCase.objects.filter(campaign=ctx.campaign, household_id__in=ids[
            start:start + 2000]).values_list("household_id", "code"))
    for cand in alone:
        found = existing.get(cand.national_id) if cand.national_id else None
        if found is None:
            continue
        same_name = compact(found.head_name) == compact(cand.household.head_name)
        case_code = cases_by_household.get(found.pk)
        if case_code and same_name:
            cand.result.status = EXISTING
            cand.result.messages = [gettext("Đã có hồ sơ %(case)s (hộ %(household)s) trong chương trình: không tạo "
                                            "lại.") % {"case": case_code, "household": found.code}]
        elif case_code:
            cand.result.status = REFUSED
            cand.result.messages.insert(0, gettext(
                "cột “Số CCCD” (“%(nid)s”): số CCCD đã thuộc hộ “%(head)s” (%(household)s, hồ sơ %(case)s) trong "
                "chương trình.") % {"nid": cand.national_id, "head": found.head_name, "household": found.code,
                                    "case": case_code})
        elif same_name and found.commune_id == cand.household.commune_id:
            cand.existing_household = found
            cand.result.messages.append(gettext("Dùng hộ đã có %(household)s (cùng CCCD và họ tên).") % {
                "household": found.code})
        else:
            cand.result.status = REFUSED
            cand.result.messages.insert(0, gettext(
                "cột “Số CCCD” (“%(nid)s”): số CCCD đã thuộc hộ “%(head)s” (%(household)s, %(commune)s).") % {
                "nid": cand.national_id, "head": found.head_name, "household": found.code,
                "commune": found.commune_name})
    # Rows without a CCCD: the same head of household in the same commune already in the campaign.
    no_id = [c for c in candidates if not c.national_id and c.result.status != REFUSED]
    if no_id:
        known = {}
        for name, commune_id, hcode, ccode in Household.objects.filter(
                national_id="", commune_id__in={c.household.commune_id for c in no_id},
                cases__campaign=ctx.campaign).values_list("head_name", "commune_id", "code", "cases__code"):
            known[(compact(name), commune_id)] = (hcode, ccode)
        for cand in no_id:
            hit = known.get((compact(cand.household.head_name), cand.household.commune_id))
            if hit:
                cand.result.status = EXISTING
                cand.result.messages = [gettext("Đã có hồ sơ %(case)s (hộ %(household)s, cùng họ tên, cùng xã, không "
                                                "có CCCD) trong chương trình: không tạo lại.") % {
                    "case": hit[1], "household": hit[0]}]


def _write_survey(ctx: SurveyContext, to_write: list[Candidate], batch: ImportBatch, mark) -> None:
    """Villages, households, cases and their timeline rows, each in bulk, inside the caller's transaction."""
    campaign = ctx.campaign
    new_villages = {}
    for cand in to_write:
        village = cand.new_village
        if village is not None and village.pk is None:
            new_villages[(village.commune_id, village.name)] = village
    if new_villages:
        Village.objects.bulk_create(list(new_villages.values()), ignore_conflicts=True)
        ids = {(v.commune_id, v.name): v.pk for v in Village.objects.filter(
            commune_id__in={k[0] for k in new_villages}, name__in={k[1] for k in new_villages})}
        for key, village in new_villages.items():
            village.pk = ids[key]
            village._state.adding = False
        for cand in to_write:  # the ids, for objects that share the village or hold it from another process
            if cand.new_village is not None:
                cand.household.village_id = cand.case.village_id = cand.new_village.pk
    households = [c.household for c in to_write if c.existing_household is None]
    by_commune: dict[str, list[Household]] = defaultdict(list)
    for household in households:
        by_commune[ctx.unit_by_id[household.commune_id].code].append(household)
    for code, items in by_commune.items():
        last = sequence_next(key=f"household:{code}", count=len(items))
        for offset, household in enumerate(items):
            household.code = f"H{code}-{last - len(items) + 1 + offset:05d}"
    bulk_insert(Household, households, check_keys_in_bulk=True)
    mark("write_households")
    last = sequence_next(key=f"case:{campaign.code}", count=len(to_write))
    first = last - len(to_write) + 1
    prefix = campaign.code.upper()
    cases = []
    for offset, cand in enumerate(to_write):
        case = cand.case
        case.code = f"{prefix}-{first + offset:06d}"
        case.household_id = (cand.existing_household or cand.household).pk
        cases.append(case)
    # Households: every case points to one written above, or to one already there (then only when
    # some row reuses an existing household is the lock taken).
    reused = any(cand.existing_household is not None for cand in to_write)
    bulk_insert(HousingCase, cases, check_keys_in_bulk=True, fresh=() if reused else (Household,))
    mark("write_cases")
    now = timezone.now()
    marker, no_changes = {"import_batch": batch.pk}, {}  # one JSON value shared by every row
    events = []
    for case in cases:
        event = created_event(doctype=DOCTYPE, object_id=case.pk, actor_id=ctx.actor.user.pk, state=case.state,
                              workflow_version=engine.compiled(case.workflow_id).version, at=now)
        event.data, event.changes = marker, no_changes  # the batch, so the queue can list its cases
        events.append(event)
    bulk_insert(DocumentEvent, events, check_keys_in_bulk=True)
    doc_events_emit(event="on_create", rows=events)  # one job per listening handler for the whole import
    counter = hookspec.doc_counter(DOCTYPE, "created")
    if counter is not None:  # the dashboards' aggregates, in the import's transaction
        counter(ids=[case.pk for case in cases], at=now)
    mark("write_log")


# ---------------------------------------------------------------------------- updates by import
PROGRESS_STAGE_BY_PERCENT = ((30, "foundation"), (60, "frame"), (90, "roof"), (100, "finishing"))


class _Rollback(Exception):
    pass


def _progress_stage(percent: int) -> str:
    """When the file gives a percentage without the work item: the item that percentage usually means."""
    return next(stage for limit, stage in PROGRESS_STAGE_BY_PERCENT if percent <= limit)


def update_import(*, actor: Actor, path: Path | str, file_name: str = "", mapping: dict | None = None,
                  dry_run: bool = True, good_rows_only: bool = False, batch: ImportBatch | None = None,
                  progress=None, report: Path | str | None = None) -> Outcome:
    """Update existing cases by case code: approval decision number and date, construction start, progress.
    Each change goes through the same service as its form (same permissions, same stage rules, same
    timeline rows). All rows run in one transaction, each in a savepoint; a dry run, or a refused row
    without "good rows only", rolls the whole transaction back."""
    from housing_campaign.cases.selectors import cases_visible
    from housing_campaign.cases.services import case_update_approval, progress_add

    if actor.read_only:
        raise ServiceError(gettext("Tài khoản chỉ xem không được nhập danh sách."), code=ErrorCode.PERMISSION_DENIED)
    phases, mark = _timer()
    mapping = mapping or {}
    sheet = read_sheet(path, fields=UPDATE_FIELDS)
    columns, defaults = _columns(sheet, mapping, UPDATE_FIELDS)
    _require_columns(columns, defaults, UPDATE_FIELDS)
    mark("read")
    parsed: list[tuple[RowResult, dict]] = []
    results: list[RowResult] = []
    for n, index in enumerate(sheet.data_rows):
        values = sheet.rows[index]
        reason = _classify(values, columns, False, n < 3)
        if reason is not None:
            if reason:
                results.append(RowResult(index + 1, index, IGNORED, [reason]))
            continue
        row = _Row(values, columns, sheet.header.labels, defaults)
        data = {"code": cells.text(row.raw("code")).upper(),
                "approval_decision_number": cells.text(row.raw("approval_decision_number"))[:80],
                "approval_decision_date": row.parse("approval_decision_date", cells.date),
                "construction_started_on": row.parse("construction_started_on", cells.date),
                "progress_percent": row.parse("progress_percent", cells.integer)}
        result = RowResult(index + 1, index, REFUSED if row.errors else UPDATED, list(row.errors))
        if not data["code"]:
            result.status = REFUSED
            result.messages.insert(0, gettext("Chưa có mã hồ sơ."))
        results.append(result)
        if result.status != REFUSED:
            parsed.append((result, data))
    codes = [d["code"] for _, d in parsed]
    found = {}
    for start in range(0, len(codes), 2000):
        found.update({c.code: c for c in cases_visible(actor).filter(code__in=codes[start:start + 2000])})
    mark("validate")
    outcome = Outcome(kind=ImportKind.UPDATE, rows=results, written=False, dry_run=dry_run, phases=phases,
                      sheet=sheet, batch=batch, good_rows_only=good_rows_only)
    try:
        # Each row goes through the services; their document events are recorded once for the file.
        with transaction.atomic(), doc_events_batched():
            for n, (result, data) in enumerate(parsed):
                case = found.get(data["code"])
                if case is None:
                    result.status = REFUSED
                    result.messages.append(gettext("Không tìm thấy hồ sơ mã %(code)s trong địa bàn bạn phụ trách.") % {
                        "code": data["code"]})
                    continue
                changes = []
                try:
                    with transaction.atomic():
                        number, day = data["approval_decision_number"], data["approval_decision_date"]
                        if (number or day) and (number, day) != (case.approval_decision_number,
                                                                  case.approval_decision_date):
                            case_update_approval(actor=actor, case_id=case.pk, decision_number=number or
                                                 case.approval_decision_number, decision_date=day)
                            changes.append(gettext("quyết định %(number)s") % {"number": number})
                        percent, started = data["progress_percent"], data["construction_started_on"]
                        if (percent is not None and percent != case.progress_percent) or (
                                started and case.construction_started_on is None):
                            value = case.progress_percent if percent is None else percent
                            stage = _progress_stage(value)
                            progress_add(actor=actor, case_id=case.pk, date=started or timezone.localdate(),
                                         stage=stage, percent=value, note="Cập nhật từ tệp Excel")
                            changes.append(gettext("tiến độ %(percent)s%%") % {"percent": value})
                            if percent is not None:
                                result.messages.append(gettext("Hạng mục suy ra từ tiến độ %(percent)s%%: %(stage)s.")
                                                       % {"percent": value, "stage": dict(_stage_labels())[stage]})
                except ServiceError as exc:
                    result.status = REFUSED
                    result.messages = [f"{data['code']}: {m}" for m in (
                        [msg for msgs in exc.errors.values() for msg in msgs] or [exc.message])]
                    continue
                if not changes:
                    result.status = UNCHANGED
                else:
                    result.messages.insert(0, gettext("Cập nhật %(changes)s.") % {"changes": ", ".join(changes)})
                if progress and n % 500 == 0:
                    progress(n, len(parsed))
            refused = any(r.status == REFUSED for r in results)
            if dry_run or (refused and not good_rows_only) or not any(r.status == UPDATED for r in results):
                raise _Rollback
            if batch is None:
                batch = _batch_create(actor=actor, campaign=None, survey_round=None, path=path, file_name=file_name,
                                      mapping=mapping, good_rows_only=good_rows_only, kind=ImportKind.UPDATE)
            outcome.written, outcome.batch = True, batch
            _batch_finish(batch, outcome)
    except _Rollback:
        pass
    mark("write")
    if report:
        write_report(outcome, report)
        outcome.report_path = Path(report)
    return outcome


def _stage_labels():
    from housing_campaign.cases.models import ProgressEntry

    return [(k, str(v)) for k, v in ProgressEntry.Stage.choices]


# ---------------------------------------------------------------------------- batches and reports
def _sha256(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def imports_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _batch_create(*, actor: Actor, campaign, survey_round, path, file_name, mapping, good_rows_only,
                  kind: str = ImportKind.SURVEY) -> ImportBatch:
    return ImportBatch.objects.create(
        kind=kind, campaign=campaign, survey_round=survey_round, created_by=actor.user,
        file_name=(file_name or Path(path).name)[:255], stored_file=str(path)[:300], file_sha256=_sha256(path),
        mapping=mapping, good_rows_only=good_rows_only, status=ImportBatch.Status.RUNNING,
        unit_paths=[p for a in actor.all_authorities for p in a.paths] or ([""] if actor.own.everywhere else []))


def _batch_finish(batch: ImportBatch, outcome: Outcome) -> None:
    counts = outcome.counts
    batch.total_rows, batch.created, batch.repaired = counts["rows"], counts["created"], counts["repaired"]
    batch.refused, batch.existing, batch.updated = counts["refused"], counts["existing"], counts["updated"]
    batch.phases = outcome.phases
    batch.summary = outcome.summary_message()
    batch.message = render_message(batch.summary, source=True)
    if outcome.dry_run:
        batch.status = ImportBatch.Status.CHECKED
    elif outcome.written or not counts["refused"] or outcome.good_rows_only:
        batch.status = ImportBatch.Status.DONE
    else:
        batch.status = ImportBatch.Status.REFUSED
    batch.finished_at = timezone.now()
    batch.save()


def report_rows(outcome: Outcome):
    labels = STATUS_LABELS if not outcome.dry_run else {**STATUS_LABELS, **DRY_STATUS_LABELS}
    rows = outcome.sheet.rows if outcome.sheet else []
    for result in outcome.rows:
        yield [result.excel_row, gettext(labels[result.status]), result.reason, *rows[result.index]]


def write_report(outcome: Outcome, target: Path | str) -> Path:
    """The file as read, one line per row, with its Excel row number, status and reasons in front."""
    labels = outcome.sheet.header.labels if outcome.sheet else []
    columns = [Column(gettext("Dòng (Excel)"), "int", 10), Column(gettext("Trạng thái"), width=20),
               Column(gettext("Lý do / sửa đổi"), width=70),
               *[Column(label or gettext("Cột %(number)s") % {"number": i + 1}, "general")
                 for i, label in enumerate(labels)]]
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as handle:
        xlsx_write(handle, columns=columns, rows=report_rows(outcome), sheet_name=gettext("Kết quả kiểm tra"),
                   title_rows=[outcome.summary()])
    return target


def template_save(*, actor: Actor, name: str, kind: str, mapping: dict) -> ImportTemplate:
    name = (name or "").strip()[:80]
    if not name:
        raise ServiceError(gettext("Hãy đặt tên cho mẫu ghép cột."), code=ErrorCode.VALIDATION, field="template_name")
    if actor.read_only:
        raise ServiceError(gettext("Tài khoản chỉ xem không được lưu mẫu."), code=ErrorCode.PERMISSION_DENIED)
    template, _ = ImportTemplate.objects.update_or_create(
        kind=kind, name=name, defaults={"mapping": mapping, "created_by": actor.user})
    return template


def stored_upload_path(original_name: str) -> Path:
    suffix = Path(original_name).suffix.lower()[:8] if Path(original_name).suffix else ""
    return imports_dir() / f"{uuid.uuid4().hex}{suffix}"


# ---------------------------------------------------------------------------- desk flow: upload, check, confirm
SURVEY_ROLES = ("commune_officer", "reviewer")
# Updates go through each form's own service and permission; these roles fill those forms.
UPDATE_ROLES = (*SURVEY_ROLES, "commune_chairman", "finance_officer", "inspector")


def import_allowed(actor: Actor, kind: str | None = None) -> bool:
    """Survey lists: commune officers and reviewers, each in their territory (rows outside it are refused).
    Updates: the roles that fill the stage forms (each row is then checked by that form's service).
    Without ``kind``: whether the import pages are open to the actor at all."""
    if actor.read_only:
        return False
    roles = SURVEY_ROLES if kind == ImportKind.SURVEY else UPDATE_ROLES
    return actor.own.everywhere or any(a.roles & set(roles) for a in actor.all_authorities)


def batch_upload(*, actor: Actor, upload, kind: str, campaign: Campaign | None,
                 survey_round: SurveyRound | None) -> ImportBatch:
    """Store the file, read its header (a file that cannot be read is refused here, with why) and keep the
    automatic column mapping for the user to confirm."""
    from .readers import limits

    if not import_allowed(actor, kind):
        message = (gettext("Chỉ cán bộ xã và cán bộ thẩm định được nhập danh sách rà soát.")
                   if kind == ImportKind.SURVEY else gettext("Tài khoản của bạn không được cập nhật hồ sơ."))
        raise ServiceError(message, code=ErrorCode.PERMISSION_DENIED)
    if kind == ImportKind.SURVEY and (campaign is None or survey_round is None
                                      or survey_round.campaign_id != campaign.id):
        raise ServiceError(gettext("Hãy chọn chương trình và đợt rà soát."), code=ErrorCode.VALIDATION,
                           field="survey_round")
    if upload is None:
        raise ServiceError(gettext("Chưa chọn tệp."), code=ErrorCode.VALIDATION, field="file")
    if upload.size > limits()["bytes"]:
        raise ServiceError(gettext("Tệp quá lớn: %(size)s MB, tối đa %(max)s MB.") % {
            "size": f"{upload.size / 1024 / 1024:.1f}", "max": limits()["bytes"] // (1024 * 1024)},
            code=ErrorCode.UPLOAD_REJECTED, field="file")
    path = stored_upload_path(upload.name)
    with open(path, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    fields = SURVEY_FIELDS if kind == ImportKind.SURVEY else UPDATE_FIELDS
    extra_labels = {f.code: f.label_vi for f in ExtraField.objects.filter(doctype=DOCTYPE, is_active=True)} \
        if kind == ImportKind.SURVEY else {}
    try:
        sheet = read_sheet(path, fields=fields, extra_labels=extra_labels)
    except ReadError as exc:
        path.unlink(missing_ok=True)
        raise ServiceError(exc.message, code=ErrorCode.UPLOAD_REJECTED, field="file") from None
    preview = [[cells.text(v) for v in sheet.rows[i]] for i in list(sheet.data_rows)[:5]]
    return ImportBatch.objects.create(
        kind=kind, campaign=campaign if kind == ImportKind.SURVEY else None,
        survey_round=survey_round if kind == ImportKind.SURVEY else None, created_by=actor.user,
        file_name=Path(upload.name).name[:255], stored_file=path.name, file_sha256=_sha256(path),
        unit_paths=[p for a in actor.all_authorities for p in a.paths],
        mapping={"columns": sheet.header.auto, "defaults": {},
                 "detected": {"labels": sheet.header.labels, "header_row": sheet.header.row_index + 1,
                              "data_rows": len(sheet.data_rows), "preview": preview, "sheet": sheet.sheet_name}})


def batch_start(*, actor: Actor, batch: ImportBatch, dry_run: bool, mapping: dict | None = None,
                good_rows_only: bool = False) -> ImportBatch:
    """Run the check (dry run) or the import in the background; the page follows the job's progress."""
    from housing_campaign.core.jobs import enqueue

    if batch.created_by_id != actor.user.pk:
        raise ServiceError(gettext("Chỉ người tải tệp lên được chạy lần nhập này."), code=ErrorCode.PERMISSION_DENIED)
    if batch.status in (ImportBatch.Status.RUNNING, ImportBatch.Status.CHECKING, ImportBatch.Status.DONE):
        raise ServiceError(gettext("Lần nhập này đang chạy hoặc đã xong."), code=ErrorCode.STALE_STATE)
    if not dry_run and batch.status != ImportBatch.Status.CHECKED:
        raise ServiceError(gettext("Hãy kiểm tra thử trước khi nhập."), code=ErrorCode.VALIDATION)
    with transaction.atomic():
        if mapping is not None:
            batch.mapping = {**batch.mapping, "columns": mapping.get("columns", {}),
                             "defaults": mapping.get("defaults", {})}
        job = BackgroundJob.objects.create(kind="import", created_by=actor.user,
                                           total=batch.mapping.get("detected", {}).get("data_rows", 0),
                                           params={"batch": batch.pk, "dry_run": dry_run})
        batch.job = job
        batch.good_rows_only = good_rows_only
        batch.status = ImportBatch.Status.CHECKING if dry_run else ImportBatch.Status.RUNNING
        batch.save()
        language = get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(lambda: enqueue("housing_campaign.imports.services.batch_run", background=True,
                                              batch_id=batch.pk, dry_run=dry_run, language=language))
    return batch


def batch_run(*, batch_id: int, dry_run: bool, language: str = "vi") -> None:
    """The background half of ``batch_start``: the job row carries progress, the batch the result. It runs in
    the importer's language: the reasons per row and the report are written for them to read."""
    with translation.override(language):
        _batch_run(batch_id=batch_id, dry_run=dry_run)


def _batch_run(*, batch_id: int, dry_run: bool) -> None:
    from housing_campaign.accounts.selectors import actor_for

    batch = ImportBatch.objects.select_related("created_by", "campaign", "survey_round", "job").get(pk=batch_id)
    job = batch.job
    BackgroundJob.objects.filter(pk=job.pk).update(status=BackgroundJob.Status.RUNNING)

    def progress(done: int, total: int) -> None:
        BackgroundJob.objects.filter(pk=job.pk).update(done=done, total=total)

    report = imports_dir() / f"report-{batch.pk}-{'check' if dry_run else 'import'}.xlsx"
    mapping = {k: v for k, v in batch.mapping.items() if k in ("columns", "defaults")}
    try:
        actor = actor_for(batch.created_by)
        if batch.kind == ImportKind.UPDATE:
            outcome = update_import(actor=actor, path=imports_dir() / batch.stored_file, mapping=mapping,
                                    dry_run=dry_run, good_rows_only=batch.good_rows_only, batch=batch,
                                    progress=progress, report=report)
        else:
            outcome = survey_import(actor=actor, campaign=batch.campaign, survey_round=batch.survey_round,
                                    path=imports_dir() / batch.stored_file, mapping=mapping, dry_run=dry_run,
                                    good_rows_only=batch.good_rows_only, batch=batch, progress=progress,
                                    report=report)
        batch.refresh_from_db()
        batch.report_file = report.name
        if not outcome.written:
            _batch_finish(batch, outcome)
        else:
            batch.save(update_fields=["report_file"])
        BackgroundJob.objects.filter(pk=job.pk).update(status=BackgroundJob.Status.DONE, finished_at=timezone.now(),
                                                       result_file=report.name)
    except (ReadError, ServiceError) as exc:
        _batch_failed(batch, job, exc.message)
    except Exception:  # noqa: BLE001 - the page says it failed; the trace goes to the log
        logger.exception("Import batch %s failed", batch_id)
        _batch_failed(batch, job, gettext("Lỗi khi nhập; không có gì được ghi. Hãy thử lại hoặc báo quản trị."))


def _batch_failed(batch: ImportBatch, job: BackgroundJob, message: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.FAILED, message=message,
                                                   finished_at=timezone.now())
    BackgroundJob.objects.filter(pk=job.pk).update(status=BackgroundJob.Status.FAILED, error=message,
                                                   finished_at=timezone.now())

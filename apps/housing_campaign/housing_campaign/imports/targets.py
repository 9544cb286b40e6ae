"""Targets (issue 14) imported from Excel, with the same reading rules as the survey lists.

The file is read by ``readers.read_sheet`` (the header found anywhere in the first rows, a two-row merged
header folded into one, numbering, total and signature rows skipped), cells by ``cells`` (Vietnamese names
of units compared with diacritics folded, "1.234" read as a thousand and more). Columns: "Địa bàn" (a
unit's name or code, legacy or 2025, province, district or commune), optional "Đối tượng" and "Hình thức
hỗ trợ" (blank: all), "Số nhà", optional "Hệ đơn vị" (to choose between a legacy unit and a 2025 unit of
the same name or code) and "Ghi chú".

Every row is checked first (a dry run writes nothing); then all or nothing: one refused row and nothing is
written. A row is an upsert on campaign × unit × category × support type, so importing the same file again
changes nothing, and says so. Lives in ``imports`` (not ``reports``) because it reads with the importers'
rules, which the layer contract keeps above the domains; the model is ``reports.models.Target``.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop

from housing_campaign.accounts.selectors import Actor
from housing_campaign.campaigns.models import Campaign, Category, SupportType
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.spreadsheets import Column, xlsx_write
from housing_campaign.core.validators import query_id
from housing_campaign.geography.models import AdminUnit
from housing_campaign.reports.models import Target

from . import cells
from .cells import CellError, compact, fold
from .mapping import FieldSpec, is_numbering_row
from .readers import ReadError, Sheet, read_sheet
from .services import CATEGORY_NAMES, SUPPORT_TYPE_NAMES, _is_total_row, imports_dir

_ = gettext_noop
TARGET_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("unit", _("Địa bàn"), ("diaban", "tendiaban", "madiaban", "tendonvi", "madonvi", "donvihanhchinh",
                                     "xaphuongthitran", "huyenxa", "xahuyen", "diabanxahuyen", "tenxahuyen"),
              required=True),
    FieldSpec("category", _("Đối tượng"), ("doituong", "thanhphan", "loaiho", "doituongthuhuong", "doituonghotro",
                                           "phanloaiho")),
    FieldSpec("support_type", _("Hình thức hỗ trợ"), ("hinhthuchotro", "hinhthuc", "xaymoisuachua", "loaihotro",
                                                      "noidunghotro", "xaymoihoacsuachua")),
    FieldSpec("houses", _("Số nhà"), ("sonha", "sonhachitieu", "chitieu", "chitieusonha", "sochitieu", "soluongnha",
                                      "socan", "sonhao", "sonhaxaymoisuachua"), required=True),
    FieldSpec("system", _("Hệ đơn vị"), ("hedonvi", "hedonvihanhchinh")),
    FieldSpec("note", _("Ghi chú"), ("ghichu",)),
)
TEMPLATE_COLUMNS = ("TT", "Địa bàn", "Đối tượng", "Hình thức hỗ trợ", "Số nhà", "Hệ đơn vị", "Ghi chú")
IMPORT_ROLES = frozenset({"administrator", "reviewer"})
MAX_HOUSES = 1_000_000
ALL_WORDS = {"tat ca", "chung", "moi doi tuong", "ca hai", "tong", "all", "xay moi va sua chua"}
SYSTEM_WORDS = {"cu": AdminUnit.System.LEGACY, "truoc 2025": AdminUnit.System.LEGACY, "legacy": AdminUnit.System.LEGACY,
                "truoc 01 07 2025": AdminUnit.System.LEGACY, "don vi cu": AdminUnit.System.LEGACY,
                "moi": AdminUnit.System.CURRENT, "2025": AdminUnit.System.CURRENT,
                "tu 01 07 2025": AdminUnit.System.CURRENT, "don vi moi": AdminUnit.System.CURRENT}
LEVEL_PREFIXES = (("thi tran ", "commune"), ("phuong ", "commune"), ("xa ", "commune"), ("tt ", "commune"),
                  ("huyen ", "district"), ("thi xa ", "district"), ("thanh pho ", None), ("tp ", None),
                  ("quan ", "district"), ("tinh ", "province"))

CREATED, UPDATED, UNCHANGED, REFUSED, IGNORED = "created", "updated", "unchanged", "refused", "ignored"
STATUS_LABELS = {CREATED: _("Tạo mới"), UPDATED: _("Cập nhật"), UNCHANGED: _("Không thay đổi"),
                 REFUSED: _("Từ chối"), IGNORED: _("Không phải dòng dữ liệu")}
DRY_STATUS_LABELS = {CREATED: _("Sẽ tạo mới"), UPDATED: _("Sẽ cập nhật")}
del _


# ---------------------------------------------------------------------------- results
@dataclass
class Problem:
    column: str   # the column's header as in the file
    value: str    # the cell as typed
    reason: str

    def __str__(self) -> str:
        if self.value:
            return gettext("cột “%(column)s” (“%(value)s”): %(reason)s") % {
                "column": self.column, "value": self.value, "reason": self.reason}
        return gettext("cột “%(column)s”: %(reason)s") % {"column": self.column, "reason": self.reason}


@dataclass
class TargetRow:
    excel_row: int
    index: int
    status: str
    unit: AdminUnit | None = None
    category: str = ""
    support_type: str = ""
    houses: int | None = None
    note: str | None = None
    previous: int | None = None          # the houses of the target this row updates
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    key_ok: bool = False                 # unit, category and support type all read: the row has a key

    @property
    def key(self) -> tuple:
        return (self.unit.pk if self.unit else None, self.category, self.support_type)

    @property
    def reason(self) -> str:
        parts = [str(p) for p in self.problems] + self.notes
        return "; ".join(p.rstrip(".") for p in parts) + ("." if parts else "")

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label) if self.category else gettext("Mọi đối tượng")

    @property
    def support_label(self) -> str:
        return str(SupportType(self.support_type).label) if self.support_type else gettext("Xây mới và sửa chữa")

    def status_label(self, dry_run: bool) -> str:
        labels = {**STATUS_LABELS, **DRY_STATUS_LABELS} if dry_run else STATUS_LABELS
        return gettext(labels[self.status])


@dataclass
class TargetOutcome:
    campaign: Campaign
    rows: list[TargetRow]
    dry_run: bool
    written: bool
    sheet: Sheet | None = None

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def refused(self) -> list[TargetRow]:
        return [r for r in self.rows if r.status == REFUSED]

    @property
    def data_rows(self) -> list[TargetRow]:
        return [r for r in self.rows if r.status != IGNORED]

    @property
    def counts(self) -> dict[str, int]:
        return {"rows": len(self.data_rows), "created": self.count(CREATED), "updated": self.count(UPDATED),
                "unchanged": self.count(UNCHANGED), "refused": self.count(REFUSED), "ignored": self.count(IGNORED)}

    @property
    def changes(self) -> int:
        return self.count(CREATED) + self.count(UPDATED)

    @property
    def summary(self) -> str:
        c = self.counts
        if self.written:
            head = gettext("%(rows)s dòng: %(created)s chỉ tiêu tạo mới, %(updated)s cập nhật, %(unchanged)s không "
                           "thay đổi.") % c
            return gettext("Đã nhập. %(head)s") % {"head": head}
        head = gettext("%(rows)s dòng: %(created)s sẽ tạo mới, %(updated)s sẽ cập nhật, %(unchanged)s không thay "
                       "đổi, %(refused)s bị từ chối.") % c
        if c["refused"]:
            return gettext("KHÔNG ghi chỉ tiêu nào vì có %(refused)s dòng bị từ chối (nhập tất cả hoặc không nhập "
                           "gì): sửa các dòng này rồi tải lại tệp. %(head)s") % {"refused": c["refused"], "head": head}
        if not c["rows"]:
            return gettext("Tệp không có dòng chỉ tiêu nào.")
        if not self.changes:
            return gettext("Không có gì thay đổi: mọi chỉ tiêu trong tệp đã có đúng số này (tệp đã được nhập trước "
                           "đây). %(head)s") % {"head": head}
        if self.dry_run:
            return gettext("Kiểm tra thử, chưa ghi gì. %(head)s") % {"head": head}
        return head


# ---------------------------------------------------------------------------- who may import
def target_import_allowed(actor: Actor) -> bool:
    """Administrators and reviewers (district or province), each for their own territory."""
    if actor.read_only:
        return False
    return any(a.everywhere or a.roles & IMPORT_ROLES for a in actor.all_authorities)


def _unit_paths(unit: AdminUnit, predecessors: dict[int, list[str]]) -> list[str]:
    """The legacy paths a unit stands for: itself, or every legacy part of a 2025 unit."""
    if unit.system == AdminUnit.System.CURRENT:
        return predecessors.get(unit.pk) or [unit.path]
    return [unit.path]


def _may_set(actor: Actor, unit: AdminUnit, predecessors: dict[int, list[str]]) -> bool:
    """Whether an authority of the actor with an importing role covers the whole unit."""
    for authority in actor.all_authorities:
        if not (authority.everywhere or authority.roles & IMPORT_ROLES):
            continue
        if authority.everywhere or authority.covers(unit.path):
            return True
        paths = _unit_paths(unit, predecessors)
        if unit.system == AdminUnit.System.CURRENT and predecessors.get(unit.pk) and all(
                authority.covers(p) for p in paths):
            return True
    return False


# ---------------------------------------------------------------------------- finding units
def _name_key(text: str) -> tuple[str, str | None]:
    """("dakblo", "commune") from "Xã Đắk Blô"; the level is None when the name says none."""
    folded = fold(text)
    for prefix, level in LEVEL_PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix):].replace(" ", ""), level or "any"
    return folded.replace(" ", ""), None


def _keys_of(unit) -> set[str]:
    return {compact(unit.short_name), _name_key(unit.name)[0]}


class UnitFinder:
    """The units of the campaign's province (legacy and 2025), by code and by folded name, loaded once."""

    def __init__(self, campaign: Campaign):
        self.campaign = campaign
        self.roots = [campaign.province] + ([campaign.province_2025] if campaign.province_2025_id else [])
        inside = Q()
        for root in self.roots:
            inside |= Q(path__startswith=root.path)
        units = list(AdminUnit.objects.filter(inside).select_related("parent"))
        self.by_code: dict[str, list[AdminUnit]] = defaultdict(list)
        self.by_name: dict[str, list[AdminUnit]] = defaultdict(list)
        for unit in units:
            self.by_code[unit.code].append(unit)
            for key in _keys_of(unit):
                self.by_name[key].append(unit)
        self.predecessors: dict[int, list[str]] = defaultdict(list)
        for successor_id, path in AdminUnit.objects.filter(
                successor_id__in=[u.pk for u in units if u.system == AdminUnit.System.CURRENT]).values_list(
                "successor_id", "path"):
            self.predecessors[successor_id].append(path)
        self._outside: dict | None = None
        self._found: dict = {}

    def where(self) -> str:
        if len(self.roots) > 1:
            return gettext("%(province)s hoặc %(province_2025)s (từ 01/07/2025)") % {
                "province": self.roots[0].name, "province_2025": self.roots[1].name}
        return self.roots[0].name

    def find(self, raw, system: str | None) -> tuple[AdminUnit, str | None]:
        key = (cells.text(raw), system)
        return cells.cached_lookup(self._found, key, lambda: self._find(key[0], system))

    def _find(self, text: str, system: str | None) -> tuple[AdminUnit, str | None]:
        is_code = text.isascii() and text.isdigit()
        if is_code:
            candidates = list(self.by_code.get(text, []))
            level = None
        else:
            name, level = _name_key(text)
            candidates = list(self.by_name.get(name, []))
            if level and level != "any":
                candidates = [c for c in candidates if c.level == level]
        if system:
            candidates = [c for c in candidates if c.system == system]
        if not candidates:
            self._refuse_unknown(text, is_code, system)
        note = None
        exact = [c for c in candidates if fold(c.name) == fold(text)]
        if len(candidates) > 1 and len(exact) == 1 and not is_code:
            candidates = exact  # "Xã Đăk Cấm" is the legacy commune, not "Phường Đăk Cấm" (2025)
        systems = {c.system for c in candidates}
        if len(candidates) > 1 and len(systems) > 1:
            legacy = [c for c in candidates if c.system == AdminUnit.System.LEGACY]
            if len(legacy) == 1:
                other = next(c for c in candidates if c.system != AdminUnit.System.LEGACY)
                note = gettext("“%(text)s” được hiểu là %(unit)s (đơn vị trước 01/07/2025), không phải %(other)s "
                               "(từ 01/07/2025): ghi “2025” ở cột “Hệ đơn vị” để chọn đơn vị mới.") % {
                    "text": text, "unit": legacy[0].full_name, "other": other.full_name}
                candidates = legacy
        if len(candidates) > 1:
            names = ", ".join(sorted(f"{c.full_name} ({gettext('mã')} {c.code})" for c in candidates))
            raise CellError(gettext("khớp với nhiều đơn vị (%(units)s): hãy ghi mã đơn vị.") % {"units": names})
        unit = candidates[0]
        if note is None and not is_code and text not in (unit.name, unit.short_name):
            note = gettext("“%(text)s” được hiểu là %(unit)s.") % {"text": text, "unit": unit.full_name}
        return unit, note

    def _refuse_unknown(self, text: str, is_code: bool, system: str | None):
        elsewhere = self._elsewhere(text, is_code)
        if elsewhere:
            provinces = ", ".join(sorted({p for p in elsewhere}))
            raise CellError(gettext("thuộc %(provinces)s, ngoài tỉnh của chương trình (%(where)s).") % {
                "provinces": provinces, "where": self.where()})
        if system:
            raise CellError(gettext("không tìm thấy địa bàn này trong %(where)s theo hệ đơn vị đã ghi.") % {
                "where": self.where()})
        raise CellError(gettext("không tìm thấy địa bàn này trong %(where)s.") % {"where": self.where()})

    def _elsewhere(self, text: str, is_code: bool) -> list[str]:
        """The provinces outside the campaign where a unit of that name is (codes are too ambiguous across
        systems to say more than "unknown")."""
        if is_code:
            return []
        if self._outside is None:
            self._outside = defaultdict(list)
            provinces = dict(AdminUnit.objects.filter(level=AdminUnit.Level.PROVINCE).values_list("path", "name"))
            outside = AdminUnit.objects.exclude(path__startswith=self.roots[0].path)
            if len(self.roots) > 1:
                outside = outside.exclude(path__startswith=self.roots[1].path)
            for name, short_name, level, path in outside.values_list("name", "short_name", "level", "path"):
                province = provinces.get(".".join(path.split(".")[:2]) + ".", "")
                for key in {compact(short_name), _name_key(name)[0]}:
                    self._outside[key].append((level, province))
        name, level = _name_key(text)
        return [p for lvl, p in self._outside.get(name, []) if not level or level == "any" or lvl == level]


# ---------------------------------------------------------------------------- reading the rows
def _choice(raw, table: dict[str, str]) -> str | None:
    """A category or support type code, "" for all, None when the cell is not one."""
    if cells.is_blank(raw):
        return ""
    key = fold(raw)
    if key in ALL_WORDS:
        return ""
    return table.get(key)


def _classify(values: list, columns: dict[str, int], after_total: bool, near_header: bool) -> str | None:
    if all(cells.is_blank(v) for v in values):
        return ""
    if after_total:
        return gettext("Sau dòng tổng cộng (chữ ký, ghi chú): không phải dòng dữ liệu.")
    if _is_total_row(values):
        return gettext("Dòng tổng cộng: không nhập.")
    if near_header and is_numbering_row(values):
        return gettext("Dòng đánh số cột: không nhập.")
    unit_col, houses_col = columns.get("unit"), columns.get("houses")
    if all(c is None or c >= len(values) or cells.is_blank(values[c]) for c in (unit_col, houses_col)):
        return gettext("Không có địa bàn và số nhà: không phải dòng dữ liệu.")
    return None


class _Cells:
    def __init__(self, values: list, columns: dict[str, int], labels: list[str]):
        self.values, self.columns, self.labels = values, columns, labels
        self.problems: list[Problem] = []

    def raw(self, key: str):
        index = self.columns.get(key)
        return self.values[index] if index is not None and index < len(self.values) else None

    def refuse(self, key: str, reason: str) -> None:
        index = self.columns.get(key)
        label = self.labels[index] if index is not None else gettext(next(f.label for f in TARGET_FIELDS
                                                                          if f.key == key))
        reason = reason[:1].upper() + reason[1:] if reason else reason
        self.problems.append(Problem(label, cells.shown(self.raw(key)), reason))


def _row(index: int, values: list, columns: dict, labels: list, finder: UnitFinder,
         actor: Actor) -> TargetRow:
    row = TargetRow(excel_row=index + 1, index=index, status=REFUSED)
    c = _Cells(values, columns, labels)
    system = None
    if not cells.is_blank(c.raw("system")):
        system = SYSTEM_WORDS.get(fold(c.raw("system")))
        if system is None:
            c.refuse("system", gettext("phải là “cũ” (trước 01/07/2025) hoặc “2025”."))
    if cells.is_blank(c.raw("unit")):
        c.refuse("unit", gettext("thiếu tên hoặc mã địa bàn."))
    elif not c.problems:
        try:
            row.unit, note = finder.find(c.raw("unit"), system)
            if note:
                row.notes.append(note)
        except CellError as exc:
            c.refuse("unit", str(exc))
        if row.unit is not None and not _may_set(actor, row.unit, finder.predecessors):
            c.refuse("unit", gettext("%(unit)s nằm ngoài địa bàn bạn phụ trách.") % {"unit": row.unit.full_name})
    category = _choice(c.raw("category"), CATEGORY_NAMES)
    if category is None:
        c.refuse("category", gettext("không phải đối tượng (%(known)s; để trống là mọi đối tượng).") % {
            "known": ", ".join(str(label) for _, label in Category.choices)})
    support = _choice(c.raw("support_type"), SUPPORT_TYPE_NAMES)
    if support is None:
        c.refuse("support_type", gettext("không phải hình thức hỗ trợ (%(known)s; để trống là cả hai).") % {
            "known": ", ".join(str(label) for _, label in SupportType.choices)})
    raw_houses = c.raw("houses")
    if cells.is_blank(raw_houses):
        c.refuse("houses", gettext("thiếu số nhà."))
    else:
        try:
            houses = cells.integer(raw_houses)
        except CellError as exc:
            c.refuse("houses", str(exc))
        else:
            if houses < 0:
                c.refuse("houses", gettext("số nhà không được âm."))
            elif houses > MAX_HOUSES:
                c.refuse("houses", gettext("số nhà quá lớn (tối đa %(max)s).") % {"max": f"{MAX_HOUSES:,}".replace(
                    ",", ".")})
            else:
                row.houses = houses
    if "note" in columns:
        row.note = cells.text(c.raw("note"))[:300]
    row.category, row.support_type = category or "", support or ""
    row.key_ok = row.unit is not None and category is not None and support is not None
    row.problems = c.problems
    if not row.problems:
        row.status = CREATED
    return row


# ---------------------------------------------------------------------------- the import
def target_import(*, actor: Actor, campaign: Campaign, path: Path | str, dry_run: bool = True) -> TargetOutcome:
    """Check every row of a targets workbook, then (unless ``dry_run``) write them all in one transaction,
    or nothing when any row is refused. Raises ReadError when the file cannot be used at all,
    ServiceError when the actor may not import targets."""
    if not target_import_allowed(actor):
        raise ServiceError(gettext("Chỉ quản trị viên và cán bộ thẩm định (huyện, tỉnh) được nhập chỉ tiêu."),
                           code=ErrorCode.PERMISSION_DENIED)
    sheet = read_sheet(path, fields=TARGET_FIELDS, min_matches=2)
    labels = sheet.header.labels
    columns = {key: labels.index(label) for key, label in sheet.header.auto.items() if label in labels}
    missing = [f for f in TARGET_FIELDS if f.required and f.key not in columns]
    if missing:
        raise ReadError(gettext("Không thấy cột %(names)s trong dòng tiêu đề.") % {
            "names": ", ".join(f"“{gettext(f.label)}”" for f in missing)})
    finder = UnitFinder(campaign)
    rows: list[TargetRow] = []
    after_total = False
    for n, index in enumerate(sheet.data_rows):
        values = sheet.rows[index]
        reason = _classify(values, columns, after_total, n < 3)
        if reason is not None:
            after_total = after_total or reason == gettext("Dòng tổng cộng: không nhập.")
            if reason:
                rows.append(TargetRow(index + 1, index, IGNORED, notes=[reason]))
            continue
        rows.append(_row(index, values, columns, labels, finder, actor))
    _deduplicate(rows, labels[columns["unit"]])
    existing = _compare(campaign, rows)
    outcome = TargetOutcome(campaign=campaign, rows=rows, dry_run=dry_run, written=False, sheet=sheet)
    if not dry_run and not outcome.refused and outcome.changes:
        _write(campaign, rows, existing)
        outcome.written = True
    return outcome


def _deduplicate(rows: list[TargetRow], unit_label: str) -> None:
    seen: dict[tuple, int] = {}
    for row in rows:
        if row.status == IGNORED or not row.key_ok:
            continue
        first = seen.setdefault(row.key, row.excel_row)
        if first != row.excel_row:
            row.status = REFUSED
            row.problems.append(Problem(unit_label, row.unit.name, gettext(
                "trùng với dòng %(row)s (cùng địa bàn, đối tượng và hình thức hỗ trợ).") % {"row": first}))


def _compare(campaign: Campaign, rows: list[TargetRow]) -> dict[tuple, Target]:
    """Mark each good row created, updated or unchanged against the targets already entered."""
    unit_ids = {r.unit.pk for r in rows if r.unit is not None}
    existing = {(t.unit_id, t.category, t.support_type): t
                for t in Target.objects.filter(campaign=campaign, unit_id__in=unit_ids)}
    for row in rows:
        if row.status != CREATED:
            continue
        target = existing.get(row.key)
        if target is None:
            continue
        row.previous = target.houses
        same_note = row.note is None or row.note == target.note
        if target.houses == row.houses and same_note:
            row.status = UNCHANGED
        else:
            row.status = UPDATED
            if target.houses != row.houses:
                row.notes.append(gettext("Chỉ tiêu cũ %(old)s nhà, mới %(new)s nhà.") % {
                    "old": target.houses, "new": row.houses})
    return existing


def _write(campaign: Campaign, rows: list[TargetRow], existing: dict[tuple, Target]) -> None:
    new, changed = [], []
    for row in rows:
        if row.status == CREATED:
            new.append(Target(campaign=campaign, unit=row.unit, unit_path=row.unit.path, category=row.category,
                              support_type=row.support_type, houses=row.houses, note=row.note or ""))
        elif row.status == UPDATED:
            target = existing[row.key]
            target.houses, target.unit_path = row.houses, row.unit.path
            if row.note is not None:
                target.note = row.note
            changed.append(target)
    try:
        with transaction.atomic():
            Target.objects.bulk_create(new)
            Target.objects.bulk_update(changed, ["houses", "note", "unit_path"])
    except IntegrityError:
        raise ServiceError(gettext("Chỉ tiêu vừa được người khác thay đổi cùng lúc: hãy kiểm tra lại tệp."),
                           code=ErrorCode.STALE_STATE) from None


# ---------------------------------------------------------------------------- files
def report_write(outcome: TargetOutcome, target: Path | str) -> Path:
    """The result as Excel: each row of the file with its Excel row number, status, the unit understood,
    the reasons, then the cells as read."""
    labels = outcome.sheet.header.labels if outcome.sheet else []
    columns = [Column(gettext("Dòng (Excel)"), "int", 10), Column(gettext("Trạng thái"), width=18),
               Column(gettext("Địa bàn (hiểu là)"), width=34), Column(gettext("Mã"), width=8),
               Column(gettext("Chỉ tiêu trước"), "int", 12), Column(gettext("Lý do / ghi chú"), width=70),
               *[Column(label or gettext("Cột %(number)s") % {"number": i + 1}, "general")
                 for i, label in enumerate(labels)]]
    source = outcome.sheet.rows if outcome.sheet else []

    def lines():
        for row in outcome.rows:
            yield [row.excel_row, row.status_label(outcome.dry_run), row.unit.full_name if row.unit else "",
                   row.unit.code if row.unit else "", row.previous, row.reason, *source[row.index]]
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as handle:
        xlsx_write(handle, columns=columns, rows=lines(), sheet_name=gettext("Kết quả nhập chỉ tiêu"),
                   title_rows=[outcome.summary])
    return target


def template_write(handle, campaign: Campaign | None = None) -> int:
    """A blank workbook with the columns the import reads (Vietnamese: it is a document)."""
    where = campaign.province.name if campaign else ""
    title = ["CHỈ TIÊU HỖ TRỢ NHÀ Ở" + (f" – {campaign.name}" if campaign else ""),
             "Địa bàn: tên hoặc mã tỉnh, huyện, xã" + (f" của {where}" if where else "")
             + " (đơn vị trước 01/07/2025 hoặc từ 01/07/2025). Đối tượng: Hộ nghèo, Hộ cận nghèo, Người có công, "
               "Thiên tai, Khác; để trống là mọi đối tượng. Hình thức hỗ trợ: Xây mới hoặc Sửa chữa; để trống là cả "
               "hai. Hệ đơn vị: để trống, hoặc “cũ” / “2025” khi một tên có ở cả hai hệ."]
    widths = {"TT": 6, "Địa bàn": 30, "Số nhà": 10, "Ghi chú": 30}
    return xlsx_write(handle, columns=[Column(h, width=widths.get(h, 18)) for h in TEMPLATE_COLUMNS], rows=[],
                      sheet_name="Chỉ tiêu", title_rows=title)


def max_bytes() -> int:
    """A targets workbook has a few hundred rows: anything past a few MB is not one (setting
    TARGET_IMPORT_MAX_MB, default 5)."""
    return int(getattr(settings, "TARGET_IMPORT_MAX_MB", 5)) * 1024 * 1024


# ---------------------------------------------------------------------------- desk flow: check, confirm, report
TOKEN_SALT = "housing_campaign.imports.targets"
TOKEN_MAX_AGE = 24 * 3600


def _folder() -> Path:
    folder = imports_dir() / "targets"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _token(actor: Actor, stem: str, campaign: Campaign) -> str:
    return signing.dumps({"f": stem, "u": actor.user.pk, "c": campaign.pk}, salt=TOKEN_SALT)


def _from_token(actor: Actor, token: str) -> tuple[Path, Campaign]:
    """The stored file a token names: only for the user who checked it, for a day."""
    try:
        data = signing.loads(str(token or ""), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise ServiceError(gettext("Lần kiểm tra này đã quá một ngày: hãy tải tệp lên và kiểm tra lại."),
                           code=ErrorCode.NOT_FOUND) from None
    except signing.BadSignature:
        raise ServiceError(gettext("Không tìm thấy lần kiểm tra tệp chỉ tiêu này."), code=ErrorCode.NOT_FOUND) from None
    path = _folder() / f"{data.get('f', '')}.xlsx"
    campaign = Campaign.objects.filter(pk=data.get("c")).first()
    if data.get("u") != actor.user.pk or campaign is None or not str(data.get("f", "")).isalnum() \
            or not path.exists():
        raise ServiceError(gettext("Không tìm thấy lần kiểm tra tệp chỉ tiêu này."), code=ErrorCode.NOT_FOUND)
    return path, campaign


def target_check(*, actor: Actor, campaign_id, upload) -> tuple[TargetOutcome, str]:
    """Store an uploaded workbook and check it (a dry run, nothing written); the token lets the same user
    confirm it or download the report. A file that cannot be used is refused here, with why."""
    if not target_import_allowed(actor):
        raise ServiceError(gettext("Chỉ quản trị viên và cán bộ thẩm định (huyện, tỉnh) được nhập chỉ tiêu."),
                           code=ErrorCode.PERMISSION_DENIED)
    campaign_id = query_id(campaign_id)
    campaign = Campaign.objects.filter(pk=campaign_id, is_active=True).first() if campaign_id else None
    if campaign is None:
        raise ServiceError(gettext("Hãy chọn chương trình."), code=ErrorCode.VALIDATION, field="campaign")
    if upload is None:
        raise ServiceError(gettext("Chưa chọn tệp."), code=ErrorCode.VALIDATION, field="file")
    if upload.size == 0:
        raise ServiceError(gettext("Tệp rỗng (0 byte)."), code=ErrorCode.UPLOAD_REJECTED, field="file")
    if upload.size > max_bytes():
        raise ServiceError(gettext("Tệp quá lớn: %(size)s MB, tối đa %(max)s MB cho một tệp chỉ tiêu.") % {
            "size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ","), "max": max_bytes() // (1024 * 1024)},
            code=ErrorCode.UPLOAD_REJECTED, field="file")
    stem = uuid.uuid4().hex
    path = _folder() / f"{stem}.xlsx"
    with open(path, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    try:
        outcome = target_import(actor=actor, campaign=campaign, path=path, dry_run=True)
    except ReadError as exc:
        path.unlink(missing_ok=True)
        raise ServiceError(exc.message, code=ErrorCode.UPLOAD_REJECTED, field="file") from None
    report_write(outcome, _folder() / f"{stem}-report.xlsx")
    return outcome, _token(actor, stem, campaign)


def target_confirm(*, actor: Actor, token: str) -> tuple[TargetOutcome, str]:
    """Import a checked file for real: every row checked again (the targets or the actor's territory may
    have changed since), all or nothing."""
    path, campaign = _from_token(actor, token)
    try:
        outcome = target_import(actor=actor, campaign=campaign, path=path, dry_run=False)
    except ReadError as exc:
        raise ServiceError(exc.message, code=ErrorCode.UPLOAD_REJECTED, field="file") from None
    report_write(outcome, path.with_name(f"{path.stem}-report.xlsx"))
    return outcome, token


def target_report_path(*, actor: Actor, token: str) -> Path:
    path, _campaign = _from_token(actor, token)
    report = path.with_name(f"{path.stem}-report.xlsx")
    if not report.exists():
        raise ServiceError(gettext("Không tìm thấy báo cáo của lần kiểm tra này."), code=ErrorCode.NOT_FOUND)
    return report

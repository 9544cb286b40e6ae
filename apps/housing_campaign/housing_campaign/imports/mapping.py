"""What an import can read, the header names communes use for it, and finding the header row.

A mapping is plain data, saved in templates: ``{"columns": {field: header label}, "defaults": {field: value}}``.
Columns are named by their header label, not their position, so a template fits a file whose columns
were reordered.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_noop as _  # labels stay Vietnamese here; pages translate them

from .cells import compact, fold, is_blank, text
from .cells import label as cell_label

HEADER_SCAN_ROWS = 40
MIN_HEADER_MATCHES = 3


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    required: bool = False


SURVEY_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("head_name", _("Họ và tên chủ hộ"), ("hovatenchuho", "hotenchuho", "chuho", "tenchuho", "hovaten",
                                                "hoten", "hotennguoidaidien"), required=True),
    FieldSpec("national_id", _("Số CCCD"), ("socccd", "cccd", "socancuoc", "cancuoccongdan", "socancuoccongdan",
                                         "socmndcccd", "cmndcccd", "cmnd", "sodinhdanh", "madinhdanh",
                                         "socccdchuho", "sodinhdanhcanhan")),
    FieldSpec("category", _("Đối tượng"), ("doituong", "thanhphan", "loaiho", "doituongthuhuong", "doituonghotro",
                                        "phanloaiho"), required=True),
    FieldSpec("ethnicity", _("Dân tộc"), ("dantoc",)),
    FieldSpec("is_ethnic_minority", _("Hộ dân tộc thiểu số"), ("dantocthieuso", "hodantocthieuso", "dtts")),
    FieldSpec("social_assistance", _("Đang hưởng trợ cấp xã hội"), ("baotroxahoi", "trocapxahoi", "danghuongtrocap",
                                                                 "danghuongtrocapxahoi")),
    FieldSpec("split_on", _("Ngày tách hộ"), ("ngaytachho", "tachho")),
    FieldSpec("earlier_support", _("Đã được hỗ trợ nhà ở trước đây"), ("daduochotro", "daduochotronhao",
                                                                     "daduochotronhaotruocday")),
    FieldSpec("land_status", _("Tình trạng đất ở"), ("tinhtrangdat", "tinhtrangdato", "dato")),
    FieldSpec("district", _("Huyện"), ("huyen", "quanhuyen", "huyenthixathanhpho", "huyenthanhpho")),
    FieldSpec("commune", _("Xã"), ("xa", "xaphuongthitran", "xaphuong", "phuongxa", "xathitran", "donvixa",
                                "tenxa"), required=True),
    FieldSpec("village", _("Thôn"), ("thon", "thonlang", "thonto", "thonlangtodanpho", "lang", "thonlangbuon",
                                  "thonbuon", "todanpho")),
    FieldSpec("address", _("Địa chỉ"), ("diachi",)),
    FieldSpec("phone", _("Điện thoại"), ("dienthoai", "sodienthoai", "sdt")),
    FieldSpec("strand", _("Nguồn hỗ trợ"), ("nguonhotro", "chuongtrinh", "nguonvon", "chuongtrinhhotro"),
              required=True),
    FieldSpec("support_type", _("Hình thức hỗ trợ"), ("hinhthuchotro", "hinhthuc", "xaymoisuachua", "loaihotro",
                                                   "noidunghotro", "xaymoihoacsuachua"), required=True),
    FieldSpec("floor_area", _("Diện tích nhà hiện tại (m²)"), ("dientich", "dientichnha", "dientichnhahientai",
                                                            "dientichm2", "dientichnhaom2", "dientichnhao",
                                                            "dientichnham2", "dientichnhahientaim2"),
              required=True),
    FieldSpec("persons", _("Số người đang ở"), ("songuoi", "sokhau", "sonhankhau", "songuoidango", "nhankhau",
                                             "songuoitrongho"), required=True),
    FieldSpec("foundation", _("Nền, móng"), ("nenmong", "mong", "nen"), required=True),
    FieldSpec("frame_walls", _("Khung, tường"), ("khungtuong", "khung", "tuong"), required=True),
    FieldSpec("roof", _("Mái"), ("mai",), required=True),
    FieldSpec("remaining_lifespan_years", _("Niên hạn sử dụng còn lại (năm)"), ("nienhan", "nienhanconlai",
                                                                            "nienhansudungconlai")),
    FieldSpec("surveyed_on", _("Ngày rà soát"), ("ngayrasoat", "ngaykhaosat", "ngaydieutra"), required=True),
    FieldSpec("survey_note", _("Ghi chú"), ("ghichu",)),
)

UPDATE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("code", _("Mã hồ sơ"), ("mahoso", "ma", "mahs"), required=True),
    FieldSpec("approval_decision_number", _("Số quyết định phê duyệt"), ("soquyetdinh", "soquyetdinhpheduyet",
                                                                     "soqd", "soqdpheduyet")),
    FieldSpec("approval_decision_date", _("Ngày quyết định"), ("ngayquyetdinh", "ngayqd", "ngayquyetdinhpheduyet",
                                                            "ngayqdpheduyet")),
    FieldSpec("construction_started_on", _("Ngày khởi công"), ("ngaykhoicong", "khoicong")),
    FieldSpec("progress_percent", _("Tiến độ (%)"), ("tiendo", "tiendothicong", "tiendophantram")),
)

IGNORED_HEADERS = {"tt", "stt", "sott", "sothutu"}


def _strip_units(label: str) -> str:
    """"Diện tích (m²)" → "Diện tích"; "Số CCCD (12 số)" → "Số CCCD"."""
    out, depth = [], 0
    for ch in label:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif not depth:
            out.append(ch)
    return "".join(out)


def match_field(label: str, fields: tuple[FieldSpec, ...], extra: dict[str, str] | None = None) -> str | None:
    """The field a header label names, by exact folded name first, then by the longest known prefix."""
    if not label:
        return None
    keys = [compact(label), compact(_strip_units(label))]
    if keys[0] in IGNORED_HEADERS:
        return None
    for key in keys:
        for spec in fields:
            if key == compact(spec.label) or key in spec.synonyms or key == spec.key.replace("_", ""):
                return spec.key
        for code, extra_label in (extra or {}).items():
            if key in (compact(extra_label), code.replace("_", "")):
                return f"extra:{code}"
    best, best_len = None, 0
    for key in keys:
        for spec in fields:
            for synonym in spec.synonyms:
                if len(synonym) >= 5 and key.startswith(synonym) and len(synonym) > best_len:
                    best, best_len = spec.key, len(synonym)
    return best


@dataclass
class Header:
    row_index: int                      # 0-based index into the sheet's rows of the (first) header row
    data_start: int                     # 0-based index of the first row that may hold data
    labels: list[str]                   # one label per column ("" when the column has no header)
    auto: dict[str, str] = field(default_factory=dict)  # field -> label found automatically


def _row_labels(row) -> list[str]:
    return [cell_label(v) for v in row]


def _matches(labels: list[str], fields, extra) -> dict[int, str]:
    found = {}
    for i, label in enumerate(labels):
        key = match_field(label, fields, extra)
        if key and key not in found.values():
            found[i] = key
    return found


def detect_header(rows: list[list], fields: tuple[FieldSpec, ...],
                  extra: dict[str, str] | None = None, *, min_matches: int = MIN_HEADER_MATCHES) -> Header | None:
    """The row among the first ones that names most known columns (at least ``min_matches``: three for a
    survey list, two for a short one such as targets). A second header row under merged cells ("Tình trạng
    nhà ở" over "Nền, móng | Khung, tường | Mái") is folded into one."""
    best_index, best = -1, {}
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = _matches(_row_labels(row), fields, extra)
        if len(found) > len(best):
            best_index, best = index, found
    if len(best) < min_matches:
        return None
    top = _row_labels(rows[best_index])
    width = max(len(top), max((len(r) for r in rows[best_index:best_index + 2]), default=0))
    top += [""] * (width - len(top))
    labels = list(top)
    data_start = best_index + 1
    if best_index + 1 < len(rows):
        below = _row_labels(rows[best_index + 1]) + [""] * width
        below_found = _matches(below[:width], fields, extra)
        new = {i: k for i, k in below_found.items() if k not in best.values()}
        if new and not any(below[i] and i in best for i in range(width) if not new.get(i)):
            # Sub-headers: a merged top cell's label carries right over the empty cells it covers.
            carried, current = [], ""
            for i in range(width):
                current = top[i] or (current if below[i] else "")
                carried.append(current)
            labels = [below[i] if below[i] else carried[i] for i in range(width)]
            data_start = best_index + 2
    seen: dict[str, int] = {}
    for i, label in enumerate(labels):
        if label:
            seen[label] = seen.get(label, 0) + 1
            if seen[label] > 1:
                labels[i] = f"{label} ({seen[label]})"
    auto = {}
    for i, key in _matches(labels, fields, extra).items():
        auto[key] = labels[i]
    return Header(row_index=best_index, data_start=data_start, labels=labels, auto=auto)


def is_numbering_row(row) -> bool:
    """The "(1) (2) (3) ..." or "1 2 3 ..." row printed under many official headers."""
    values = [text(v) for v in row if not is_blank(v)]
    if len(values) < 3:
        return False
    numbers = []
    for v in values:
        inner = v[1:-1].strip() if v.startswith("(") and v.endswith(")") else v
        folded = fold(inner)
        if folded.endswith(".0") and folded[:-2].isdigit():  # a number cell read as 1.0
            folded = folded[:-2]
        if not folded.isdigit():
            return False
        numbers.append(int(folded))
    # Column numbers run on (1 2 3 … or (1) (2) (3) …): a data row of codes and counts does not.
    return all(b == a + 1 for a, b in zip(numbers, numbers[1:]))

"""Excel exports of the lists on the desk: the queue or all cases with the current filters, and a commune's
list in the layout communes send up (which the import reads back). Scoped exactly as the screens are
(``queue_queryset``), streamed row by row from a server-side cursor into ``core.spreadsheets``.

Workbooks are documents, in Vietnamese whatever the interface language: they are sent up to the district
and the province, and the import reads a commune's list back by its Vietnamese column names."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from housing_campaign.accounts.selectors import actor_for
from housing_campaign.campaigns.models import Category, Strand, SupportType
from housing_campaign.cases.models import PartCondition, Priority
from housing_campaign.core.spreadsheets import XLSX_CONTENT_TYPE, Column, xlsx_stream
from housing_campaign.extrafields.services import extra_fields_for
from housing_campaign.geography.models import AdminUnit
from housing_campaign.workflow.models import Stage, WorkflowState

from ..selectors import QueueFilters, queue_queryset

CHUNK = 2000

# (header, kind, value path) — every column of the case list, in Vietnamese.
CASE_COLUMNS = [
    ("Mã hồ sơ", "text", "code"),
    ("Họ và tên chủ hộ", "text", "household__head_name"),
    ("Số CCCD", "text", "household__national_id"),
    ("Đối tượng", "text", "household__category"),
    ("Dân tộc", "text", "household__ethnicity"),
    ("Xã (khi lập hồ sơ)", "text", "commune__name"),
    ("Huyện", "text", "commune__parent__name"),
    ("Xã (từ 01/07/2025)", "text", "commune_2025__name"),
    ("Thôn", "text", "village__name"),
    ("Nguồn hỗ trợ", "text", "strand_id"),
    ("Hình thức hỗ trợ", "text", "support_type"),
    ("Mức hỗ trợ (đồng)", "money", "support_amount"),
    ("Nhóm ưu tiên", "text", "priority"),
    ("Diện tích nhà hiện tại (m²)", "decimal", "floor_area"),
    ("Số người đang ở", "int", "persons"),
    ("Nền, móng", "text", "foundation"),
    ("Khung, tường", "text", "frame_walls"),
    ("Mái", "text", "roof"),
    ("Niên hạn sử dụng còn lại (năm)", "int", "remaining_lifespan_years"),
    ("Ngày rà soát", "date", "surveyed_on"),
    ("Đủ điều kiện", "text", "is_eligible"),
    ("Giai đoạn", "text", "stage"),
    ("Trạng thái", "text", "state"),
    ("Ở trạng thái từ", "datetime", "state_since"),
    ("Số quyết định phê duyệt", "text", "approval_decision_number"),
    ("Ngày quyết định", "date", "approval_decision_date"),
    ("Ngày khởi công", "date", "construction_started_on"),
    ("Tiến độ (%)", "int", "progress_percent"),
    ("Ngày bàn giao", "date", "handed_over_on"),
]


def _labels():
    """Display names per column, as plain strings once (lazy translations cost a lookup per cell)."""
    states = dict(WorkflowState.objects.filter(definition__doctype="housing_case").values_list("code", "label_vi"))
    labels = {
        "household__category": Category.choices, "support_type": SupportType.choices, "priority": Priority.choices,
        "foundation": PartCondition.choices, "frame_walls": PartCondition.choices, "roof": PartCondition.choices,
        "stage": Stage.choices, "state": states.items(), "strand_id": Strand.objects.values_list("pk", "name"),
    }
    result = {path: {k: str(v) for k, v in pairs} for path, pairs in labels.items()}
    result["is_eligible"] = {True: "Đủ", False: "Không đủ", None: "Chưa xét"}
    return result


def case_rows(queryset, columns, extra_codes):
    """Rows of display values from a values_list over a server-side cursor: no model objects, no whole list."""
    labels = _labels()
    paths = [path for _, _, path in columns]
    converters = [labels.get(path) for path in paths]
    for values in queryset.values_list(*paths, "extra").iterator(chunk_size=CHUNK):
        row = [conv.get(v, v) if conv is not None else v for conv, v in zip(converters, values)]
        extra = values[-1] or {}
        row.extend(extra.get(code) for code in extra_codes)
        yield row


def _stream(rows, columns, filename, **kwargs):
    response = StreamingHttpResponse(xlsx_stream(columns=columns, rows=rows, **kwargs), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export_cases(request):
    """The queue ("mine") or all cases, with the filters on screen; every column and the extra fields."""
    actor = actor_for(request.user)
    filters = QueueFilters.from_request(request.GET)
    qs = queue_queryset(actor, filters).order_by("state_since", "id")
    extra = [(f.code, f.label_vi, f.field_type) for f in extra_fields_for("housing_case")]
    kind_of = {"integer": "int", "decimal": "decimal", "date": "text"}
    columns = [Column(h, kind) for h, kind, _ in CASE_COLUMNS] + [Column(label, kind_of.get(t, "text"))
                                                                   for _, label, t in extra]
    name = "viec-cua-toi" if filters.scope == "mine" else "tat-ca-ho-so"
    return _stream(case_rows(qs, CASE_COLUMNS, [c for c, _, _ in extra]), columns,
                   f"{name}-{timezone.localtime():%Y%m%d-%H%M}.xlsx", sheet_name="Hồ sơ")


# The layout communes send their lists up in (and the import reads back).
COMMUNE_LIST_COLUMNS = [
    ("Họ và tên chủ hộ", "text", "household__head_name"),
    ("Số CCCD", "text", "household__national_id"),
    ("Dân tộc", "text", "household__ethnicity"),
    ("Đối tượng", "text", "household__category"),
    ("Huyện", "text", "commune__parent__name"),
    ("Xã", "text", "commune__name"),
    ("Thôn", "text", "village__name"),
    ("Nguồn hỗ trợ", "text", "strand_id"),
    ("Hình thức hỗ trợ", "text", "support_type"),
    ("Diện tích nhà hiện tại (m²)", "decimal", "floor_area"),
    ("Số người đang ở", "int", "persons"),
    ("Nền, móng", "text", "foundation"),
    ("Khung, tường", "text", "frame_walls"),
    ("Mái", "text", "roof"),
    ("Ngày rà soát", "date", "surveyed_on"),
    ("Mức hỗ trợ (đồng)", "money", "support_amount"),
    ("Mã hồ sơ", "text", "code"),
    ("Ghi chú", "text", "survey_note"),
]


@login_required
@require_GET
def export_commune_list(request):
    actor = actor_for(request.user)
    filters = QueueFilters.from_request(request.GET)
    commune = AdminUnit.objects.filter(path=filters.unit, level="commune").select_related("parent").first()
    if commune is None:
        raise Http404(gettext("Hãy chọn một xã trong bộ lọc Địa bàn."))
    qs = queue_queryset(actor, filters).order_by("priority", "code")

    def numbered():
        for n, row in enumerate(case_rows(qs, COMMUNE_LIST_COLUMNS, []), start=1):
            yield [n, *row]
    columns = [Column("TT", "int", 6)] + [Column(h, kind) for h, kind, _ in COMMUNE_LIST_COLUMNS]
    titles = [f"ỦY BAN NHÂN DÂN {commune.name.upper()}", f"{commune.parent.name if commune.parent else ''}",
              "DANH SÁCH HỘ GIA ĐÌNH ĐỀ NGHỊ HỖ TRỢ NHÀ Ở",
              f"(Kèm theo danh sách lập ngày {timezone.localdate():%d/%m/%Y})"]
    return _stream(numbered(), columns, f"danh-sach-{commune.code}-{timezone.localdate():%Y%m%d}.xlsx",
                   sheet_name="Danh sách", title_rows=titles)

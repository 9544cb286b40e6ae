"""The dashboard ("Báo cáo"): progress against targets, pace against deadlines, money, time in stage, for
the reader's territory, drilling down province → district → commune → the queue (reports.dashboard)."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.formatting import format_date, format_number
from housing_campaign.reports import charts
from housing_campaign.reports import dashboard as selectors
from housing_campaign.workflow.models import Stage

from .common import request_actor

STATUS = {ErrorCode.OUT_OF_TERRITORY: 403, ErrorCode.NOT_FOUND: 404}


@login_required
@require_GET
def dashboard(request):
    actor = request_actor(request)
    try:
        params = selectors.parse_request(request.GET, actor=actor)
        found = selectors.dashboard_figures(actor=actor, **params)
    except ServiceError as exc:
        keep = {k: request.GET.get(k, "")[:40] for k in ("ct", "he") if request.GET.get(k)}
        # The date field comes back with what was typed, so a wrong date is corrected where it was typed.
        fields = [(k, request.GET.get(k, "")[:40]) for k in ("ct", "he", "dv") if request.GET.get(k)]
        return render(request, "desk/reports/dashboard.html",
                      {"error": exc.message, "home_query": urlencode(keep), "keep_fields": fields,
                       "typed_day": request.GET.get("ngay", "")[:20]}, status=STATUS.get(exc.code, 400))
    return render(request, "desk/reports/dashboard.html", _context(found))


def _context(found: selectors.Dashboard) -> dict:
    """The dashboard's figures with their links (drill-down, the queue) and charts."""
    base = {"he": found.units}
    if len(found.campaigns) > 1:
        base["ct"] = found.campaign.code
    if found.as_of:
        base["ngay"] = format_date(found.as_of)
    here = reverse("reports:dashboard")
    queue = reverse("desk:queue")

    def at(unit=None, **extra) -> str:
        return f"{here}?{urlencode({**base, **({'dv': unit.code} if unit else {}), **extra})}"

    def cases(unit, **extra) -> str:
        return f"{queue}?{urlencode({'scope': 'all', 'unit': unit.path, **extra})}"

    stage_labels = dict(found.stages)
    all_stage_labels = {code: str(label) for code, label in Stage.choices}
    for row in found.time_in_stage or ():
        # Cached as figures; named in the reader's language.
        row["stage_label"] = all_stage_labels.get(row["stage"], row["stage"])
    now = timezone.now()
    for line in [*found.lines, found.total]:
        unit = line.row.unit
        line.drill = at(unit) if unit != found.root else ""
        line.queue = cases(unit)
        line.stage_cells = [(line.stages.get(code, 0), cases(unit, stage=code)) for code, _l in found.stages]
        line.needed_cells = ["late" if n == float("inf") else n for n in
                             (line.needed.get(p.deadline.pk) for p in found.paces)]
    series = [gettext("Rà soát"), gettext("Được duyệt"), gettext("Khởi công"), gettext("Hoàn thành"),
              gettext("Bàn giao")]
    bars = [charts.Bar(label=line.row.name,
                       values=(line.row.surveyed, line.row.approved, line.row.started, line.row.finished,
                               line.row.handed_over),
                       target=line.row.target or None,
                       note=gettext("%(pct)s%% chỉ tiêu") % {"pct": line.row.percent_done}
                       if line.row.percent_done is not None else gettext("chưa có chỉ tiêu"))
            for line in found.lines]
    progress_chart = charts.bar_chart(
        title=gettext("Tiến độ so với chỉ tiêu theo địa bàn"),
        desc=gettext("Số nhà đã rà soát, được duyệt, khởi công, hoàn thành và bàn giao của từng địa bàn; "
                     "vạch đỏ là chỉ tiêu. Số liệu ở bảng dưới biểu đồ."),
        bars=bars, series=series, target_label=gettext("Chỉ tiêu"))
    levels = [(gettext("Cần %(n)s nhà/tuần để kịp hạn %(day)s (%(who)s)") % {
        "n": format_number(p.needed, 1), "day": format_date(p.deadline.deadline), "who": p.label}, p.needed)
        # Only deadlines still ahead with houses left: a met one needs nothing, a passed one is in the table.
        for p in found.paces if p.needed and p.needed != float("inf")]
    pace_chart = charts.line_chart(
        title=gettext("Số nhà hoàn thành mỗi tuần"),
        desc=gettext("Số nhà hoàn thành (nghiệm thu đạt) theo tuần trong %(n)s tuần gần nhất; đường đứt "
                     "nét là số nhà mỗi tuần cần đạt để kịp từng hạn. Số liệu ở bảng dưới biểu đồ.") % {
            "n": len(found.weeks)},
        labels=[format_date(w)[:5] for w, _n in found.weeks], values=[n for _w, n in found.weeks],
        levels=levels, series_label=gettext("Nhà hoàn thành trong tuần"))
    return {"d": found, "progress_chart": progress_chart, "pace_chart": pace_chart,
            "switch_units": f"{here}?{urlencode({**base, 'he': '2025' if found.units == 'legacy' else 'legacy'})}",
            "crumbs": [(u, at(u) if i else at()) for i, u in enumerate(found.crumbs)], "here": at(found.root),
            "root_cases": cases(found.root), "base": base,
            "time_in_stage_url": reverse("desk:report_time_in_stage"),
            "behind": [line for line in found.lines if line.behind],
            "oldest": [{"case": c, "stage": stage_labels.get(c.stage, c.stage),
                        "days": (now - c.state_since).days if c.state_since else None} for c in found.oldest]}

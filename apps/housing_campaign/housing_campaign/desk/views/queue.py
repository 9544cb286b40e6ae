"""The queue ("Việc của tôi"): filters, saved filters, bulk actions, notifications."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from housing_campaign.campaigns.models import Category, SupportType
from housing_campaign.cases.selectors import cases_visible
from housing_campaign.core.models import Notification
from housing_campaign.core.validators import normalize_text, query_id, query_ids, query_int, query_text
from housing_campaign.workflow import engine
from housing_campaign.workflow.models import Stage

from .. import selectors
from ..models import SavedFilter
from ..selectors import QueueFilters, forget_counts, queue_queryset, stage_counts
from .common import PAGE_SIZES, request_actor, safe_back


@login_required
@require_GET
def queue(request):
    actor = request_actor(request)
    filters = QueueFilters.from_request(request.GET)
    per_page = query_int(request.GET.get("per_page"), 50)
    per_page = per_page if per_page in PAGE_SIZES else 50
    counts = stage_counts(actor, filters)
    total = sum(v for k, v in counts.items() if not filters.stage or k == filters.stage)
    qs = (queue_queryset(actor, filters)
          .select_related("household", "commune", "village", "strand", "commune_2025")
          .order_by(*selectors.queue_ordering(filters)))
    paginator = Paginator(qs, per_page)
    paginator.count = total  # the cached count, never a second COUNT(*) over the table
    page = paginator.get_page(request.GET.get("page"))
    query_without_page = {k: v for k, v in request.GET.items() if k not in ("page",)}
    stage_tabs = [{"code": code, "label": label, "count": counts.get(code, 0)} for code, label in Stage.choices
                  if counts.get(code)]
    return render(request, "desk/queue.html", {
        **selectors.queue_filter_options(actor, filters), **selectors.queue_personal(request.user),
        "filters": filters, "page": page, "rows": selectors.queue_rows(page.object_list), "stage_tabs": stage_tabs,
        "total": total, "categories": Category.choices, "support_types": SupportType.choices,
        "per_page": per_page, "page_sizes": PAGE_SIZES, "querystring": urlencode(query_without_page),
        "actor": actor, "feedback_box": selectors.feedback_box(actor),
        "commendation_box": selectors.commendation_box(actor),
    })




@login_required
@require_POST
def save_filter(request):
    name = query_text(request.POST.get("name", ""), max_length=80)
    # Kept as a clean query string: it is put back into a redirect and into links.
    query = QueryDict(query_text(request.POST.get("query", ""), max_length=1000)).urlencode()[:1000]
    if not name:
        messages.error(request, gettext("Hãy đặt tên cho bộ lọc."))
    else:
        SavedFilter.objects.update_or_create(user=request.user, name=name, defaults={"query": query})
        messages.success(request, gettext("Đã lưu bộ lọc “%(name)s”.") % {"name": name})
    return redirect(f"{reverse('desk:queue')}?{query}")


@login_required
@require_POST
def delete_filter(request, pk):
    SavedFilter.objects.filter(user=request.user, pk=pk).delete()
    return redirect("desk:queue")


@login_required
@require_POST
def bulk(request):
    actor = request_actor(request)
    action = query_text(request.POST.get("action", ""), max_length=60)
    comment = normalize_text(request.POST.get("comment"), multiline=True, max_length=2000)
    back = safe_back(request, request.POST.get("back"))
    unusable = 0
    if request.POST.get("select_all") == "1":
        filters = QueueFilters.from_request(request.POST)
        ids = list(queue_queryset(actor, filters).values_list("pk", flat=True))
    else:
        ids, unusable = query_ids(request.POST.getlist("ids"))
    expected = {}
    for item in request.POST.getlist("expected"):
        pk, _, state = item.partition(":")
        if (object_id := query_id(pk)) is not None:
            expected[object_id] = query_text(state, max_length=60)
    if not action or not (ids or unusable):
        messages.error(request, gettext("Hãy chọn hồ sơ và thao tác."))
        return redirect(back)
    results = engine.bulk_transition(actor=actor, doctype="housing_case", ids=ids, action=action, comment=comment,
                                     expected_states=expected or None) if ids else []
    forget_counts(actor)
    # Only cases the user may see are listed, by code and name; the others are a count, nothing more.
    cases = {c.pk: c for c in cases_visible(actor).filter(pk__in=[r.object_id for r in results])
             .select_related("household")}
    shown = [(r, cases[r.object_id]) for r in results if r.object_id in cases]
    not_found = len(results) - len(shown) + unusable
    ok = sum(1 for r, _ in shown if r.ok)
    return render(request, "desk/bulk_result.html", {
        "results": shown, "ok": ok, "failed": len(shown) - ok, "not_found": not_found,
        "action": action, "back": back})


@login_required
def notifications(request):
    items = Notification.objects.filter(user=request.user)[:100]
    if request.method == "POST":
        Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("desk:notifications")
    return render(request, "desk/notifications.html", {"items": items})

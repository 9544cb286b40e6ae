"""Money on the desk: pools and their ledgers, receipts into them, the reconciliation, Excel ledgers; on
a case, allocations from pools, stage inspections and tranche releases (the case page's “Kinh phí”
panel, ``templates/desk/_money.html``). Thin: each view parses a form, calls one service, and on a
refusal shows the page again with the message and what was typed (status 400)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from housing_campaign.campaigns.models import Campaign, FundingSource
from housing_campaign.core.errors import ServiceError
from housing_campaign.core.spreadsheets import XLSX_CONTENT_TYPE, Column, xlsx_stream
from housing_campaign.core.validators import query_int, query_text
from housing_campaign.funding import selectors as money
from housing_campaign.funding import services as funding
from housing_campaign.funding.models import PoolEntry
from housing_campaign.geography.models import AdminUnit

from .. import forms_money
from ..selectors import forget_counts
from .case import _case_page
from .common import case_or_404, request_actor

LEDGER_PAGE = 50


# ---------------------------------------------------------------------------- pools
def _own_units(actor) -> list[AdminUnit]:
    """Units where the actor may open a pool: their own units and the districts and communes under them."""
    from django.db.models import Q

    paths = [p for a in actor.all_authorities for p in a.paths]
    if any(a.everywhere for a in actor.all_authorities):
        paths = list(Campaign.objects.filter(is_active=True).values_list("province__path", flat=True))
    if not paths:
        return []
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return list(AdminUnit.objects.filter(q).select_related("parent").order_by("path")[:500])


def _pool_page(request, *, create_form=None, status=200):
    actor = request_actor(request)
    pools = money.pools_visible(actor).select_related("unit", "campaign")
    source = query_text(request.GET.get("source"), max_length=20)
    if source:
        pools = pools.filter(source=source)
    unit = query_text(request.GET.get("unit"), max_length=80)
    if unit:
        pools = pools.filter(unit_path__startswith=unit) | pools.filter(unit_2025_path__startswith=unit)
    pools = list(pools.order_by("unit_path", "unit_2025_path", "source")[:500])
    can_create = actor.authority_for({money.FINANCE}, *[p for a in actor.all_authorities for p in a.paths]) \
        is not None and not actor.read_only
    if can_create and create_form is None:
        create_form = forms_money.PoolCreateForm(campaigns=Campaign.objects.filter(is_active=True),
                                                 units=_own_units(actor))
    grants = [p for p in pools if p.source not in money.LOAN_SOURCES]  # a loan is recorded, never support
    totals = {"received": sum(p.received for p in grants), "allocated": sum(p.allocated for p in grants)}
    totals["balance"] = totals["received"] - totals["allocated"]
    return render(request, "desk/money/pools.html", {
        "pools": pools, "totals": totals, "create_form": create_form if can_create else None,
        "sources": FundingSource.choices, "source": source, "unit": unit}, status=status)


@login_required
@require_GET
def pools(request):
    return _pool_page(request)


@login_required
@require_POST
def pool_create(request):
    actor = request_actor(request)
    form = forms_money.PoolCreateForm(request.POST, campaigns=Campaign.objects.filter(is_active=True),
                                      units=_own_units(actor))
    data = request.POST
    try:
        pool = funding.pool_create(actor=actor, campaign_id=data.get("campaign"), source=data.get("source", ""),
                                   unit_id=data.get("unit"))
    except ServiceError as exc:
        form.is_valid()
        form.add_service_error(exc)
        messages.error(request, gettext("Chưa mở được quỹ: %(reason)s") % {"reason": exc.message})
        return _pool_page(request, create_form=form, status=400)
    messages.success(request, gettext("Đã mở quỹ %(pool)s.") % {"pool": pool})
    return redirect("money:pool", pk=pool.pk)


def _pool_detail(request, pk, *, receive_form=None, status=200):
    actor = request_actor(request)
    try:
        pool = money.pool_get_for_actor(actor=actor, pool_id=pk)
    except ServiceError as exc:
        raise Http404(exc.message) from None
    entries = (PoolEntry.objects.filter(pool=pool).select_related("case", "created_by").order_by("-id"))
    page = Paginator(entries, LEDGER_PAGE).get_page(query_int(request.GET.get("page"), 1, minimum=1))
    can_receive = not actor.read_only and actor.authority_for(
        {money.FINANCE}, pool.unit_path, pool.unit_2025_path) is not None
    if can_receive and receive_form is None:
        receive_form = forms_money.ReceiveForm(initial={"received_on": timezone.localdate()})
    row = money.reconciliation(money.pools_visible(actor).filter(pk=pool.pk)).rows[0]
    return render(request, "desk/money/pool.html", {"pool": pool, "page": page, "row": row,
                                                     "receive_form": receive_form if can_receive else None},
                  status=status)


@login_required
@require_GET
def pool_detail(request, pk):
    return _pool_detail(request, pk)


@login_required
@require_POST
def pool_receive(request, pk):
    actor = request_actor(request)
    form = forms_money.ReceiveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = funding.pool_receive(actor=actor, pool_id=pk, amount=data["amount"],
                                         received_on=data["received_on"], reference=data["reference"],
                                         note=data["note"], origin=data["origin"])
            messages.success(request, gettext("Đã ghi khoản thu %(amount)s đ vào quỹ.")
                             % {"amount": _dots(entry.amount)})
            return redirect("money:pool", pk=pk)
        except ServiceError as exc:
            if exc.code == "not_found":
                raise Http404(exc.message) from None
            form.add_service_error(exc)
    messages.error(request, gettext("Chưa ghi được khoản thu: hãy sửa các ô báo lỗi."))
    return _pool_detail(request, pk, receive_form=form, status=400)


# ---------------------------------------------------------------------------- reconciliation and Excel
@login_required
@require_GET
def reconciliation(request):
    actor = request_actor(request)
    report = money.reconciliation(money.pools_visible(actor))
    return render(request, "desk/money/reconciliation.html", {"report": report, "now": timezone.localtime()})


def _xlsx(rows, columns, filename, **kwargs):
    response = StreamingHttpResponse(xlsx_stream(columns=columns, rows=rows, **kwargs),
                                     content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


LEDGER_COLUMNS = [Column("STT", "int", 6), Column("Quỹ (nguồn)", "text", 34), Column("Địa bàn quỹ", "text", 28),
                  Column("Ngày chứng từ", "date", 14), Column("Loại", "text", 26), Column("Số chứng từ, quyết định"),
                  Column("Nội dung", "text", 40), Column("Hồ sơ", "text", 16), Column("Thu (đồng)", "money", 16),
                  Column("Chi (đồng)", "money", 16), Column("Số dư sau (đồng)", "money", 18),
                  Column("Người ghi", "text", 20), Column("Ghi lúc", "datetime", 18)]


def _ledger_rows(entries):
    kinds = {k: str(v) for k, v in PoolEntry.Kind.choices}
    sources = {k: str(v) for k, v in FundingSource.choices}
    rows = entries.values_list("pool__source", "pool__unit__name", "on_date", "kind", "reference", "note", "case__code",
                               "amount", "balance_after", "created_by__username", "created_at")
    for n, (source, unit, on_date, kind, ref, note, case, amount, balance, user, at) in enumerate(
            rows.iterator(chunk_size=2000), start=1):
        incoming = amount if kind != PoolEntry.Kind.ALLOCATION else None
        outgoing = amount if kind == PoolEntry.Kind.ALLOCATION else None
        yield [n, sources.get(source, source), unit, on_date, kinds.get(kind, kind), ref, note, case or "",
               incoming, outgoing, balance, user or "", at]


@login_required
@require_GET
def pool_ledger(request, pk):
    actor = request_actor(request)
    try:
        pool = money.pool_get_for_actor(actor=actor, pool_id=pk)
    except ServiceError as exc:
        raise Http404(exc.message) from None
    entries = PoolEntry.objects.filter(pool=pool).order_by("id")
    titles = [f"SỔ QUỸ: {pool.get_source_display().upper()} – {pool.unit.name.upper()}", pool.campaign.name,
              f"Đã nhận {pool.received:,} đ · đã phân bổ {pool.allocated:,} đ · số dư {pool.balance:,} đ"
              .replace(",", "."), f"Xuất lúc {timezone.localtime():%d/%m/%Y %H:%M}"]
    return _xlsx(_ledger_rows(entries), LEDGER_COLUMNS, f"so-quy-{pool.pk}-{timezone.localdate():%Y%m%d}.xlsx",
                 sheet_name="Sổ quỹ", title_rows=titles)


@login_required
@require_GET
def territory_ledger(request):
    """Every ledger line of the pools of a territory (the actor's, or one unit of it: ``?unit=<path>``)."""
    actor = request_actor(request)
    entries = money.pool_entries_visible(actor)
    unit = AdminUnit.objects.filter(path=query_text(request.GET.get("unit"), max_length=80)).first()
    if unit is not None:
        entries = entries.filter(money.unit_q(unit, prefix="pool__"))
    entries = entries.order_by("pool__unit_path", "pool__source", "pool_id", "id")
    place = unit.full_name if unit else "địa bàn phụ trách"
    titles = [f"SỔ QUỸ KINH PHÍ HỖ TRỢ NHÀ Ở – {place.upper()}", f"Xuất lúc {timezone.localtime():%d/%m/%Y %H:%M}"]
    return _xlsx(_ledger_rows(entries), LEDGER_COLUMNS,
                 f"so-quy-{unit.code if unit else 'dia-ban'}-{timezone.localdate():%Y%m%d}.xlsx",
                 sheet_name="Sổ quỹ", title_rows=titles)


@login_required
@require_GET
def reconciliation_xlsx(request):
    actor = request_actor(request)
    report = money.reconciliation(money.pools_visible(actor))
    columns = [Column("Quỹ (nguồn)", "text", 34), Column("Địa bàn quỹ", "text", 30), Column("Chương trình", "text", 30),
               Column("Đã nhận theo sổ (đồng)", "money", 18), Column("Đã phân bổ theo sổ (đồng)", "money", 18),
               Column("Nhận − phân bổ (đồng)", "money", 18), Column("Số dư của quỹ (đồng)", "money", 18),
               Column("Tổng các khoản phân bổ còn hiệu lực (đồng)", "money", 22), Column("Cân đối", "text", 10)]

    def rows():
        for r in report.rows:
            yield [r.pool.get_source_display(), r.pool.unit.full_name, r.pool.campaign.name, r.received, r.allocated,
                   r.computed_balance, r.balance, r.allocations_active, "Đúng" if r.balances else "LỆCH"]
        yield ["Tổng cộng", "", "", report.received, report.allocated, report.computed_balance, report.balance,
               report.allocations_active, "Đúng" if report.balances else "LỆCH"]
    titles = ["ĐỐI CHIẾU QUỸ: ĐÃ NHẬN − ĐÃ PHÂN BỔ = SỐ DƯ", f"Lập lúc {timezone.localtime():%d/%m/%Y %H:%M}"]
    return _xlsx(rows(), columns, f"doi-chieu-quy-{timezone.localdate():%Y%m%d}.xlsx", sheet_name="Đối chiếu",
                 title_rows=titles)


def _dots(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


# ---------------------------------------------------------------------------- a case's money
def _refused(request, case, name, form, exc: ServiceError):
    form.add_service_error(exc)
    messages.error(request, gettext("Chưa lưu được: %(reason)s") % {"reason": exc.message})
    case.refresh_from_db()
    return _case_page(request, case, status=400, extra={"money_forms": {name: form}})


def _money_post(request, pk, name, form, call):
    actor, case = case_or_404(request, pk)
    if not form.is_valid():
        messages.error(request, gettext("Chưa lưu được: hãy sửa các ô báo lỗi trong phần Kinh phí."))
        return _case_page(request, case, status=400, extra={"money_forms": {name: form}})
    try:
        with transaction.atomic():
            done = call(actor, case, form.cleaned_data)
    except ServiceError as exc:
        return _refused(request, case, name, form, exc)
    messages.success(request, done)
    forget_counts(actor)
    return redirect(f"{case_url(case)}#kinh-phi")


def case_url(case) -> str:
    from django.urls import reverse

    return reverse("desk:case", args=[case.pk])


@login_required
@require_POST
def allocate(request, pk):
    actor, case = case_or_404(request, pk)
    pools = money.pools_for_case(actor=actor, case=case)
    form = forms_money.AllocateForm(request.POST, pools=pools, topup_allowed=money.topup_for(case).amount > 0)

    def call(actor, case, data):
        allocation = funding.allocation_create(
            actor=actor, case_id=case.pk, pool_id=request.POST.get("pool"), amount=data["amount"],
            topup=bool(data.get("topup")), decision_number=data["decision_number"],
            decision_date=data["decision_date"], note=data["note"])
        return gettext("Đã phân bổ %(amount)s đ từ quỹ %(pool)s.") % {"amount": _dots(allocation.amount),
                                                                     "pool": allocation.pool}
    return _money_post(request, pk, "allocate", form, call)


@login_required
@require_POST
def allocation_cancel(request, pk):
    actor = request_actor(request)
    allocation = money.allocations_visible(actor).filter(pk=pk).first()
    if allocation is None:
        raise Http404(gettext("Không tìm thấy khoản phân bổ này trong địa bàn bạn phụ trách."))
    form = forms_money.CancelForm(request.POST, auto_id=f"id_cancel-{allocation.pk}_%s")

    def call(actor, case, data):
        funding.allocation_cancel(actor=actor, allocation_id=allocation.pk, reason=data["reason"])
        return gettext("Đã hủy khoản phân bổ; số tiền đã hoàn lại quỹ.")
    return _money_post(request, allocation.case_id, f"cancel-{allocation.pk}", form, call)


@login_required
@require_POST
def inspect(request, pk):
    form = forms_money.InspectionForm(request.POST, request.FILES)

    def call(actor, case, data):
        inspection = funding.inspection_record(actor=actor, case_id=case.pk, stage=data["stage"],
                                               inspected_on=data["inspected_on"], result=data["result"],
                                               notes=data["notes"], photos=data["photos"])
        return gettext("Đã ghi kết quả kiểm tra: %(inspection)s.") % {"inspection": inspection}
    return _money_post(request, pk, "inspect", form, call)


@login_required
@require_POST
def release(request, pk):
    tranche = query_text(request.POST.get("tranche", ""), max_length=20)
    form = forms_money.ReleaseForm(request.POST, auto_id=f"id_release-{tranche}_%s")

    def call(actor, case, data):
        done = funding.tranche_release(actor=actor, case_id=case.pk, tranche_id=tranche,
                                       released_on=data["released_on"], reference=data["reference"])
        return gettext("Đã giải ngân %(tranche)s: %(amount)s đ.") % {"tranche": done.tranche.name,
                                                                    "amount": _dots(done.amount)}
    return _money_post(request, pk, f"release-{tranche}", form, call)

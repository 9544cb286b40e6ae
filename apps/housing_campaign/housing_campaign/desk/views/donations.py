"""The Fatherland Front's contributions desk: donors, pledges, receipts (cash, materials, workdays) with
their printed, QR-verified receipt, a donor's history, and allocation of general money or goods to a
house later. Everyone on the desk reads it within their territory; only the Front writes; a donor's
contact is shown to the Front and to auditors only."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from housing_campaign.campaigns.models import Campaign
from housing_campaign.cases.selectors import cases_visible
from housing_campaign.contributions import selectors as gifts
from housing_campaign.contributions import services as gift_services
from housing_campaign.contributions.documents import contribution_context, public_donor_name, receipt_url
from housing_campaign.core.errors import ServiceError
from housing_campaign.core.validators import query_int, query_text
from housing_campaign.funding import selectors as money
from housing_campaign.funding import services as funding
from housing_campaign.funding.models import COMMUNITY_SOURCES

from .. import forms_money
from ..selectors import communes_of
from .common import issued_document_warnings, pdf_response, request_actor

PAGE = 50
CHOICES_MAX = 500


def _is_front(actor) -> bool:
    return not actor.read_only and any(gift_services.FRONT in a.roles for a in actor.all_authorities)


def _front_pools(actor):
    """Community pools the actor may allocate from (the Front's fund, sponsors' money, goods)."""
    pools = money.pools_visible(actor).filter(source__in=COMMUNITY_SOURCES).select_related("unit", "campaign")
    return [p for p in pools.order_by("unit_path", "source")[:CHOICES_MAX]
            if actor.authority_for(money.allocating_roles(p.source), p.unit_path, p.unit_2025_path) is not None]


def _choices(actor) -> dict:
    donors = gifts.donors_visible(actor).order_by("name", "id")[:CHOICES_MAX]
    return {"donors": donors, "communes": communes_of(actor),
            "campaigns": list(Campaign.objects.filter(is_active=True))}


# ---------------------------------------------------------------------------- home
def _home(request, *, allocate_form=None, status=200):
    actor = request_actor(request)
    receipts = (gifts.contributions_visible(actor).select_related("commune", "earmarked_case", "front_unit")
                .order_by("-received_on", "-id"))
    page = Paginator(receipts, PAGE).get_page(query_int(request.GET.get("page"), 1, minimum=1))
    pledges = (gifts.pledges_visible(actor).select_related("donor", "commune", "earmarked_case")
               .annotate(received=Sum("receipts__received_amount")).order_by("-pledged_on", "-id")[:20])
    front = _is_front(actor)
    pools = _front_pools(actor) if front else []
    if front and allocate_form is None:
        allocate_form = forms_money.FrontAllocateForm(pools=[p for p in pools if p.balance > 0])
    community = list(money.pools_visible(actor).filter(source__in=COMMUNITY_SOURCES).select_related("unit")
                     .order_by("unit_path", "source")[:200])
    return render(request, "desk/donations/home.html", {
        "figures": gifts.contribution_figures(actor=actor), "page": page, "pledges": pledges, "front": front,
        "pools": community, "allocate_form": allocate_form if front else None}, status=status)


@login_required
@require_GET
def home(request):
    return _home(request)


@login_required
@require_POST
def allocate(request):
    """General money or goods of a Front pool to a house, by the house's case code."""
    actor = request_actor(request)
    form = forms_money.FrontAllocateForm(request.POST, pools=_front_pools(actor))
    if form.is_valid():
        data = form.cleaned_data
        code = query_text(data["case"], max_length=40).upper()
        case = cases_visible(actor).filter(code=code).first() if code else None
        try:
            if case is None:
                raise ServiceError(gettext("Không tìm thấy hồ sơ “%(code)s” trong địa bàn bạn phụ trách.")
                                   % {"code": code} if code else gettext("Chưa nhập mã hồ sơ của hộ."), field="case")
            allocation = funding.allocation_create(actor=actor, case_id=case.pk, pool_id=request.POST.get("pool"),
                                                   amount=data["amount"], note=data["note"])
            messages.success(request, gettext("Đã phân bổ %(amount)s đ cho hồ sơ %(code)s.") % {
                "amount": f"{allocation.amount:,}".replace(",", "."), "code": case.code})
            return redirect("donations:home")
        except ServiceError as exc:
            form.add_service_error(exc)
    messages.error(request, gettext("Chưa phân bổ được: hãy sửa các ô báo lỗi."))
    return _home(request, allocate_form=form, status=400)


# ---------------------------------------------------------------------------- donors
def _donors(request, *, form=None, status=200):
    actor = request_actor(request)
    q = query_text(request.GET.get("q"), max_length=100)
    donors = gifts.donors_visible(actor).select_related("unit")
    if q:
        donors = donors.filter(Q(name__icontains=q))
    donors = donors.annotate(received=Sum("contributions__received_amount")).order_by("name", "id")
    page = Paginator(donors, PAGE).get_page(query_int(request.GET.get("page"), 1, minimum=1))
    front = _is_front(actor)
    return render(request, "desk/donations/donors.html", {
        "page": page, "q": q, "form": (form or forms_money.DonorForm()) if front else None,
        "sees_contacts": gifts.sees_contacts(actor)}, status=status)


@login_required
@require_GET
def donors(request):
    return _donors(request)


@login_required
@require_POST
def donor_new(request):
    actor = request_actor(request)
    form = forms_money.DonorForm(request.POST)
    if form.is_valid():
        try:
            donor = gift_services.donor_create(actor=actor, data=form.cleaned_data)
            messages.success(request, gettext("Đã thêm người ủng hộ %(name)s.") % {"name": donor.name})
            return redirect("donations:donor", pk=donor.pk)
        except ServiceError as exc:
            form.add_service_error(exc)
    messages.error(request, gettext("Chưa lưu được: hãy sửa các ô báo lỗi."))
    return _donors(request, form=form, status=400)


def _donor(request, pk, *, form=None, status=200):
    actor = request_actor(request)
    try:
        donor = gifts.donor_get_for_actor(actor=actor, donor_id=pk)
    except ServiceError as exc:
        raise Http404(exc.message) from None
    history = gifts.donor_history(actor=actor, donor=donor)
    front = _is_front(actor) and actor.authority_for({gift_services.FRONT}, donor.unit_path,
                                                     donor.unit_2025_path) is not None
    if front and form is None:
        form = forms_money.DonorForm(initial={"kind": donor.kind, "name": donor.name, "contact": donor.contact})
    return render(request, "desk/donations/donor.html", {
        "donor": donor, "history": history, "form": form if front else None, "can_record": _is_front(actor),
        "sees_contacts": gifts.sees_contacts(actor)}, status=status)


@login_required
@require_GET
def donor(request, pk):
    return _donor(request, pk)


@login_required
@require_POST
def donor_edit(request, pk):
    actor = request_actor(request)
    form = forms_money.DonorForm(request.POST)
    if form.is_valid():
        try:
            gift_services.donor_update(actor=actor, donor_id=pk, data=form.cleaned_data)
            messages.success(request, gettext("Đã lưu."))
            return redirect("donations:donor", pk=pk)
        except ServiceError as exc:
            if exc.code == "not_found":
                raise Http404(exc.message) from None
            form.add_service_error(exc)
    messages.error(request, gettext("Chưa lưu được: hãy sửa các ô báo lỗi."))
    return _donor(request, pk, form=form, status=400)


# ---------------------------------------------------------------------------- pledges and receipts
def _front_or_403(actor):
    if not _is_front(actor):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(gettext("Chỉ cán bộ Mặt trận Tổ quốc được ghi nhận cam kết và đóng góp."))


@login_required
def pledge_new(request):
    actor = request_actor(request)
    _front_or_403(actor)
    choices = _choices(actor)
    if request.method == "POST":
        form = forms_money.PledgeForm(request.POST, **choices)
        if form.is_valid():
            try:
                pledge = gift_services.pledge_create(actor=actor, data={**form.cleaned_data,
                                                                         "donor": request.POST.get("donor"),
                                                                         "commune": request.POST.get("commune")})
                messages.success(request, gettext("Đã ghi nhận cam kết của %(name)s.") % {"name": pledge.donor.name})
                return redirect("donations:donor", pk=pledge.donor_id)
            except ServiceError as exc:
                form.add_service_error(exc)
        messages.error(request, gettext("Chưa lưu được: hãy sửa các ô báo lỗi."))
        return render(request, "desk/donations/pledge_form.html", {"form": form}, status=400)
    initial = {"pledged_on": timezone.localdate(), "donor": query_text(request.GET.get("donor"), max_length=20)}
    return render(request, "desk/donations/pledge_form.html", {"form": forms_money.PledgeForm(initial=initial,
                                                                                               **choices)})


@login_required
def receipt_new(request):
    actor = request_actor(request)
    _front_or_403(actor)
    choices = _choices(actor)
    pledges = (gifts.pledges_visible(actor).select_related("donor").order_by("-pledged_on", "-id")[:CHOICES_MAX])
    if request.method == "POST":
        form = forms_money.ReceiptForm(request.POST, pledges=pledges, **choices)
        if form.is_valid():
            try:
                contribution = gift_services.contribution_receive(actor=actor, data={
                    **form.cleaned_data, "donor": request.POST.get("donor"), "pledge": request.POST.get("pledge"),
                    "commune": request.POST.get("commune"), "campaign": request.POST.get("campaign")})
                messages.success(request, gettext("Đã ghi nhận và cấp biên nhận số %(number)s.") % {
                    "number": contribution.number_text})
                if contribution.document is not None:
                    for warning in issued_document_warnings(contribution.document):
                        messages.warning(request, warning)
                return redirect("donations:receipt", pk=contribution.pk)
            except ServiceError as exc:
                form.add_service_error(exc)
        messages.error(request, gettext("Chưa lưu được: hãy sửa các ô báo lỗi."))
        return render(request, "desk/donations/receipt_form.html", {"form": form}, status=400)
    initial = {"received_on": timezone.localdate(), "donor": query_text(request.GET.get("donor"), max_length=20),
               "pledge": query_text(request.GET.get("pledge"), max_length=20)}
    if request.GET.get("case"):
        initial.update(earmark="case", case=query_text(request.GET.get("case"), max_length=40))
    return render(request, "desk/donations/receipt_form.html",
                  {"form": forms_money.ReceiptForm(initial=initial, pledges=pledges, **choices)})


def _receipt_or_404(request, pk):
    actor = request_actor(request)
    try:
        return actor, gifts.contribution_get_for_actor(actor=actor, contribution_id=pk)
    except ServiceError as exc:
        raise Http404(exc.message) from None


@login_required
@require_GET
def receipt(request, pk):
    actor, contribution = _receipt_or_404(request, pk)
    return render(request, "desk/donations/receipt.html", {
        "c": contribution, "public_donor": public_donor_name(contribution),
        "verify_url": receipt_url(contribution.public_code) if contribution.public_code else "",
        "sees_contacts": gifts.sees_contacts(actor), "front": _is_front(actor)})


@login_required
@require_GET
def receipt_pdf(request, pk):
    """The numbered receipt as issued (frozen); a receipt from before numbering prints as a draft."""
    from housing_campaign.printing import services as printing
    from housing_campaign.printing.models import PrintFormat

    _, contribution = _receipt_or_404(request, pk)
    if contribution.document_id:
        data = printing.issued_document_pdf(contribution.document)
    else:
        fmt = PrintFormat.objects.get(code="contribution_receipt")
        data = printing.render_pdf(html=fmt.html, css=fmt.css, title="Biên nhận",
                                   context={**contribution_context(contribution), "document_number": "……/BN-MTTQ"})
    name = (contribution.number_text or f"bien-nhan-{contribution.pk}").replace("/", "-")
    return pdf_response(data, f"{name}.pdf")

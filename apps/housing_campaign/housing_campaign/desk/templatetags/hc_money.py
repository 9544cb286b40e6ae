"""The case page's “Kinh phí” panel: one tag, so the case page only includes ``desk/_money.html``.

What the panel shows and which forms it opens come from the funding selectors and the actor's roles in
the case's territory; forms refused by a service come back bound (``money_forms`` in the page context)."""
from __future__ import annotations

from django import template
from django.utils import timezone

from housing_campaign.accounts.selectors import actor_for
from housing_campaign.contributions.models import Pledge
from housing_campaign.funding import selectors as money
from housing_campaign.workflow.engine import document_paths

from .. import forms_money

register = template.Library()


@register.inclusion_tag("desk/_money_panel.html", takes_context=True)
def money_panel(context):
    request, case = context["request"], context["case"]
    actor = actor_for(request.user)
    bound = context.get("money_forms") or {}
    paths = document_paths(case)
    info = money.case_money(case)
    writer = not actor.read_only
    pools = money.pools_for_case(actor=actor, case=case) if writer and case.stage in money.ALLOCATABLE_STAGES else []
    topup_allowed = info.topup.amount > 0
    allocate_form = bound.get("allocate") or (forms_money.AllocateForm(
        pools=pools, topup_allowed=topup_allowed, initial={"decision_date": timezone.localdate()}) if pools else None)
    finance = writer and actor.authority_for({money.FINANCE}, *paths) is not None
    inspector = writer and actor.authority_for({"inspector"}, *paths) is not None
    allocations = []
    for allocation in info.allocations:
        roles = money.allocating_roles(allocation.source)
        can_cancel = (writer and allocation.cancelled_at is None and case.stage in money.ALLOCATABLE_STAGES
                      and actor.authority_for(roles, *paths) is not None
                      and actor.authority_for(roles, allocation.pool.unit_path, allocation.pool.unit_2025_path)
                      is not None)
        name = f"cancel-{allocation.pk}"
        allocations.append({"allocation": allocation, "can_cancel": can_cancel,
                            "form": bound.get(name) or (forms_money.CancelForm(auto_id=f"id_{name}_%s") if can_cancel
                                                        else None)})
    tranches = []
    for row in info.tranches:
        name = f"release-{row['tranche'].pk}"
        form = None
        if finance and row["open"]:
            form = bound.get(name) or forms_money.ReleaseForm(initial={"released_on": timezone.localdate()},
                                                              auto_id=f"id_{name}_%s")
        elif name in bound:
            form = bound[name]
        tranches.append({**row, "form": form, "bound": name in bound})
    inspect_form = None
    if inspector and case.stage in money.INSPECTABLE_STAGES:
        inspect_form = bound.get("inspect") or forms_money.InspectionForm(
            initial={"inspected_on": timezone.localdate()})
    pledges = list(Pledge.objects.filter(earmarked_case=case).select_related("donor").order_by("-pledged_on"))
    return {"case": case, "m": info, "allocations": allocations, "allocate_form": allocate_form,
            "tranches": tranches, "inspect_form": inspect_form, "pledges": pledges,
            "csrf_token": context.get("csrf_token"), "request": request,
            "stage_allows_money": case.stage in money.ALLOCATABLE_STAGES}

"""What a print template sees of a housing case and of a commune's list (plain data, in Vietnamese),
and how a print format finds the document it is previewed on (``hooks.print_doctypes``)."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.formatting import person_name
from housing_campaign.geography.models import AdminUnit
from housing_campaign.geography.selectors import REORGANISED_ON, in_text
from housing_campaign.printing.contexts import campaign_context, in_vietnamese
from housing_campaign.printing.issuers import issuer_context
from housing_campaign.printing.models import Organ

from .models import Acceptance, HousingCase
from .selectors import cases_visible

LIST_STAGES = ["funding", "construction", "acceptance", "handover", "posting", "closed"]


@in_vietnamese
def case_context(case, *, on: dt.date | None = None) -> dict:
    """``on``: the document's date (default today), which decides its issuing body: the commune's People's
    Committee in force then (the legacy commune until 30/06/2025, the 2025 commune after), and the
    commune's Fatherland Front committee (acceptance minutes)."""
    on = on or timezone.localdate()
    household = case.household
    commune = case.commune
    district = commune.parent if commune.parent_id else None
    acceptance = getattr(case, "acceptance", None) if _has_acceptance(case) else None
    ctx = {
        "case": {
            "code": case.code, "support_type": case.get_support_type_display(), "support_amount": case.support_amount,
            "strand": case.strand.name, "floor_area": float(case.floor_area), "persons": case.persons,
            "surveyed_on": case.surveyed_on, "handed_over_on": case.handed_over_on,
            "construction_started_on": case.construction_started_on,
            "approval_decision_number": case.approval_decision_number,
            "approval_decision_date": case.approval_decision_date, "state": case.state,
            "extra": dict(case.extra or {}),
        },
        "household": {"head_name": household.head_name, "code": household.code,
                      "category": household.get_category_display(),
                      "village": case.village.name if case.village else "",
                      "address": household.address},
        "commune": {"name": commune.name, "short_name": commune.short_name,
                    "district": district.name if district else "",
                    "province": (district.parent.name if district and district.parent_id else ""),
                    "name_2025": case.commune_2025.name if case.commune_2025_id else "",
                    "in_text": in_text(commune.name), "district_in_text": in_text(district.name) if district else "",
                    "name_2025_in_text": in_text(case.commune_2025.name) if case.commune_2025_id else "",
                    # "(nay là xã Đăk Plô)": only on a document dated after the 2025 unit came into force.
                    "now_in_text": (in_text(case.commune_2025.name) if case.commune_2025_id and on >= REORGANISED_ON
                                    and case.commune_2025_id != commune.pk else "")},
        "campaign": campaign_context(case.campaign),
        "issuer": issuer_context(unit=commune, on=on),
        "front": issuer_context(unit=commune, on=on, organ=Organ.FATHERLAND_FRONT),
        "acceptance": None,
        "today": timezone.localdate(),
        "document_date": on,
    }
    ctx["case"]["support_type_code"] = case.support_type
    ctx["case"]["repair"] = case.support_type == "repair"
    if acceptance:
        ctx["acceptance"] = {"usable_area": float(acceptance.usable_area),
                             "hard_foundation": acceptance.hard_foundation, "hard_frame": acceptance.hard_frame,
                             "hard_roof": acceptance.hard_roof, "lifespan_years": acceptance.lifespan_years,
                             "accepted_on": acceptance.accepted_on, "result": acceptance.get_result_display(),
                             "passed": acceptance.result == "passed", "note": acceptance.note,
                             "inspector": person_name(acceptance.inspector),
                             "criteria": ctx["campaign"]["criteria"]["repair" if case.support_type == "repair"
                                                                     else "new_build"]}
    return ctx


def _has_acceptance(case) -> bool:
    try:
        return case.acceptance is not None
    except Acceptance.DoesNotExist:
        return False


def list_approver(commune: AdminUnit | None, on: dt.date, campaign) -> AdminUnit:
    """Who approves a commune's support list on ``on``: the district People's Committee while districts exist
    (legacy units, until 30/06/2025), the commune's own from 01/07/2025 (``printing.issuers`` maps a legacy
    commune to the 2025 one it became)."""
    if commune is None:
        return campaign.province_2025 if on >= REORGANISED_ON and campaign.province_2025_id else campaign.province
    if commune.system == AdminUnit.System.LEGACY and on < REORGANISED_ON and commune.parent_id:
        return commune.parent
    return commune


@in_vietnamese
def case_list_context(cases, *, campaign, commune=None, title: str = "", on: dt.date | None = None) -> dict:
    """A commune's list of cases. ``issuer``: the body that approves the list on ``on`` (default today), with
    its signer then (``list_approver``); ``commune_body``: the commune's People's Committee in force then."""
    on = on or timezone.localdate()
    rows = []
    for i, case in enumerate(cases, 1):
        rows.append({"no": i, "code": case.code, "head_name": case.household.head_name,
                     "village": case.village.name if case.village else "",
                     "support_type": case.get_support_type_display(), "strand": case.strand.name,
                     "amount": case.support_amount})
    district = commune.parent if commune and commune.parent_id and commune.level == AdminUnit.Level.COMMUNE \
        and commune.parent.level == AdminUnit.Level.DISTRICT else None
    context = {"campaign": campaign_context(campaign), "rows": rows, "total": sum(r["amount"] for r in rows),
               "commune": {"name": commune.name if commune else "",
                           "in_text": in_text(commune.name) if commune else "",
                           "district": district.name if district else "",
                           "district_in_text": in_text(district.name) if district else ""},
               "issuer": issuer_context(unit=list_approver(commune, on, campaign), on=on),
               "title": title, "today": timezone.localdate(), "document_date": on}
    context["commune_body"] = (issuer_context(unit=commune, on=on) if commune else context["issuer"])
    return context


def case_list_by_reference(*, actor: Actor, reference: str) -> tuple[dict, str]:
    """A commune's list (by commune code) inside the actor's territory."""
    # Legacy and 2025 units may share a code: the commune meant is the one with cases the actor sees.
    commune = (AdminUnit.objects.filter(code=reference, level="commune",
                                        pk__in=cases_visible(actor).values("commune_id"))
               .select_related("parent").first())
    cases = (cases_visible(actor).filter(commune=commune, stage__in=LIST_STAGES)
             .select_related("household", "strand", "village", "campaign").order_by("priority", "code"))
    first = cases.first()
    if commune is None or first is None:
        raise ServiceError(gettext("Không có danh sách hồ sơ của xã mã “%(code)s” trong địa bàn của bạn.") % {
            "code": reference}, code=ErrorCode.NOT_FOUND)
    return {**case_list_context(cases, campaign=first.campaign, commune=commune, title=commune.name),
            "document_number": "……/QĐ-UBND"}, commune.name


def case_list_sample() -> dict | None:
    case = HousingCase.objects.select_related("campaign", "commune").order_by("id").first()
    if case is None:
        return None
    cases = HousingCase.objects.filter(commune=case.commune).select_related("household", "strand", "village")[:20]
    return case_list_context(cases, campaign=case.campaign, commune=case.commune, title="Mẫu")


def case_list_example(*, actor: Actor) -> str:
    case = cases_visible(actor).filter(stage__in=["posting", "closed"]).select_related("commune").first()
    return case.commune.code if case else ""

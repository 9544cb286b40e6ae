"""What a print template sees of a housing case and of a commune's list (plain data, in Vietnamese),
and how a print format finds the document it is previewed on (``hooks.print_doctypes``)."""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.geography.models import AdminUnit
from housing_campaign.printing.contexts import campaign_context, in_vietnamese

from .models import Acceptance, HousingCase
from .selectors import cases_visible

LIST_STAGES = ["funding", "construction", "acceptance", "handover", "posting", "closed"]


@in_vietnamese
def case_context(case) -> dict:
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
                    "name_2025": case.commune_2025.name if case.commune_2025_id else ""},
        "campaign": campaign_context(case.campaign),
        "acceptance": None,
        "today": timezone.localdate(),
    }
    if acceptance:
        ctx["acceptance"] = {"usable_area": float(acceptance.usable_area),
                             "hard_foundation": acceptance.hard_foundation, "hard_frame": acceptance.hard_frame,
                             "hard_roof": acceptance.hard_roof, "lifespan_years": acceptance.lifespan_years,
                             "accepted_on": acceptance.accepted_on, "result": acceptance.get_result_display(),
                             "passed": acceptance.result == "passed", "note": acceptance.note,
                             "inspector": acceptance.inspector.get_full_name() or acceptance.inspector.username}
    return ctx


def _has_acceptance(case) -> bool:
    try:
        return case.acceptance is not None
    except Acceptance.DoesNotExist:
        return False


@in_vietnamese
def case_list_context(cases, *, campaign, commune=None, title: str = "") -> dict:
    rows = []
    for i, case in enumerate(cases, 1):
        rows.append({"no": i, "code": case.code, "head_name": case.household.head_name,
                     "village": case.village.name if case.village else "",
                     "support_type": case.get_support_type_display(), "strand": case.strand.name,
                     "amount": case.support_amount})
    return {"campaign": campaign_context(campaign), "rows": rows, "total": sum(r["amount"] for r in rows),
            "commune": {"name": commune.name if commune else "",
                        "district": commune.parent.name if commune and commune.parent_id else ""},
            "title": title, "today": timezone.localdate()}


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

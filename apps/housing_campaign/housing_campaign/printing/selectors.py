"""Which document a print format is rendered for, scoped to the user's territory."""
from __future__ import annotations

from housing_campaign.accounts.selectors import Actor
from housing_campaign.core.errors import ErrorCode, ServiceError

from . import contexts


def context_for(*, actor: Actor, doctype: str, reference: str) -> tuple[dict, str]:
    """Context and title for ``reference``: a case code, a commune code (lists), a nomination code or a
    contribution id."""
    from housing_campaign.accounts.selectors import scope
    from housing_campaign.cases.selectors import cases_visible
    from housing_campaign.commendations.models import Nomination
    from housing_campaign.contributions.models import Contribution
    from housing_campaign.geography.models import AdminUnit

    reference = (reference or "").strip()
    if doctype == "housing_case":
        case = cases_visible(actor).select_related("household", "commune__parent__parent", "commune_2025", "village",
                                                   "strand", "campaign").filter(code=reference).first()
        if case is None:
            raise ServiceError(f"Không tìm thấy hồ sơ “{reference}” trong địa bàn của bạn.", code=ErrorCode.NOT_FOUND)
        cert = case.certificates.order_by("-issued_at").first()
        return {**contexts.case_context(case, certificate=cert),
                "document_number": cert.number_text if cert else "……/GCN-UBND"}, case.code
    if doctype == "case_list":
        commune = AdminUnit.objects.filter(code=reference, level="commune").select_related("parent").first()
        cases = (cases_visible(actor).filter(commune=commune, stage__in=["funding", "construction", "acceptance",
                                                                          "handover", "posting", "closed"])
                 .select_related("household", "strand", "village", "campaign").order_by("priority", "code"))
        first = cases.first()
        if commune is None or first is None:
            raise ServiceError(f"Không có danh sách hồ sơ của xã mã “{reference}” trong địa bàn của bạn.",
                               code=ErrorCode.NOT_FOUND)
        return {**contexts.case_list_context(cases, campaign=first.campaign, commune=commune,
                                             title=commune.name), "document_number": "……/QĐ-UBND"}, commune.name
    if doctype == "commendation":
        nomination = scope(Nomination.objects.all(), actor).filter(code=reference).first()
        if nomination is None:
            raise ServiceError(f"Không tìm thấy đề nghị “{reference}”.", code=ErrorCode.NOT_FOUND)
        return {**contexts.nomination_context(nomination), "document_number": "……/QĐ-UBND"}, nomination.code
    if doctype == "contribution":
        contribution = Contribution.objects.filter(pk=int(reference) if reference.isdigit() else 0).first()
        if contribution is None:
            raise ServiceError(f"Không tìm thấy khoản đóng góp số “{reference}”.", code=ErrorCode.NOT_FOUND)
        return {**contexts.contribution_context(contribution), "document_number": "……/BN-MTTQ"}, reference
    raise ServiceError(f"Loại hồ sơ không có mẫu in: {doctype}", code=ErrorCode.NOT_FOUND)


def example_reference(doctype: str) -> str:
    from housing_campaign.cases.models import HousingCase
    from housing_campaign.commendations.models import Nomination
    from housing_campaign.contributions.models import Contribution

    if doctype == "housing_case":
        case = HousingCase.objects.filter(certificates__isnull=False).order_by("id").first() or \
            HousingCase.objects.order_by("id").first()
        return case.code if case else ""
    if doctype == "case_list":
        case = HousingCase.objects.filter(stage__in=["posting", "closed"]).select_related("commune").first()
        return case.commune.code if case else ""
    if doctype == "commendation":
        n = Nomination.objects.order_by("id").first()
        return n.code if n else ""
    c = Contribution.objects.order_by("id").first()
    return str(c.pk) if c else ""

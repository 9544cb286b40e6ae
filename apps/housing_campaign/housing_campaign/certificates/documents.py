"""What a print template sees of a housing case with its handover certificate (verification URL and
QR code), and how a print format finds the case it is previewed on (``hooks.print_doctypes``)."""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor
from housing_campaign.cases import documents as case_documents
from housing_campaign.cases.models import HousingCase
from housing_campaign.cases.selectors import cases_visible
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.printing.contexts import in_vietnamese, qr_data_uri

from .tokens import verify_url


@in_vietnamese
def certificate_context(certificate) -> dict:
    url = verify_url(certificate)
    return {"code": certificate.code, "number": certificate.number_text,
            "issued_on": timezone.localtime(certificate.issued_at).date(), "verify_url": url, "qr": qr_data_uri(url)}


def case_context(case, *, certificate=None, on=None) -> dict:
    """The case, and its certificate when one is given. The document's date (its issuing body and signer)
    is ``on``, else the certificate's issue date, else today."""
    if on is None and certificate is not None:
        on = timezone.localtime(certificate.issued_at).date()
    context = case_documents.case_context(case, on=on)
    if certificate is not None:
        context["certificate"] = certificate_context(certificate)
    return context


def case_by_reference(*, actor: Actor, reference: str) -> tuple[dict, str]:
    case = cases_visible(actor).select_related("household", "commune__parent__parent", "commune_2025", "village",
                                               "strand", "campaign").filter(code=reference).first()
    if case is None:
        raise ServiceError(gettext("Không tìm thấy hồ sơ “%(code)s” trong địa bàn của bạn.") % {"code": reference},
                           code=ErrorCode.NOT_FOUND)
    cert = case.certificates.order_by("-issued_at").first()
    return {**case_context(case, certificate=cert),
            "document_number": cert.number_text if cert else "……/GCN-UBND"}, case.code


def case_sample() -> dict | None:
    case = HousingCase.objects.filter(stage__in=["posting", "closed", "handover"]).order_by("id").first() \
        or HousingCase.objects.order_by("id").first()
    if case is None:
        return None
    cert = case.certificates.order_by("-issued_at").first()
    return case_context(case, certificate=cert) if cert else None


def case_example(*, actor: Actor) -> str:
    visible = cases_visible(actor)
    case = visible.filter(certificates__isnull=False).order_by("id").first() or visible.order_by("id").first()
    return case.code if case else ""

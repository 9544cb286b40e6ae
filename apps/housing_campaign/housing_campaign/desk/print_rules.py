"""What a case can print now, and why not: one rule for the case page's buttons, a print URL opened
directly, issuing with a number and the print views (no other desk module is imported here)."""
from __future__ import annotations

from django.utils.translation import gettext

from housing_campaign.cases.models import Acceptance, HousingCase
from housing_campaign.printing import services as printing
from housing_campaign.printing.models import PrintFormat
from housing_campaign.workflow.engine import compiled

CERTIFICATE_FORMAT = "handover_certificate"
ISSUING_ROLES = {"commune_chairman", "reviewer", "administrator"}

# A print format of a case that needs a record before it means anything: the handover certificate is the
# certificate issued at handover (never a draft), the acceptance minutes record the acceptance. Any
# other format prints a draft of the current data at any time; a document already issued always reprints.
PRINT_NEEDS = {
    CERTIFICATE_FORMAT: "certificate",
    "acceptance_minutes": "acceptance",
}


def document_date(*, format_code: str, case: HousingCase):
    """The date a case's document bears, which decides its issuing body and signer: the acceptance minutes
    are dated on the acceptance; any other document on the day it is printed or issued (None: today)."""
    if format_code == "acceptance_minutes":
        acceptance = Acceptance.objects.filter(case=case).only("accepted_on").first()
        return acceptance.accepted_on if acceptance else None
    return None


def print_unavailable_reason(*, format_code: str, state_label: str, has_valid_certificate: bool,
                             had_certificate: bool, has_acceptance: bool, issued: bool) -> str:
    """Why a case's document cannot be printed yet ("" when it can), in words a commune officer reads."""
    need = PRINT_NEEDS.get(format_code)
    if need == "certificate" and not has_valid_certificate:
        if had_certificate:
            return gettext("Hồ sơ này không có giấy chứng nhận đang có hiệu lực: giấy đã cấp bị thu hồi và chưa được "
                           "cấp lại.")
        return gettext("Giấy chứng nhận được cấp khi bàn giao nhà; hồ sơ đang ở trạng thái “%(state)s”.") % {
            "state": state_label}
    if need == "acceptance" and not has_acceptance and not issued:
        return gettext("Biên bản nghiệm thu có sau khi ghi kết quả nghiệm thu; hồ sơ đang ở trạng thái "
                       "“%(state)s”.") % {"state": state_label}
    return ""


def case_print_options(*, case: HousingCase, formats, state_label: str, certificates, acceptance, issued,
                       can_issue: bool) -> list[dict]:
    """For the case page, from what it already loaded: each print format, whether it prints now (and
    why not), and whether the user may issue it with a number."""
    valid = any(c.status == "valid" and c.document_id for c in certificates)
    issued_codes = {d.print_format_version.print_format.code for d in issued}
    result = []
    for fmt in formats:
        reason = print_unavailable_reason(format_code=fmt.code, state_label=state_label, has_valid_certificate=valid,
                                          had_certificate=bool(certificates), has_acceptance=acceptance is not None,
                                          issued=fmt.code in issued_codes)
        result.append({"format": fmt, "printable": not reason, "reason": reason,
                       "can_issue": can_issue and not reason and fmt.code != CERTIFICATE_FORMAT})
    return result


def case_print_refusal(*, case: HousingCase, fmt: PrintFormat) -> str:
    """Why ``fmt`` cannot be printed for ``case`` now ("" when it can): the case page's rule, for a print
    URL opened directly."""
    need = PRINT_NEEDS.get(fmt.code)
    if need is None:
        return ""
    certificates = list(case.certificates.all()) if need == "certificate" else []
    return print_unavailable_reason(
        format_code=fmt.code, state_label=compiled(case.workflow_id).state_label(case.state),
        has_valid_certificate=any(c.status == "valid" and c.document_id for c in certificates),
        had_certificate=bool(certificates),
        has_acceptance=need == "acceptance" and Acceptance.objects.filter(case=case).exists(),
        issued=need != "certificate" and bool(printing.issued_documents_latest(
            doctype="housing_case", object_ids=[case.pk], format_code=fmt.code)))

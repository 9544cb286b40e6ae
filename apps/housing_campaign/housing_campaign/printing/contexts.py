"""Plain-data contexts for print templates, built per document type. Templates never see model
instances, so no ORM method is reachable from a template."""
from __future__ import annotations

import base64
import functools
import io

import qrcode
from django.utils import timezone, translation
from django.utils.functional import Promise

from housing_campaign.campaigns.models import FundingSource


def _plain(value):
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def in_vietnamese(func):
    """Official documents are in Vietnamese whatever language the user's interface is in; labels are
    turned into plain strings so the context can be stored with an issued document."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override("vi"):
            return _plain(func(*args, **kwargs))
    return wrapper


def qr_data_uri(text: str) -> str:
    """PNG QR code as a data URI. A fixed mask pattern skips the search over all eight masks (an
    8x saving in batch printing); any mask is valid for decoders."""
    code = qrcode.QRCode(box_size=6, border=2, error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=2)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def campaign_context(campaign) -> dict:
    return {"name": campaign.name, "code": campaign.code, "issuing_body": campaign.issuing_body,
            "place": campaign.issuing_place, "legal_basis": campaign.legal_basis}


@in_vietnamese
def case_context(case, *, certificate=None) -> dict:
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
        "funding": [{"source": FundingSource(line.source).label, "amount": line.amount,
                     "decision_number": line.decision_number, "decision_date": line.decision_date}
                    for line in case.funding_lines.all()],
        "funded_total": sum(line.amount for line in case.funding_lines.all()),
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
    if certificate is not None:
        from housing_campaign.certificates.services import verify_url

        url = verify_url(certificate)
        ctx["certificate"] = {"code": certificate.code, "number": certificate.number_text,
                              "issued_on": timezone.localtime(certificate.issued_at).date(),
                              "verify_url": url, "qr": qr_data_uri(url)}
    return ctx


def _has_acceptance(case) -> bool:
    from housing_campaign.cases.models import Acceptance

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


@in_vietnamese
def nomination_context(nomination) -> dict:
    return {"nomination": {"code": nomination.code, "nominee_name": nomination.nominee_name,
                           "nominee_kind": nomination.get_nominee_kind_display(),
                           "award_form": nomination.award_form.name, "achievement": nomination.achievement,
                           "decision_number": nomination.decision_number,
                           "commune": nomination.commune.name},
            "campaign": campaign_context(nomination.campaign), "today": timezone.localdate()}


@in_vietnamese
def contribution_context(contribution) -> dict:
    return {"contribution": {"donor_name": contribution.donor_name,
                             "donor_kind": contribution.get_donor_kind_display(),
                             "kind": contribution.get_kind_display(), "pledged_amount": contribution.pledged_amount,
                             "received_amount": contribution.received_amount,
                             "quantity": float(contribution.quantity) if contribution.quantity is not None else None,
                             "unit": contribution.unit, "description": contribution.description,
                             "received_on": contribution.received_on, "pledged_on": contribution.pledged_on},
            "campaign": campaign_context(contribution.campaign), "today": timezone.localdate()}

"""Handover certificates: issue at handover, revoke, reissue, and public verification.

The QR holds ``<base URL>/verify/<code>?t=<token>``: the code is random (no database id), the
token is an HMAC of the code (django.core.signing, compared in constant time, as Oscar does)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext, gettext_noop

from housing_campaign.accounts.selectors import Actor
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.events import document_event, event_save
from housing_campaign.core.formatting import mask_name
from housing_campaign.core.i18n import message
from housing_campaign.core.sideeffects import doc_events_emit

from .models import Certificate
from .tokens import token_for, verify_url  # noqa: F401 - verify_url: the service's public API too

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone safely
FORMAT_CODE = "handover_certificate"


def _vietnamese(label_getter) -> str:
    with translation.override("vi"):
        return str(label_getter())


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        if not Certificate.objects.filter(code=code).exists():
            return code


@transaction.atomic
def certificate_issue(*, case, actor_user=None) -> Certificate:
    from housing_campaign.cases.documents import case_context
    from housing_campaign.printing.issuers import context_warnings
    from housing_campaign.printing.services import document_issue

    from .documents import certificate_context

    if case.handed_over_on is None:
        raise ServiceError(gettext("Chưa có ngày bàn giao nên chưa cấp được giấy chứng nhận."),
                           code=ErrorCode.VALIDATION)
    existing = Certificate.objects.select_for_update().filter(case=case, status=Certificate.Status.VALID).first()
    if existing:
        return existing
    commune = case.commune
    issued_at = timezone.now()
    # The certificate is issued by the commune's People's Committee in force on the day (the 2025 commune from
    # 01/07/2025), numbered in that body's register, signed by its signer then.
    context = case_context(case, on=timezone.localtime(issued_at).date())
    issuer = context["issuer"]
    cert = Certificate(case=case, code=_new_code(), issued_at=issued_at, issued_by=actor_user,
                       public_commune=(case.commune_2025.name if case.commune_2025_id else commune.name),
                       public_village=case.village.name if case.village else "",
                       public_support_type=_vietnamese(case.get_support_type_display),
                       public_head_masked=mask_name(case.household.head_name),
                       public_handover_on=case.handed_over_on)
    document = document_issue(actor_user=actor_user, format_code=FORMAT_CODE, doctype="housing_case",
                              object_id=case.pk, context={}, issuer_key=issuer["register_key"],
                              issuer_symbol=issuer["symbol"], issued_at=cert.issued_at)
    cert.number_text = document.number_text
    cert.document = document
    cert.save()
    context["certificate"] = certificate_context(cert)
    document.context = _snapshot({**context, "document_number": document.number_text})
    document.save(update_fields=["context"])
    warnings = context_warnings(context)
    text = message(gettext_noop("Cấp giấy chứng nhận bàn giao số %(number)s"), number=cert.number_text)
    if warnings:
        # Said on the case's timeline: e.g. no signer recorded for the day, the name is left blank.
        text = message(gettext_noop("Cấp giấy chứng nhận bàn giao số %(number)s (lưu ý: %(warnings)s)"),
                       number=cert.number_text, warnings=" ".join(warnings))
    row = event_save(document_event(doctype="housing_case", object_id=case.pk, actor_id=getattr(actor_user, "pk", None),
                                    message=text, document_id=document.pk, certificate=cert.code,
                                    number=cert.number_text))
    doc_events_emit(event="on_certificate_issued", rows=[row])
    return cert


def _snapshot(context: dict) -> dict:
    from housing_campaign.printing.services import _jsonable

    return _jsonable(context)


@transaction.atomic
def certificate_revoke(*, actor: Actor, certificate: Certificate, reason: str) -> Certificate:
    if not reason.strip():
        raise ServiceError(gettext("Phải ghi lý do thu hồi."), code=ErrorCode.COMMENT_REQUIRED, field="reason")
    cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if cert.status != Certificate.Status.VALID:
        raise ServiceError(gettext("Giấy chứng nhận này không còn hiệu lực."), code=ErrorCode.STALE_STATE)
    _require_authority(actor, cert)
    cert.status = Certificate.Status.REVOKED
    cert.revoked_at = timezone.now()
    cert.revoke_reason = reason.strip()
    cert.save()
    row = event_save(document_event(doctype="housing_case", object_id=cert.case_id, actor_id=actor.id,
                                    message=message(gettext_noop("Thu hồi giấy chứng nhận %(number)s: %(reason)s"),
                                                    number=cert.number_text, reason=reason.strip()),
                                    document_id=cert.document_id, certificate=cert.code, number=cert.number_text))
    doc_events_emit(event="on_certificate_revoked", rows=[row])
    return cert


@transaction.atomic
def certificate_reissue(*, actor: Actor, certificate: Certificate, reason: str) -> Certificate:
    """A new certificate replaces the old one, which then verifies as superseded."""
    if not reason.strip():
        raise ServiceError(gettext("Phải ghi lý do cấp lại."), code=ErrorCode.COMMENT_REQUIRED, field="reason")
    old = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if old.status != Certificate.Status.VALID:
        raise ServiceError(gettext("Chỉ cấp lại được giấy chứng nhận đang có hiệu lực."), code=ErrorCode.STALE_STATE)
    _require_authority(actor, old)
    old.status = Certificate.Status.SUPERSEDED
    old.revoke_reason = reason.strip()
    old.revoked_at = timezone.now()
    old.save()
    new = certificate_issue(case=old.case, actor_user=actor.user)
    old.superseded_by = new
    old.save(update_fields=["superseded_by"])
    return new


def _require_authority(actor: Actor, cert: Certificate) -> None:
    from housing_campaign.workflow.engine import document_paths

    if actor.read_only or actor.authority_for({"commune_chairman", "reviewer", "administrator"},
                                              *document_paths(cert.case)) is None:
        raise ServiceError(gettext("Bạn không có quyền thu hồi hoặc cấp lại giấy chứng nhận này."),
                           code=ErrorCode.PERMISSION_DENIED)


@dataclass
class Verification:
    status: str  # genuine | not_genuine | revoked | superseded
    certificate: Certificate | None = None


def certificate_verify(*, code: str, token: str) -> Verification:
    code = (code or "").strip().upper()
    if not code or len(code) > 20 or not token:
        return Verification("not_genuine")
    if not constant_time_compare(token_for(code), token):
        return Verification("not_genuine")
    cert = Certificate.objects.filter(code=code).only(
        "code", "status", "public_commune", "public_village", "public_support_type", "public_head_masked",
        "public_handover_on", "number_text", "revoked_at").first()
    if cert is None:
        return Verification("not_genuine")
    if cert.status == Certificate.Status.REVOKED:
        return Verification("revoked", cert)
    if cert.status == Certificate.Status.SUPERSEDED:
        return Verification("superseded", cert)
    return Verification("genuine", cert)


def certificate_side_effect_issue(*, doctype: str, ids: list[int], actor_id: int) -> None:
    from django.contrib.auth import get_user_model

    from housing_campaign.cases.models import HousingCase

    user = get_user_model().objects.filter(pk=actor_id).first()
    for case in HousingCase.objects.filter(pk__in=ids).select_related(
            "household", "commune__parent__parent", "commune_2025", "village", "strand", "campaign"):
        if case.handed_over_on:
            certificate_issue(case=case, actor_user=user)

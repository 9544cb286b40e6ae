"""Participants and nominations for the commendation tests, made through the real services."""
from __future__ import annotations

from housing_campaign.commendations import services
from housing_campaign.commendations.models import AwardForm
from tests.conftest import unit


def participant(campaign, *, kind="peoples_committee", name="Ủy ban nhân dân xã Đăk Blô", code="23344",
                **fields):
    from housing_campaign.emulation.models import Participant

    where = unit(code)
    found, _ = Participant.objects.get_or_create(
        campaign=campaign, kind=kind, name=name, unit=where,
        defaults={"group": Participant.KIND_GROUPS[kind], "unit_path": where.path,
                  "unit_2025_path": where.successor.path if where.successor_id else "", **fields})
    return found


def award(code: str) -> AwardForm:
    return AwardForm.objects.get(code=code)


EVIDENCE = {"as_of": "2025-06-30", "items": [{"label": "Nhà hoàn thành", "value": "20/20"}]}


def nominate(people, campaign, who=None, *, form="bang_khen_chu_tich_tinh", by=None, **kwargs):
    who = who or participant(campaign)
    return services.nomination_create(actor=people.actor(by or people.office), campaign=campaign, participant=who,
                                      award_form=award(form), achievement=kwargs.pop("achievement",
                                                                                      "Hoàn thành sớm 20 căn nhà"),
                                      evidence=kwargs.pop("evidence", EVIDENCE), **kwargs)


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def act(people, user, nomination, action, comment=""):
    from housing_campaign.commendations import services as s

    return s.nomination_act(actor=people.actor(user), nomination_id=nomination.pk, action=action, comment=comment)


def vote(people, user, nomination, choice="for", comment=""):
    from housing_campaign.commendations import services as s

    return s.nomination_vote(actor=people.actor(user), nomination_id=nomination.pk, vote=choice, comment=comment)


def to_council_decision(people, nomination, *, submitter=None):
    """Submitted, reviewed by the office and approved by three of five members."""
    act(people, submitter or people.office, nomination, "submit")
    act(people, people.office, nomination, "approve")
    for member in people.council[:3]:
        vote(people, member, nomination)
    nomination.refresh_from_db()
    return nomination


def award_document_contexts(campaign, nomination) -> dict:
    """The context of each award-document format (decision, proposal, minutes) for ``nomination``, on documents
    recorded directly (what the default-format tests render; the services' own tests issue them)."""
    import datetime as dt

    from housing_campaign.commendations.documents import award_document_context
    from housing_campaign.commendations.models import AwardDocument

    province = campaign.province
    contexts = {}
    for kind, code, number in (("decision", "commendation_decision", "05/QĐ-UBND"),
                               ("proposal", "commendation_proposal", "06/TTr-UBND"),
                               ("minutes", "council_minutes", "07/BB-HĐTĐKT")):
        document = AwardDocument.objects.create(
            kind=kind, campaign=campaign, award_form=nomination.award_form, number=number,
            issued_on=dt.date(2025, 6, 30), issuing_body="Ủy ban nhân dân tỉnh Kon Tum", issuing_unit=province,
            unit_path=province.path, signer_name="Nguyễn Văn Hòa", signer_title="CHỦ TỊCH",
            addressee="Thủ tướng Chính phủ")
        field = {"decision": "decision", "proposal": "proposal", "minutes": "minutes"}[kind]
        type(nomination).objects.filter(pk=nomination.pk).update(**{field: document})
        nomination.refresh_from_db()
        contexts[code] = {**award_document_context(document), "document_number": number}
    return contexts

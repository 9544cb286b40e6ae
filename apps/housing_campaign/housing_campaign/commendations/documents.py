"""What print templates see of the commendation process (``hooks.print_doctypes``): a nomination (its
certificate: Bằng khen, Giấy khen) and an award document (the council's minutes, the proposal sent up, the
decision), each with its annexed list. Templates never see model instances: plain data, in Vietnamese.

Who issues and signs: the issuing body follows the award form's deciding authority (the provincial People's
Committee for the provincial chairman's Bằng khen and for every proposal sent up, the district or commune
People's Committee for its chairman's Giấy khen, the proposing department for its head's Giấy khen); the
signer's name and title are those recorded with the decision or proposal (``AwardDocument``). Both come from
``issuing_body`` and the stored document, the one place to switch to a register of issuing bodies and signers
in force on a date."""
from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.accounts.selectors import Actor, scope
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.geography.models import AdminUnit
from housing_campaign.geography.selectors import REORGANISED_ON, in_text, place_name, unit_in_force
from housing_campaign.printing.contexts import campaign_context, in_vietnamese

from .models import AUTHORITY_LEVELS, Authority, AwardDocument, AwardForm, Nomination

# The legal basis every commendation document cites (Decree 30/2020/NĐ-CP: "Căn cứ ..." lines).
LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022"
DECREE = ("Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành một số "
          "điều của Luật Thi đua, khen thưởng")
LOCAL_GOVERNMENT_LAW = ("Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số "
                        "điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm "
                        "2019")
COUNCIL_NAME = "Hội đồng Thi đua - Khen thưởng"
# The body a proposal is addressed to, per deciding authority (and, below it, the body that handles it).
ADDRESSEES = {Authority.PRIME_MINISTER: "Thủ tướng Chính phủ", Authority.STATE_PRESIDENT: "Thủ tướng Chính phủ",
              Authority.UNIT_HEAD: ""}
THROUGH = "Ban Thi đua - Khen thưởng Trung ương, Bộ Nội vụ"
DECISION_FORMAT = "commendation_decision"
PROPOSAL_FORMAT = "commendation_proposal"
MINUTES_FORMAT = "council_minutes"
FORMATS = {AwardDocument.Kind.DECISION: DECISION_FORMAT, AwardDocument.Kind.PROPOSAL: PROPOSAL_FORMAT,
           AwardDocument.Kind.MINUTES: MINUTES_FORMAT}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def committee_name(unit: AdminUnit) -> str:
    """“Ủy ban nhân dân xã Đăk Blô” for the unit “Xã Đăk Blô”."""
    return f"Ủy ban nhân dân {in_text(unit.name)}"


def unit_at_level(unit: AdminUnit, level: str) -> AdminUnit:
    """The unit itself or its ancestor at ``level`` (province, district, commune)."""
    current = unit
    while current is not None and current.level != level:
        current = current.parent
    return current or unit


def deciding_unit(nomination: Nomination) -> AdminUnit:
    """The administrative unit whose chairman decides a local award, or the province for everything else (the
    province proposes national awards; a department is a provincial body)."""
    level = AUTHORITY_LEVELS.get(nomination.award_form.authority, "province")
    return unit_at_level(nomination.proposing_unit, level)


def in_force(unit: AdminUnit, on: dt.date | None) -> AdminUnit:
    """The unit that exists on ``on`` for ``unit`` (legacy until 30/06/2025, then the 2025 unit that took it
    over: Tỉnh Kon Tum → Tỉnh Quảng Ngãi), as every issued document names its issuing body."""
    return unit_in_force(unit, on or timezone.localdate())[0]


def issuing_body(nomination: Nomination, kind: str, on: dt.date | None = None) -> tuple[str, AdminUnit, str, str]:
    """(name of the issuing body, the unit the document belongs to, numbering key, symbol) of a document of
    ``kind`` about ``nomination`` dated ``on`` (today by default): the one place that says who issues what.
    The name and the numbering register are those of the unit in force on the date; the unit returned is the
    one the nomination was filed under, which places the document in the users' territories."""
    form = nomination.award_form
    if kind == AwardDocument.Kind.MINUTES:
        unit = deciding_unit(nomination)
        body = in_force(unit, on)
        return (f"{COUNCIL_NAME} {in_text(body.name)}", unit, f"council:{body.system}:{body.code}", "HĐTĐKT")
    if kind == AwardDocument.Kind.DECISION and form.authority == Authority.UNIT_HEAD:
        province = unit_at_level(nomination.proposing_unit, "province")
        name = nomination.proposer_name or committee_name(in_force(nomination.proposing_unit, on))
        current = in_force(province, on)
        if current.pk != province.pk and name.endswith(in_text(province.name)):
            # A department of the legacy province is, from 01/07/2025, the department of the province that took
            # it over (“Sở Nội vụ tỉnh Kon Tum” → “Sở Nội vụ tỉnh Quảng Ngãi”), with its own register.
            name = name[:-len(in_text(province.name))] + in_text(current.name)
        own = re.split(r"\s+(?:tỉnh|huyện|thành phố)\s", name)[0]
        symbol = "".join(word[0] for word in own.split() if word[:1].isalpha()).upper() or "CQ"
        return name, province, f"body:{name}", symbol
    unit = deciding_unit(nomination)
    body = in_force(unit, on)
    return committee_name(body), unit, f"unit:{body.system}:{body.code}", "UBND"


def default_signer_title(award_form: AwardForm, kind: str) -> str:
    if kind == AwardDocument.Kind.MINUTES:
        return "CHỦ TỊCH HỘI ĐỒNG"
    if award_form.authority == Authority.UNIT_HEAD and kind == AwardDocument.Kind.DECISION:
        return "GIÁM ĐỐC"
    if kind == AwardDocument.Kind.PROPOSAL:
        return "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    return "CHỦ TỊCH"


def default_addressee(award_form: AwardForm) -> str:
    return ADDRESSEES.get(award_form.authority) or award_form.decided_by


# ---------------------------------------------------------------------------- rows
def unit_label(unit: AdminUnit, on: dt.date | None, memo: dict | None = None) -> str:
    """A nominee's unit as a document of ``on`` names it: “Xã Đăk Blô”, and from 01/07/2025 “Xã Đăk Blô (nay là xã
    Đăk Plô)”, as the case documents do."""
    if on is None or on < REORGANISED_ON:
        return unit.name
    memo = {} if memo is None else memo
    if unit.pk not in memo:
        current = in_force(unit, on)
        memo[unit.pk] = unit.name if current.pk == unit.pk else f"{unit.name} (nay là {in_text(current.name)})"
    return memo[unit.pk]


def _row(no: int, n: Nomination, votes: dict | None = None, *, on: dt.date | None = None,
         memo: dict | None = None) -> dict:
    participant = n.participant
    position = participant.position if participant else ""
    workplace = participant.workplace if participant else ""
    unit = unit_label(participant.unit if participant else n.proposing_unit, on, memo)
    votes = votes or {}
    return {"no": no, "code": n.code, "name": n.nominee_name, "kind": n.get_nominee_kind_display(),
            "collective": n.nominee_kind == Nomination.NomineeKind.COLLECTIVE, "position": position,
            "workplace": workplace, "unit": unit, "achievement": n.achievement, "proposer": n.proposer_name,
            "award": n.award_form.name, "votes_for": votes.get("for", []), "votes_against": votes.get("against", []),
            "quorum": votes.get("quorum", 0), "result": votes.get("result", "")}


def _numbered(nominations: list[Nomination], votes: dict[int, dict] | None = None,
              on: dt.date | None = None) -> tuple[list, list]:
    collectives = [n for n in nominations if n.nominee_kind == Nomination.NomineeKind.COLLECTIVE]
    others = [n for n in nominations if n.nominee_kind != Nomination.NomineeKind.COLLECTIVE]
    votes = votes or {}
    memo: dict = {}
    return ([_row(i, n, votes.get(n.pk), on=on, memo=memo) for i, n in enumerate(collectives, 1)],
            [_row(i, n, votes.get(n.pk), on=on, memo=memo) for i, n in enumerate(others, 1)])


def document_nominations(document: AwardDocument) -> list[Nomination]:
    """The nominations a document covers, in the order of its annex."""
    if document.kind == AwardDocument.Kind.PROPOSAL:
        qs = Nomination.objects.filter(proposal=document)
    elif document.kind == AwardDocument.Kind.MINUTES:
        qs = Nomination.objects.filter(minutes=document)
    else:
        qs = Nomination.objects.filter(decision=document)
    return list(qs.select_related("participant__unit", "award_form", "proposing_unit").order_by("nominee_kind",
                                                                                                "nominee_name", "id"))


_PLACE_WORDS = re.compile(r"\s(?=(?:tỉnh|huyện|thị xã|thành phố|quận|xã|phường|thị trấn)\s)")


def body_lines(name: str) -> list[str]:
    """The issuing body's name as the header prints it (Decree 30/2020): the body, then its place on the next
    line (“ỦY BAN NHÂN DÂN” / “TỈNH KON TUM”)."""
    parts = _PLACE_WORDS.split(name, maxsplit=1)
    return [part.strip().upper() for part in parts if part.strip()]


def authority_line(form: AwardForm, document: AwardDocument) -> str:
    """The competent authority a decision speaks as (“CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH KON TUM”), whoever signs it
    (a vice-chairman signs “KT. CHỦ TỊCH”)."""
    if form.authority in AUTHORITY_LEVELS:
        return f"CHỦ TỊCH {document.issuing_body.upper()}"
    return f"{default_signer_title(form, document.kind)} {document.issuing_body.upper()}".strip()


def campaign_basis(campaign) -> list[str]:
    """The campaign's own legal basis, one document a line, without the trailing punctuation (the template
    adds it)."""
    return [line.strip().rstrip(";.").strip() for line in (campaign.legal_basis or "").splitlines()
            if line.strip().rstrip(";.").strip()]


def document_place(document: AwardDocument) -> str:
    """The place name of the date line (Decree 30/2020): where the issuing body in force on the document's date
    sits (“Kon Tum” until 30/06/2025, “Quảng Ngãi” after, for the province)."""
    return place_name(in_force(document.issuing_unit, document.issued_on))


def local_government_law(on: dt.date | None) -> str:
    """The law on local government in force on ``on`` that gives a chairman competence (from the competence
    records of ``printing``; the 2015 law as amended in 2019 when none is recorded)."""
    from housing_campaign.printing.issuers import competence_in_force
    from housing_campaign.printing.models import Organ

    laws = competence_in_force(organ=Organ.PEOPLE_COMMITTEE, on=on or timezone.localdate())
    return "; ".join(laws) or LOCAL_GOVERNMENT_LAW


@in_vietnamese
def award_document_context(document: AwardDocument, nominations: list[Nomination] | None = None,
                           votes: dict[int, dict] | None = None) -> dict:
    """Every document of the process sees the same keys (so a template saved for one kind renders on another):
    the document (number, date, issuing body, signer, addressee), the award form, the annexed lists of
    collectives and of individuals and households (with their votes for the minutes), the legal basis."""
    from .selectors import council_votes

    nominations = document_nominations(document) if nominations is None else nominations
    if votes is None:
        votes = council_votes(nominations) if document.kind == AwardDocument.Kind.MINUTES else {}
    collectives, individuals = _numbered(nominations, votes, document.issued_on)
    form = document.award_form
    minutes = next((n.minutes for n in nominations if n.minutes_id and n.minutes_id != document.pk), None)
    proposal = next((n.proposal for n in nominations if n.proposal_id), None)
    voters = sorted({name for row in (*collectives, *individuals) for name in (*row["votes_for"],
                                                                                *row["votes_against"])})
    return {
        "document": {"kind": document.kind, "kind_label": document.get_kind_display(), "number": document.number,
                     "date": document.issued_on, "issuing_body": document.issuing_body,
                     "issuing_body_upper": document.issuing_body.upper(),
                     "issuing_body_lines": body_lines(document.issuing_body), "signer_name": document.signer_name,
                     "signer_title_lines": [line for line in document.signer_title.upper().splitlines() if line],
                     "addressee": document.addressee, "through": THROUGH, "awarded": document.awarded,
                     "note": document.note, "place": document_place(document),
                     # The provincial chairman's decision names the provincial apparatus (Sở Nội vụ, the
                     # committee's office); a district's, a commune's or a department head's does not.
                     "provincial": bool(form and form.authority == Authority.PROVINCIAL_CHAIRMAN)},
        "award_form": {"name": form.name if form else "", "decided_by": form.decided_by if form else "",
                       "national": bool(form and form.national), "legal_basis": form.legal_basis if form else "",
                       "authority": form.get_authority_display() if form else ""},
        "collectives": collectives, "individuals": individuals, "total": len(collectives) + len(individuals),
        "voters": voters,
        "minutes": {"number": minutes.number, "date": minutes.issued_on} if minutes else {"number": "", "date": None},
        "proposal": {"number": proposal.number, "date": proposal.issued_on, "addressee": proposal.addressee}
        if proposal else {"number": "", "date": None, "addressee": ""},
        "authority_line": authority_line(form, document) if form else document.issuing_body.upper(),
        "law": LAW, "decree": DECREE, "local_government_law": local_government_law(document.issued_on),
        "campaign_basis": campaign_basis(document.campaign), "movement": _lower_first(document.campaign.name),
        "campaign": campaign_context(document.campaign), "today": document.issued_on or timezone.localdate()}


@in_vietnamese
def nomination_context(nomination: Nomination) -> dict:
    """A certificate: who is honoured, for what, by whose decision (number, date, signer)."""
    decision = nomination.decision
    participant = nomination.participant
    form = nomination.award_form
    if decision is not None and decision.kind == AwardDocument.Kind.DECISION:
        signer_lines = [line for line in decision.signer_title.upper().splitlines() if line]
        by, place = decision.issuing_body.upper(), document_place(decision)
    else:  # before the decision (a preview): the body that will issue it
        today = timezone.localdate()
        body, unit, _key, _symbol = issuing_body(nomination, AwardDocument.Kind.DECISION, today)
        signer_lines, by = [], body.upper()
        place = place_name(in_force(unit, today))
    if form.authority in AUTHORITY_LEVELS:
        authority_title = "CHỦ TỊCH "
    elif form.authority == Authority.UNIT_HEAD and not form.national:
        authority_title = default_signer_title(form, AwardDocument.Kind.DECISION) + " "
    else:
        authority_title = ""
    return {"nomination": {"code": nomination.code, "nominee_name": nomination.nominee_name,
                           "nominee_kind": nomination.get_nominee_kind_display(),
                           "collective": nomination.nominee_kind == Nomination.NomineeKind.COLLECTIVE,
                           "position": participant.position if participant else "",
                           "workplace": participant.workplace if participant else "",
                           "unit": unit_label(participant.unit if participant else nomination.proposing_unit,
                                              decision.issued_on if decision else timezone.localdate()),
                           "award_form": form.name, "achievement": nomination.achievement,
                           "decision_number": nomination.decision_number,
                           "decision_date": decision.issued_on if decision else None,
                           "commune": nomination.proposing_unit.name},
            "authority": {"title": f"{authority_title}{by}".strip(), "body": by, "place": place,
                          "signer_name": decision.signer_name if decision else "",
                          "signer_title_lines": signer_lines},
            "campaign": campaign_context(nomination.campaign), "today": timezone.localdate()}


# ---------------------------------------------------------------------------- hooks.print_doctypes
def nomination_by_reference(*, actor: Actor, reference: str) -> tuple[dict, str]:
    nomination = scope(Nomination.objects.all(), actor).filter(code=reference).first()
    if nomination is None:
        raise ServiceError(gettext("Không tìm thấy đề nghị “%(code)s” trong địa bàn của bạn.") % {"code": reference},
                           code=ErrorCode.NOT_FOUND)
    return {**nomination_context(nomination), "document_number": "……/BK"}, nomination.code


def nomination_sample() -> dict | None:
    nomination = Nomination.objects.order_by("id").first()
    return nomination_context(nomination) if nomination else None


def nomination_example(*, actor: Actor) -> str:
    nomination = scope(Nomination.objects.all(), actor).order_by("id").first()
    return nomination.code if nomination else ""


def award_document_by_reference(*, actor: Actor, reference: str) -> tuple[dict, str]:
    """An award document by its number (``05/QĐ-UBND``) or, before it has one, by its id."""
    qs = scope(AwardDocument.objects.select_related("award_form", "campaign"), actor)
    document = qs.filter(number=reference).order_by("-id").first()
    if document is None and reference.isdigit():
        document = qs.filter(pk=int(reference)).first()
    if document is None:
        raise ServiceError(gettext("Không tìm thấy văn bản “%(code)s” trong địa bàn của bạn.") % {"code": reference},
                           code=ErrorCode.NOT_FOUND)
    return {**award_document_context(document), "document_number": document.number}, document.number


def award_document_sample() -> dict | None:
    document = AwardDocument.objects.select_related("award_form", "campaign").order_by("id").first()
    return {**award_document_context(document), "document_number": document.number} if document else None


def award_document_example(*, actor: Actor) -> str:
    document = scope(AwardDocument.objects.all(), actor).order_by("id").first()
    return document.number if document else ""

"""The issuing body of a document on its date: which unit is in force (legacy until 30/06/2025, the 2025 unit
from 01/07/2025), how the body is named in the header and inside a sentence, the place of the date line,
the competence it cites and the signer in office that day (``Signer``). Every print context that shows an
issuing body gets it from ``issuing_body(...).context()``: plain data, stored with an issued document, so
an issued document reprints as issued whatever changes in the signer records later.

    body = issuing_body(unit=commune, on=date, organ=Organ.PEOPLE_COMMITTEE)
    body.register_key, body.symbol   # the numbering register ("commune:23344", "UBND")
    body.context()                   # {"name": "Ủy ban nhân dân xã Đăk Blô", "header": [...], "place": ...,
                                     #  "signer": {"name", "lines", ...}, "warnings": [...], ...}
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext

from housing_campaign.geography.models import AdminUnit
from housing_campaign.geography.selectors import in_force_system, in_text, place_name, unit_in_force

from .models import CompetenceBasis, Organ, Signer

STATE_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
STATE_MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class OrganStyle:
    """How an organ is written: its name before the unit, the collective a head signs for ("TM. …"), the
    head's title, the symbol in document numbers, and the national title of its documents."""

    name: str
    collective: str
    head: str
    symbol: str
    title: str = STATE_TITLE
    motto: str = STATE_MOTTO
    header_suffix: str = ""


ORGANS: dict[str, OrganStyle] = {
    Organ.PEOPLE_COMMITTEE: OrganStyle(name="Ủy ban nhân dân", collective="Ủy ban nhân dân", head="Chủ tịch",
                                       symbol="UBND"),
    # The Front's documents carry the Front's title instead of the State's, and are signed for its
    # standing committee.
    Organ.FATHERLAND_FRONT: OrganStyle(name="Ủy ban Mặt trận Tổ quốc Việt Nam", collective="Ban Thường trực",
                                       head="Chủ tịch", symbol="MTTQ", title="MẶT TRẬN TỔ QUỐC VIỆT NAM", motto="",
                                       header_suffix="Ban Thường trực"),
    # A department under the provincial People's Committee: headed by its director (no collective).
    Organ.HOME_AFFAIRS: OrganStyle(name="Sở Nội vụ", collective="", head="Giám đốc", symbol="SNV"),
}


def signer_lines(*, organ: str, authority: str = Signer.Authority.HEAD, position: str = "",
                 collective: bool = True) -> list[str]:
    """The signer's block above the signature (Decree 30/2020/NĐ-CP): "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH",
    "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", "GIÁM ĐỐC", "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC".
    ``collective=False``: a document the head issues in their own competence (a decision of the chairman,
    "CHỦ TỊCH ỦY BAN NHÂN DÂN …" awarding a Bằng khen): no "TM." line."""
    style = ORGANS[organ]
    lines = [f"TM. {style.collective.upper()}"] if style.collective and collective else []
    if authority == Signer.Authority.DEPUTY:
        lines += [f"KT. {style.head.upper()}", (position or f"Phó {style.head.lower()}").upper()]
    else:
        lines.append(style.head.upper())
    return lines


def signer_in_office(*, unit: AdminUnit, organ: str, on: dt.date) -> Signer | None:
    """The signer recorded for the body on ``on`` (the latest period that covers the date)."""
    return (Signer.objects.filter(unit=unit, organ=organ, valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).order_by("-valid_from", "-pk").first())


def competence_in_force(*, organ: str, on: dt.date) -> list[str]:
    """The laws an organ's competence rests on, on ``on`` (one per item), from ``CompetenceBasis``."""
    basis = (CompetenceBasis.objects.filter(organ=organ, valid_from__lte=on)
             .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).order_by("-valid_from").first())
    if basis is None:
        return []
    return [line.strip().rstrip(";.") for line in basis.text.splitlines() if line.strip()]


@dataclass
class IssuingBody:
    organ: str
    unit: AdminUnit
    on: dt.date
    signer: Signer | None
    competence: list[str]
    warnings: list[str] = field(default_factory=list)

    @property
    def style(self) -> OrganStyle:
        return ORGANS[self.organ]

    @property
    def symbol(self) -> str:
        return self.style.symbol

    @property
    def register_key(self) -> str:
        """The numbering register of this body (numbers are gap-free per register, kind and year). The
        legacy communes and Front committees keep the keys their registers always had."""
        unit = self.unit
        if self.organ == Organ.PEOPLE_COMMITTEE:
            if unit.system == AdminUnit.System.LEGACY and unit.level == AdminUnit.Level.COMMUNE:
                return f"commune:{unit.code}"
            return f"unit:{unit.system}:{unit.code}"
        if self.organ == Organ.FATHERLAND_FRONT:
            return f"mttq:{unit.code}" if unit.system == AdminUnit.System.LEGACY else f"mttq:{unit.system}:{unit.code}"
        return f"snv:{unit.code}" if unit.system == AdminUnit.System.LEGACY else f"snv:{unit.system}:{unit.code}"

    @property
    def name(self) -> str:
        """Inside a sentence: "Ủy ban nhân dân xã Đăk Blô", "Sở Nội vụ tỉnh Kon Tum"."""
        return f"{self.style.name} {in_text(self.unit.name)}"

    def _province(self) -> AdminUnit | None:
        unit = self.unit
        while unit is not None and unit.level != AdminUnit.Level.PROVINCE:
            unit = unit.parent
        return unit

    def _superior_unit(self) -> AdminUnit | None:
        return self.unit.parent if self.unit.parent_id else None

    def context(self, *, collective: bool = True) -> dict:
        """Plain data for print templates (JSON-serialisable once dates are, as issued contexts are).
        ``collective=False``: the head signs in their own competence (``signer_lines``)."""
        style = self.style
        unit = self.unit
        header = [style.name.upper(), unit.name.upper()]
        parent_header = ""
        if self.organ == Organ.HOME_AFFAIRS:
            # "ỦY BAN NHÂN DÂN TỈNH KON TUM" above "SỞ NỘI VỤ".
            province = self._province() or unit
            parent_header = f"{ORGANS[Organ.PEOPLE_COMMITTEE].name} {in_text(province.name)}".upper()
            header = [style.name.upper()]
        elif style.header_suffix:
            header.append(style.header_suffix.upper())
        superior = self._superior_unit()
        signer = self.signer
        if signer is not None:
            signer_data = {"name": signer.full_name, "recorded": True,
                           "position": signer.position if signer.authority == Signer.Authority.DEPUTY else style.head,
                           "lines": signer_lines(organ=self.organ, authority=signer.authority,
                                                 position=signer.position, collective=collective)}
        else:
            signer_data = {"name": "", "recorded": False, "position": style.head,
                           "lines": signer_lines(organ=self.organ, collective=collective)}
        return {
            "organ": self.organ, "symbol": style.symbol, "register_key": self.register_key, "on": self.on,
            "unit": {"system": unit.system, "code": unit.code, "level": unit.level, "name": unit.name,
                     "in_text": in_text(unit.name)},
            "level": unit.level,
            "name": self.name,
            "header": header,
            "parent_header": parent_header,
            "collective": style.collective,
            "place": place_name(unit),
            "title": style.title, "motto": style.motto,
            "superior": f"{ORGANS[Organ.PEOPLE_COMMITTEE].name} {in_text(superior.name)}" if superior else "",
            "front": f"{ORGANS[Organ.FATHERLAND_FRONT].name} {in_text(unit.name)}",
            "competence": list(self.competence),
            "signer": signer_data,
            "warnings": list(self.warnings),
        }


def issuing_body(*, unit: AdminUnit, on: dt.date, organ: str = Organ.PEOPLE_COMMITTEE) -> IssuingBody:
    """The body that issues a document of ``unit`` dated ``on``: ``organ`` of the unit in force on that
    date (``geography.selectors.unit_in_force``), its competence and its signer then. Never raises for
    missing data: what is missing is said in ``warnings`` (shown by the preview and when issuing) and the
    document leaves the signer's name blank for a hand to fill in."""
    if organ not in ORGANS:
        raise ValueError(f"unknown organ {organ!r}")
    if isinstance(on, dt.datetime):
        on = on.date()
    warnings: list[str] = []
    in_force, note = unit_in_force(unit, on)
    if note:
        warnings.append(note)
    if organ == Organ.HOME_AFFAIRS and in_force.level != AdminUnit.Level.PROVINCE:
        province = in_force
        while province.parent_id and province.level != AdminUnit.Level.PROVINCE:
            province = province.parent
        in_force = province
    body = IssuingBody(organ=organ, unit=in_force, on=on, signer=signer_in_office(unit=in_force, organ=organ, on=on),
                       competence=competence_in_force(organ=organ, on=on), warnings=warnings)
    if body.signer is None:
        warnings.append(gettext("Chưa có người ký của %(body)s vào ngày %(date)s (Quản trị › Người ký văn bản): văn "
                                "bản để trống họ tên người ký.") % {"body": body.name, "date": f"{on:%d/%m/%Y}"})
    if in_force.system != in_force_system(on) and not note:
        warnings.append(gettext("%(unit)s không phải đơn vị hành chính đang có hiệu lực vào ngày %(date)s.") % {
            "unit": in_force.name, "date": f"{on:%d/%m/%Y}"})
    return body


def issuer_context(*, unit: AdminUnit, on: dt.date, organ: str = Organ.PEOPLE_COMMITTEE,
                   collective: bool = True) -> dict:
    """``issuing_body(...).context()``: what print contexts put under "issuer" (or "front", ...)."""
    return issuing_body(unit=unit, on=on, organ=organ).context(collective=collective)


def context_warnings(context: dict) -> list[str]:
    """Every warning of the issuing bodies in a print context (any dict value carrying "warnings" and
    "signer", at any depth), each once, in order."""
    found: list[str] = []

    def walk(value) -> None:
        if isinstance(value, dict):
            if "signer" in value and isinstance(value.get("warnings"), list):
                for warning in value["warnings"]:
                    if warning not in found:
                        found.append(warning)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(context)
    return found

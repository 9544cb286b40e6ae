"""Shared by the document tests: a clock set to a day, the signers of the bodies of Xã Đăk Blô (legacy, until
30/06/2025) and Xã Đăk Plô (the 2025 commune it became), and cases handed over on a day in either unit.
Fixtures are imported by name into the test modules that use them."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from tests.conftest import HOME, make_user, survey_data, unit

BEFORE = dt.date(2025, 6, 15)   # legacy units in force
AFTER = dt.date(2025, 8, 15)    # 2025 units in force
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def keep_pdf(name: str, data: bytes) -> bytes:
    """With ``HC_KEEP_PDFS=DIR`` set, the PDF is also written to DIR/name, to be opened by a person (a review of
    the documents, a closing note); without it, nothing is written."""
    folder = os.environ.get("HC_KEEP_PDFS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(data)
    return data


def pdf_text(data: bytes) -> str:
    """The PDF's text with whitespace collapsed (line breaks of the layout are not the document's)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def clock(monkeypatch):
    """``clock(day)``: from then on "now" is 10:00 on ``day`` in Vietnam (the services read the time from
    django.utils.timezone.now, so do the model fields)."""
    from django.utils import timezone

    def set_day(day: dt.date, hour: int = 10) -> None:
        moment = dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_day


@pytest.fixture
def signers(reference_data):
    """The people who sign for the bodies the documents of Đăk Blô and Đăk Plô name."""
    from housing_campaign.printing.models import Organ
    from housing_campaign.printing.services import signer_create

    last_legacy = dt.date(2025, 6, 30)
    start = dt.date(2021, 7, 1)
    new = dt.date(2025, 7, 1)
    blo, plo, district = unit(HOME), unit(HOME, "2025"), unit("610")
    kon_tum, quang_ngai = unit("62"), unit("51", "2025")
    ubnd, mttq, snv = Organ.PEOPLE_COMMITTEE, Organ.FATHERLAND_FRONT, Organ.HOME_AFFAIRS
    made = {
        "blo": signer_create(unit=blo, organ=ubnd, full_name="A Blưi", valid_from=start, valid_to=last_legacy),
        "blo_front": signer_create(unit=blo, organ=mttq, full_name="Y Hoa", valid_from=start, valid_to=last_legacy),
        "district": signer_create(unit=district, organ=ubnd, full_name="Trần Thị Mai", valid_from=start,
                                  valid_to=last_legacy, authority="deputy", position="Phó Chủ tịch"),
        "plo": signer_create(unit=plo, organ=ubnd, full_name="Y Ngọc", valid_from=new),
        "plo_front": signer_create(unit=plo, organ=mttq, full_name="A Thuyên", valid_from=new),
        "kon_tum_front": signer_create(unit=kon_tum, organ=mttq, full_name="Lê Văn Bình", valid_from=start,
                                       valid_to=last_legacy),
        "quang_ngai_front": signer_create(unit=quang_ngai, organ=mttq, full_name="Phạm Thị Lan", valid_from=new),
        "kon_tum": signer_create(unit=kon_tum, organ=ubnd, full_name="Nguyễn Văn Sơn", valid_from=start,
                                 valid_to=last_legacy),
        "quang_ngai": signer_create(unit=quang_ngai, organ=ubnd, full_name="Đặng Văn Hùng", valid_from=new),
        "kon_tum_snv": signer_create(unit=kon_tum, organ=snv, full_name="Võ Thị Hạnh", valid_from=start,
                                     valid_to=last_legacy),
        "quang_ngai_snv": signer_create(unit=quang_ngai, organ=snv, full_name="Hồ Văn Kiên", valid_from=new),
    }
    return made


@pytest.fixture
def officer_2025(reference_data):
    """A commune officer and a chairman of Xã Đăk Plô (2025 unit), and a Fatherland Front officer of the new
    province."""
    return {"officer": make_user("officer_plo", "commune_officer", HOME, system="2025"),
            "chairman": make_user("chairman_plo", "commune_chairman", HOME, system="2025"),
            "front": make_user("front_qn", "fatherland_front", "51", system="2025")}


def case_in(people, campaign, *, officer, commune, support_type: str = "new_build"):
    """A surveyed case of ``commune`` (legacy or 2025) recorded by ``officer`` on today's date."""
    from housing_campaign.cases.services import case_create, household_create
    from housing_campaign.geography.models import Village

    village, _ = Village.objects.get_or_create(commune=commune, name="Thôn Đăk Xế")
    actor = people.actor(officer)
    household = household_create(actor=actor, campaign=campaign, data={
        "head_name": f"A Thanh {commune.system} {support_type}", "national_id": _next_id(), "category": "poor",
        "ethnicity": "Xơ Đăng", "is_ethnic_minority": True, "commune": commune, "village": village,
        "land_status": "undisputed"})
    return case_create(actor=actor, campaign=campaign, household=household, survey_round=campaign.rounds.get(number=1),
                       data=survey_data(campaign, support_type=support_type))


_ids = {"n": 0}


def _next_id() -> str:
    _ids["n"] += 1
    return f"0620900{_ids['n']:05d}"


def confirmed_for_posting(people, case, *, officer, chairman):
    """Submitted and confirmed by the commune: waiting for its village list to be posted."""
    from housing_campaign.cases import services as s
    from tests.conftest import transition

    transition(people, officer, case, "submit")
    s.case_update_confirmation(actor=people.actor(chairman), case_id=case.pk, data={
        "village_meeting_on": case.surveyed_on, "village_meeting_total": 30, "village_meeting_agree": 28})
    transition(people, chairman, case, "confirm")


def accepted_and_handed_over(case, *, inspector, on: dt.date, area="36", lifespan=25):
    """The acceptance and handover recorded on ``on`` (the data the documents print; the services that
    record them are tested with the workflow)."""
    from housing_campaign.cases.models import Acceptance, HousingCase

    Acceptance.objects.create(case=case, usable_area=Decimal(area), hard_foundation=True, hard_frame=True,
                              hard_roof=True, lifespan_years=lifespan, inspector=inspector, accepted_on=on,
                              result="passed")
    HousingCase.objects.filter(pk=case.pk).update(handed_over_on=on)
    return HousingCase.objects.select_related("household", "commune__parent__parent", "commune_2025", "village",
                                              "strand", "campaign").get(pk=case.pk)


def date_line(place: str, day: dt.date) -> str:
    from housing_campaign.core.formatting import date_in_words

    return f"{place}, {date_in_words(day)}"


def number_re(kind: str, symbol: str) -> re.Pattern:
    """"Số: 01/GCN-UBND" or a draft's "Số: ……/GCN-UBND"."""
    return re.compile(rf"Số: (\d{{2,}}|……)/{re.escape(kind)}-{re.escape(symbol)}\b")

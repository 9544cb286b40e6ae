"""Acceptance against the campaign's thresholds (data): a new house on the finished-house standard, a repair
on its own (it keeps its floor area), with the checklist saying which thresholds were applied."""
from decimal import Decimal

import pytest

from housing_campaign.cases import services as s
from tests.conftest import advance, new_case

pytestmark = pytest.mark.django_db


def _accept(people, case, *, area, lifespan):
    return s.acceptance_record(actor=people.actor(people.inspector), case_id=case.pk, data={
        "usable_area": Decimal(area), "hard_foundation": True, "hard_frame": True, "hard_roof": True,
        "lifespan_years": lifespan, "accepted_on": case.surveyed_on})


def test_a_repair_is_not_held_to_the_new_build_area_or_lifespan(people, campaign):
    case = advance(people, new_case(people, campaign, support_type="repair"), "acceptance")
    acceptance = _accept(people, case, area="22", lifespan=12)
    assert acceptance.result == "passed"
    reasons = s.acceptance_reasons(acceptance, campaign)
    assert reasons == ["Nền cứng: đạt", "Khung, tường cứng: đạt", "Mái cứng: đạt", "Niên hạn 12 năm ≥ 10 năm: đạt"]


def test_a_repair_below_its_own_lifespan_fails(people, campaign):
    campaign.repaired_min_area = Decimal("24")
    campaign.save()
    case = advance(people, new_case(people, campaign, support_type="repair"), "acceptance")
    acceptance = _accept(people, case, area="22", lifespan=8)
    assert acceptance.result == "failed"
    reasons = s.acceptance_reasons(acceptance, campaign)
    assert "Diện tích sử dụng 22 m² < 24 m²: không đạt" in reasons and "Niên hạn 8 năm < 10 năm: không đạt" in reasons


def test_a_new_house_keeps_the_finished_house_standard(people, campaign):
    case = advance(people, new_case(people, campaign), "acceptance")
    acceptance = _accept(people, case, area="22", lifespan=25)
    assert acceptance.result == "failed"
    assert "Diện tích sử dụng 22 m² < 30 m²: không đạt" in s.acceptance_reasons(acceptance, campaign)

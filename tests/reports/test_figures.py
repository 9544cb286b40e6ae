"""Figures per territory (reports.figures) equal what the cases say, legacy or 2025 units, as of a date,
scoped to the reader; bad dates and territories are refused."""
import datetime as dt

import pytest
from django.utils import timezone

from housing_campaign.core.errors import ServiceError
from housing_campaign.reports import figures
from housing_campaign.reports.models import Target
from tests.conftest import HOME, OTHER, advance, new_case, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(people, campaign):
    home = [new_case(people, campaign)] + [advance(people, new_case(people, campaign), s)
                                           for s in ("funding", "construction", "posting")]
    other = [new_case(people, campaign, commune_code=OTHER)]
    Target.objects.create(campaign=campaign, unit=unit(HOME), unit_path=unit(HOME).path, houses=10)
    Target.objects.create(campaign=campaign, unit=unit(OTHER), unit_path=unit(OTHER).path, houses=5)
    return home, other


def test_district_rows_equal_the_cases(people, campaign, spread):
    district = unit(HOME).parent
    report = figures.progress(campaign=campaign, root=district)
    rows = {r.code: r for r in report.rows}
    assert (rows[HOME].surveyed, rows[HOME].approved, rows[HOME].started, rows[HOME].finished,
            rows[HOME].handed_over, rows[HOME].target) == (4, 3, 2, 1, 1, 10)
    assert (rows[OTHER].surveyed, rows[OTHER].target) == (1, 5)
    assert report.total.surveyed == 5 and report.total.target == 15
    assert report.total.allocated == rows[HOME].allocated > 0
    # The province: one row per district, the same totals.
    province = figures.progress(campaign=campaign, root=campaign.province)
    assert province.total.as_dict() == {**report.total.as_dict(), "territory_code": campaign.province.code,
                                        "territory": campaign.province.name}


def test_2025_units_sum_the_same_cases(people, campaign, spread):
    legacy = figures.progress(campaign=campaign, root=campaign.province, units="legacy").total
    current = figures.progress(campaign=campaign, root=campaign.province_2025, units="2025").total
    assert (legacy.surveyed, legacy.approved, legacy.handed_over, legacy.allocated) == (
        current.surveyed, current.approved, current.handed_over, current.allocated)


def test_as_of_yesterday_counts_nothing_done_today(people, campaign, spread):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    if yesterday < campaign.starts_on:
        pytest.skip("campaign starts today")
    report = figures.progress(campaign=campaign, root=unit(HOME).parent, as_of=yesterday)
    assert report.total.surveyed == 0 and report.total.allocated == 0


def test_bad_dates_and_territories_are_refused(people, campaign):
    with pytest.raises(ServiceError, match="tương lai"):
        figures.check_as_of(campaign, timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(ServiceError, match="trước khi chương trình bắt đầu"):
        figures.check_as_of(campaign, campaign.starts_on - dt.timedelta(days=1))
    officer = people.actor(people.officer)
    with pytest.raises(ServiceError) as exc:
        figures.resolve_territory(campaign=campaign, code=OTHER, units="legacy", actor=officer)
    assert exc.value.code == "out_of_territory"
    with pytest.raises(ServiceError) as exc:
        figures.resolve_territory(campaign=campaign, code="99999", units="legacy", actor=officer)
    assert exc.value.code == "not_found"
    assert figures.resolve_territory(campaign=campaign, code=None, units="legacy", actor=officer) == unit(HOME)


def test_a_reader_sees_only_their_territory(people, campaign, spread):
    report = figures.progress(campaign=campaign, root=unit(HOME).parent, actor=people.actor(people.officer))
    rows = {r.code: r for r in report.rows}
    assert rows[HOME].surveyed == 4 and rows[OTHER].surveyed == 0


def test_targets_of_legacy_communes_count_for_the_2025_commune_they_merged_into(people, campaign, spread):
    successor = unit(HOME).successor
    current = figures.progress(campaign=campaign, root=campaign.province_2025, units="2025")
    row = next(r for r in current.rows if r.unit.pk == successor.pk)
    expected = sum(t.houses for t in Target.objects.filter(unit__successor=successor))
    assert row.target == expected > 0
    assert current.total.target == sum(r.target for r in current.rows)
    # A province without its own target: the sum of its districts, never districts and communes twice.
    Target.objects.create(campaign=campaign, unit=unit(HOME).parent, unit_path=unit(HOME).parent.path, houses=40)
    legacy = figures.progress(campaign=campaign, root=campaign.province)
    assert legacy.total.target == 40

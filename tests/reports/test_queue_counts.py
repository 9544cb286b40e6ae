"""The queue's stage counts read the aggregates (reports.StateCount) when the filters are only the scope
(mine: the actionable (workflow, state) pairs, without states waiting for an automatic step; all) and a
territory (legacy or 2025 unit): they equal the counts of the case rows for every such combination, for
readers of every level; any other filter still counts the rows."""
import pytest
from django.core.cache import cache
from django.db.models import Count

from housing_campaign.cases.models import HousingCase
from housing_campaign.desk import selectors
from housing_campaign.desk.selectors import QueueFilters, queue_queryset, stage_counts
from housing_campaign.reports import selectors as report_selectors
from tests.conftest import HOME, OTHER, advance, make_user, new_case, transition, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(people, campaign):
    cases = [new_case(people, campaign) for _ in range(2)]
    for until in ("commune_confirmation", "village_posting", "eligibility_review", "funding", "construction",
                  "handover", "posting"):
        cases.append(advance(people, new_case(people, campaign), until))
    returned = advance(people, new_case(people, campaign), "commune_confirmation")
    transition(people, people.chairman, returned, "return", comment="Thiếu ảnh mái nhà")
    cases.append(returned)
    cases += [new_case(people, campaign, commune_code=OTHER) for _ in range(3)]
    return cases


def _rows(actor, filters):
    return dict(queue_queryset(actor, filters, with_stage=False).order_by().values_list("stage")
                .annotate(n=Count("id")).values_list("stage", "n"))


def _readers(people):
    home_2025 = unit(HOME).successor
    return [people.officer, people.officer_b, people.chairman, people.reviewer, people.finance, people.inspector,
            people.admin, people.auditor, make_user("officer_2025", "commune_officer", home_2025.code, system="2025"),
            make_user("chairman_2025", "commune_chairman", home_2025.code, system="2025")]


def test_aggregate_counts_equal_the_row_counts(people, campaign, spread):
    home, other = unit(HOME), unit(OTHER)
    units = ["", home.path, other.path, home.parent.path, campaign.province.path, home.successor.path,
             campaign.province_2025.path if campaign.province_2025_id else "", "L.99", "zz"]
    compared = 0
    for user in _readers(people):
        actor = people.actor(user)
        for scope in ("mine", "all"):
            for path in units:
                for stage in ("", "review"):  # the stage filter is ignored by the counts
                    filters = QueueFilters(scope=scope, unit=path, stage=stage)
                    assert filters.counted_from_aggregates()
                    cache.clear()
                    assert stage_counts(actor, filters) == _rows(actor, filters), (user.username, scope, path)
                    compared += 1
    assert compared == 10 * 2 * 9 * 2
    # Non-trivial: the province reviewer's "all" sees every case, the officer's "mine" a part of them.
    reviewer_all = stage_counts(people.actor(people.reviewer), QueueFilters(scope="all"))
    assert sum(reviewer_all.values()) == HousingCase.objects.count() == len(spread)
    cache.clear()
    officer_mine = stage_counts(people.actor(people.officer), QueueFilters(scope="mine"))
    assert 0 < sum(officer_mine.values()) < HousingCase.objects.filter(unit_path=unit(HOME).path).count()


def test_cases_waiting_for_an_automatic_step_are_not_counted_as_mine(people, campaign, spread):
    actor = people.actor(people.chairman)
    counts = report_selectors.stage_totals(actor=actor, states=selectors.actionable_q(actor))
    assert counts == _rows(actor, QueueFilters(scope="mine"))
    posting = HousingCase.objects.filter(state="village_posting").count()
    assert posting == 1
    assert counts.get("review", 0) + posting <= sum(_rows(actor, QueueFilters(scope="all")).values())


def test_aggregates_read_in_one_query_and_other_filters_count_rows(people, campaign, spread,
                                                                   django_assert_num_queries):
    actor = people.actor(people.reviewer)
    actionable = selectors.actionable_q(actor)  # its own query, once per request
    with django_assert_num_queries(1) as ctx:
        report_selectors.stage_totals(actor=actor, unit=campaign.province.path, states=actionable)
    assert "reports_statecount" in ctx.captured_queries[0]["sql"]
    for filters in (QueueFilters(scope="all", support_type="new_build"), QueueFilters(scope="all", category="poor"),
                    QueueFilters(scope="mine", q="A Thanh"), QueueFilters(scope="all", overdue=True),
                    QueueFilters(scope="all", state="funding"),
                    QueueFilters(scope="all", strand=str(campaign.strands.get(code="phong_trao").pk))):
        assert not filters.counted_from_aggregates()
        cache.clear()
        assert stage_counts(actor, filters) == _rows(actor, filters)


def test_the_queue_page_shows_the_aggregate_counts(people, campaign, spread, client):
    client.force_login(people.reviewer)
    cache.clear()
    response = client.get("/desk/?scope=all")
    assert response.status_code == 200
    assert response.context["total"] == HousingCase.objects.filter(unit_path__startswith=unit("610").path).count()

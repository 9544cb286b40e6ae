"""The dashboard (/desk/bao-cao/): every figure equals what the queue shows for the same filter, legacy and
2025 units sum the same, drill-down links lead to the right territory and to its cases, bad input gets a
message and never figures, every role may read it (anonymous is sent to log in), and the number of
queries does not grow with the number of cases."""
import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from housing_campaign.campaigns.models import CategoryDeadline
from housing_campaign.desk.selectors import QueueFilters, queue_queryset
from housing_campaign.geography.models import AdminUnit
from housing_campaign.reports import charts
from housing_campaign.reports.models import Target
from tests.conftest import HOME, OTHER, PASSWORD, advance, new_case, unit

pytestmark = pytest.mark.django_db
URL = "/desk/bao-cao/"
STAGE_ORDER = ["survey", "confirmation", "review", "funding", "construction", "acceptance", "handover", "posting",
               "closed"]


@pytest.fixture
def spread(people, campaign):
    home = [new_case(people, campaign), new_case(people, campaign)] + [
        advance(people, new_case(people, campaign), s) for s in ("funding", "construction", "handover", "posting")]
    other = [new_case(people, campaign, commune_code=OTHER)]
    Target.objects.create(campaign=campaign, unit=unit(HOME), unit_path=unit(HOME).path, houses=10)
    Target.objects.create(campaign=campaign, unit=unit(OTHER), unit_path=unit(OTHER).path, houses=4)
    CategoryDeadline.objects.update_or_create(campaign=campaign, category="",
                                              defaults={"deadline": timezone.localdate() + dt.timedelta(weeks=10)})
    return home, other


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def page(client, user, query=""):
    login(client, user)
    return client.get(URL + query)


def queue_count(people, user, **filters):
    return queue_queryset(people.actor(user), QueueFilters(scope="all", **filters)).count()


def test_figures_equal_the_queue(client, people, campaign, spread):
    response = page(client, people.reviewer)
    assert response.status_code == 200
    d = response.context["d"]
    assert d.root.code == "610"  # the reviewer's own district
    lines = {line.row.code: line for line in d.lines}
    for line in d.lines:
        path = line.row.unit.path
        assert line.cases == queue_count(people, people.reviewer, unit=path)
        for code, _label in d.stages:
            assert line.stages.get(code, 0) == queue_count(people, people.reviewer, unit=path, stage=code), code
    # Milestones: the cases now at or past a stage (none went back in this world).
    home = unit(HOME).path

    def at_or_past(stage):
        return sum(queue_count(people, people.reviewer, unit=home, stage=s)
                   for s in STAGE_ORDER[STAGE_ORDER.index(stage):])
    row = lines[HOME].row
    assert row.surveyed == lines[HOME].cases == 6
    assert row.approved == at_or_past("funding") == 4
    assert row.started == at_or_past("construction") == 3
    assert row.finished == at_or_past("handover") == 2
    assert row.handed_over == at_or_past("posting") == 1
    assert (row.target, row.percent_done) == (10, 20.0)
    assert d.total.cases == queue_count(people, people.reviewer, unit=unit(HOME).parent.path)
    # Houses finished this week are in the last week of the line; the pace needed: (14 − 2) / 10 weeks.
    assert d.weeks[-1][1] == 2 and sum(n for _w, n in d.weeks) == 2
    pace = next(p for p in d.paces if not p.deadline.category)  # "every other category": the whole target
    assert pace.remaining == 12 and pace.needed == 1.2
    assert lines[OTHER].behind and lines[OTHER].needed[pace.deadline.pk] == 0.4
    assert lines[HOME].needed[pace.deadline.pk] == 0.8 and lines[HOME].recent_pace == 0.5 and lines[HOME].behind
    # Money: what the case's allocation says, and the norm of the houses given state support.
    from housing_campaign.funding.selectors import money_figures

    money = money_figures(unit=d.root, actor=people.actor(people.reviewer), campaign_id=campaign.pk)
    assert d.total.money["allocated"] == money.allocated == sum(c.support_amount for c in spread[0][3:]) > 0
    assert d.total.money["released"] == money.released
    assert d.total.money["houses"] == 3 and d.total.money["state"] == d.total.money["norm"]
    # The oldest open cases: in scope, oldest state first.
    assert [c.pk for c in d.oldest] == list(queue_queryset(people.actor(people.reviewer), QueueFilters(scope="all"))
                                           .exclude(stage="closed").order_by("state_since", "pk")
                                           .values_list("pk", flat=True)[:10])
    # Time in stage at district scope, per commune.
    assert d.time_in_stage and {r["territory"] for r in d.time_in_stage} <= {unit(HOME).name, unit(OTHER).name}
    html = response.content.decode()
    assert "<svg" in html and "<title" in html and "cdn" not in html.lower()


def test_legacy_and_2025_units_sum_the_same(client, people, campaign, spread):
    legacy = page(client, people.admin).context["d"]
    current = page(client, people.admin, "?he=2025").context["d"]
    assert legacy.root.system == "legacy" and current.root.system == "2025"
    # Targets are entered per unit of one system (figures._targets): only the houses are compared here.
    for name in ("surveyed", "approved", "started", "finished", "handed_over"):
        assert getattr(legacy.total.row, name) == getattr(current.total.row, name), name
    assert legacy.total.cases == current.total.cases == 7
    assert legacy.total.stages == current.total.stages
    assert legacy.total.money["allocated"] == current.total.money["allocated"]
    assert legacy.total.money["released"] == current.total.money["released"]
    assert [w for w in legacy.weeks] == [w for w in current.weeks]


def test_drill_down_province_district_commune_cases(client, people, campaign, spread):
    d = page(client, people.admin).context["d"]
    assert d.root.level == "province" and d.time_in_stage is None
    district = next(line for line in d.lines if line.row.code == "610")
    assert parse_qs(urlsplit(district.drill).query)["dv"] == ["610"]
    d = client.get(district.drill).context["d"]
    assert d.root.code == "610" and [u.code for u in d.crumbs] == [campaign.province.code]
    commune = next(line for line in d.lines if line.row.code == HOME)
    d = client.get(commune.drill).context["d"]
    assert d.root.code == HOME and len(d.lines) == 1 and d.lines[0].drill == ""
    assert [u.code for u in d.crumbs] == [campaign.province.code, "610"]
    queue = d.lines[0].queue
    assert queue.startswith(reverse("desk:queue")) and parse_qs(urlsplit(queue).query) == {
        "scope": ["all"], "unit": [unit(HOME).path]}
    listing = client.get(queue)
    assert listing.status_code == 200 and listing.context["total"] == d.lines[0].cases == 6
    stage_link = dict(zip([c for c, _l in d.stages], d.lines[0].stage_cells))["funding"][1]
    assert client.get(stage_link).context["total"] == d.lines[0].stages["funding"] == 1
    # 2025 units: the province breaks into communes, each links to the queue by its 2025 path.
    d = client.get(URL + "?he=2025").context["d"]
    line = next(line for line in d.lines if line.cases)
    assert client.get(line.queue).context["total"] == line.cases
    # The menu leads here; the dashboard leads to the time-in-stage table.
    html = client.get(URL).content.decode()
    assert f'href="{reverse("desk:report_time_in_stage")}"' in html
    assert f'href="{URL}"' in client.get(reverse("desk:queue")).content.decode()


@pytest.mark.parametrize("query, status, words", [
    ("?ngay=" + (timezone.localdate() + dt.timedelta(days=3)).strftime("%d/%m/%Y"), 400, "hôm nay"),
    ("?ngay=01/01/2020", 400, "trước khi chương trình bắt đầu"),
    ("?ngay=hôm-qua", 400, "dd/mm/yyyy"),
    ("?ngay=31/02/2025", 400, "dd/mm/yyyy"),
    ("?he=xyz", 400, "xyz"),
    ("?dv=99999999", 404, "99999999"),
    ("?dv=%3Cscript%3E", 404, "&lt;script&gt;"),
    ("?ct=nope", 400, "nope"),
])
def test_bad_input_gets_a_message_not_figures(client, people, campaign, spread, query, status, words):
    response = page(client, people.reviewer, query)
    assert response.status_code == status
    assert "d" not in response.context and response.context["error"]
    assert words in response.content.decode()


def test_another_territory_is_refused(client, people, campaign, spread):
    elsewhere = AdminUnit.objects.filter(system="legacy", level="district", parent=campaign.province).exclude(
        code="610").first()
    response = page(client, people.reviewer, f"?dv={elsewhere.code}")
    assert response.status_code == 403 and "d" not in response.context
    assert "ngoài địa bàn" in response.content.decode()
    # A commune officer may not read the neighbouring commune, nor the district above.
    for code in (OTHER, "610"):
        response = page(client, people.officer, f"?dv={code}")
        assert response.status_code == 403 and "d" not in response.context
    d = page(client, people.officer).context["d"]
    assert d.root.code == HOME and d.total.cases == 6  # never the neighbour's case


def test_every_role_reads_it_and_anonymous_logs_in(client, people, campaign, spread):
    assert client.get(URL).status_code == 302
    assert "/login/" in client.get(URL)["Location"]
    for user in (people.officer, people.chairman, people.reviewer, people.finance, people.inspector,
                 people.council[0], people.admin, people.front, people.auditor):
        response = page(client, user)
        assert response.status_code == 200, user.username
        assert response.context["d"].total.cases >= 6


def test_as_of_a_past_day(client, people, campaign, spread):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    if yesterday < campaign.starts_on:
        pytest.skip("campaign starts today")
    d = page(client, people.reviewer, "?ngay=" + yesterday.strftime("%d/%m/%Y")).context["d"]
    assert d.as_of == yesterday and d.total.row.surveyed == 0 and d.total.money["allocated"] == 0


def _queries(client, query=""):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL + query).status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_the_cases(client, people, campaign, spread, django_assert_max_num_queries):
    login(client, people.admin)
    small = {q: _queries(client, q) for q in ("", "?dv=610", f"?dv={HOME}", "?he=2025")}
    for _ in range(6):
        new_case(people, campaign)
        new_case(people, campaign, commune_code=OTHER)
    advance(people, new_case(people, campaign), "handover")
    from django.core.cache import cache

    cache.clear()
    login(client, people.admin)
    for query, count in small.items():
        with django_assert_max_num_queries(count):
            assert client.get(URL + query).status_code == 200
    assert max(small.values()) <= 40


def test_charts_escape_their_text():
    svg = str(charts.bar_chart(title="<b>", desc="a&b", bars=[charts.Bar(label="<script>x</script>", values=(3, 1),
                                                                          target=4)],
                               series=["s1", "s2"], target_label="t"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and 'role="img"' in svg and "<title" in svg
    line = str(charts.line_chart(title="t", desc="d", labels=["01/01", "08/01"], values=[0, 5],
                                 levels=[("<x>", 2.5)], series_label="s"))
    assert "&lt;x&gt;" in line and "<polyline" in line

"""Evidence read from the records: each figure against records built by hand (through the services, or the
aggregates the engine keeps), and a fixed number of queries whatever the number of participants."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from housing_campaign.core.models import DocumentEvent
from housing_campaign.emulation import evidence, services
from housing_campaign.emulation.models import Participant
from housing_campaign.reports.models import MilestoneDay, Target
from tests.conftest import HOME, OTHER, advance, new_case, new_receipt, post_list, unit

from .helpers import home_committee

pytestmark = pytest.mark.django_db


def office(people):
    return people.actor(people.office)


def participant(people, campaign, kind, code, name, **links):
    return services.participant_create(actor=office(people), campaign=campaign, data={
        "kind": kind, "unit": unit(code).pk, "name": name, **links})


def test_houses_finished_against_the_target_from_real_cases(people, campaign):
    committee = home_committee(people, campaign)
    for _ in range(2):
        advance(people, new_case(people, campaign), "handover")        # accepted: finished
    advance(people, new_case(people, campaign), "construction")       # not yet
    Target.objects.create(campaign=campaign, unit=unit(HOME), unit_path=unit(HOME).path, houses=4)
    proof = evidence.EvidenceBook(campaign, [committee]).proof(committee, "houses_finished")
    assert proof.applies and proof.data["finished"] == 2 and proof.data["target"] == 4
    figures = {f.label: f.value for f in proof.figures}
    assert figures["Nhà hoàn thành / chỉ tiêu"] == "2 / 4 (50%)"
    assert "/desk/bao-cao/?ct=kt2425&dv=23344&he=legacy" in proof.figures[0].url
    # Finished today, after the campaign's deadlines of 2025: none counted "on time".
    assert proof.data["finished_on_time"] == (2 if timezone.localdate() <= dt.date(2025, 8, 31) else 0)


def _day_row(campaign, commune, category, day, n, milestone="finished"):
    successor = commune.successor
    MilestoneDay.objects.create(campaign_id=campaign.pk, commune_id=commune.pk,
                                commune_2025_id=successor.pk if successor else 0, unit_path=commune.path,
                                unit_2025_path=successor.path if successor else "", category=category,
                                support_type="new_build", milestone=milestone, day=day, count=n)


def test_houses_before_each_category_deadline_and_targets_of_units_inside(people, campaign):
    """Meritorious households by 24/07/2025, all others by 31/08/2025 (the campaign's deadlines): a commune
    finishing everything in time is on time; the district's target is its communes' (not added twice)."""
    home, other = unit(HOME), unit(OTHER)
    _day_row(campaign, home, "meritorious", dt.date(2025, 7, 20), 2)   # in time
    _day_row(campaign, home, "poor", dt.date(2025, 8, 30), 6)          # in time
    _day_row(campaign, other, "meritorious", dt.date(2025, 7, 30), 1)  # late for its deadline
    _day_row(campaign, other, "poor", dt.date(2025, 8, 1), 4)
    _day_row(campaign, other, "poor", dt.date(2025, 9, 15), 3)         # after every deadline
    _day_row(campaign, home, "poor", dt.date(2025, 10, 1), 5, milestone="handed_over")
    for code, houses in ((HOME, 8), (OTHER, 9)):
        Target.objects.create(campaign=campaign, unit=unit(code), unit_path=unit(code).path, houses=houses)
    Target.objects.create(campaign=campaign, unit=other, unit_path=other.path, category="meritorious", houses=1)
    district = unit("610")
    found = evidence.houses_by_unit(campaign, [home, other, district, home.successor])
    h = found[home.pk]
    assert (h.target, h.finished, h.finished_on_time, h.handed_over, h.on_time) == (8, 8, 8, 5, True)
    o = found[other.pk]
    assert (o.target, o.finished, o.finished_on_time, o.on_time) == (9, 8, 4, False)
    merit, others = o.deadlines
    assert (merit.due_on, merit.target, merit.finished) == (dt.date(2025, 7, 24), 1, 0)
    assert (others.due_on, others.target, others.finished) == (dt.date(2025, 8, 31), 8, 4)
    d = found[district.pk]
    assert (d.target, d.finished, d.finished_on_time) == (17, 16, 12)
    # The 2025 commune Xã Đăk Plô gathers Đăk Blô: its figures come from the same rows, its target from its parts.
    assert found[home.successor.pk].finished >= 8 and found[home.successor.pk].target >= 8


def test_money_mobilised_in_a_commune_and_by_the_front(people, campaign):
    committee = home_committee(people, campaign)
    front = participant(people, campaign, "front_organisation", "62", "Ủy ban MTTQ Việt Nam tỉnh Kon Tum")
    new_receipt(people, campaign, amount=20_000_000, earmark="commune", commune=unit(HOME).pk)
    new_receipt(people, campaign, kind="workdays", amount=None, donor_name="Đoàn Thanh niên tỉnh",
                donor_kind="organisation", quantity="12", value_per_day=250_000, earmark="commune",
                commune=unit(HOME).pk)
    new_receipt(people, campaign, amount=7_000_000, donor_name="Bà Thu", donor_kind="individual",
                earmark="commune", commune=unit(OTHER).pk)
    book = evidence.EvidenceBook(campaign, [committee, front])
    money = book.proof(committee, "money_mobilised")
    assert money.data["received"] == 23_000_000 and money.data["by_kind"] == {"cash": 20_000_000,
                                                                               "workdays": 3_000_000}
    assert Decimal(money.data["workdays"]) == 12
    front_money = book.proof(front, "money_mobilised")
    assert front_money.data["received"] == 30_000_000  # everything the provincial Front committee received
    assert not book.proof(front, "houses_finished").applies


def test_postings_and_complaints_answered_in_time(people, campaign):
    from tests.feedback.helpers import act, answered, submit

    committee = home_committee(people, campaign)
    case = advance(people, new_case(people, campaign), "village_posting")
    post_list(people, [case])
    cancelled = post_list(people, [advance(people, new_case(people, campaign), "village_posting")])
    from housing_campaign.postings.services import posting_cancel

    posting_cancel(actor=people.actor(people.officer), posting_id=cancelled.pk, reason="Ghi nhầm")
    quick = submit(text="Phản ánh 1: đường vào nhà bị sạt.", client="a")
    answered(people, quick)
    slow = submit(text="Phản ánh 2: chưa nhận tiền đợt 2.", client="b")
    waiting = submit(text="Phản ánh 3: nhà bị dột.", client="c")
    spam = submit(text="Quảng cáo bán hàng giá rẻ", client="d")
    act(people, people.officer, spam, "mark_spam", comment="Tin rác")
    # The slow one waited 5 days in "received" (its SLA: 3 days) before being answered; the waiting one too.
    old = timezone.now() - dt.timedelta(days=5)
    for feedback in (slow, waiting):
        DocumentEvent.objects.filter(doctype="feedback", object_id=feedback.pk).update(at=old)
        type(feedback).objects.filter(pk=feedback.pk).update(state_since=old, submitted_at=old)
    answered(people, slow)
    book = evidence.EvidenceBook(campaign, [committee])
    postings = book.proof(committee, "postings_held").data
    assert (postings["held"], postings["review_lists"], postings["cases"]) == (1, 1, 1)
    complaints = book.proof(committee, "complaints_answered").data
    assert complaints == {"received": 3, "answered": 2, "answered_in_time": 1, "waiting_overdue": 1}


def test_a_donor_s_contributions_by_kind_and_a_household_s_own_share(people, campaign):
    from housing_campaign.contributions import services as gifts

    receipt = new_receipt(people, campaign, amount=30_000_000)
    front = people.actor(people.front)
    gifts.contribution_receive(actor=front, data={
        "donor": receipt.donor_id, "kind": "materials", "item": "Xi măng", "unit": "bao", "quantity": "100",
        "amount": 9_500_000, "received_on": timezone.localdate(), "campaign": campaign.pk, "earmark": "general"})
    building = advance(people, new_case(people, campaign), "construction")
    gifts.contribution_receive(actor=front, data={
        "donor": receipt.donor_id, "kind": "workdays", "quantity": "20", "value_per_day": 200_000,
        "received_on": timezone.localdate(), "earmark": "case", "case": building.code})
    donor_participant = participant(people, campaign, "business", "62", receipt.donor.name, donor=receipt.donor_id)
    household_donor = gifts.donor_create(actor=front, data={"kind": "household", "name": "Hộ A Thanh"})
    for data in ({"kind": "workdays", "quantity": "30", "value_per_day": 250_000},
                 {"kind": "cash", "amount": 5_000_000}):
        gifts.contribution_receive(actor=front, data={
            "donor": household_donor.pk, "received_on": timezone.localdate(), "earmark": "case",
            "case": building.code, "own_share": True, **data})
    household = services.participant_create(actor=people.actor(people.officer), campaign=campaign, data={
        "kind": "household", "unit": unit(HOME).pk, "household": building.household_id,
        "donor": household_donor.pk})
    book = evidence.EvidenceBook(campaign, [donor_participant, household])
    given = book.proof(donor_participant, "contributions").data["donor"]
    assert given["received"] == 43_500_000 and given["houses"] == 1 and Decimal(given["workdays"]) == 20
    assert given["by_kind"] == {"cash": 30_000_000, "materials": 9_500_000, "workdays": 4_000_000}
    own = book.proof(household, "contributions")
    assert own.data["own_share"]["total"] == 12_500_000 and Decimal(own.data["own_share"]["workdays"]) == 30
    assert "donor" not in own.data  # its receipts are all its own share: shown once, as such
    assert "tự góp 12.500.000 đ vào nhà của hộ" in own.summary and "30 ngày công tự làm" in own.summary


def test_an_official_s_cases_handled_and_initiatives(people, campaign):
    for _ in range(2):
        advance(people, new_case(people, campaign), "funding")  # the reviewer approved both
    official = participant(people, campaign, "official", "610", "Trần Văn Sơn", user=people.reviewer.pk)
    services.initiative_create(actor=office(people), author_id=official.pk, data={
        "title": "Mẫu biên bản thẩm định rút gọn", "proposed_on": "01/09/2024", "description": "Giảm thời gian.",
        "adopted_by": "Sở Xây dựng", "adopted_on": "01/10/2024"})
    book = evidence.EvidenceBook(campaign, [official])
    proof = book.proof(official, "official_work")
    assert proof.data["work"] == {"cases": 2, "actions": 2}
    assert proof.data["initiatives"] == {"recorded": 1, "adopted": 1}
    assert proof.summary == "xử lý 2 hồ sơ, có 1 sáng kiến, đề xuất (1 được áp dụng)"
    snapshot = evidence.snapshot(book, official)
    assert snapshot["evidence"]["official_work"]["data"]["work"]["cases"] == 2
    assert "Trần Văn Sơn đã xử lý 2 hồ sơ" in evidence.achievement_text(book, official)


def test_evidence_reads_a_fixed_number_of_queries(people, campaign):
    """The book reads the same number of queries for two participants of each kind as for one."""
    def count(participants):
        participants = [Participant.objects.select_related("unit").get(pk=p.pk) for p in participants]
        with CaptureQueriesContext(connection) as queries:
            book = evidence.EvidenceBook(campaign, participants)
            for p in participants:
                book.all_proofs(p)
        return len(queries)

    advance(people, new_case(people, campaign), "handover")
    new_receipt(people, campaign, amount=5_000_000, earmark="commune", commune=unit(HOME).pk)
    one = [home_committee(people, campaign),
           participant(people, campaign, "official", HOME, "Cán bộ A", user=people.officer.pk),
           participant(people, campaign, "front_organisation", "62", "Hội Nông dân tỉnh"),
           participant(people, campaign, "business", "62", "Công ty A",
                       donor=new_receipt(people, campaign, donor_name="Công ty A").donor_id)]
    two = one + [participant(people, campaign, "peoples_committee", OTHER, "Ủy ban nhân dân xã Đăk Man"),
                 participant(people, campaign, "peoples_committee", "610", "Ủy ban nhân dân huyện Đắk Glei"),
                 participant(people, campaign, "official", OTHER, "Cán bộ B", user=people.officer_b.pk),
                 participant(people, campaign, "front_organisation", "62", "Hội Phụ nữ tỉnh"),
                 participant(people, campaign, "business", "62", "Công ty B",
                             donor=new_receipt(people, campaign, donor_name="Công ty B").donor_id)]
    small, large = count(one), count(two)
    assert small == large, (small, large)
    assert large <= 25

"""Pools, allocations and the funding stage's condition (issue 12): a pool never goes below zero; the
state support of the norm is kept apart from what the community and the household add on top; the
40/20 top-up comes from another source; bad input is refused by name and writes nothing."""
import datetime as dt
import random

import pytest
from django.utils import timezone

from housing_campaign.campaigns.models import Strand
from housing_campaign.core.errors import ErrorCode, ServiceError
from housing_campaign.core.models import DocumentEvent
from housing_campaign.funding import selectors
from housing_campaign.funding import services as funding
from housing_campaign.funding.models import Allocation, FundingPool, PoolEntry, Portion
from housing_campaign.workflow import engine
from tests.conftest import HOME, advance, make_user, new_case, new_receipt, state_pool, transition, unit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def small_pool(people, campaign, amount, *, source="provincial", unit_code="62"):
    actor = people.actor(people.finance)
    pool = funding.pool_create(actor=actor, campaign_id=campaign.pk, source=source, unit_id=unit(unit_code).pk)
    if amount:
        funding.pool_receive(actor=actor, pool_id=pool.pk, amount=amount, received_on=TODAY(), reference="01/QĐ")
    pool.refresh_from_db()
    return pool


def nothing_written(pool, before_entries, case=None):
    pool.refresh_from_db()
    return (PoolEntry.objects.filter(pool=pool).count() == before_entries
            and (case is None or not Allocation.objects.filter(case=case).exists()))


# ---------------------------------------------------------------------------- pools
def test_receipts_and_allocations_keep_the_ledger(people, campaign):
    pool = small_pool(people, campaign, 100_000_000)
    case = advance(people, new_case(people, campaign), "funding")
    allocation = funding.allocation_create(actor=people.actor(people.finance), case_id=case.pk, pool_id=pool.pk,
                                           amount="60.000.000 đ", decision_number="12/QĐ-UBND",
                                           decision_date=TODAY())
    pool.refresh_from_db()
    assert (pool.received, pool.allocated, pool.balance) == (100_000_000, 60_000_000, 40_000_000)
    assert allocation.portion == Portion.STATE and allocation.source == "provincial"
    lines = list(PoolEntry.objects.filter(pool=pool).values_list("kind", "amount", "balance_after"))
    assert lines == [("receipt", 100_000_000, 100_000_000), ("allocation", 60_000_000, 40_000_000)]
    case.refresh_from_db()
    assert case.approval_decision_number == "12/QĐ-UBND"  # the first state allocation carries the decision
    event = DocumentEvent.objects.filter(object_id=case.pk, data__allocation=allocation.pk).get()
    assert event.changes["funding"][1].startswith("Ngân sách tỉnh (hỗ trợ của nhà nước theo định mức): 60.000.000 đ")


def test_allocation_above_the_balance_is_refused_and_writes_nothing(people, campaign):
    pool = small_pool(people, campaign, 5_000_000)
    case = advance(people, new_case(people, campaign), "funding")
    entries = PoolEntry.objects.filter(pool=pool).count()
    with pytest.raises(ServiceError) as refused:
        funding.allocation_create(actor=people.actor(people.finance), case_id=case.pk, pool_id=pool.pk,
                                  amount=6_000_000)
    assert refused.value.code == ErrorCode.INSUFFICIENT_BALANCE and refused.value.field == "amount"
    assert refused.value.message == ("Quỹ “Ngân sách tỉnh – Tỉnh Kon Tum” chỉ còn 5.000.000 đ, không đủ để phân bổ "
                                     "6.000.000 đ.")
    assert nothing_written(pool, entries, case) and pool.allocated == 0


def test_the_database_refuses_a_pool_below_zero(people, campaign):
    """The CHECK constraint is the last guard should any code path forget the row lock."""
    from django.db import IntegrityError, transaction
    from django.db.models import F

    pool = small_pool(people, campaign, 1_000)
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingPool.objects.filter(pk=pool.pk).update(allocated=F("received") + 1)
    pool.refresh_from_db()
    assert pool.allocated == 0


@pytest.mark.parametrize("amount, message", [
    ("-5", "Số tiền phân bổ phải lớn hơn 0 đồng, không được âm (đang nhập “-5”)."),
    (-5, "Số tiền phân bổ phải lớn hơn 0 đồng, không được âm (đang nhập -5)."),
    ("0", "Số tiền phân bổ phải lớn hơn 0 đồng."),
    ("", "Chưa nhập số tiền phân bổ."),
    ("1,5", "Số tiền phân bổ phải là số đồng, ví dụ 40.000.000 (đang nhập “1,5”)."),
    ("9" * 25, "Số tiền phân bổ quá lớn: tối đa 1.000.000.000.000.000 đồng (đang nhập 9999999999999999999999999)."),
])
def test_bad_amounts_are_named(people, campaign, amount, message):
    pool = small_pool(people, campaign, 100_000_000)
    case = advance(people, new_case(people, campaign), "funding")
    entries = PoolEntry.objects.filter(pool=pool).count()
    with pytest.raises(ServiceError) as refused:
        funding.allocation_create(actor=people.actor(people.finance), case_id=case.pk, pool_id=pool.pk, amount=amount)
    assert refused.value.errors["amount"] == [message]
    assert nothing_written(pool, entries, case)


def test_garbage_ids_over_long_text_and_other_territories(people, campaign):
    pool = small_pool(people, campaign, 100_000_000)
    case = advance(people, new_case(people, campaign), "funding")
    finance = people.actor(people.finance)
    for garbage in ("abc", "9" * 30, "-1", None, "1; DROP TABLE"):
        with pytest.raises(ServiceError) as refused:
            funding.allocation_create(actor=finance, case_id=case.pk, pool_id=garbage, amount=1_000)
        assert refused.value.code in (ErrorCode.VALIDATION, ErrorCode.NOT_FOUND), garbage
    with pytest.raises(ServiceError) as refused:
        funding.allocation_create(actor=finance, case_id="9" * 30, pool_id=pool.pk, amount=1_000)
    assert refused.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(ServiceError) as refused:
        funding.allocation_create(actor=finance, case_id=case.pk, pool_id=pool.pk, amount=1_000,
                                  decision_number="Q" * 61, note="n" * 301)
    assert refused.value.errors["decision_number"] == ["Số quyết định dài tối đa 60 ký tự (đang có 61)."]
    assert refused.value.errors["note"] == ["Ghi chú dài tối đa 300 ký tự (đang có 301)."]
    # A finance officer of another district neither sees the case nor the province's pool.
    outsider = make_user("finance_608", "finance_officer", "608")
    with pytest.raises(ServiceError) as refused:
        funding.allocation_create(actor=people.actor(outsider), case_id=case.pk, pool_id=pool.pk, amount=1_000)
    assert refused.value.code == ErrorCode.NOT_FOUND
    # Roles that do not allocate, and the auditor, are refused.
    for user in (people.officer, people.inspector, people.auditor, people.front):
        with pytest.raises(ServiceError) as refused:
            funding.allocation_create(actor=people.actor(user), case_id=case.pk, pool_id=pool.pk, amount=1_000)
        assert refused.value.code in (ErrorCode.PERMISSION_DENIED, ErrorCode.NOT_FOUND), user
    assert not Allocation.objects.filter(case=case).exists()


def test_a_pool_serves_only_houses_inside_its_unit(people, campaign):
    other_district = small_pool(people, campaign, 100_000_000, source="district", unit_code="608")
    case = advance(people, new_case(people, campaign), "funding")  # huyện Đắk Glei (610)
    with pytest.raises(ServiceError) as refused:
        funding.allocation_create(actor=people.actor(people.finance), case_id=case.pk, pool_id=other_district.pk,
                                  amount=1_000_000)
    assert refused.value.field == "pool" and "không cấp cho nhà ở Xã Đăk Blô" in refused.value.message


def test_money_moves_only_once_the_case_is_approved(people, campaign):
    pool = small_pool(people, campaign, 100_000_000)
    case = advance(people, new_case(people, campaign), "eligibility_review")
    with pytest.raises(ServiceError) as refused:
        funding.allocation_create(actor=people.actor(people.finance), case_id=case.pk, pool_id=pool.pk, amount=1_000)
    assert refused.value.code == ErrorCode.FIELD_LOCKED and "đã được duyệt" in refused.value.message


# ---------------------------------------------------------------------------- state support and what comes on top
def test_state_support_is_capped_at_the_norm_and_community_comes_on_top(people, campaign):
    case = advance(people, new_case(people, campaign), "funding")
    assert case.support_amount == 60_000_000
    finance = people.actor(people.finance)
    pool = state_pool(people, campaign)
    funding.allocation_create(actor=finance, case_id=case.pk, pool_id=pool.pk, amount=50_000_000,
                              decision_number="31/QĐ-UBND", decision_date=TODAY())
    with pytest.raises(ServiceError) as refused:
        funding.allocation_create(actor=finance, case_id=case.pk, pool_id=pool.pk, amount=10_000_001)
    assert refused.value.message == ("Số tiền vượt phần hỗ trợ của Nhà nước còn thiếu theo định mức "
                                     "(10.000.000 đ của 60.000.000 đ).")
    # The Front's money for the commune is allocated on top, whatever the state support.
    receipt = new_receipt(people, campaign, amount=30_000_000, earmark="commune", commune=unit(HOME).pk)
    front_pool = receipt.pool_entry.pool
    funding.allocation_create(actor=people.actor(people.front), case_id=case.pk, pool_id=front_pool.pk,
                              amount=15_000_000)
    money = selectors.case_money(case)
    assert (money.state, money.community, money.state_missing, money.total_support) == (
        50_000_000, 15_000_000, 10_000_000, 65_000_000)
    # The funding stage's condition checks the state support, not the total.
    options = {o.transition.action: o for o in engine.actions_for(actor=finance, doctype="housing_case", document=case)}
    assert not options["allocate"].allowed
    assert "Chưa phân bổ đủ hỗ trợ của Nhà nước theo định mức" in " ".join(options["allocate"].reasons)
    funding.allocation_create(actor=finance, case_id=case.pk, pool_id=pool.pk, amount=10_000_000)
    with pytest.raises(ServiceError) as refused:
        funding.allocation_create(actor=finance, case_id=case.pk, pool_id=pool.pk, amount=1)
    assert "đã phân bổ đủ định mức (60.000.000 đ)" in refused.value.message
    transition(people, people.finance, case, "allocate")
    case.refresh_from_db()
    assert case.state == "construction"
    assert selectors.case_money(case).total_support == 75_000_000  # 60 + 15 on top


def test_the_front_allocates_only_community_pools(people, campaign):
    case = advance(people, new_case(people, campaign), "funding")
    with pytest.raises(ServiceError) as refused:
        funding.allocation_create(actor=people.actor(people.front), case_id=case.pk,
                                  pool_id=state_pool(people, campaign).pk, amount=1_000)
    assert refused.value.code == ErrorCode.PERMISSION_DENIED
    assert "Chỉ cán bộ tài chính phụ trách cả quỹ và hồ sơ" in refused.value.message


def test_the_40_20_top_up_comes_from_another_source(people, campaign):
    strand = Strand.objects.get(campaign=campaign, code="giam_ngheo")
    case = advance(people, new_case(people, campaign, strand=strand), "funding")
    assert case.support_amount == 40_000_000
    finance = people.actor(people.finance)
    programme = state_pool(people, campaign, source="ntp_poverty")
    province = state_pool(people, campaign, source="provincial")
    funding.allocation_create(actor=finance, case_id=case.pk, pool_id=programme.pk, amount=40_000_000,
                              decision_number="20/QĐ-UBND", decision_date=TODAY())
    assert selectors.topup_for(case).amount == 20_000_000
    with pytest.raises(ServiceError) as refused:
        funding.allocation_create(actor=finance, case_id=case.pk, pool_id=programme.pk, amount=20_000_000, topup=True)
    assert refused.value.message == ("Phần bổ sung phải lấy từ nguồn khác nguồn của chính chương trình "
                                     "(CTMTQG giảm nghèo bền vững).")
    with pytest.raises(ServiceError) as refused:
        funding.allocation_create(actor=finance, case_id=case.pk, pool_id=province.pk, amount=20_000_001, topup=True)
    assert "vượt phần bổ sung còn thiếu (20.000.000 đ" in refused.value.message
    funding.allocation_create(actor=finance, case_id=case.pk, pool_id=province.pk, amount=20_000_000, topup=True)
    money = selectors.case_money(case)
    assert (money.state, money.topup_allocated, money.state_total) == (40_000_000, 20_000_000, 60_000_000)
    transition(people, people.finance, case, "allocate")  # the norm (40) is fully allocated


def test_no_top_up_for_a_house_started_before_2025_or_of_the_campaign_strand(people, campaign):
    from housing_campaign.cases.models import HousingCase

    strand = Strand.objects.get(campaign=campaign, code="giam_ngheo")
    case = advance(people, new_case(people, campaign, strand=strand), "funding")
    HousingCase.objects.filter(pk=case.pk).update(construction_started_on=dt.date(2024, 12, 20))
    case.refresh_from_db()
    topup = selectors.topup_for(case)
    assert topup.amount == 0 and "Chỉ nhà khởi công từ ngày 01/01/2025" in topup.reason and "20/12/2024" in topup.reason
    with pytest.raises(ServiceError) as refused:
        funding.allocation_create(actor=people.actor(people.finance), case_id=case.pk,
                                  pool_id=state_pool(people, campaign, source="provincial").pk, amount=1, topup=True)
    assert refused.value.field == "topup"
    campaign_case = advance(people, new_case(people, campaign), "funding")
    assert "không thuộc diện bổ sung" in selectors.topup_for(campaign_case).reason


def test_the_ethnic_minority_programme_has_its_own_strand_and_norms(campaign):
    strand = Strand.objects.get(campaign=campaign, code="dan_toc")
    assert {(n.support_type, n.amount) for n in strand.norms.all()} == {("new_build", 40_000_000),
                                                                         ("repair", 20_000_000)}
    assert strand.topup_rule.programme_source == "ntp_ethnic"


def test_cancelling_returns_the_money_and_needs_a_reason(people, campaign):
    pool = small_pool(people, campaign, 100_000_000)
    case = advance(people, new_case(people, campaign), "funding")
    finance = people.actor(people.finance)
    allocation = funding.allocation_create(actor=finance, case_id=case.pk, pool_id=pool.pk, amount=30_000_000)
    with pytest.raises(ServiceError) as refused:
        funding.allocation_cancel(actor=finance, allocation_id=allocation.pk, reason="  ")
    assert refused.value.code == ErrorCode.COMMENT_REQUIRED
    funding.allocation_cancel(actor=finance, allocation_id=allocation.pk, reason="Nhầm nguồn")
    pool.refresh_from_db()
    assert pool.allocated == 0 and pool.balance == 100_000_000
    assert PoolEntry.objects.filter(pool=pool, kind="reversal", amount=30_000_000).exists()
    with pytest.raises(ServiceError) as refused:
        funding.allocation_cancel(actor=finance, allocation_id=allocation.pk, reason="lần hai")
    assert refused.value.code == ErrorCode.STALE_STATE


# ---------------------------------------------------------------------------- reconciliation always balances
def test_reconciliation_balances_after_random_operations(people, campaign):
    """Random receipts, allocations (many refused), cancellations and contributions; the report recomputed
    from the ledgers and the allocation records balances, and equals the test's own bookkeeping."""
    rng = random.Random(1207)
    finance = people.actor(people.finance)
    pools = [small_pool(people, campaign, 0, source=s) for s in ("provincial", "savings_5pct", "district")]
    pools[2] = FundingPool.objects.get(pk=pools[2].pk)
    cases = [advance(people, new_case(people, campaign), "funding") for _ in range(4)]
    expected = {p.pk: [0, 0] for p in pools}  # received, allocated
    active: list[Allocation] = []
    refused = 0
    for _ in range(120):
        op = rng.choice(["receive", "allocate", "allocate", "cancel", "bad"])
        pool = rng.choice(pools)
        try:
            if op == "receive":
                amount = rng.randint(1, 40) * 1_000_000
                funding.pool_receive(actor=finance, pool_id=pool.pk, amount=amount, received_on=TODAY(),
                                     reference=f"{rng.randint(1, 99)}/QĐ")
                expected[pool.pk][0] += amount
            elif op == "allocate":
                amount = rng.randint(1, 25) * 1_000_000
                allocation = funding.allocation_create(actor=finance, case_id=rng.choice(cases).pk, pool_id=pool.pk,
                                                       amount=amount)
                expected[pool.pk][1] += amount
                active.append(allocation)
            elif op == "cancel" and active:
                allocation = active.pop(rng.randrange(len(active)))
                funding.allocation_cancel(actor=finance, allocation_id=allocation.pk, reason="Điều chỉnh")
                expected[allocation.pool_id][1] -= allocation.amount
            else:
                funding.allocation_create(actor=finance, case_id=rng.choice(cases).pk, pool_id=pool.pk,
                                          amount=rng.choice(["-1", "0", "abc", 10**16]))
        except ServiceError:
            refused += 1
    report = selectors.reconciliation(FundingPool.objects.filter(pk__in=[p.pk for p in pools]))
    assert report.balances and refused > 10
    for row in report.rows:
        received, allocated = expected[row.pool.pk]
        assert (row.received, row.allocated, row.balance) == (received, allocated, received - allocated)
        assert row.balance >= 0
    assert report.received - report.allocated == report.balance
    print(f"\nreconciliation: {len(report.rows)} pools, received {report.received:,}, allocated "
          f"{report.allocated:,}, balance {report.balance:,}, refused operations {refused}")


def test_figures_for_dashboards_as_of_a_date(people, campaign):
    """What a dashboard or a report reads: the territory's money, optionally as of the end of a day."""
    yesterday = TODAY() - dt.timedelta(days=1)
    actor = people.actor(people.finance)
    pool = funding.pool_create(actor=actor, campaign_id=campaign.pk, source="provincial", unit_id=unit("62").pk)
    funding.pool_receive(actor=actor, pool_id=pool.pk, amount=500_000_000, received_on=yesterday, reference="9/QĐ")
    case = advance(people, new_case(people, campaign), "funding")
    funding.allocation_create(actor=actor, case_id=case.pk, pool_id=pool.pk, amount=60_000_000)
    new_receipt(people, campaign, amount=7_000_000, earmark="case", case=case.code)
    today = selectors.money_figures(unit=unit("62"))
    assert (today.received, today.allocated, today.state_allocated, today.pool_balance) == (
        507_000_000, 67_000_000, 60_000_000, 440_000_000)
    assert today.allocated_by_portion == {"state": 60_000_000, "community": 7_000_000}
    before = selectors.money_figures(unit=unit("62"), as_of=yesterday)
    assert (before.received, before.allocated, before.pool_balance) == (500_000_000, 0, 500_000_000)
    mine = selectors.money_figures(actor=people.actor(people.officer_b))  # another commune: none of it
    assert (mine.received, mine.allocated) == (0, 0)
    from housing_campaign.contributions.selectors import contribution_figures

    gifts = contribution_figures(unit=unit(HOME))
    assert gifts["by_kind"]["cash"]["value"] == 7_000_000 and gifts["received"] == 7_000_000

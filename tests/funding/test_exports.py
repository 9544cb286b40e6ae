"""Excel ledgers per pool and per territory, and the reconciliation report (issue 12)."""
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from housing_campaign.funding import services as funding
from housing_campaign.funding.models import FundingPool
from tests.conftest import HOME, PASSWORD, advance, new_case, new_receipt, state_pool, unit

pytestmark = pytest.mark.django_db


def sheet(response):
    assert response.status_code == 200, response.status_code
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return book.active


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def ledgers(people, campaign):
    pool = state_pool(people, campaign)
    case = advance(people, new_case(people, campaign), "funding")
    funding.allocation_create(actor=people.actor(people.finance), case_id=case.pk, pool_id=pool.pk,
                              amount=60_000_000, decision_number="=HYPERLINK(1)", decision_date=timezone.localdate())
    receipt = new_receipt(people, campaign, amount=25_000_000, earmark="commune", commune=unit(HOME).pk)
    return {"pool": pool, "case": case, "front_pool": receipt.pool_entry.pool}


def test_pool_ledger_runs_to_the_balance(people, ledgers):
    pool = ledgers["pool"]
    ws = sheet(login(people.finance).get(reverse("money:pool_ledger", args=[pool.pk])))
    rows = [row for row in ws.iter_rows(values_only=True)]
    header = rows.index(next(r for r in rows if r and r[0] == "STT"))
    lines = rows[header + 1:]
    assert rows[0][0].startswith("SỔ QUỸ: TIẾT KIỆM 5% CHI THƯỜNG XUYÊN")
    assert [(r[4], r[8], r[9], r[10]) for r in lines] == [
        ("Thu vào quỹ", 10_000_000_000, None, 10_000_000_000),
        ("Phân bổ cho hồ sơ", None, 60_000_000, 9_940_000_000)]
    assert lines[-1][10] == FundingPool.objects.get(pk=pool.pk).balance
    assert lines[1][5] == "=HYPERLINK(1)" and lines[1][7] == ledgers["case"].code  # written as text, not a formula


def test_territory_ledger_is_scoped(people, ledgers):
    ws = sheet(login(people.finance).get(reverse("money:territory_ledger")))
    assert ws.max_row - 3 == 3  # two title rows, the header, three lines (receipt, allocation, Front receipt)
    officer_b = sheet(login(people.officer_b).get(reverse("money:territory_ledger")))
    assert officer_b.max_row == 3  # Đăk Man's officer: no pool of theirs
    commune = sheet(login(people.finance).get(reverse("money:territory_ledger") + f"?unit={unit(HOME).path}"))
    assert commune.max_row - 3 == 1 and commune["B4"].value == "Mặt trận Tổ quốc, Quỹ Vì người nghèo"


def test_reconciliation_report_balances(people, ledgers):
    client = login(people.auditor)
    page = client.get(reverse("money:reconciliation")).content.decode()
    assert "Tất cả cân đối" in page
    ws = sheet(client.get(reverse("money:reconciliation_xlsx")))
    rows = [r for r in ws.iter_rows(values_only=True)][3:]
    assert all(r[8] == "Đúng" for r in rows)
    total = rows[-1]
    assert total[0] == "Tổng cộng" and total[3] - total[4] == total[6] == 10_000_000_000 - 60_000_000 + 25_000_000

"""Demo money (issue 12), walked through the real services like the rest of the demo: the province's and a
district's pools with their budget decisions, the state support of each approved house allocated from
them (the 40/20 houses topped up from the provincial budget), stage inspections with dated, geotagged
photos and the tranches they release, and the Fatherland Front's donors, pledges and receipts of cash,
materials and workdays, some of them allocated to houses of Xã Đăk Blô."""
from __future__ import annotations

import datetime as dt
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from housing_campaign.campaigns.models import Campaign
from housing_campaign.cases.models import HousingCase
from housing_campaign.contributions import services as contributions
from housing_campaign.funding import selectors as money
from housing_campaign.funding import services as funding
from housing_campaign.funding.models import FundingPool
from housing_campaign.geography.models import AdminUnit

# source, unit code, amount received, decision
POOLS = [
    ("ntp_poverty", "62", 9_000_000_000, "1520/QĐ-UBND"),
    ("ntp_ethnic", "62", 3_000_000_000, "1521/QĐ-UBND"),
    ("savings_5pct", "62", 30_000_000_000, "1602/QĐ-UBND"),
    ("provincial", "62", 8_000_000_000, "1603/QĐ-UBND"),
    ("district", "610", 1_500_000_000, "455/QĐ-UBND"),
    ("vbsp_loan", "62", 2_000_000_000, "KH-NHCSXH 2025"),
]
DONORS = [("Tập đoàn Viễn thông Quân đội", "business", "Chi nhánh Kon Tum, 0260 3 868 686"),
          ("Ngân hàng TMCP Công Thương", "business", "Phòng Tổng hợp, 0260 3 862 222"),
          ("Công ty Thủy điện Thượng Kon Tum", "business", "Ông Lê Văn Bảo, 0905 111 222"),
          ("Hội Chữ thập đỏ tỉnh", "organisation", "0260 3 864 000"),
          ("Bộ Chỉ huy Quân sự tỉnh", "organisation", ""),
          ("Đoàn Thanh niên tỉnh", "organisation", "Văn phòng Tỉnh đoàn"),
          ("Ông Nguyễn Văn Minh", "individual", "0914 555 666, tổ 3 phường Quyết Thắng"),
          ("Bà Trần Thị Thu", "individual", "0982 333 444"),
          ("Gia đình ông A Sớ", "household", "Thôn Đăk Xế"),
          ("Công ty CP Cao su Kon Tum", "business", "0260 3 865 050")]
MATERIALS = [("Xi măng PCB40", "bao", 95_000), ("Thép Φ6", "kg", 18_500), ("Tôn lạnh 0,4 mm", "tấm", 125_000),
             ("Gạch đặc", "viên", 1_600), ("Cát xây", "m³", 320_000)]


def geotagged_photo(day: dt.date, latitude: float, longitude: float, rng: random.Random) -> SimpleUploadedFile:
    """A small JPEG as a phone takes it: capture time and GPS in EXIF."""
    from PIL import Image

    def dms(value: float) -> tuple[float, float, float]:
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        return float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 2)

    image = Image.new("RGB", (96, 72), (rng.randint(100, 170), rng.randint(80, 130), rng.randint(50, 90)))
    exif = Image.Exif()
    exif[0x0132] = dt.datetime.combine(day, dt.time(rng.randint(7, 16), rng.randint(0, 59))).strftime(
        "%Y:%m:%d %H:%M:%S")
    exif[0x8825] = {1: "N", 2: dms(latitude), 3: "E", 4: dms(longitude)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=70)
    return SimpleUploadedFile(f"kiem-tra-{day:%Y%m%d}.jpg", buffer.getvalue(), content_type="image/jpeg")


class DemoMoney:
    def __init__(self, *, campaign: Campaign, finance, front, rng: random.Random, today: dt.date):
        self.campaign, self.finance, self.front, self.rng, self.today = campaign, finance, front, rng, today
        self.pools: dict[str, FundingPool] = {}
        self.tranches = list(campaign.tranches.order_by("order"))

    # ------------------------------------------------------------------------ pools
    def seed_pools(self) -> None:
        start = max(self.campaign.starts_on, self.today - dt.timedelta(days=330))
        for source, code, amount, decision in POOLS:
            unit = AdminUnit.objects.get(system="legacy", code=code)
            pool = funding.pool_create(actor=self.finance, campaign_id=self.campaign.pk, source=source, unit_id=unit.pk)
            funding.pool_receive(actor=self.finance, pool_id=pool.pk, amount=amount, received_on=start,
                                 reference=decision, note="Giao vốn hỗ trợ nhà ở")
            self.pools[source] = pool

    # ------------------------------------------------------------------------ a house
    def allocate(self, case: HousingCase, moment: dt.date) -> None:
        """The state support of the case's norm, with its decision; a 40/20 house topped up."""
        decision, norm = f"{self.rng.randint(100, 999)}/QĐ-UBND", case.support_amount
        if case.strand.code == "phong_trao":
            parts = [("savings_5pct", norm * 4 // 5), ("provincial", norm - norm * 4 // 5)]
        else:
            parts = [("ntp_poverty" if case.strand.code == "giam_ngheo" else "ntp_ethnic", norm)]
        for source, amount in parts:
            funding.allocation_create(actor=self.finance, case_id=case.pk, pool_id=self.pools[source].pk,
                                      amount=amount, decision_number=decision, decision_date=moment)
        topup = money.topup_for(case).amount
        if topup:
            funding.allocation_create(actor=self.finance, case_id=case.pk, pool_id=self.pools["provincial"].pk,
                                      amount=topup, topup=True, decision_number=decision, decision_date=moment)
        if self.rng.random() < 0.08:
            funding.allocation_create(actor=self.finance, case_id=case.pk, pool_id=self.pools["vbsp_loan"].pk,
                                      amount=self.rng.choice([20, 30, 40]) * 1_000_000, decision_date=moment,
                                      note="Vay làm nhà ở theo Quyết định 33/2015/QĐ-TTg")

    def inspect(self, case: HousingCase, stage: str, moment: dt.date, inspector, *, release: int | None) -> None:
        commune = case.commune
        latitude = (commune.latitude or 14.70) + self.rng.uniform(-0.02, 0.02)
        longitude = (commune.longitude or 107.90) + self.rng.uniform(-0.02, 0.02)
        day = min(moment, self.today)
        funding.inspection_record(actor=inspector, case_id=case.pk, stage=stage, inspected_on=day, result="passed",
                                  notes="Đúng thiết kế, đủ vật liệu" if stage == "start" else "Nhà đạt 3 cứng",
                                  photos=[geotagged_photo(day, latitude, longitude, self.rng)])
        if release is not None:
            funding.tranche_release(actor=self.finance, case_id=case.pk, tranche_id=self.tranches[release].pk,
                                    released_on=day, reference=f"UNC {self.rng.randint(100, 999)}")

    # ------------------------------------------------------------------------ the Front
    def seed_contributions(self, communes: list[AdminUnit], home: AdminUnit) -> int:
        rng, today = self.rng, self.today
        donors = [contributions.donor_create(actor=self.front, data={"kind": kind, "name": name, "contact": contact})
                  for name, kind, contact in DONORS]
        open_cases = list(HousingCase.objects.filter(stage__in=money.ALLOCATABLE_STAGES, commune=home)
                          .order_by("pk")[:12])
        for donor in donors[:6]:
            contributions.pledge_create(actor=self.front, data={
                "donor": donor.pk, "kind": rng.choice(["cash", "materials"]), "campaign": self.campaign.pk,
                "amount": rng.choice([50, 100, 200]) * 1_000_000, "description": "Cam kết ủng hộ phong trào",
                "pledged_on": today - dt.timedelta(days=rng.randint(90, 200)), "earmark": "general"})
        count = 0
        days = sorted(today - dt.timedelta(days=rng.randint(1, 59)) for _ in range(36))  # numbered by date
        for i in range(36):
            donor = donors[i % len(donors)]
            kind = rng.choices(["cash", "materials", "workdays"], [6, 3, 2])[0]
            earmark = rng.choices(["commune", "general", "case"], [5, 3, 2])[0]
            data = {"donor": donor.pk, "kind": kind, "campaign": self.campaign.pk, "earmark": earmark,
                    "received_on": days[i],
                    "description": "Ủng hộ xây nhà cho hộ nghèo"}
            if earmark == "commune":
                data["commune"] = (home if i % 3 == 0 else rng.choice(communes)).pk
            if earmark == "case":
                if not open_cases:
                    data.update(earmark="commune", commune=home.pk)
                else:
                    data["case"] = rng.choice(open_cases).code
            if kind == "cash":
                data["amount"] = rng.choice([5, 10, 20, 30, 50]) * 1_000_000
            elif kind == "materials":
                item, unit, price = rng.choice(MATERIALS)
                quantity = rng.randint(20, 300)
                data.update(item=item, unit=unit, quantity=str(quantity), amount=quantity * price)
            else:
                data.update(quantity=str(rng.randint(10, 60)), value_per_day=rng.choice([200_000, 250_000, 300_000]))
            contributions.contribution_receive(actor=self.front, data=data)
            count += 1
        # General money of Đăk Blô's Front pool, allocated later to its houses under construction.
        pool = FundingPool.objects.filter(campaign=self.campaign, source="fatherland_front", unit=home).first()
        for case in HousingCase.objects.filter(commune=home, stage="construction").order_by("pk")[:4]:
            pool.refresh_from_db()
            if pool.balance >= 5_000_000:
                funding.allocation_create(actor=self.front, case_id=case.pk, pool_id=pool.pk,
                                          amount=min(pool.balance, 10_000_000), note="Mặt trận xã hỗ trợ thêm")
        return count

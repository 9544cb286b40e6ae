"""Issue 12: the old contribution rows (a promise and a receipt in one row, typed in the admin) become a
donor, a pledge for what was promised, and a receipt for what was received, whose value is put into the
pool of where it went (the earmarked house's commune, the commune, or the province) and allocated to the
earmarked house, so the ledgers start complete. A row with nothing received is only a pledge now.
Legacy receipts get no receipt number (none was issued)."""
from decimal import Decimal

from django.db import migrations

SOURCE_OF_KIND = {"cash": "fatherland_front", "materials": "materials", "workdays": "workdays"}


def _paths(unit):
    if unit.system == "2025":
        return "", unit.path
    current = unit
    while current is not None:
        if current.successor_id:
            return unit.path, current.successor.path
        current = current.parent
    return unit.path, ""


def forward(apps, schema_editor):
    Contribution = apps.get_model("contributions", "Contribution")
    Donor = apps.get_model("contributions", "Donor")
    Pledge = apps.get_model("contributions", "Pledge")
    FundingPool = apps.get_model("funding", "FundingPool")
    PoolEntry = apps.get_model("funding", "PoolEntry")
    Allocation = apps.get_model("funding", "Allocation")
    for row in Contribution.objects.select_related("campaign__province", "commune", "earmarked_case__commune").order_by(
            "id"):
        province = row.campaign.province
        place = row.earmarked_case.commune if row.earmarked_case_id else (row.commune or province)
        legacy, current = _paths(place)
        donor_unit = row.commune or province
        donor_legacy, donor_current = _paths(donor_unit)
        donor, _ = Donor.objects.get_or_create(name=row.donor_name, kind=row.donor_kind, unit=donor_unit,
                                               defaults={"unit_path": donor_legacy, "unit_2025_path": donor_current})
        pledge = None
        if row.pledged_amount > 0:
            pledge = Pledge.objects.create(campaign=row.campaign, donor=donor, kind=row.kind, amount=row.pledged_amount,
                                           description=row.description, pledged_on=row.pledged_on, commune=row.commune,
                                           earmarked_case=row.earmarked_case, front_unit=province, unit_path=legacy,
                                           unit_2025_path=current)
        if row.received_amount <= 0:
            row.nominations.clear()
            row.delete()
            continue
        received_on = row.received_on or row.pledged_on
        pool, _ = FundingPool.objects.get_or_create(campaign=row.campaign, source=SOURCE_OF_KIND[row.kind], unit=place,
                                                    defaults={"unit_path": legacy, "unit_2025_path": current})
        pool.received += row.received_amount
        entry = PoolEntry.objects.create(pool=pool, kind="receipt", origin="contribution", amount=row.received_amount,
                                         balance_after=pool.received - pool.allocated, on_date=received_on,
                                         note=f"{row.donor_name} (chuyển từ dữ liệu cũ)")
        allocation = None
        if row.earmarked_case_id:
            allocation = Allocation.objects.create(case=row.earmarked_case, pool=pool, source=pool.source,
                                                   portion="community", amount=row.received_amount,
                                                   decision_date=received_on,
                                                   note=f"Đóng góp chỉ định của {row.donor_name} (dữ liệu cũ)")
            pool.allocated += row.received_amount
            PoolEntry.objects.create(pool=pool, kind="allocation", amount=row.received_amount,
                                     balance_after=pool.received - pool.allocated, on_date=received_on,
                                     note=f"Phân bổ cho hồ sơ {row.earmarked_case.code}", allocation=allocation,
                                     case=row.earmarked_case)
        pool.save(update_fields=["received", "allocated"])
        if row.kind != "cash" and not (row.quantity and row.quantity > 0):
            row.quantity = Decimal(1)
        row.donor, row.pledge, row.received_on, row.front_unit = donor, pledge, received_on, province
        row.unit_path, row.unit_2025_path, row.pool_entry, row.allocation = legacy, current, entry, allocation
        row.save()


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0003_donors_pledges_receipts"),
        ("commendations", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

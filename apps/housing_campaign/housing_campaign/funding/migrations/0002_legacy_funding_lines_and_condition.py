"""Issue 12: money from pools.

1. The stored version 1 of the housing case workflow gets the funding condition of
   ``workflows/housing_case.yaml`` (the state support of the norm fully allocated, not everything
   fitting under it), so that the stored version still matches its file (as workflow/0002 does for
   ``kind``). A version 1 whose condition an administrator changed is left as it is.
2. Each funding line of the old list becomes an allocation drawn from the pool of its source at the
   campaign's province, with a receipt of the same amount marked "chuyển từ dữ liệu phân bổ cũ", so the
   ledger stays complete and no pool goes below zero. ``cases/0003`` then removes the old table.
"""
from django.db import migrations

OLD_CONDITION = 'funded_total >= support_amount and approval_decision_number != ""'
NEW_CONDITION = 'state_support_allocated >= support_amount and approval_decision_number != ""'
NEW_MESSAGE = "Chưa phân bổ đủ hỗ trợ của Nhà nước theo định mức hoặc chưa có số quyết định phê duyệt."
NEW_MESSAGE_EN = ("The state support of the norm is not fully allocated, or there is no approval decision number "
                  "yet.")
STATE = {"ntp_poverty", "ntp_ethnic", "savings_5pct", "provincial", "district"}
COMMUNITY = {"fatherland_front", "sponsor", "materials", "workdays"}


def condition_forward(apps, schema_editor):
    transition = apps.get_model("workflow", "WorkflowTransition")
    transition.objects.filter(definition__doctype="housing_case", definition__version=1, source="funding",
                              action="allocate", condition=OLD_CONDITION).update(
        condition=NEW_CONDITION, condition_message=NEW_MESSAGE, condition_message_en=NEW_MESSAGE_EN)


def condition_backward(apps, schema_editor):
    transition = apps.get_model("workflow", "WorkflowTransition")
    transition.objects.filter(definition__doctype="housing_case", definition__version=1, source="funding",
                              action="allocate", condition=NEW_CONDITION).update(
        condition=OLD_CONDITION,
        condition_message="Chưa phân bổ đủ mức hỗ trợ hoặc chưa có số quyết định phê duyệt.",
        condition_message_en="The support amount is not fully allocated, or there is no approval decision number yet.")


def _paths(unit):
    current = unit
    while current is not None:
        if current.successor_id:
            return unit.path, current.successor.path
        current = current.parent
    return unit.path, ""


def lines_forward(apps, schema_editor):
    FundingLine = apps.get_model("cases", "FundingLine")
    FundingPool = apps.get_model("funding", "FundingPool")
    PoolEntry = apps.get_model("funding", "PoolEntry")
    Allocation = apps.get_model("funding", "Allocation")
    for line in FundingLine.objects.select_related("case__campaign__province").order_by("id").iterator():
        case = line.case
        province = case.campaign.province
        legacy, current = _paths(province)
        pool, _ = FundingPool.objects.get_or_create(campaign=case.campaign, source=line.source, unit=province,
                                                    defaults={"unit_path": legacy, "unit_2025_path": current})
        on_date = line.decision_date or line.created_at.date()
        pool.received += line.amount
        PoolEntry.objects.create(pool=pool, kind="receipt", origin="legacy", amount=line.amount,
                                 balance_after=pool.received - pool.allocated, on_date=on_date,
                                 reference=line.decision_number, note=f"Chuyển từ dữ liệu phân bổ cũ ({case.code})",
                                 created_by_id=line.created_by_id)
        portion = "state" if line.source in STATE else "community" if line.source in COMMUNITY else "household"
        allocation = Allocation.objects.create(case=case, pool=pool, source=line.source, portion=portion,
                                               amount=line.amount, decision_number=line.decision_number,
                                               decision_date=line.decision_date, created_by_id=line.created_by_id,
                                               note="Chuyển từ dữ liệu phân bổ cũ")
        Allocation.objects.filter(pk=allocation.pk).update(created_at=line.created_at)
        pool.allocated += line.amount
        pool.save(update_fields=["received", "allocated"])
        PoolEntry.objects.create(pool=pool, kind="allocation", amount=line.amount,
                                 balance_after=pool.received - pool.allocated, on_date=on_date,
                                 reference=line.decision_number, note=f"Phân bổ cho hồ sơ {case.code}",
                                 allocation=allocation, case=case, created_by_id=line.created_by_id)


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0001_initial"),
        ("cases", "0002_alter_fundingline_funding_amount_positive_and_more"),
        ("workflow", "0004_i18n_labels"),
    ]

    operations = [
        migrations.RunPython(condition_forward, condition_backward),
        migrations.RunPython(lines_forward, migrations.RunPython.noop),
    ]

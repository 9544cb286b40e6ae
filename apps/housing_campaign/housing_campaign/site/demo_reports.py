"""Demo targets (issue 14), laid over the demo's cases so the figures read like a campaign under way: each
demo commune's target is at least its cases still in the campaign (some communes well behind it; two, whose
houses were finished before the 2025 deadlines, exactly those houses: they met their target on time), each
district's and the province's the sum over their communes plus the communes the demo leaves empty; one
district (Đắk Glei) split by category; a few 2025 communes, whose targets sum their legacy parts."""
from __future__ import annotations

from collections import Counter, defaultdict

from housing_campaign.campaigns.models import Campaign
from housing_campaign.cases.models import HousingCase
from housing_campaign.geography.models import AdminUnit
from housing_campaign.reports.models import Target

BEHIND = {"23311", "23386", "23430", "23485"}  # communes whose target is well above their cases
CLOSED_STATES = ("rejected", "withdrawn")
FINISHED_STATES = ("handover", "posting", "closed")  # the house is built (milestone "finished" reached)
NOTE = "Kế hoạch ngày 22/7/2024 (dữ liệu mẫu)"


def seed_targets(campaign: Campaign, communes: list[AdminUnit], district_code: str, *,
                 finished_early: tuple[str, ...] = ()) -> int:
    """Create the demo's targets (deterministic: computed from the demo's cases). Returns how many.
    ``finished_early``: codes of communes whose target is the houses they finished (before the deadlines: the
    demo's houses surveyed after them are beyond it)."""
    cases = Counter()
    finished = Counter()
    by_category: dict[str, Counter] = defaultdict(Counter)
    for commune_id, category, state in HousingCase.objects.filter(campaign=campaign).exclude(
            state__in=CLOSED_STATES).values_list("commune_id", "household__category", "state"):
        cases[commune_id] += 1
        finished[commune_id] += state in FINISHED_STATES
        by_category[commune_id][category] += 1
    targets: list[Target] = []
    commune_target: dict[int, int] = {}
    for commune in communes:
        n = cases[commune.pk]
        commune_target[commune.pk] = n + (12 if commune.code in BEHIND else 2 + commune.pk % 3)
        if commune.code in finished_early and finished[commune.pk]:
            commune_target[commune.pk] = finished[commune.pk]
        targets.append(Target(campaign=campaign, unit=commune, unit_path=commune.path,
                              houses=commune_target[commune.pk], note=NOTE))
    districts: dict[int, AdminUnit] = {c.parent_id: c.parent for c in communes}
    for district in districts.values():
        inside = sum(v for k, v in commune_target.items() if any(c.pk == k and c.parent_id == district.pk
                                                                   for c in communes))
        targets.append(Target(campaign=campaign, unit=district, unit_path=district.path, houses=inside + 10,
                              note=NOTE))
    home_district = next(d for d in districts.values() if d.code == district_code)
    split = Counter()
    for commune in communes:
        if commune.parent_id == home_district.pk:
            split.update(by_category[commune.pk])
    for category, n in sorted(split.items()):
        targets.append(Target(campaign=campaign, unit=home_district, unit_path=home_district.path,
                              category=category, houses=n + 2, note=NOTE))
    province = campaign.province
    targets.append(Target(campaign=campaign, unit=province, unit_path=province.path,
                          houses=sum(t.houses for t in targets if t.unit.level == "district") + 40, note=NOTE))
    # 2025 communes: the successors of the home district's communes (Đăk Plô gathers three of them) and of
    # the communes behind.
    successors: dict[int, AdminUnit] = {}
    for commune in communes:
        if commune.successor_id and (commune.parent_id == home_district.pk or commune.code in BEHIND):
            successors[commune.successor_id] = commune.successor
    for successor in successors.values():
        parts = AdminUnit.objects.filter(successor=successor).values_list("pk", flat=True)
        houses = sum(commune_target.get(pk, 0) for pk in parts)
        targets.append(Target(campaign=campaign, unit=successor, unit_path=successor.path, houses=houses,
                              note="Theo đơn vị hành chính từ 01/07/2025 (dữ liệu mẫu)"))
    Target.objects.bulk_create(targets)
    return len(targets)

"""Eligibility rules of Circular 01/2022/TT-BXD and Decision 55/QĐ-BXD, thresholds per campaign.

Each rule reports pass/fail with its reason in Vietnamese, so the reviewer sees why.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from housing_campaign.campaigns.models import Category


def _num(value: Decimal | float | int) -> str:
    d = Decimal(str(value)).quantize(Decimal("0.1")).normalize()
    return f"{d:f}".replace(".", ",")


def _years_between(start: dt.date, end: dt.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def evaluate_case(*, campaign, household, floor_area, persons: int, foundation: str, frame_walls: str, roof: str,
                  remaining_lifespan_years: int | None, on: dt.date) -> list[dict]:
    """Return one dict per rule: {code, label, passed, reason}."""
    results = []

    def add(code, label, passed, reason):
        results.append({"code": code, "label": label, "passed": bool(passed), "reason": reason})

    admitted = campaign.admitted_categories or [Category.POOR, Category.NEAR_POOR]
    category_label = Category(household.category).label if household.category in Category.values else household.category
    add("category", "Đối tượng được hỗ trợ", household.category in admitted,
        f"{category_label} {'thuộc' if household.category in admitted else 'không thuộc'} đối tượng của chương trình")

    if household.split_on:
        years = _years_between(household.split_on, on)
        ok = years >= campaign.min_years_split
        add("split", "Thời gian tách hộ", ok,
            f"Tách hộ {years} năm {'≥' if ok else '<'} {campaign.min_years_split} năm")
    else:
        add("split", "Thời gian tách hộ", True, "Hộ không tách từ hộ khác")

    add("no_earlier_support", "Chưa được hỗ trợ nhà ở", not household.earlier_support,
        "Đã được hỗ trợ nhà ở trước đây" if household.earlier_support else "Chưa được hỗ trợ nhà ở trước đây")

    land_ok = household.land_status == "undisputed"
    add("land", "Đất ở không tranh chấp", land_ok,
        "Nhà trên đất ở hợp pháp, không tranh chấp" if land_ok else "Đất ở đang tranh chấp hoặc không có đất ở")

    area = Decimal(str(floor_area))
    persons = int(persons)
    if persons <= 1:
        small = area < campaign.min_area_single
        area_reason = f"Diện tích {_num(area)} m² {'<' if small else '≥'} {_num(campaign.min_area_single)} m² (1 người)"
    else:
        per_person = area / persons
        small = area < campaign.min_area_family and per_person < campaign.min_area_per_person
        area_reason = (f"Diện tích {_num(area)} m² {'<' if area < campaign.min_area_family else '≥'} "
                       f"{_num(campaign.min_area_family)} m² và {_num(per_person)} m²/người "
                       f"{'<' if per_person < campaign.min_area_per_person else '≥'} "
                       f"{_num(campaign.min_area_per_person)} m²/người")
    unstable = sum(1 for part in (foundation, frame_walls, roof) if part == "unstable")
    parts_bad = unstable >= campaign.min_unstable_parts
    parts_reason = f"{unstable}/3 bộ phận chính (nền móng, khung tường, mái) không bền vững"
    short_life = remaining_lifespan_years is not None and remaining_lifespan_years < campaign.short_lifespan_years
    life_reason = ("Chưa đánh giá niên hạn còn lại" if remaining_lifespan_years is None else
                   f"Niên hạn còn lại {remaining_lifespan_years} năm "
                   f"{'<' if short_life else '≥'} {campaign.short_lifespan_years} năm")
    add("house_area", "Diện tích nhà chật hẹp", small, area_reason)
    add("house_parts", "Bộ phận chính không bền vững", parts_bad, parts_reason)
    add("house_lifespan", "Niên hạn sử dụng còn lại ngắn", short_life, life_reason)
    return results


HOUSE_RULES = {"house_area", "house_parts", "house_lifespan"}


def overall(results: list[dict]) -> bool:
    """Eligible when every household rule passes and the house meets any one of the house rules."""
    household_ok = all(r["passed"] for r in results if r["code"] not in HOUSE_RULES)
    house_ok = any(r["passed"] for r in results if r["code"] in HOUSE_RULES)
    return household_ok and house_ok

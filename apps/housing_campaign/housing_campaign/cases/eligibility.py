"""Eligibility rules of Circular 01/2022/TT-BXD and Decision 55/QĐ-BXD, thresholds per campaign.

Each rule reports pass/fail with its reason, so the reviewer sees why, in the language they chose.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_noop

from housing_campaign.campaigns.models import Category
from housing_campaign.core.i18n import message, msgid, render_message, translate_stored


def _num(value: Decimal | float | int) -> str:
    d = Decimal(str(value)).quantize(Decimal("0.1")).normalize()
    return f"{d:f}".replace(".", ",")


def _n(value: Decimal | float | int) -> dict:
    """A number as a message parameter: 16,5 in Vietnamese, 16.5 in English."""
    return {"num": f"{Decimal(str(value)).quantize(Decimal('0.1')).normalize():f}"}


def _cmp(below: bool) -> str:
    return "<" if below else "≥"


def _years_between(start: dt.date, end: dt.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def evaluate_case(*, campaign, household, floor_area, persons: int, foundation: str, frame_walls: str, roof: str,
                  remaining_lifespan_years: int | None, on: dt.date) -> list[dict]:
    """Return one dict per rule: {code, label, passed, reason, message}.

    The result is stored on the case and read later in the reader's language: ``label`` is a msgid,
    ``message`` the reason as a stored message (core/i18n.py); ``reason`` keeps its Vietnamese text."""
    results = []

    def add(code, label, passed, reason: dict):
        results.append({"code": code, "label": label, "passed": bool(passed),
                        "reason": render_message(reason, source=True), "message": reason})

    admitted = campaign.admitted_categories or [Category.POOR, Category.NEAR_POOR]
    category = ({"msg": msgid(Category(household.category).label)} if household.category in Category.values
                else household.category)
    inside = household.category in admitted
    add("category", gettext_noop("Đối tượng được hỗ trợ"), inside,
        message(gettext_noop("%(category)s thuộc đối tượng của chương trình") if inside else
                gettext_noop("%(category)s không thuộc đối tượng của chương trình"), category=category))

    if household.split_on:
        years = _years_between(household.split_on, on)
        ok = years >= campaign.min_years_split
        add("split", gettext_noop("Thời gian tách hộ"), ok,
            message(gettext_noop("Tách hộ %(years)s năm %(cmp)s %(min)s năm"), years=years, cmp=_cmp(not ok),
                    min=campaign.min_years_split))
    else:
        add("split", gettext_noop("Thời gian tách hộ"), True, message(gettext_noop("Hộ không tách từ hộ khác")))

    add("no_earlier_support", gettext_noop("Chưa được hỗ trợ nhà ở"), not household.earlier_support,
        message(gettext_noop("Đã được hỗ trợ nhà ở trước đây")) if household.earlier_support else
        message(gettext_noop("Chưa được hỗ trợ nhà ở trước đây")))

    land_ok = household.land_status == "undisputed"
    add("land", gettext_noop("Đất ở không tranh chấp"), land_ok,
        message(gettext_noop("Nhà trên đất ở hợp pháp, không tranh chấp")) if land_ok else
        message(gettext_noop("Đất ở đang tranh chấp hoặc không có đất ở")))

    area = Decimal(str(floor_area))
    persons = int(persons)
    if persons <= 1:
        small = area < campaign.min_area_single
        area_reason = message(gettext_noop("Diện tích %(area)s m² %(cmp)s %(min)s m² (1 người)"), area=_n(area),
                              cmp=_cmp(small), min=_n(campaign.min_area_single))
    else:
        per_person = area / persons
        small = area < campaign.min_area_family and per_person < campaign.min_area_per_person
        area_reason = message(
            gettext_noop("Diện tích %(area)s m² %(cmp)s %(min)s m² và %(per_person)s m²/người %(cmp_per_person)s "
                         "%(min_per_person)s m²/người"),
            area=_n(area), cmp=_cmp(area < campaign.min_area_family), min=_n(campaign.min_area_family),
            per_person=_n(per_person), cmp_per_person=_cmp(per_person < campaign.min_area_per_person),
            min_per_person=_n(campaign.min_area_per_person))
    unstable = sum(1 for part in (foundation, frame_walls, roof) if part == "unstable")
    parts_bad = unstable >= campaign.min_unstable_parts
    parts_reason = message(gettext_noop("%(unstable)s/3 bộ phận chính (nền móng, khung tường, mái) không bền vững"),
                           unstable=unstable)
    short_life = remaining_lifespan_years is not None and remaining_lifespan_years < campaign.short_lifespan_years
    life_reason = (message(gettext_noop("Chưa đánh giá niên hạn còn lại")) if remaining_lifespan_years is None else
                   message(gettext_noop("Niên hạn còn lại %(years)s năm %(cmp)s %(min)s năm"),
                           years=remaining_lifespan_years, cmp=_cmp(short_life), min=campaign.short_lifespan_years))
    add("house_area", gettext_noop("Diện tích nhà chật hẹp"), small, area_reason)
    add("house_parts", gettext_noop("Bộ phận chính không bền vững"), parts_bad, parts_reason)
    add("house_lifespan", gettext_noop("Niên hạn sử dụng còn lại ngắn"), short_life, life_reason)
    return results


def eligibility_display(results: list[dict] | None) -> list[dict]:
    """The stored results as the reader reads them: label and reason in the active language (results
    stored before reasons were messages show their Vietnamese reason, translated when it has no number)."""
    shown = []
    for result in results or []:
        reason = (render_message(result["message"]) if result.get("message")
                  else translate_stored(result.get("reason", "")))
        shown.append({**result, "label": translate_stored(result.get("label", "")), "reason": reason})
    return shown


HOUSE_RULES = {"house_area", "house_parts", "house_lifespan"}


def overall(results: list[dict]) -> bool:
    """Eligible when every household rule passes and the house meets any one of the house rules."""
    household_ok = all(r["passed"] for r in results if r["code"] not in HOUSE_RULES)
    house_ok = any(r["passed"] for r in results if r["code"] in HOUSE_RULES)
    return household_ok and house_ok

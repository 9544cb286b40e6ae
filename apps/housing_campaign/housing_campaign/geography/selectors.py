"""Reading administrative units the way documents name them: which unit is in force on a date (the
legacy three tiers until 30/06/2025, the 2025 two tiers from 01/07/2025), a unit's name inside a
sentence ("xã Đăk Blô") and the place name of the place-and-date line (Decree 30/2020/NĐ-CP)."""
from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext

from .models import AdminUnit

# The day the 2025 reorganisation took effect: the district level is gone and legacy communes are merged
# into the 2025 communes (AdminUnit.successor).
REORGANISED_ON = dt.date(2025, 7, 1)

# Unit-type words a unit's official name starts with, longest first ("Thành phố" before "Thị").
_TYPE_WORDS = ("Thành phố ", "Thị trấn ", "Thị xã ", "Đặc khu ", "Phường ", "Huyện ", "Quận ", "Tỉnh ", "Xã ")


def in_force_system(on: dt.date) -> str:
    """The unit system in force on ``on``."""
    return AdminUnit.System.CURRENT if on >= REORGANISED_ON else AdminUnit.System.LEGACY


def in_text(name: str) -> str:
    """"Huyện Đắk Glei" as written inside a sentence: "huyện Đắk Glei" (the unit-type word lower-case,
    the proper name as it is)."""
    for word in _TYPE_WORDS:
        if name.startswith(word):
            return word.lower() + name[len(word):]
    return name


def place_name(unit: AdminUnit) -> str:
    """The place of the place-and-date line: the proper name of the unit where the issuing body sits
    ("Đăk Blô", "Đắk Glei", "Kon Tum"); a unit named by a number keeps its type word ("Phường 1")."""
    short = (unit.short_name or "").strip()
    if not short or short[0].isdigit():
        return unit.name
    return short


def legacy_province_successor(province: AdminUnit) -> AdminUnit | None:
    """The 2025 province most of a legacy province's communes were merged into."""
    from django.db.models import Count

    row = (AdminUnit.objects.filter(system=AdminUnit.System.LEGACY, level=AdminUnit.Level.COMMUNE,
                                    path__startswith=province.path, successor__isnull=False)
           .values("successor__parent").annotate(n=Count("id")).order_by("-n").first())
    return AdminUnit.objects.filter(pk=row["successor__parent"]).first() if row else None


def unit_in_force(unit: AdminUnit, on: dt.date) -> tuple[AdminUnit, str]:
    """The unit that exists on ``on`` for ``unit``, and a note ("" when it is ``unit`` itself or its plain
    successor). Until 30/06/2025 a legacy unit is itself; from 01/07/2025 a legacy commune is the 2025
    commune it was merged into, a legacy province the 2025 province, and a legacy district (the level is
    gone) the 2025 province that took over its territory. A 2025 unit is itself on any date (no unique
    predecessor), with a note when the date is before it existed."""
    if unit.system == AdminUnit.System.CURRENT:
        note = "" if on >= REORGANISED_ON else gettext(
            "%(unit)s được thành lập từ ngày %(start)s, sau ngày của văn bản (%(date)s).") % {
            "unit": unit.name, "start": f"{REORGANISED_ON:%d/%m/%Y}", "date": f"{on:%d/%m/%Y}"}
        return unit, note
    if on < REORGANISED_ON:
        return unit, ""
    if unit.level == AdminUnit.Level.COMMUNE:
        if unit.successor_id:
            return unit.successor, ""
        return unit, _no_successor(unit)
    province = unit if unit.level == AdminUnit.Level.PROVINCE else unit.parent
    successor = legacy_province_successor(province) if province else None
    if successor is None:
        return unit, _no_successor(unit)
    if unit.level == AdminUnit.Level.DISTRICT:
        return successor, gettext("%(unit)s không còn từ ngày %(start)s (bỏ cấp huyện); văn bản do cấp "
                                  "%(successor)s ban hành.") % {
            "unit": unit.name, "start": f"{REORGANISED_ON:%d/%m/%Y}", "successor": in_text(successor.name)}
    return successor, ""


def _no_successor(unit: AdminUnit) -> str:
    return gettext("%(unit)s chưa có đơn vị kế thừa từ ngày %(start)s trong dữ liệu.") % {
        "unit": unit.name, "start": f"{REORGANISED_ON:%d/%m/%Y}"}

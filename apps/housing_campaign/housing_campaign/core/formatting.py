"""Vietnamese presentation of money, dates and amounts in words, shared by pages and print formats."""
from __future__ import annotations

import datetime as dt

from num2words import num2words


def format_vnd(amount: int | None, suffix: bool = True) -> str:
    """60000000 -> '60.000.000 đ'. Money is always whole đồng (integers)."""
    if amount is None:
        return ""
    text = f"{int(amount):,}".replace(",", ".")
    return f"{text} đ" if suffix else text


def format_number(value, decimals: int = 2) -> str:
    """36.0 -> '36', 12.5 -> '12,5', 1234.56 -> '1.234,56' (Vietnamese separators)."""
    if value is None:
        return ""
    text = f"{float(value):,.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def format_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def amount_in_words(amount: int) -> str:
    """60000000 -> 'Sáu mươi triệu đồng'."""
    amount = int(amount)
    if amount == 0:
        return "Không đồng"
    words = num2words(amount, lang="vi").strip()
    words = " ".join(words.split())
    return words[:1].upper() + words[1:] + " đồng"


def date_in_words(value: dt.date) -> str:
    """Place-and-date line of Decree 30/2020: 'ngày 05 tháng 3 năm 2025' (day and month < 3 padded)."""
    day = f"{value.day:02d}" if value.day < 10 else str(value.day)
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {day} tháng {month} năm {value.year}"


def mask_name(full_name: str) -> str:
    """'Y Nhàn Kbuôr' -> 'Y N*** K***': public pages show initials only past the first word."""
    parts = full_name.split()
    if not parts:
        return ""
    masked = [parts[0]] + [p[0] + "***" for p in parts[1:]]
    return " ".join(masked)


def person_name(user) -> str:
    """A user's name in Vietnamese order, family name first ("Nguyễn Văn Tuấn"): Django's get_full_name()
    puts the given name first. The username when no name is recorded."""
    if user is None:
        return ""
    name = " ".join(part for part in (user.last_name.strip(), user.first_name.strip()) if part)
    return name or user.get_username()

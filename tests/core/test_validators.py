"""core.validators: the one place where typed numbers, IDs, dates, text and uploads are read."""
import datetime as dt
import io
import struct
import zlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from housing_campaign.core import validators as v
from housing_campaign.core.validators import InputError

FULL_WIDTH_ID = "０６２１８５１２３４５６"
ARABIC_INDIC_ID = "٠٦٢١٨٥١٢٣٤٥٦"


# ---------------------------------------------------------------------------- CCCD
def test_national_id_full_width_digits_become_ascii():
    assert v.parse_national_id(FULL_WIDTH_ID) == "062185123456"
    assert v.parse_national_id(" 0621 8512 3456 ") == "062185123456"
    assert v.parse_national_id("") == ""


@pytest.mark.parametrize("value", [ARABIC_INDIC_ID, "০৬২১৮৫১২৩৪৫৬", "06218512345a", "06218512345٣"])
def test_national_id_other_digits_refused(value):
    with pytest.raises(InputError) as exc:
        v.parse_national_id(value)
    assert exc.value.message.startswith("Số CCCD phải gồm đúng 12 chữ số")
    with pytest.raises(ValidationError):
        v.validate_national_id(value)


def test_national_id_length_reported():
    with pytest.raises(InputError) as exc:
        v.parse_national_id("06218512345")
    assert "11 ký tự" in exc.value.message


# ---------------------------------------------------------------------------- numbers
@pytest.mark.parametrize("text", ["NaN", "nan", "sNaN", "Infinity", "-inf", "1e5", "1E400", "0x10", "1_000",
                                  "١٢", "--1", "1.2.3", "", "   "])
def test_decimal_refuses_what_is_not_a_plain_number(text):
    with pytest.raises(InputError):
        v.parse_decimal(text, "Diện tích")


@pytest.mark.parametrize("text, expected", [("14,5", Decimal("14.50")), ("14.5", Decimal("14.50")),
                                            ("１４,５", Decimal("14.50")), (" 7 ", Decimal("7.00")),
                                            ("2.345", Decimal("2.35")), (Decimal("3"), Decimal("3.00"))])
def test_decimal_reads_what_people_type(text, expected):
    assert v.parse_decimal(text, "Diện tích") == expected


def test_decimal_bounded_by_the_column_and_the_caller():
    assert v.parse_decimal("99999.99", "Diện tích", max_digits=7) == Decimal("99999.99")
    with pytest.raises(InputError) as exc:
        v.parse_decimal("100000", "Diện tích", max_digits=7)
    assert exc.value.message == "Diện tích quá lớn (100000)."
    with pytest.raises(InputError):
        v.parse_decimal("9" * 39, "Diện tích")
    with pytest.raises(InputError):
        v.parse_decimal(float("nan"), "Diện tích")
    with pytest.raises(InputError) as exc:
        v.parse_decimal("-1", "Diện tích", minimum=0)
    assert "không được nhỏ hơn 0" in exc.value.message


@pytest.mark.parametrize("text", ["1e3", "1.5", "١٢", "1_000", "abc", "9" * 41])
def test_int_refuses_non_ascii_digits_and_notation(text):
    with pytest.raises(InputError):
        v.parse_int(text, "Số người")


def test_int_bounded_to_the_database_range_by_default():
    assert v.parse_int("１２", "Số người") == 12
    assert v.parse_int("1\x002", "Số người") == 12  # control characters are noise, never a server error
    assert v.parse_int(str(v.INT_MAX), "Số") == v.INT_MAX
    with pytest.raises(InputError) as exc:
        v.parse_int(str(v.INT_MAX + 1), "Số")
    assert "không được quá 2147483647" in exc.value.message
    assert v.parse_int("", "Số", required=False) is None
    with pytest.raises(InputError) as exc:
        v.parse_int("", "Số người")
    assert exc.value.message == "Chưa nhập số người."


# ---------------------------------------------------------------------------- dates
def test_dates_within_a_plausible_window():
    today = timezone.localdate()
    assert v.parse_date("02/01/2025", "Ngày rà soát") == dt.date(2025, 1, 2)
    assert v.parse_date("2025-01-02", "Ngày rà soát") == dt.date(2025, 1, 2)
    with pytest.raises(InputError) as exc:
        v.parse_date("01/01/0001", "Ngày rà soát")
    assert exc.value.message == "Ngày rà soát không được trước ngày 01/01/2000 (đang nhập 01/01/0001)."
    with pytest.raises(InputError) as exc:
        v.parse_date(today + dt.timedelta(days=1), "Ngày rà soát")
    assert exc.value.message == "Ngày rà soát không được sau ngày hôm nay."
    assert v.parse_date("01/01/1950", "Ngày sinh", earliest=v.EARLIEST_LIFE_DATE) == dt.date(1950, 1, 1)
    assert v.parse_date("01/01/2030", "Ngày hẹn", allow_future=True) == dt.date(2030, 1, 1)
    for bad in ("31/13/2025", "٠١/٠١/٢٠٢٥", "01/01/20251", "tomorrow"):
        with pytest.raises(InputError):
            v.parse_date(bad, "Ngày rà soát")


# ---------------------------------------------------------------------------- query parameters
@pytest.mark.parametrize("value", ["", "0", "-1", "1" * 25, "9223372036854775808", "١٢", "²", "1e3", " 1", None,
                                   ["1"], True, 10**30])
def test_query_id_never_raises_and_refuses_what_is_not_an_id(value):
    assert v.query_id(value) is None


def test_query_ids_and_ints():
    assert v.query_id("9223372036854775807") == v.ID_MAX
    assert v.query_ids(["3", "1", "3", "x", "1" * 25, " 2 "]) == ([3, 1, 2], 2)
    assert v.query_int("abc", 50) == 50
    assert v.query_int("7" * 5000, 50) == 50
    assert v.query_int("20", 50) == 20
    assert v.query_int("-5", 0, minimum=0) == 0


def test_query_text_drops_nul_and_controls():
    assert v.query_text("Y\x00 Hoa\r\n") == "Y Hoa"
    assert v.query_text(["x"]) == ""
    assert v.query_text("a" * 500, max_length=10) == "a" * 10
    assert v.normalize_text("dòng 1\ndòng 2\x00", multiline=True) == "dòng 1\ndòng 2"


# ---------------------------------------------------------------------------- uploads
def png_of_size(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of any size, built without holding its pixels in memory."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row) for _ in range(height)]
    idat = b"".join(parts) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def small_jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, format="JPEG")
    return buffer.getvalue()


def small_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


MB = 10 * 1024 * 1024


def test_decompression_bomb_refused_from_the_header():
    bomb = png_of_size(20000, 20000)
    assert len(bomb) < 200_000
    with pytest.raises(InputError) as exc:
        v.upload_inspect(bomb, "bom.png", max_bytes=MB)
    assert exc.value.message.startswith("Ảnh “bom.png” quá lớn")


def test_image_over_the_pixel_limit_refused():
    with pytest.raises(InputError) as exc:
        v.upload_inspect(png_of_size(12000, 12000), "lon.png", max_bytes=MB)
    assert "tối đa 50 triệu điểm ảnh" in exc.value.message


def test_pillow_warning_zone_and_side_limit_refused():
    with pytest.raises(InputError) as exc:  # 64 MP: Pillow only warns here; the warning is a refusal
        v.upload_inspect(png_of_size(8000, 8000), "rong.png", max_bytes=MB)
    assert "quá lớn" in exc.value.message
    with pytest.raises(InputError) as exc:  # few pixels, absurd side: checked on the header
        v.upload_inspect(png_of_size(13000, 10), "dai.png", max_bytes=MB)
    assert exc.value.message.startswith("Ảnh “dai.png” quá lớn (13000×10 điểm ảnh)")


def test_real_images_and_pdfs_accepted_by_content():
    found = v.upload_inspect(small_jpeg(), "anh.pdf", max_bytes=MB)
    assert found["content_type"] == "image/jpeg" and found["extension"] == ".jpg"
    found["image"].close()
    found = v.upload_inspect(png_of_size(2000, 1500), "anh.png", max_bytes=MB)
    assert found["content_type"] == "image/png" and found["size"] == (2000, 1500)
    found["image"].close()
    found = v.upload_inspect(small_pdf(), "bien-ban.jpg", max_bytes=MB)
    assert found["content_type"] == "application/pdf" and found["pages"] == 1


@pytest.mark.parametrize("data", [b"%PDF-1.7\n<script>alert(1)</script>", b"%PDF-" + b"\x00" * 100,
                                  b"<html><body>hi</body></html>", b"GIF89a" + b"\x00" * 20])
def test_fake_or_disallowed_content_refused(data):
    with pytest.raises(InputError) as exc:
        v.upload_inspect(data, "tep.pdf", max_bytes=MB)
    assert "không phải" in exc.value.message


def test_truncated_image_refused():
    data = small_jpeg()
    with pytest.raises(InputError) as exc:
        v.upload_inspect(data[: len(data) // 2], "hong.jpg", max_bytes=MB)
    assert "ảnh hỏng" in exc.value.message or "không phải" in exc.value.message


def test_pdf_refused_where_only_photos_are_allowed():
    with pytest.raises(InputError) as exc:
        v.upload_inspect(small_pdf(), "anh.jpg", max_bytes=MB, images_only=True)
    assert "không phải ảnh JPEG, PNG hoặc WEBP hợp lệ" in exc.value.message


def test_upload_size_limit():
    with pytest.raises(InputError) as exc:
        v.upload_inspect(b"x" * 11, "to.pdf", max_bytes=10)
    assert "quá lớn" in exc.value.message


def test_a_day_not_in_the_calendar_is_said_so_not_as_a_format_error():
    from django import forms as django_forms

    from housing_campaign.desk.forms import date_field

    for typed in ("31/02/2025", "2025-02-31", "32/01/2025"):
        with pytest.raises(InputError, match=f"ngày {typed} không có trong lịch"):
            v.parse_date(typed, "Ngày khởi công")
    with pytest.raises(InputError, match="theo dạng dd/mm/yyyy"):
        v.parse_date("hôm qua", "Ngày khởi công")
    with pytest.raises(django_forms.ValidationError, match="31/02/2025 không có trong lịch"):
        date_field("Ngày đăng ký").clean("31/02/2025")

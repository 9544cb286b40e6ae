"""Photos as a supervisor's phone takes them: JPEG with the capture time and GPS in EXIF."""
from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone


def geotagged_jpeg(*, taken: dt.date | dt.datetime | None = None, gps: bool = True, dated: bool = True,
                   latitude=(15.0, 6.0, 30.0), longitude=(107.0, 44.0, 12.0)) -> bytes:
    from PIL import Image

    taken = taken or timezone.localdate()
    if not isinstance(taken, dt.datetime):
        taken = dt.datetime.combine(taken, dt.time(9, 30))
    image = Image.new("RGB", (64, 48), (150, 110, 70))
    exif = Image.Exif()
    if dated:
        exif[0x0132] = taken.strftime("%Y:%m:%d %H:%M:%S")
    if gps:
        exif[0x8825] = {1: "N", 2: latitude, 3: "E", 4: longitude}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def photo_upload(name: str = "mong-nha.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, geotagged_jpeg(**kwargs), content_type="image/jpeg")

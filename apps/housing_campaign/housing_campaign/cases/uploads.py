"""What an uploaded file really is, by its content (type, pixel limits read before decoding, PDFs
opened), and the field evidence a photo carries (EXIF time and GPS)."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext

from housing_campaign.core import validators
from housing_campaign.core.errors import ErrorCode, ServiceError

from .models import Attachment


def _exif_info(image) -> dict:
    """Capture time and GPS from EXIF, kept with the photo as field evidence. EXIF is whatever the
    file says: anything unreadable or implausible is left out, never an error."""
    info: dict = {}
    try:
        exif = image.getexif()
        sub = exif.get_ifd(0x8769) if exif else {}
        gps = exif.get_ifd(0x8825) if exif else {}
        raw_time = sub.get(0x9003) or exif.get(0x0132)
    except Exception:  # noqa: BLE001 - a photo without readable EXIF is still a photo
        return info
    if raw_time:
        try:
            naive = dt.datetime.strptime(str(raw_time).strip("\x00").strip()[:19], "%Y:%m:%d %H:%M:%S")
            if naive.year >= validators.EARLIEST_EVENT_DATE.year:
                info["taken_at"] = timezone.make_aware(naive)
        except (ValueError, OverflowError):
            pass
    if gps and 2 in gps and 4 in gps:
        def to_deg(values, ref, limit):
            d, m, s = (float(v) for v in values)
            deg = d + m / 60 + s / 3600
            if not -limit <= deg <= limit:  # also false for NaN
                raise ValueError(deg)
            return -deg if ref in ("S", "W") else deg
        try:
            latitude, longitude = to_deg(gps[2], gps.get(1, "N"), 90), to_deg(gps[4], gps.get(3, "E"), 180)
            info.update(latitude=latitude, longitude=longitude)
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            pass
    return info


def inspect_upload(upload: UploadedFile, *, photo_only: bool = False) -> dict:
    """What the file really is, by its content (core.validators.upload_inspect: size, type, image pixel
    limits read from the header before decoding, PDFs opened). Returns what was learnt of it."""
    name = upload.name or gettext("tệp")
    upload.seek(0)
    data = upload.read(settings.MAX_UPLOAD_BYTES + 1)  # enough to know it is too large, never more
    upload.seek(0)
    try:
        found = validators.upload_inspect(data, name, max_bytes=settings.MAX_UPLOAD_BYTES, images_only=photo_only,
                                          size=upload.size)
    except validators.InputError as exc:
        raise ServiceError(exc.message, code=ErrorCode.UPLOAD_REJECTED) from None
    info = {"kind": Attachment.Kind.FILE, "content_type": found["content_type"], "extension": found["extension"],
            "name": found["name"]}
    if "image" in found:
        with found["image"] as image:
            info.update(kind=Attachment.Kind.PHOTO, **_exif_info(image))
    return info


def stored_name(upload: UploadedFile, info: dict) -> str:
    """The name the file is stored under ends with the extension of what it really is."""
    stem = (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0][:80] or "tep"
    return f"{stem}{info.get('extension', '')}"


def optional_photo_info(photo: UploadedFile | None, errors: dict[str, list[str]], field: str = "photo") -> dict | None:
    """What an optional photo really is (``inspect_upload``), or None; a bad one adds its reason to ``errors``
    under ``field`` so that a form refuses it with the other fields' problems."""
    if not photo:
        return None
    try:
        return inspect_upload(photo, photo_only=True)
    except ServiceError as exc:
        errors.setdefault(field, []).append(exc.message)
        return None

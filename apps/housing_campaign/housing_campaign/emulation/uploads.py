"""Documents units send the emulation office (plans, reports, evidence): PDF, Word (.doc, .docx) or a photo
of the signed paper (JPEG, PNG, WEBP), recognised by their content (never by their name), size-limited.

Images and PDFs go through ``core.validators.upload_inspect`` (pixel limits read before decoding, PDFs
opened). A .docx must be a ZIP archive holding a Word document (``word/document.xml``) whose listed sizes are
plausible (a ZIP bomb is refused from its directory, nothing is extracted); a .doc must be an OLE2 compound
file holding a ``WordDocument`` stream."""
from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext

from housing_campaign.core import validators

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC_TYPE = "application/msword"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD_STREAM = "WordDocument".encode("utf-16-le")
MAX_DOCX_ENTRIES = 2_000
MAX_DOCX_UNPACKED = 200 * 1024 * 1024
# What an upload input offers (the server decides by content anyway).
ACCEPT = ".pdf,.doc,.docx,.jpg,.jpeg,.png,.webp,application/pdf,application/msword," + DOCX_TYPE + \
    ",image/jpeg,image/png,image/webp"


def max_bytes() -> int:
    return getattr(settings, "EMULATION_MAX_UPLOAD_BYTES", settings.MAX_UPLOAD_BYTES)


def _docx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {e.filename for e in entries}
            if len(entries) > MAX_DOCX_ENTRIES or sum(e.file_size for e in entries) > MAX_DOCX_UNPACKED:
                return False
            return "[Content_Types].xml" in names and "word/document.xml" in names
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def _doc(data: bytes) -> bool:
    return data.startswith(OLE2_MAGIC) and WORD_STREAM in data[:1024 * 1024]


def document_inspect(data: bytes, name: str, *, size: int | None = None) -> dict:
    """{"content_type", "extension", "name"} of an accepted document (the name given the extension of what it
    really is: ``validators.name_for_type``), or InputError naming the file and the reason."""
    limit = max_bytes()
    size = max(size or 0, len(data))
    if size > limit:
        raise validators.InputError(gettext("Tệp “%(name)s” quá lớn (%(size)s MB); tối đa %(max)s MB.") % {
            "name": name[:80], "size": f"{size / 1024 / 1024:.1f}", "max": limit // 1024 // 1024})
    if not data:
        raise validators.InputError(gettext("Tệp “%(name)s” rỗng.") % {"name": name[:80]})
    if _docx(data):
        return {"content_type": DOCX_TYPE, "extension": ".docx", "name": validators.name_for_type(name, DOCX_TYPE)}
    if _doc(data):
        return {"content_type": DOC_TYPE, "extension": ".doc", "name": validators.name_for_type(name, DOC_TYPE)}
    # A photo of the signed paper (pixel limits read before decoding) or a PDF that opens; either raises
    # InputError with its own reason when it claims to be one and is broken.
    found = validators.image_inspect(data, name)
    if found is not None:
        found["image"].close()
    else:
        found = validators.pdf_inspect(data, name)
    if found is None:
        raise validators.InputError(gettext(
            "Tệp “%(name)s” không phải tệp PDF, Word (.doc, .docx) hoặc ảnh JPEG, PNG, WEBP hợp lệ.") % {
            "name": name[:80]})
    return {"content_type": found["content_type"], "extension": validators.IMAGE_EXTENSIONS[found["content_type"]],
            "name": validators.name_for_type(name, found["content_type"])}


def read_upload(upload: UploadedFile) -> tuple[bytes, str]:
    """The upload's bytes (never more than one byte past the limit) and its name as the user sent it."""
    upload.seek(0)
    data = upload.read(max_bytes() + 1)
    upload.seek(0)
    name = (upload.name or gettext("tệp")).rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return data, validators.normalize_text(name, max_length=200) or gettext("tệp")


def stored_name(original: str, extension: str) -> str:
    stem = original.rsplit(".", 1)[0][:80] or "tep"
    return f"{stem}{extension}"

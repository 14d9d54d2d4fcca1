"""Photos and PDFs of a complaint: checked by what the file is, not by what it claims to be.

A file's kind is read from its first bytes (JPEG, PNG, PDF); a file whose name or declared type
says otherwise lies about its type and is refused, as is one above `MAX_BYTES`.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import ComplaintAttachment

# kind -> (first bytes, file name endings, declared types)
KINDS: dict[str, tuple[bytes, tuple[str, ...], tuple[str, ...]]] = {
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg"), ("image/jpeg", "image/pjpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",), ("image/png",)),
    "application/pdf": (b"%PDF-", (".pdf",), ("application/pdf",)),
}
MAX_FILES = 10


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    name: str
    content_type: str
    size: int


def check(upload: UploadedFile) -> CheckedFile:
    """The upload with its real type, or a ValidationError that says what is wrong with it."""
    name = (upload.name or "datei").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    size = upload.size or 0
    limit = settings.COMPLAINT_ATTACHMENT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; at most %(limit)s are allowed.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = next((k for k, (magic, _e, _t) in KINDS.items() if head.startswith(magic)), None)
    if kind is None:
        raise ValidationError(
            _("%(name)s is no photo (JPEG, PNG) or PDF.") % {"name": name}, code="forbidden_type"
        )
    _magic, endings, declared = KINDS[kind]
    claimed = (upload.content_type or "").split(";")[0].strip().lower()
    if not name.lower().endswith(endings) or (claimed and claimed not in declared):
        raise ValidationError(
            _("%(name)s says it is something else than it is; send it with its real type.")
            % {"name": name},
            code="type_mismatch",
        )
    return CheckedFile(upload=upload, name=name, content_type=kind, size=size)


def check_all(uploads: list[UploadedFile]) -> list[CheckedFile]:
    """Every upload checked; one ValidationError names every file refused."""
    if len(uploads) > MAX_FILES:
        raise ValidationError(
            _("At most %(count)s files at once.") % {"count": MAX_FILES}, code="too_many"
        )
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check(upload))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)
    return checked


def file_response(attachment: "ComplaintAttachment") -> FileResponse:
    """The stored file with the type it was recognised as; PDFs as a download, never cached by
    a shared cache."""
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=attachment.content_type == "application/pdf",
        filename=attachment.name,
    )
    response["Cache-Control"] = "private, no-store"
    return response

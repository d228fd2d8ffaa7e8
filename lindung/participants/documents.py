"""Checks on uploaded identity documents: the content must really be a JPEG, PNG, WebP
or PDF (the browser's declared type is not trusted) and within the size limit."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}


@dataclass(frozen=True)
class CheckedDocument:
    content_type: str
    extension: str
    size: int


def check_document(upload: UploadedFile) -> CheckedDocument:
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="document_empty")
    if size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s. Take the photo at a lower resolution.")
            % {"size": filesizeformat(size), "limit": filesizeformat(settings.DOCUMENT_MAX_BYTES)},
            code="document_too_large",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return CheckedDocument("application/pdf", "pdf", size)
    try:
        with Image.open(upload) as image:
            image_format = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("Upload a photo (JPEG, PNG or WebP) or a PDF of the document."), code="document_type"
        ) from exc
    finally:
        upload.seek(0)
    if image_format not in IMAGE_TYPES:
        raise ValidationError(_("Upload a photo (JPEG, PNG or WebP) or a PDF of the document."), code="document_type")
    content_type = IMAGE_TYPES[image_format]
    return CheckedDocument(content_type, EXTENSIONS[content_type], size)

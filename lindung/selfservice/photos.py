"""The KTP photo of a self-registration: the phone shrinks it before upload when it
can (static/selfservice/register.js); the server still checks it is an image within the
size limit and re-encodes it, which drops every piece of metadata (GPS position, camera,
time) and bounds its size whatever the phone sent."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from lindung.participants.documents import check_document

from .limits import limit


def clean_ktp_photo(upload: UploadedFile) -> "ContentFile[bytes]":
    checked = check_document(upload)  # size limit, and the content really is an image (or PDF)
    if not checked.content_type.startswith("image/"):
        raise ValidationError(_("Upload a photo of the KTP (JPEG, PNG or WebP)."), code="photo_type")
    side = limit("PHOTO_MAX_SIDE")
    try:
        with Image.open(upload) as original:
            upright = ImageOps.exif_transpose(original)  # keep it upright once the EXIF is gone
            upright.thumbnail((side, side))
            out = io.BytesIO()
            # A fresh RGB image carries no EXIF, XMP or ICC text from the original.
            upright.convert("RGB").save(out, "JPEG", quality=82, optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("The photo could not be read. Take it again."), code="photo_unreadable") from exc
    finally:
        upload.seek(0)
    return ContentFile(out.getvalue(), name="ktp.jpg")

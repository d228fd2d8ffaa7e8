"""Box labels (CLM-8): one A4 page per box, with the box code large enough to read from
the shelf, the files it holds, and a QR code listing them so a phone can check a box
without opening it. A box too full for one code gets a code with the archive search's
address for the box instead (the label says which)."""

from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lindung.core.pdf import html_to_pdf

from .models import ArchiveFile


def box_qr_text(box: str, files: list[ArchiveFile]) -> str:
    lines = [f"BOX {box}", *(f"{f.number};{f.claim.transaction_code}" for f in files)]
    return "\n".join(lines)


def box_qr(box: str, files: list[ArchiveFile], search_url: str) -> tuple[str, bool]:
    """The QR as a data URI, and whether it lists the files (else it holds the URL)."""
    try:
        code = segno.make(box_qr_text(box, files), error="l", micro=False)
        listed = True
    except segno.DataOverflowError:
        code = segno.make(search_url, error="m", micro=False)
        listed = False
    return code.svg_data_uri(scale=3, border=0, dark="#111111"), listed


def label_context(box: str, files: list[ArchiveFile], search_url: str) -> dict[str, Any]:
    qr, listed = box_qr(box, files, search_url)
    programs = sorted({f.get_program_display() for f in files})
    days = [f.archived_on for f in files]
    return {
        "box": box,
        "files": files,
        "qr": qr,
        "qr_lists_files": listed,
        "programs": programs,
        "first_day": min(days) if days else None,
        "last_day": max(days) if days else None,
        "printed_at": timezone.localtime(),
    }


def render_label_pdf(context: dict[str, Any]) -> bytes:
    with translation.override("id"):
        html = render_to_string("claims/archive/box_label_pdf.html", context)
    return html_to_pdf(html)

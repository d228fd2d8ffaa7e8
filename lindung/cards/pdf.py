"""The printable card (REG-8): HTML rendered by WeasyPrint, QR code by segno.

Everything is embedded in the HTML (the QR as a data URI, fonts from the system, i.e.
DejaVu), and the URL fetcher refuses anything else, so rendering never touches the
network or the file system.
"""

from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from lindung.core.phones import format_national
from lindung.participants.models import Participant

from .models import MembershipCard


class Layout:
    CARD = "card"  # one page the size of an ID-1 card, for card printers
    A4 = "a4"  # the card at real size on A4 paper with cut marks, for office printers


LAYOUTS = (Layout.CARD, Layout.A4)


def qr_data_uri(url: str) -> str:
    # Error level M survives a scuffed laminated card; the QR is small, so no boost.
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=0, dark="#111111")


def card_context(*, participant: Participant, card: MembershipCard, verify_url: str) -> dict[str, Any]:
    """What the card shows. ``verify_url`` must be absolute: the phone that scans it
    knows nothing about our host."""
    coordinator = participant.coordinator
    return {
        "issuer": getattr(settings, "LINDUNG_CARD_ISSUER", ""),
        "participant": participant,
        "membership_number": participant.membership_number or "",
        "masked_nik": participant.masked_nik,
        "coordinator_name": str(coordinator) if coordinator else "",
        "coordinator_phone": format_national(coordinator.phone) if coordinator and coordinator.phone else "",
        "card": card,
        "verify_url": verify_url,
        "qr": qr_data_uri(verify_url),
    }


def render_card_pdf(context: dict[str, Any], layout: str = Layout.CARD) -> bytes:
    html = render_to_string("cards/pdf/card.html", {**context, "layout": layout})
    pdf: bytes = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
    return pdf

"""The voucher PDF (CLM-8): HTML rendered by WeasyPrint, QR code by segno. Always in
Indonesian (an official document filed with the dossier), amounts in figures and in
words. Only data: URLs may be fetched, so rendering never reaches the network or disk;
fonts are the system's (DejaVu)."""

from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lindung.billing.payments.receipts import terbilang
from lindung.core.pdf import html_to_pdf

from ..claim import Claim
from .models import ClaimVoucher


def qr_data_uri(text: str, error: str = "m") -> str:
    return segno.make(text, error=error, micro=False).svg_data_uri(scale=4, border=0, dark="#111111")


def voucher_context(claim: Claim, voucher: ClaimVoucher, verify_url: str) -> dict[str, Any]:
    """``verify_url`` must be absolute: the phone that scans the code knows nothing of our host."""
    signatures = [
        ("Kepala Bidang Pelayanan", claim.services_signed_by, claim.services_signed_at),
        ("Kepala Bidang Keuangan", claim.finance_signed_by, claim.finance_signed_at),
        ("Kepala Kantor Cabang", claim.branch_signed_by, claim.branch_signed_at),
    ]
    return {
        "issuer": getattr(settings, "LINDUNG_CARD_ISSUER", ""),
        "claim": claim,
        "participant": claim.participant,
        "voucher": voucher,
        "amount_words": f"{terbilang(voucher.amount)} rupiah",
        "signatures": signatures,
        "verify_url": verify_url,
        "qr": qr_data_uri(verify_url),
        "printed_at": timezone.localtime(),
    }


def render_voucher_html(context: dict[str, Any]) -> str:
    with translation.override("id"):
        return render_to_string("claims/vouchers/voucher_pdf.html", context)


def render_voucher_pdf(context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_voucher_html(context))

"""Payment receipts (CON-3): a numbered A5 PDF rendered by WeasyPrint from embedded
content only, with the amount in words in the reader's language (Indonesian by default).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from lindung.billing.models import Payment
from lindung.contributions.calculator import add_months
from lindung.core.money import rupiah

_ID_UNITS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]
# Largest first; Indonesian uses the short scale (miliar = 10^9, triliun = 10^12).
_ID_SCALES = [(10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (1000, "ribu")]
LIMIT = 10**15


def _id_below_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [_ID_UNITS[hundreds], "ratus"]
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif 12 <= rest <= 19:
        words += [_ID_UNITS[rest - 10], "belas"]
    elif rest >= 20:
        tens, units = divmod(rest, 10)
        words += [_ID_UNITS[tens], "puluh"]
        if units:
            words.append(_ID_UNITS[units])
    elif rest:
        words.append(_ID_UNITS[rest])
    return words


def terbilang(n: int) -> str:
    """Indonesian words for a whole number, as written on receipts: 16800 → "enam belas
    ribu delapan ratus". Up to 999 triliun; negative numbers read "minus ..."."""
    if n < 0:
        return "minus " + terbilang(-n)
    if n >= LIMIT:
        raise ValueError("terbilang supports numbers below 10^15")
    if n == 0:
        return "nol"
    words: list[str] = []
    for scale, name in _ID_SCALES:
        count, n = divmod(n, scale)
        if not count:
            continue
        # "seribu", never "satu ribu"; but "satu juta", "satu miliar", "satu triliun".
        if count == 1 and scale == 1000:
            words.append("seribu")
        else:
            words += [*_id_below_thousand(count), name]
    words += _id_below_thousand(n)
    return " ".join(words)


_EN_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_EN_SCALES = [(10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand")]


def _en_below_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words += [_EN_UNITS[hundreds], "hundred"]
    if rest >= 20:
        tens, units = divmod(rest, 10)
        words.append(_EN_TENS[tens] + (f"-{_EN_UNITS[units]}" if units else ""))
    elif rest:
        words.append(_EN_UNITS[rest])
    return words


def number_words_en(n: int) -> str:
    if n < 0:
        return "minus " + number_words_en(-n)
    if n >= LIMIT:
        raise ValueError("number_words_en supports numbers below 10^15")
    if n == 0:
        return "zero"
    words: list[str] = []
    for scale, name in _EN_SCALES:
        count, n = divmod(n, scale)
        if count:
            words += [*_en_below_thousand(count), name]
    words += _en_below_thousand(n)
    return " ".join(words)


def _english() -> bool:
    return (translation.get_language() or settings.LANGUAGE_CODE).startswith("en")


def amount_in_words(amount: int) -> str:
    """The amount as written on a receipt, in the active language."""
    if _english():
        return f"{number_words_en(amount)} rupiah"
    return f"{terbilang(amount)} rupiah"


def _month_name(month: datetime.date, with_year: bool) -> str:
    return formats.date_format(month, "F Y" if with_year else "F")


def months_label(months: Iterable[datetime.date]) -> str:
    """Consecutive months read as a range: "Januari–Maret 2026", "Desember 2025–Februari
    2026"; gaps separate ranges with commas."""
    ordered = sorted(set(months))
    if not ordered:
        return ""
    runs: list[tuple[datetime.date, datetime.date]] = []
    start = end = ordered[0]
    for month in ordered[1:]:
        if month == add_months(end, 1):
            end = month
            continue
        runs.append((start, end))
        start = end = month
    runs.append((start, end))
    parts = []
    for first, last in runs:
        if first == last:
            parts.append(_month_name(first, True))
        else:
            parts.append(f"{_month_name(first, first.year != last.year)}–{_month_name(last, True)}")
    return ", ".join(parts)


@dataclass(frozen=True)
class ReceiptLine:
    month: datetime.date
    programs: str
    bill_amount: int
    amount: int


def receipt_context(payment: Payment) -> dict[str, Any]:
    """Everything the receipt shows. ``payment`` should come from a scoped selector."""
    allocations = list(payment.allocations.select_related("bill").prefetch_related("bill__lines"))
    lines = [
        ReceiptLine(
            month=a.bill.month,
            programs=", ".join(f"{line.program.upper()} {rupiah(line.amount)}" for line in a.bill.lines.all()),
            bill_amount=a.bill.amount,
            amount=abs(a.amount),  # a reversal lists what it cancels, under its own heading
        )
        for a in allocations
    ]
    participant = payment.participant
    return {
        "issuer": getattr(settings, "LINDUNG_CARD_ISSUER", ""),
        "payment": payment,
        "original": payment.reversal_of,
        "participant": participant,
        "masked_nik": participant.masked_nik,
        "membership_number": participant.membership_number or "",
        "amount": abs(payment.amount),
        "amount_words": amount_in_words(abs(payment.amount)),
        "months": months_label(line.month for line in lines),
        "lines": lines,
    }


def render_receipt_html(context: dict[str, Any]) -> str:
    return render_to_string("billing/receipt_pdf.html", context)


def render_receipt_pdf(context: dict[str, Any]) -> bytes:
    # Only data: URLs may be fetched, so rendering never reaches the network or the disk.
    pdf: bytes = HTML(
        string=render_receipt_html(context), url_fetcher=URLFetcher(allowed_protocols={"data"})
    ).write_pdf()
    return pdf

import datetime
import uuid

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from lindung.billing.bills.services import bills_generate
from lindung.billing.payments.receipts import (
    LIMIT,
    amount_in_words,
    months_label,
    number_words_en,
    receipt_context,
    render_receipt_html,
    render_receipt_pdf,
    terbilang,
)
from lindung.billing.payments.services import PaymentInput, payment_record, payment_reverse
from lindung.billing.tests.factories import cash_method, informal_participant

N999 = "sembilan ratus sembilan puluh sembilan"
SMALL = [
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
    "dua belas",
    "tiga belas",
    "empat belas",
    "lima belas",
    "enam belas",
    "tujuh belas",
    "delapan belas",
    "sembilan belas",
    "dua puluh",
]


@pytest.mark.parametrize("n", range(21))
def test_terbilang_small_numbers(n):
    assert terbilang(n) == SMALL[n]


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (21, "dua puluh satu"),
        (99, "sembilan puluh sembilan"),
        (100, "seratus"),
        (101, "seratus satu"),
        (110, "seratus sepuluh"),
        (111, "seratus sebelas"),
        (200, "dua ratus"),
        (999, "sembilan ratus sembilan puluh sembilan"),
        (1000, "seribu"),
        (1001, "seribu satu"),
        (1100, "seribu seratus"),
        (2000, "dua ribu"),
        (11_000, "sebelas ribu"),
        (16_800, "enam belas ribu delapan ratus"),
        (100_000, "seratus ribu"),
        (101_000, "seratus satu ribu"),
        (201_600, "dua ratus satu ribu enam ratus"),
        (1_000_000, "satu juta"),
        (1_001_000, "satu juta seribu"),
        (2_500_000, "dua juta lima ratus ribu"),
        (1_000_000_000, "satu miliar"),
        (1_000_000_000_000, "satu triliun"),
        (999_999_999_999_999, " ".join([f"{N999} {s}" for s in ("triliun", "miliar", "juta", "ribu")] + [N999])),
        (-16_800, "minus enam belas ribu delapan ratus"),
    ],
)
def test_terbilang_known_values(n, words):
    assert terbilang(n) == words


def test_terbilang_refuses_quadrillions():
    with pytest.raises(ValueError):
        terbilang(LIMIT)


VALUES = {
    "nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
    "sembilan": 9, "sepuluh": 10, "sebelas": 11, "seratus": 100, "seribu": 1000,
}  # fmt: skip
SCALES = {"ribu": 10**3, "juta": 10**6, "miliar": 10**9, "triliun": 10**12}


def read_back(words: str) -> int:
    """A strict reader of terbilang's output, written independently of it."""
    total, group, current = 0, 0, 0
    for word in words.split(" "):
        if word in VALUES:
            value = VALUES[word]
            if value == 100:
                group += 100
            elif value == 1000:
                total += 1000
            else:
                current += value
        elif word == "belas":
            current += 10
        elif word == "puluh":
            current *= 10
        elif word == "ratus":
            group += current * 100
            current = 0
        elif word in SCALES:
            total += (group + current) * SCALES[word]
            group = current = 0
        else:
            raise AssertionError(f"unexpected word {word!r}")
    return total + group + current


@given(st.integers(min_value=0, max_value=LIMIT - 1))
def test_terbilang_structure(n):
    words = terbilang(n)
    assert words == words.strip() and "  " not in words
    assert (words == "nol") == (n == 0)
    for never in ("satu ratus", "satu puluh", "satu belas", "nol "):
        assert never not in words
    assert not words.startswith("satu ribu")
    assert read_back(words) == n


@given(st.integers(min_value=0, max_value=LIMIT - 1))
def test_english_words_structure(n):
    words = number_words_en(n)
    assert words == words.strip() and "  " not in words
    assert (words == "zero") == (n == 0)


def test_english_known_values():
    assert number_words_en(16_800) == "sixteen thousand eight hundred"
    assert number_words_en(1_000_021) == "one million twenty-one"
    assert number_words_en(0) == "zero"


def test_amount_in_words_follows_the_language():
    with translation.override("id"):
        assert amount_in_words(16_800) == "enam belas ribu delapan ratus rupiah"
    with translation.override("en"):
        assert amount_in_words(16_800) == "sixteen thousand eight hundred rupiah"


def test_months_label_reads_ranges():
    d = datetime.date
    with translation.override("id"):
        assert months_label([d(2026, 1, 1), d(2026, 2, 1), d(2026, 3, 1)]) == "Januari–Maret 2026"
        assert months_label([d(2026, 5, 1)]) == "Mei 2026"
        assert months_label([d(2025, 12, 1), d(2026, 1, 1)]) == "Desember 2025–Januari 2026"
        assert months_label([d(2026, 1, 1), d(2026, 3, 1), d(2026, 4, 1)]) == "Januari 2026, Maret–April 2026"
    with translation.override("en"):
        assert months_label([d(2026, 1, 1), d(2026, 2, 1)]) == "January–February 2026"
    assert months_label([]) == ""


@pytest.fixture
def paid(db, coord_a):
    participant = informal_participant(coordinator=coord_a, membership_number="26012345678")
    for month in (1, 2, 3):
        bills_generate(month=datetime.date(2026, month, 1), participant_ids=[participant.pk])
    data = PaymentInput(amount=3 * 16_800, paid_on=datetime.date(2026, 3, 20), method=cash_method(), note="arisan")
    return payment_record(actor=coord_a, participant=participant, data=data, submission_key=uuid.uuid4().hex)


def test_receipt_shows_number_amount_words_and_months(paid):
    with translation.override("id"):
        context = receipt_context(paid)
        html = render_receipt_html(context)
    assert context["months"] == "Januari–Maret 2026"
    assert context["amount_words"] == "lima puluh ribu empat ratus rupiah"
    assert [line.amount for line in context["lines"]] == [16_800, 16_800, 16_800]
    assert paid.receipt_number in html
    assert "Rp 50.400" in html and "lima puluh ribu empat ratus rupiah" in html
    assert "Januari–Maret 2026" in html
    assert paid.participant.masked_nik in html and paid.participant.nik not in html
    assert "26012345678" in html  # KPJ
    assert "JKK" in html and "Tunai ke koordinator" in html


def test_reversal_receipt_says_what_it_cancels(paid, admin):
    reversal = payment_reverse(actor=admin, payment=paid, reason="wrong participant")
    with translation.override("en"):
        html = render_receipt_html(receipt_context(reversal))
    assert f"Reversal of {paid.receipt_number}" in html
    assert "fifty thousand four hundred rupiah" in html
    assert "wrong participant" in html


def test_receipt_pdf_is_a_pdf(paid):
    assert render_receipt_pdf(receipt_context(paid)).startswith(b"%PDF")

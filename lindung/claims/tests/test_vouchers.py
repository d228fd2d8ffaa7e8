"""The payment voucher (CLM-8): issued when the claim is paid, amount frozen, PDF in
Indonesian with the amount in words and a QR code to its public verification page."""

from typing import Any
from unittest import mock

import pytest
from django.urls import reverse

from lindung.claims.claim import ClaimStatus
from lindung.claims.rules import BenefitRule
from lindung.claims.vouchers import pdf as voucher_pdf_module
from lindung.claims.vouchers.models import ClaimVoucher
from lindung.claims.vouchers.pdf import render_voucher_html, voucher_context

from .factories import jht_claim
from .flow import branch_staff, client_for, walk_to

pytestmark = pytest.mark.django_db
S = ClaimStatus


@pytest.fixture
def staff(admin: Any) -> dict[str, Any]:
    return branch_staff(admin)


def test_paying_issues_one_voucher_with_the_amount_and_its_lines(coord_a: Any, staff: dict[str, Any]) -> None:
    claim = walk_to(jht_claim(coord_a, balance=12_345_678), S.APPROVED, coord_a, staff)
    assert not ClaimVoucher.objects.filter(claim=claim).exists()
    claim = walk_to(claim, S.PAID, coord_a, staff)
    voucher = ClaimVoucher.objects.get(claim=claim)
    assert voucher.amount == 12_345_678
    assert voucher.number.endswith(f"-{claim.pk:07d}")
    assert voucher.issued_by == staff["finance"]
    assert voucher.lines and voucher.lines[0]["legal_basis"]
    walk_to(claim, S.SIGNED, coord_a, staff)
    assert ClaimVoucher.objects.filter(claim=claim).count() == 1


def test_a_later_rule_change_does_not_change_an_issued_voucher(coord_a: Any, staff: dict[str, Any]) -> None:
    claim = walk_to(jht_claim(coord_a, balance=5_000_000), S.PAID, coord_a, staff)
    BenefitRule.objects.all().delete()
    assert ClaimVoucher.objects.get(claim=claim).amount == 5_000_000


def test_voucher_html_is_indonesian_with_amount_in_words_and_the_qr_to_verification(
    coord_a: Any, staff: dict[str, Any]
) -> None:
    claim = walk_to(jht_claim(coord_a, balance=12_500_000), S.PAID, coord_a, staff)
    voucher = claim.voucher
    with mock.patch.object(voucher_pdf_module.segno, "make", wraps=voucher_pdf_module.segno.make) as make:
        context = voucher_context(claim, voucher, "https://lindung.example/claims/voucher/abc/")
    make.assert_called_once()
    assert make.call_args.args[0] == "https://lindung.example/claims/voucher/abc/"
    html = render_voucher_html(context)
    assert "VOUCHER PEMBAYARAN KLAIM" in html
    assert "Rp 12.500.000" in html
    assert "Dua belas juta lima ratus ribu rupiah" in html
    assert f"TRX-{claim.pk}" in html and voucher.number in html
    assert claim.participant.nik in html


def test_voucher_pdf_for_finance_is_a_pdf(coord_a: Any, staff: dict[str, Any]) -> None:
    claim = walk_to(jht_claim(coord_a), S.PAID, coord_a, staff)
    response = client_for(staff["finance"]).get(reverse("claims:voucher_pdf", args=[claim.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_no_voucher_before_payment_says_so(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    response = client_for(coord_a).get(reverse("claims:voucher_pdf", args=[claim.pk]), follow=True)
    assert "The voucher exists once the payment is recorded." in response.content.decode()


def test_wrong_users_cannot_fetch_the_voucher(coord_a: Any, coord_b: Any, staff: dict[str, Any]) -> None:
    claim = walk_to(jht_claim(coord_a), S.PAID, coord_a, staff)
    url = reverse("claims:voucher_pdf", args=[claim.pk])
    from .factories import officer

    assert client_for(coord_b).get(url).status_code == 404
    assert client_for(officer()).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_verification_page_shows_little_and_unknown_tokens_get_404(coord_a: Any, staff: dict[str, Any]) -> None:
    claim = walk_to(jht_claim(coord_a, balance=7_000_000), S.VOUCHER_PRINTED, coord_a, staff)
    page = client_for(None).get(reverse("claims:voucher_verify", args=[claim.voucher.token]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Rp 7.000.000" in body and claim.voucher.number in body
    assert claim.participant.full_name not in body and claim.participant.nik not in body
    assert page["Referrer-Policy"] == "no-referrer"
    assert client_for(None).get(reverse("claims:voucher_verify", args=["nope"])).status_code == 404

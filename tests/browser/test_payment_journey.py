"""A coordinator takes a cash payment end to end: opens a participant with open bills,
sees the amount follow the months paid in advance, records the payment, reads the receipt
number in the confirmation and downloads the receipt PDF."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lindung.accounts.models import User
from lindung.billing.bills.services import bills_generate
from lindung.billing.models import Payment
from lindung.billing.selectors import prepay_options
from lindung.billing.tests.factories import cash_method, informal_participant
from lindung.contributions.calculator import add_months, month_start

from .support import fetch_document, shoot, sign_in

pytestmark = pytest.mark.browser

RECEIPT = re.compile(r"KW-\d{4}-\d{6}")
SETTLED = "() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping, .htmx-added')"


def test_coordinator_records_a_cash_payment_and_downloads_the_receipt(page: Page, coordinator: User) -> None:
    method = cash_method()
    participant = informal_participant(coordinator=coordinator, full_name="Siti Aminah")
    this_month = month_start(timezone.localdate())
    for month in (add_months(this_month, -1), this_month):
        bills_generate(month=month, participant_ids=[participant.pk])
    options = {o.months: o.amount for o in prepay_options(participant, timezone.localdate())}

    sign_in(page, coordinator.username)
    page.goto(f"/participants/{participant.pk}/")
    section = page.locator("#payments")
    expect(section.locator("tbody tr")).to_have_count(2)  # two open bills
    section.locator(f"a[href$='/billing/participants/{participant.pk}/pay/']").click()
    # htmx (a deferred script) binds the form on DOMContentLoaded: waiting for the new page's
    # load event keeps the first choice below from landing before anything listens (CI flake).
    page.wait_for_url(re.compile(rf"/billing/participants/{participant.pk}/pay/$"), wait_until="load")

    amount = page.locator("#id_amount")
    expect(amount).to_have_value(str(options[0]))
    # htmx re-prices the form when the months paid in advance change.
    page.select_option("#id_prepaid_months", "3")
    expect(page.locator("#id_amount")).to_have_value(str(options[3]))
    # The swapped-in form listens for changes only once htmx has settled it.
    page.wait_for_function(SETTLED)
    page.select_option("#id_prepaid_months", "0")
    expect(page.locator("#id_amount")).to_have_value(str(options[0]))
    page.select_option("#id_method", str(method.pk))
    shoot(page, "payment-01-form")
    page.locator("#payment-form .actions button[name=_save]").click()

    expect(page).to_have_url(re.compile(rf"/participants/{participant.pk}/\?paid=\d+#payments$"))
    payment = Payment.objects.get(participant=participant)
    assert payment.amount == options[0] and payment.collected_by == coordinator
    expect(page.locator(".message-success").first).to_contain_text(payment.receipt_number)
    assert RECEIPT.fullmatch(payment.receipt_number)
    shoot(page, "payment-02-recorded")

    with page.expect_download() as download_info:
        page.locator("#payments a[download][href$='/receipt/']").first.click()
    download = download_info.value
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    response = fetch_document(page, f"/billing/payments/{payment.pk}/receipt/")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "private, no-store"

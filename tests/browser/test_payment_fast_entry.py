"""Fast entry on the payment form: everything typed in quick succession survives the
htmx refreshes that follow each choice (issue: a typed amount and the chosen method were lost)."""

import pytest
from playwright.sync_api import Page, expect

from lindung.accounts.models import User
from lindung.billing.models import Payment
from lindung.billing.tests.factories import cash_method, transfer_method

from .billing_setup import owing_two_months
from .support import sign_in

pytestmark = pytest.mark.browser

SETTLED = "() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping, .htmx-added')"


def test_fast_entry_keeps_every_field(page: Page, coordinator: User) -> None:
    cash_method()
    transfer = transfer_method()
    participant, options = owing_two_months(coordinator, "Dewi Lestari")

    sign_in(page, coordinator.username)
    page.goto(f"/billing/participants/{participant.pk}/pay/")
    # No waiting between fields: each change fires a refresh while the next field is filled.
    page.fill("#id_amount", "50000")
    page.select_option("#id_prepaid_months", "3")
    page.select_option("#id_method", str(transfer.pk))
    page.fill("#id_reference", "TRF-778899")
    page.select_option("#id_prepaid_months", "6")
    page.fill("#id_note", "dibayar di pasar")
    page.wait_for_function(SETTLED)

    expect(page.locator("#id_amount")).to_have_value("50000")
    expect(page.locator("#id_method")).to_have_value(str(transfer.pk))
    expect(page.locator("#id_reference")).to_have_value("TRF-778899")
    expect(page.locator("#id_note")).to_have_value("dibayar di pasar")
    expect(page.locator("#id_prepaid_months")).to_have_value("6")
    # The months' total is offered beside the typed amount instead of replacing it.
    expect(page.locator("#amount-suggestion")).to_have_attribute("data-amount", str(options[6]))
    use = page.locator("#amount-suggestion [data-use-amount]")
    expect(use).to_be_visible()
    use.click()
    expect(page.locator("#id_amount")).to_have_value(str(options[6]))
    expect(use).to_be_hidden()

    page.locator("#payment-form .actions button[name=_save]").click()
    expect(page.locator(".message-success").first).to_be_visible()
    payment = Payment.objects.get(participant=participant)
    assert (payment.amount, payment.method_id, payment.reference) == (options[6], transfer.pk, "TRF-778899")
    assert payment.note == "dibayar di pasar"

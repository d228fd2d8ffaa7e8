"""The audit history of a payment method, as an administrator sees it at 360 px: who
changed what, readable, no sideways scroll, no axe violation."""

import pytest
from playwright.sync_api import Page, expect

from lindung.billing.models import PaymentMethod
from lindung.core.tests.factories import AdminFactory

from .page_checks import axe_violations, sideways_scroll, untranslated
from .support import sign_in

pytestmark = pytest.mark.browser


def test_admin_sees_who_changed_a_payment_method(phone_page: Page) -> None:
    page = phone_page
    admin = AdminFactory.create(username="admin1")
    sign_in(page, admin.username)
    page.goto("/billing/methods/new/")
    page.fill("#id_name", "QRIS")
    page.locator("main form button[type=submit]").click()
    method = PaymentMethod.objects.get(name="QRIS")
    page.goto(f"/billing/methods/{method.pk}/edit/")
    page.fill("#id_name", "QRIS semua bank")
    page.locator("main form button[type=submit]").click()
    page.goto(f"/billing/methods/{method.pk}/edit/")
    rows = page.locator("#history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("QRIS → QRIS semua bank")
    expect(rows.first).to_contain_text(str(admin))
    problems = [f"axe {v}" for v in axe_violations(page)] + [f"untranslated {t!r}" for t in untranslated(page)]
    assert sideways_scroll(page) <= 0 and not problems, problems

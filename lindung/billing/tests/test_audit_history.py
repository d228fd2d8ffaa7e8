"""Payment methods, collection accounts and deposits are in the audit trail: every change
is kept with who made it, and administrators (only) see it on the record's page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from lindung.billing.history import history_of
from lindung.billing.models import CollectionAccount, Deposit, PaymentMethod
from lindung.billing.payments import services
from lindung.core.tests.clients import login_client

pytestmark = pytest.mark.django_db


def test_method_changes_are_kept_with_who_and_what(admin):
    client = login_client(admin)
    client.post(reverse("billing:method_create"), {"name": "QRIS", "needs_reference": "on"})
    method = PaymentMethod.objects.get(name="QRIS")
    client.post(reverse("billing:method_update", args=[method.pk]), {"name": "QRIS semua"})
    client.post(reverse("billing:method_toggle", args=[method.pk]))
    with translation.override("en"):
        rows = history_of(method)
    assert [row.who for row in rows] == [admin, admin, admin]
    assert rows[-1].type == "+"
    assert any("QRIS → QRIS semua" in change for change in rows[1].changes)
    assert any(change.endswith("yes → no") for change in rows[0].changes)
    page = client.get(reverse("billing:method_update", args=[method.pk])).content.decode()
    assert 'id="history"' in page and "QRIS → QRIS semua" in page


def test_a_deleted_method_leaves_its_history(admin):
    method = services.payment_method_save(actor=admin, name="Pos", is_cash=False, needs_reference=False)
    services.payment_method_delete(actor=admin, method=method)
    kinds = list(PaymentMethod.history.filter(name="Pos").values_list("history_type", "history_user"))
    assert sorted(kinds) == [("+", admin.pk), ("-", admin.pk)]


def test_account_history_names_the_coordinator_who_changed_it_and_only_admins_see_it(coord_a, admin):
    account = services.collection_account_save(
        actor=coord_a, bank_name="BRI", account_number="123", account_holder="Rina"
    )
    services.collection_account_save(
        actor=coord_a, account=account, bank_name="BRI", account_number="456", account_holder="Rina"
    )
    rows = history_of(CollectionAccount.objects.get(pk=account.pk))
    assert [row.who for row in rows] == [coord_a, coord_a]
    assert any("123 → 456" in change for change in rows[0].changes)
    url = reverse("billing:account_update", args=[account.pk])
    assert 'id="history"' not in login_client(coord_a).get(url).content.decode()
    assert "123 → 456" in login_client(admin).get(url).content.decode()


def test_deposit_cancel_is_in_the_history_and_only_admins_see_it(coord_a, admin):
    deposit = services.deposit_record(actor=coord_a, amount=50_000, deposited_on=datetime.date(2026, 3, 2))
    services.deposit_cancel(actor=admin, deposit=deposit, reason="Dicatat dua kali")
    rows = history_of(Deposit.objects.get(pk=deposit.pk))
    assert [(row.type, row.who) for row in rows] == [("~", admin), ("+", coord_a)]
    assert any("Dicatat dua kali" in change for change in rows[0].changes)
    url = reverse("billing:deposit_detail", args=[deposit.pk])
    assert 'id="history"' not in login_client(coord_a).get(url).content.decode()
    assert "Dicatat dua kali" in login_client(admin).get(url).content.decode()

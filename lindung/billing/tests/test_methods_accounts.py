import datetime
import uuid

import pytest
from django.urls import reverse

from lindung.billing.bills.services import bills_generate
from lindung.billing.models import CollectionAccount, PaymentMethod
from lindung.billing.payments.services import PaymentInput, payment_record
from lindung.billing.tests.factories import account_of, cash_method, informal_participant
from lindung.core.tests.clients import login_client

pytestmark = pytest.mark.django_db


def used(method, coordinator):
    participant = informal_participant(coordinator=coordinator)
    bills_generate(month=datetime.date(2026, 1, 1), participant_ids=[participant.pk])
    data = PaymentInput(amount=1000, paid_on=datetime.date(2026, 3, 1), method=method)
    payment_record(actor=coordinator, participant=participant, data=data, submission_key=uuid.uuid4().hex)


# --- payment methods (admin only) -----------------------------------------------------


def test_method_pages_are_for_admins_only(coord_a, admin):
    method = cash_method()
    gets = [
        reverse("billing:method_list"),
        reverse("billing:method_create"),
        reverse("billing:method_update", args=[method.pk]),
        reverse("billing:method_delete", args=[method.pk]),
    ]
    posts = [reverse("billing:method_toggle", args=[method.pk]), reverse("billing:method_delete", args=[method.pk])]
    for url in gets:
        assert login_client().get(url).status_code == 302, url
        assert login_client(coord_a).get(url).status_code == 403, url
        assert login_client(admin).get(url).status_code == 200, url
    for url in posts:
        assert login_client(coord_a).post(url).status_code == 403, url
    assert PaymentMethod.objects.get(pk=method.pk).is_active


def test_admin_adds_and_edits_a_method(admin):
    client = login_client(admin)
    data = {"name": "QRIS", "needs_reference": "on", "notes": "Any e-wallet"}
    response = client.post(reverse("billing:method_create"), data, follow=True)
    assert "Payment method “QRIS” was added." in response.content.decode()
    method = PaymentMethod.objects.get(name="QRIS")
    assert method.needs_reference and not method.is_cash
    response = client.post(reverse("billing:method_create"), {"name": "qris"})
    assert "already exists" in " ".join(response.context["form"].errors["name"])
    response = client.post(reverse("billing:method_update", args=[method.pk]), {"name": "QRIS (semua)", "is_cash": ""})
    method.refresh_from_db()
    assert response.status_code == 302 and method.name == "QRIS (semua)" and not method.needs_reference


def test_a_used_method_is_deactivated_not_deleted(coord_a, admin):
    method = cash_method()
    used(method, coord_a)
    client = login_client(admin)
    listing = client.get(reverse("billing:method_list")).content.decode()
    assert reverse("billing:method_delete", args=[method.pk]) not in listing
    response = client.post(reverse("billing:method_delete", args=[method.pk]), follow=True)
    assert "deactivate it instead" in response.content.decode()
    assert PaymentMethod.objects.filter(pk=method.pk).exists()
    response = client.post(reverse("billing:method_toggle", args=[method.pk]), follow=True)
    assert "was deactivated" in response.content.decode()
    assert not PaymentMethod.objects.get(pk=method.pk).is_active
    client.post(reverse("billing:method_toggle", args=[method.pk]))
    assert PaymentMethod.objects.get(pk=method.pk).is_active


def test_an_unused_method_can_be_deleted(admin):
    method = PaymentMethod.objects.create(name="Pos")
    client = login_client(admin)
    assert (
        reverse("billing:method_delete", args=[method.pk])
        in client.get(reverse("billing:method_list")).content.decode()
    )
    response = client.post(reverse("billing:method_delete", args=[method.pk]), follow=True)
    assert "was deleted" in response.content.decode()
    assert not PaymentMethod.objects.filter(pk=method.pk).exists()


def test_a_deactivated_method_is_not_offered_for_new_payments(coord_a):
    method = PaymentMethod.objects.create(name="Old", is_active=False, needs_reference=False)
    participant = informal_participant(coordinator=coord_a)
    response = login_client(coord_a).get(reverse("billing:payment_create", args=[participant.pk]))
    assert method not in response.context["form"].fields["method"].queryset


def test_method_list_query_count(admin, coord_a, django_assert_max_num_queries):
    client = login_client(admin)
    url = reverse("billing:method_list")
    used(cash_method(), coord_a)  # a page with rows: an empty one skips the row query
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(8):
        used(PaymentMethod.objects.create(name=f"M{n}", needs_reference=False), coord_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# --- collection accounts (admin: all; coordinator: own) ------------------------------


def test_account_pages_scoping(coord_a, coord_b, admin):
    account = account_of(coord_a)
    for name in ("billing:account_update",):
        url = reverse(name, args=[account.pk])
        assert login_client().get(url).status_code == 302
        assert login_client(coord_a).get(url).status_code == 200
        assert login_client(admin).get(url).status_code == 200
        assert login_client(coord_b).get(url).status_code == 404
    toggle = reverse("billing:account_toggle", args=[account.pk])
    assert login_client(coord_b).post(toggle).status_code == 404
    assert CollectionAccount.objects.get(pk=account.pk).is_active
    listing = reverse("billing:account_list")
    assert list(login_client(coord_b).get(listing).context["table"].page.object_list) == []
    assert list(login_client(coord_a).get(listing).context["table"].page.object_list) == [account]
    assert list(login_client(admin).get(listing).context["table"].page.object_list) == [account]
    assert login_client(coord_a).get(reverse("billing:account_create")).status_code == 200


def test_coordinator_account_is_always_their_own(coord_a, coord_b):
    client = login_client(coord_a)
    data = {"coordinator": coord_b.pk, "bank_name": "BNI", "account_number": "123 456", "account_holder": "Budi"}
    response = client.post(reverse("billing:account_create"), data, follow=True)
    assert "Collection account BNI 123456 was added." in response.content.decode()
    account = CollectionAccount.objects.get()
    assert account.coordinator == coord_a and account.account_number == "123456"
    response = client.post(reverse("billing:account_create"), data)
    assert "already registered" in " ".join(response.context["form"].errors["account_number"])
    client.post(reverse("billing:account_toggle", args=[account.pk]))
    assert not CollectionAccount.objects.get().is_active


def test_admin_picks_the_coordinator(coord_a, admin):
    client = login_client(admin)
    data = {"bank_name": "BRI", "account_number": "999", "account_holder": "Budi"}
    response = client.post(reverse("billing:account_create"), data)
    assert "coordinator" in response.context["form"].errors
    response = client.post(reverse("billing:account_create"), {**data, "coordinator": coord_a.pk})
    assert response.status_code == 302
    account = CollectionAccount.objects.get()
    assert account.coordinator == coord_a
    response = client.post(
        reverse("billing:account_update", args=[account.pk]), {**data, "coordinator": coord_a.pk, "bank_name": "BRI "}
    )
    assert response.status_code == 302  # saving itself is no clash


def test_account_list_query_count(coord_a, admin, django_assert_max_num_queries):
    from lindung.core.tests.factories import CoordinatorFactory

    client = login_client(admin)
    url = reverse("billing:account_list")
    account_of(coord_a)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(6):
        account_of(CoordinatorFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)

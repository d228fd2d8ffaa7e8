import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lindung.contacts.models import Contact
from lindung.contacts.services import contact_create, contact_delete, contact_update
from lindung.core.tests.factories import region

from .factories import ContactFactory

pytestmark = pytest.mark.django_db


def _codes(exc, field):
    return [e.code for e in exc.value.error_dict[field]]


def test_admin_creates_with_normalised_numbers(admin):
    bengkalis = region("14.03", "Bengkalis")
    contact = contact_create(
        actor=admin,
        name="  BPJS Ketenagakerjaan   Bengkalis ",
        phone="(0766) 21234",
        whatsapp="0812 3456 7890",
        region=bengkalis,
        is_published=False,
    )
    assert contact.name == "BPJS Ketenagakerjaan Bengkalis"
    assert (contact.phone, contact.whatsapp) == ("+6276621234", "+6281234567890")
    assert contact.whatsapp_digits == "6281234567890"
    assert contact.region == bengkalis
    assert contact.is_published is False
    assert contact.created_by == admin
    assert contact.history.get().history_user == admin


def test_whatsapp_must_be_a_mobile(admin):
    with pytest.raises(ValidationError) as exc:
        contact_create(actor=admin, name="Helpdesk", whatsapp="0766-21234")
    assert _codes(exc, "whatsapp") == ["phone_not_mobile"]


def test_errors_are_reported_per_field(admin):
    with pytest.raises(ValidationError) as exc:
        contact_create(actor=admin, name=" ", phone="12", whatsapp="12")
    assert set(exc.value.error_dict) == {"name", "phone", "whatsapp"}
    assert not Contact.objects.exists()


@pytest.mark.parametrize("action", ["create", "update", "delete"])
def test_coordinators_may_not_write(action, coord_a):
    contact = ContactFactory()
    with pytest.raises(PermissionDenied):
        if action == "create":
            contact_create(actor=coord_a, name="X")
        elif action == "update":
            contact_update(actor=coord_a, contact=contact, name="X")
        else:
            contact_delete(actor=coord_a, contact=contact)
    assert Contact.objects.get().name == contact.name


def test_admin_updates_and_deletes(admin):
    contact = ContactFactory()
    contact_update(actor=admin, contact=contact, name="Helpdesk", phone="0812-1111-2222", is_published=False)
    contact.refresh_from_db()
    assert (contact.name, contact.phone, contact.whatsapp, contact.is_published) == (
        "Helpdesk",
        "+6281211112222",
        "",
        False,
    )
    contact_delete(actor=admin, contact=contact)
    assert not Contact.objects.exists()
    assert Contact.history.filter(history_type="-").get().history_user == admin

"""Writes to the contacts directory (FR-05): admins only."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.contacts.models import Contact
from lindung.contacts.phones import normalize_phone
from lindung.core import access
from lindung.core.phones import normalize_mobile
from lindung.regions.models import Region


def _check_admin(actor: User) -> None:
    access.require_may(access.principal_of(actor), Contact, "change")


def _clean(*, name: str, phone: str, whatsapp: str) -> dict[str, str]:
    errors: dict[str, list[ValidationError]] = {}
    cleaned = {"name": " ".join(name.split()), "phone": "", "whatsapp": ""}
    if not cleaned["name"]:
        errors["name"] = [ValidationError(_("Enter the contact's name."), code="required")]
    try:
        cleaned["phone"] = normalize_phone(phone)
    except ValidationError as exc:
        errors["phone"] = [exc]
    try:
        cleaned["whatsapp"] = normalize_mobile(whatsapp)
    except ValidationError as exc:
        errors["whatsapp"] = [exc]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _save(contact: Contact, actor: User) -> None:
    contact._history_user = actor  # type: ignore[attr-defined]  # simple_history reads it
    contact.save()


@transaction.atomic
def contact_create(
    *,
    actor: User,
    name: str,
    position: str = "",
    phone: str = "",
    whatsapp: str = "",
    email: str = "",
    address: str = "",
    region: Region | None = None,
    office_hours: str = "",
    is_published: bool = True,
) -> Contact:
    _check_admin(actor)
    contact = Contact(
        **_clean(name=name, phone=phone, whatsapp=whatsapp),
        position=position.strip(),
        email=email.strip(),
        address=address.strip(),
        region=region,
        office_hours=office_hours.strip(),
        is_published=is_published,
        created_by=actor,
    )
    _save(contact, actor)
    return contact


@transaction.atomic
def contact_update(
    *,
    actor: User,
    contact: Contact,
    name: str,
    position: str = "",
    phone: str = "",
    whatsapp: str = "",
    email: str = "",
    address: str = "",
    region: Region | None = None,
    office_hours: str = "",
    is_published: bool = True,
) -> Contact:
    _check_admin(actor)
    cleaned = _clean(name=name, phone=phone, whatsapp=whatsapp)
    contact.name = cleaned["name"]
    contact.phone = cleaned["phone"]
    contact.whatsapp = cleaned["whatsapp"]
    contact.position = position.strip()
    contact.email = email.strip()
    contact.address = address.strip()
    contact.region = region
    contact.office_hours = office_hours.strip()
    contact.is_published = is_published
    _save(contact, actor)
    return contact


@transaction.atomic
def contact_delete(*, actor: User, contact: Contact) -> None:
    _check_admin(actor)
    contact._history_user = actor  # type: ignore[attr-defined]
    contact.delete()

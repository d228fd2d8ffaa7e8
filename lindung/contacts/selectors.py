"""Reads of the contacts directory. Contacts belong to no coordinator, so the rule is not
core.scoping's: every signed-in user sees published entries, admins see all of them."""

import re

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from lindung.accounts.models import User
from lindung.contacts.models import Contact
from lindung.regions.models import Level, Region


def contact_list(*, user: User | AnonymousUser, region: Region | None = None) -> QuerySet[Contact]:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Contact.objects.none()
    contacts = Contact.objects.select_related("region")
    if not getattr(user, "is_admin", False):
        contacts = contacts.filter(is_published=True)
    if region is not None:
        # A region includes what lies under it: the regency's filter also shows its districts' contacts.
        contacts = contacts.filter(Q(region=region) | Q(region__code__startswith=f"{region.code}."))
    return contacts


def contact_search(contacts: QuerySet[Contact], q: str) -> QuerySet[Contact]:
    match = Q(name__icontains=q) | Q(position__icontains=q) | Q(email__icontains=q)
    # Numbers are stored as +62…; let people search the way they write them (0812…, 0812-34…).
    digits = re.sub(r"\D", "", q)
    if len(digits) >= 3:
        stored = "62" + digits[1:] if digits.startswith("0") else digits
        match |= Q(phone__contains=stored) | Q(whatsapp__contains=stored)
    return contacts.filter(match)


def contact_get_for_user(user: User | AnonymousUser, pk: int) -> Contact:
    """404 for a missing contact and for an unpublished one shown to a non-admin."""
    return get_object_or_404(contact_list(user=user), pk=pk)


def contact_regions_for_user(user: User | AnonymousUser) -> QuerySet[Region]:
    """Regions used by the contacts the user can see: the list filter's choices."""
    used = contact_list(user=user).exclude(region__isnull=True).values("region_id")
    return Region.objects.filter(pk__in=used).order_by("code")


def contact_form_regions(current_code: str | None = None) -> QuerySet[Region]:
    """Provinces and regencies/cities (about 550 rows, a select that stays light on a phone),
    plus the contact's current region whatever its level, so editing never drops it."""
    wanted = Q(level__lte=Level.REGENCY)
    if current_code:
        wanted |= Q(pk=current_code)
    return Region.objects.filter(wanted).order_by("code")

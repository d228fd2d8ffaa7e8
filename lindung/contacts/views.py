from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lindung.accounts.models import User
from lindung.contacts import selectors, services
from lindung.contacts.forms import ContactFilterForm, ContactForm
from lindung.contacts.models import Contact
from lindung.core import access
from lindung.core.permissions import signed_in
from lindung.core.tables import Column, build_table


class AuthedRequest(HttpRequest):
    user: User


def _require_admin(user: User) -> None:
    # Everyone reads the directory (FR-10, FR-15); only admins change it (FR-05).
    access.require_may(access.principal_of(user), Contact, "change")


def _columns(user: User) -> list[Column]:
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("position", _("Position or office"), sort="position"),
        Column("phone", _("Phone")),
        Column("whatsapp", _("WhatsApp")),
        Column("email", _("Email"), css="hide-sm"),
        Column("region", _("Region"), sort="region__name", css="hide-sm"),
    ]
    if access.may(access.principal_of(user), Contact, "change"):
        columns.append(Column("published", _("Shown"), sort="is_published", css="hide-sm"))
    return columns


@signed_in
def contact_list(request: AuthedRequest) -> HttpResponse:
    filter_form = ContactFilterForm(request.GET, user=request.user)
    region = filter_form.selected_region()
    table = build_table(
        request,
        selectors.contact_list(user=request.user, region=region),
        columns=_columns(request.user),
        default_sort="name",
        search=selectors.contact_search,
        filters={"region": region},
    )
    return render(request, "contacts/contact_list.html", {"table": table, "filter_form": filter_form})


@signed_in
def contact_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(request.user, pk)
    return render(request, "contacts/contact_detail.html", {"contact": contact})


def _apply_service_errors(form: ContactForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@signed_in
@require_http_methods(["GET", "POST"])
def contact_create(request: AuthedRequest) -> HttpResponse:
    _require_admin(request.user)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, _("Contact “%(name)s” was added.") % {"name": contact.name})
            return redirect("contacts:detail", pk=contact.pk)
    return render(request, "contacts/contact_form.html", {"form": form, "contact": None})


@signed_in
@require_http_methods(["GET", "POST"])
def contact_update(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_admin(request.user)
    contact: Contact = selectors.contact_get_for_user(request.user, pk)
    form = ContactForm(request.POST or None, contact=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(actor=request.user, contact=contact, **form.cleaned_data)
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, _("Contact “%(name)s” was changed.") % {"name": contact.name})
            return redirect("contacts:detail", pk=contact.pk)
    return render(request, "contacts/contact_form.html", {"form": form, "contact": contact})


@signed_in
@require_http_methods(["GET", "POST"])
def contact_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_admin(request.user)
    contact = selectors.contact_get_for_user(request.user, pk)
    if request.method == "POST":
        name = contact.name
        services.contact_delete(actor=request.user, contact=contact)
        messages.success(request, _("Contact “%(name)s” was deleted.") % {"name": name})
        return redirect("contacts:list")
    return render(request, "contacts/contact_confirm_delete.html", {"contact": contact})

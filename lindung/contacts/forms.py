from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.contacts import selectors
from lindung.contacts.models import Contact
from lindung.contacts.phones import normalize_phone
from lindung.core.phones import format_national, normalize_mobile
from lindung.regions.models import Region


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.kind_label})"


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    position = forms.CharField(label=_("Position or office"), max_length=150, required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False, help_text=_("Landline or mobile, e.g. 0766-21234.")
    )
    whatsapp = forms.CharField(
        label=_("WhatsApp"), max_length=20, required=False, help_text=_("A mobile number, e.g. 0812-3456-7890.")
    )
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    region = RegionChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)
    office_hours = forms.CharField(
        label=_("Office hours"), max_length=150, required=False, help_text=_("For example Mon–Fri 08.00–16.00.")
    )
    is_published = forms.BooleanField(
        label=_("Shown to all users"),
        required=False,
        initial=True,
        help_text=_("Untick to keep the entry visible to admins only."),
    )

    def __init__(self, *args: Any, contact: Contact | None = None, **kwargs: Any) -> None:
        if contact is not None:
            kwargs["initial"] = {
                "name": contact.name,
                "position": contact.position,
                "phone": format_national(contact.phone),
                "whatsapp": format_national(contact.whatsapp),
                "email": contact.email,
                "address": contact.address,
                "region": contact.region_id,
                "office_hours": contact.office_hours,
                "is_published": contact.is_published,
            }
        super().__init__(*args, **kwargs)
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ModelChoiceField)
        region_field.queryset = selectors.contact_form_regions(contact.region_id if contact else None)

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean_whatsapp(self) -> str:
        return normalize_mobile(self.cleaned_data["whatsapp"])


class ContactFilterForm(forms.Form):
    region = RegionChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False, empty_label=_("All regions")
    )

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ModelChoiceField)
        region_field.queryset = selectors.contact_regions_for_user(user)

    def selected_region(self) -> Region | None:
        self.is_valid()
        return self.cleaned_data.get("region")

"""Forms of the public and participant pages. Domain checks (NIK against birth date and
sex, phone, village, income and programs) are the services'; the forms parse input."""

import datetime
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lindung.contributions.models import Program
from lindung.contributions.selectors import rules_in_force
from lindung.participants.models import Sex
from lindung.regions.models import Level, Region
from lindung.regions.selectors import region_search

from .models import CorrectableField

DATE = forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d")
NIK = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 20})
VILLAGE_CHOICES_SHOWN = 20


def village_matches(query: str) -> list[Region]:
    """Villages whose name contains what was typed (the regions app's search)."""
    query = (query or "").strip()
    if len(query) < 3:
        return []
    rows = region_search(query=query, level=Level.VILLAGE).select_related("parent", "parent__parent")
    return list(rows.order_by("name", "code")[:VILLAGE_CHOICES_SHOWN])


def village_label(village: Region) -> str:
    district = village.parent
    regency = district.parent if district else None
    return ", ".join(r.name for r in (village, district, regency) if r is not None)


def program_choices(on: datetime.date) -> tuple[list[tuple[str, str]], list[str]]:
    """The informal workers' programs in force, and which are mandatory."""
    book = rules_in_force(on)
    labels = dict(Program.choices)
    mandatory = book.mandatory_programs("informal")
    choices = []
    for program in book.programs("informal"):
        suffix = _(" – mandatory") if program in mandatory else _(" – optional")
        choices.append((program, f"{labels.get(program, program.upper())}{suffix}"))
    return choices, mandatory


class RegistrationForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK (16 digits on your KTP)"),
        max_length=20,
        widget=NIK,
    )
    full_name = forms.CharField(label=_("Full name as on the KTP"), max_length=150)
    birth_place = forms.CharField(label=_("Place of birth"), max_length=100)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DATE)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    phone = forms.CharField(
        label=_("Mobile phone (WhatsApp)"),
        max_length=20,
        help_text=_("We send the answer and your sign-in codes here, e.g. 0812-3456-7890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("Email (optional)"), required=False)
    village_query = forms.CharField(
        label=_("Village (desa/kelurahan)"),
        max_length=100,
        required=False,
        help_text=_("Type at least three letters of the village name, then choose it from the list."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    village = forms.ChoiceField(label=_("Choose your village"), required=False)
    address = forms.CharField(
        label=_("Address (street, RT/RW)"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )
    occupation = forms.CharField(label=_("Occupation"), max_length=100, help_text=_("e.g. fisher, farmer, trader"))
    declared_income = forms.IntegerField(
        label=_("Monthly income (Rp)"),
        min_value=1,
        max_value=10_000_000_000,
        help_text=_("Whole rupiah, without dots, e.g. 1500000. Your contribution is counted from it."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
    )
    programs = forms.MultipleChoiceField(label=_("Programs"), widget=forms.CheckboxSelectMultiple)
    contact_consent = forms.BooleanField(
        label=_("I agree to be contacted by WhatsApp or SMS about my membership and contributions."), required=False
    )
    ktp_photo = forms.FileField(
        label=_("Photo of your KTP"),
        help_text=_("A clear photo of the front of the card. It is only seen by the coordinator who checks it."),
        # No "capture": many workers already have the KTP photo in their gallery.
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by naive bots.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args: Any, on: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices, self.mandatory = program_choices(on)
        programs = self.fields["programs"]
        assert isinstance(programs, forms.MultipleChoiceField)
        programs.choices = choices
        if not self.is_bound:
            self.initial.setdefault("programs", self.mandatory)
        self.matches = village_matches(str(self.data.get("village_query", ""))) if self.is_bound else []
        village = self.fields["village"]
        assert isinstance(village, forms.ChoiceField)
        chosen = self._chosen_code()
        known = {v.code for v in self.matches}
        extra = list(Region.objects.filter(code=chosen, level=Level.VILLAGE)) if chosen and chosen not in known else []
        village.choices = [("", _("– choose –"))] + [(v.code, village_label(v)) for v in extra + self.matches]

        self._live_checks()

    def _live_checks(self) -> None:
        """htmx attributes: the NIK check, the village list and the contribution appear
        while typing. Without JavaScript the same checks run when the form is sent."""
        nik_check = {
            "hx-get": reverse("selfservice:nik_check"),
            "hx-trigger": "keyup changed delay:400ms, change",
            "hx-target": "#nik-check",
            "hx-include": "[name=nik],[name=birth_date],[name=sex]",
            # The three fields share one queue: a newer check cancels one in flight, so
            # an older answer (NIK typed, no birth date yet) never lands last.
            "hx-sync": "#nik-check:replace",
        }
        for name in ("nik", "birth_date", "sex"):
            self.fields[name].widget.attrs.update(nik_check)
        self.fields["village_query"].widget.attrs.update(
            {
                "hx-get": reverse("selfservice:village_options"),
                "hx-trigger": "keyup changed delay:300ms",
                "hx-target": "#id_village",
            }
        )
        contribution = {
            "hx-get": reverse("selfservice:contribution"),
            "hx-trigger": "keyup changed delay:400ms, change",
            "hx-target": "#contribution",
            "hx-include": "[name=declared_income],[name=programs]",
            "hx-sync": "#contribution:replace",
        }
        self.fields["declared_income"].widget.attrs.update(contribution)
        self.fields["programs"].widget.attrs.update(contribution)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def _chosen_code(self) -> str:
        return str(self.data.get("village", "")) if self.is_bound else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = cleaned.get("village") or ""
        village = Region.objects.filter(code=code, level=Level.VILLAGE).first() if code else None
        if village is None and len(self.matches) == 1:
            village = self.matches[0]
        if village is None:
            query = (cleaned.get("village_query") or "").strip()
            if len(query) < 3:
                self.add_error("village_query", _("Type at least three letters of your village's name."))
            elif not self.matches:
                self.add_error("village_query", _("No village has this name. Check the spelling."))
            else:
                self.add_error("village", _("Several villages match: choose yours from the list."))
        cleaned["village"] = village
        return cleaned

    def registration_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("website", "village_query", "ktp_photo"):
            data.pop(name, None)
        return data


class SignInForm(forms.Form):
    nik = forms.CharField(label=_("NIK (16 digits on your KTP)"), max_length=20, widget=NIK)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DATE)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from WhatsApp or SMS"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(label=_("What is wrong?"), choices=CorrectableField.choices)
    new_value = forms.CharField(label=_("What it should say"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("Note for your coordinator (optional)"), max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the person is told)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

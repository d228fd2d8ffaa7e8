from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OUTREACH_PROGRAMS, ContactMethod, Outcome
from .selectors import MAX_WINDOW_MONTHS

PROGRAM_CHOICES = [(p.value, p.label) for p in OUTREACH_PROGRAMS]


class OutreachFilterForm(forms.Form):
    program = forms.ChoiceField(label=_("Program"), choices=PROGRAM_CHOICES, required=False)
    months = forms.IntegerField(
        label=_("Reaching the age within (months)"), min_value=0, max_value=MAX_WINDOW_MONTHS, required=False
    )


class ContactForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How"), choices=[c for c in ContactMethod.choices if c[0] != ContactMethod.MESSAGE]
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[c for c in Outcome.choices if c[0] != Outcome.QUEUED])
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    next_date = forms.DateField(label=_("Next step on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

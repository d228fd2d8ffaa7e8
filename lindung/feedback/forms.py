from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.regions.models import Region

from .models import FeedbackCategory, TicketStatus


class CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: FeedbackCategory) -> str:
        return obj.name


class TicketForm(forms.Form):
    category = CategoryChoice(label=_("About"), queryset=FeedbackCategory.objects.filter(active=True))
    subject = forms.CharField(label=_("Subject"), max_length=150)
    message = forms.CharField(label=_("Your message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))
    name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    phone = forms.CharField(
        label=_("Phone (WhatsApp)"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    email = forms.EmailField(label=_("Email"), required=False)
    village = forms.CharField(
        label=_("Village code (optional)"),
        max_length=13,
        required=False,
        help_text=_("So the coordinator of your village can answer; for example 14.03.01.2004."),
    )
    # A field people never see: bots fill every box.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args: Any, participant: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participant = participant
        if participant:
            for name in ("name", "phone", "email", "village"):
                del self.fields[name]

    def clean_village(self) -> Region | None:
        code = self.cleaned_data.get("village", "").strip()
        if not code:
            return None
        village = Region.objects.filter(level=4, code=code).first()
        if village is None:
            raise forms.ValidationError(_("No village has the code %(code)s."), params={"code": code})
        return village


class FollowForm(forms.Form):
    number = forms.CharField(label=_("Ticket number"), max_length=30)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("waiting", _("Waiting for an answer or being looked into")), *TicketStatus.choices],
    )
    category = forms.ChoiceField(label=_("About"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("All"))] + [(c.code, c.name) for c in FeedbackCategory.objects.all()]
        self.fields["category"].choices = choices  # type: ignore[attr-defined]

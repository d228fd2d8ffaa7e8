from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import Role, User
from lindung.regions.models import Region

from .models import Question


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    village = forms.CharField(label=_("Village code"), max_length=13, help_text=_("For example 14.03.01.2004."))
    place = forms.CharField(label=_("Place"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    coordinator = forms.ModelChoiceField(
        label=_("Coordinator"), queryset=User.objects.filter(role=Role.COORDINATOR, is_active=True), required=False
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, choose_coordinator: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not choose_coordinator:
            del self.fields["coordinator"]

    def clean_village(self) -> Region:
        code = self.cleaned_data["village"].strip()
        village = Region.objects.filter(level=4, code=code).first()
        if village is None:
            raise forms.ValidationError(_("No village has the code %(code)s."), params={"code": code})
        return village


class AttendeeListForm(forms.Form):
    lines = forms.CharField(
        label=_("People who came"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One person a line: name, phone."),
    )


class QuestionnaireForm(forms.Form):
    """One radio group per question; the answers are kept as {question id: index}."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=list(enumerate(question.choices)),
                coerce=int,
                widget=forms.RadioSelect,
                required=False,
            )

    def answers(self) -> dict[str, int]:
        return {name[1:]: value for name, value in self.cleaned_data.items() if name.startswith("q") and value != ""}


class CheckinForm(QuestionnaireForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "name": forms.CharField(label=_("Your name"), max_length=150),
            "phone": forms.CharField(
                label=_("Phone (optional)"),
                max_length=20,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "tel"}),
            ),
            **self.fields,
        }

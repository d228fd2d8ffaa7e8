from django import forms
from django.utils.translation import gettext_lazy as _

from ..claim import ClaimProgram
from .selectors import ArchiveQuery


class ArchiveSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, NIK, transaction code or file number"), required=False, max_length=150, strip=True
    )
    program = forms.ChoiceField(label=_("Program"), required=False, choices=[("", _("All")), *ClaimProgram.choices])
    box = forms.CharField(label=_("Box"), required=False, max_length=40)
    archived_from = forms.DateField(
        label=_("Archived from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    archived_to = forms.DateField(
        label=_("Archived to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("archived_from"), data.get("archived_to")
        if start and end and end < start:
            self.add_error("archived_to", _("The last day cannot be before the first."))
        return data

    def query(self) -> ArchiveQuery:
        data = self.cleaned_data
        return ArchiveQuery(
            q=data.get("q") or "",
            program=data.get("program") or "",
            box=data.get("box") or "",
            archived_from=data.get("archived_from"),
            archived_to=data.get("archived_to"),
        )

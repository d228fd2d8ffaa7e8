"""The arrears page's filters: the participant list's, plus the ageing bucket. Shared by
the page (reports), the letters and the letters job (billing)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from lindung.accounts.models import User
from lindung.core.widgets import FastSelect
from lindung.participants.filters import ParticipantFilterForm

BUCKET_LABELS = {
    "1": gettext_lazy("1 month"),
    "2": gettext_lazy("2 months"),
    "3": gettext_lazy("3 months"),
    "4-6": gettext_lazy("4–6 months"),
    "7+": gettext_lazy("over 6 months"),
}


class ArrearsFilterForm(ParticipantFilterForm):
    """The participant list's filters, plus the ageing bucket."""

    bucket = forms.ChoiceField(
        label=gettext_lazy("Months owed"),
        choices=[("", gettext_lazy("All")), *BUCKET_LABELS.items()],
        required=False,
        widget=FastSelect,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        del self.fields["possible_duplicate"]

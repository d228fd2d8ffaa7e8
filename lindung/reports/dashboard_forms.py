"""The dashboard's filters: district, village, group and coordinator exactly as on the
participant list (same form, same phone-sized district select), plus a period."""

import datetime
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.contributions.calculator import add_months
from lindung.participants.filters import ParticipantFilterForm

from .dashboard import Period, clean_filters, running_year

MAX_PERIOD_MONTHS = 24
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM", "pattern": r"\d{4}-\d{2}"})

    def to_python(self, value: Any) -> datetime.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        match = MONTH.match(text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)


class DashboardFilterForm(ParticipantFilterForm):
    start = MonthField(label=_("From month"), required=False)
    end = MonthField(label=_("To month"), required=False)

    def __init__(self, *args: Any, user: User, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        for name in ("status", "category", "possible_duplicate"):
            del self.fields[name]
        self.today = today

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The last month comes before the first."))
        elif start and end and add_months(start, MAX_PERIOD_MONTHS) <= end:
            self.add_error("end", _("Choose at most %(n)s months.") % {"n": MAX_PERIOD_MONTHS})
        return cleaned

    def period(self) -> Period:
        """The chosen months, or the running year; an invalid choice falls back too."""
        default = running_year(self.today)
        if not self.is_bound or not self.is_valid():
            return default
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        if start and not end:
            end = min(add_months(start, 11), default.last) if start <= default.last else start
        if end and not start:
            start = add_months(end, -11)
        return Period(start, end) if start and end else default

    def dashboard_filters(self) -> dict[str, Any]:
        return clean_filters(self.filters())

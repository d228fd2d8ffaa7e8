import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.participants.models import Participant

from .models import ContributionRule, Program, RuleCategory, RuleKind
from .selectors import RuleBook

MONTHS_LABELS = {1: _("1 month"), 3: _("3 months"), 6: _("6 months"), 12: _("12 months")}


class CalculatorForm(forms.Form):
    """The public calculator (SELF-3): an informal worker's income, JHT or not, months."""

    income = forms.IntegerField(
        label=_("Monthly income (Rp)"),
        min_value=1,
        max_value=10_000_000_000,
        help_text=_("Whole rupiah, without dots, e.g. 1500000."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
    )
    jht = forms.BooleanField(label=_("Add old-age savings (JHT, optional)"), required=False)
    months = forms.TypedChoiceField(label=_("Pay for"), coerce=int, initial=1)

    def __init__(self, *args: Any, month_options: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        months = self.fields["months"]
        assert isinstance(months, forms.ChoiceField)
        months.choices = [(m, MONTHS_LABELS.get(m, str(m))) for m in month_options]

    def programs(self) -> list[str]:
        optional = [Program.OLD_AGE.value] if self.cleaned_data.get("jht") else []
        return [Program.WORK_ACCIDENT.value, Program.DEATH.value, *optional]


RISK_TIERS = [
    ("", _("– choose –")),
    (1, _("1 – very low risk (0.24 %)")),
    (2, _("2 – low risk (0.54 %)")),
    (3, _("3 – medium risk (0.89 %)")),
    (4, _("4 – high risk (1.27 %)")),
    (5, _("5 – very high risk (1.74 %)")),
]


class ProgramsForm(forms.Form):
    programs = forms.MultipleChoiceField(label=_("Programs"), widget=forms.CheckboxSelectMultiple, required=False)
    risk_tier = forms.TypedChoiceField(
        label=_("Workplace risk tier (JKK)"), choices=RISK_TIERS, coerce=int, empty_value=None, required=False
    )
    declared_income = forms.IntegerField(label=_("Declared monthly income (Rp)"), min_value=1, required=False)
    since = forms.DateField(
        label=_("Starting from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Programs change from this date; earlier months keep what was chosen then."),
    )

    def __init__(self, *args: Any, participant: Participant, book: RuleBook, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mandatory = set(book.mandatory_programs(participant.category))
        programs = self.fields["programs"]
        assert isinstance(programs, forms.MultipleChoiceField)
        programs.choices = [
            (p, f"{Program(p).label}" + (f" – {_('mandatory')}" if p in mandatory else ""))
            for p in book.programs(participant.category)
        ]
        if participant.category != RuleCategory.WAGE_EARNER:
            del self.fields["risk_tier"]


# The value columns an admin can set for each kind of rule (the rest stay empty).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    RuleKind.PROGRAM_RATE: ("rate", "worker_rate", "amount", "payer", "mandatory"),
    RuleKind.JP_CEILING: ("amount",),
    RuleKind.MIN_INCOME: ("amount",),
    RuleKind.DUE_DATE: ("day", "month_offset", "next_working_day"),
    RuleKind.LATE_FINE: ("rate",),
    RuleKind.LAPSE: ("months",),
    RuleKind.PREPAY: ("options",),
}


class RuleVersionForm(forms.ModelForm):
    class Meta:
        model = ContributionRule
        fields = (
            "valid_from",
            "valid_to",
            "legal_basis",
            "note",
            "rate",
            "worker_rate",
            "amount",
            "payer",
            "mandatory",
            "day",
            "month_offset",
            "next_working_day",
            "months",
            "options",
        )
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, data: Any = None, *, base: ContributionRule, initial: dict[str, Any] | None = None) -> None:
        values = {name: getattr(base, name) for name in KIND_FIELDS.get(base.kind, ())}
        values.update(legal_basis=base.legal_basis, note=base.note, valid_from=None, **(initial or {}))
        super().__init__(data, initial=values)
        keep = {"valid_from", "valid_to", "legal_basis", "note", *KIND_FIELDS.get(base.kind, ())}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.fields["valid_from"].required = True

    def _post_clean(self) -> None:
        # Model validation runs in the service, which knows the key from the base rule.
        pass

    def version_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)
